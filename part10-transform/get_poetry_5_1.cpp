// Get Poetry client, version 5.1: the Deferred routes the transformation's errors too. Part 10;
// read get_poetry_5_0.cpp first. New here: cummingsify() is a callback of its own, and when it
// cannot transform a poem it throws CannotCummingsify, which carries the original poem. The
// Deferred turns every exception into a Failure for the next errback, cummingsify_failed(), which
// uses failure.check<CannotCummingsify>() to pick out the errors it can handle and recovers with
// the original poem; any other Failure (GibberishError, a failed download) it passes on to
// poem_failed(). The output is the same as 5.0's; only the path through the chain differs.
//
// From the repository root, with a server on port 10001 (run it several times, or pick a fate):
//   build/bin/part10/get-poetry-1 10001
//   build/bin/part10/get-poetry-1 --seed 0 10001
//   build/bin/part10/get-poetry-1 --outcome cannot 10001
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pim/address.hpp"
#include "pim/deferred.hpp"
#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"

namespace {

struct Settings {
  std::string reactor;
  long seed = -1;  // -1: not given, so choose at random
  std::string outcome = "random";
  std::vector<pim::Address> addresses;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"get-poetry-1", "[options] [host:]port ...",
       "Get Poetry client 5.1 (part 10): each poem goes through the callback cummingsify() and\n"
       "the errback cummingsify_failed() before it is printed. For every poem, cummingsify()\n"
       "chooses at random to lower-case it, to throw GibberishError (reported on stderr as\n"
       "`Poem failed: [Failure: GibberishError: ...]`) or to throw CannotCummingsify (handled\n"
       "by cummingsify_failed(): the poem is printed unchanged after a note). Poems are printed\n"
       "as they arrive. Exit status 1 if some poem was not printed. A bare port means 127.0.0.1.",
       "build/bin/part10/get-poetry-1 --seed 0 10001"});
  pim::add_reactor_option(options, settings.reactor);
  options.integer("seed", "N",
                  "repeat the same random choices (one server: 2 lower-cases, 1 throws "
                  "GibberishError, 0 throws CannotCummingsify)",
                  settings.seed, 0, 4294967295);
  options.choice("outcome", "WHAT",
                 "choose for every poem: lower, gibberish, cannot (throw CannotCummingsify) or "
                 "random (the default)",
                 settings.outcome, {"random", "lower", "gibberish", "cannot"});
  return options;
}

void print_poem(const std::string& poem) {
  std::cout << poem;
  if (!poem.empty() && poem.back() != '\n') std::cout << '\n';
  std::cout << '\n';  // a blank line between poems
}

}  // namespace

// Client 4.0's protocol, factory and get_poetry(), unchanged.
class PoetryProtocol : public pim::Protocol {
 public:
  void data_received(std::string_view data) override { poem_ += data; }
  void connection_lost(const pim::Failure& reason) override;

 private:
  std::string poem_;
};

class PoetryClientFactory : public pim::ClientFactory {
 public:
  explicit PoetryClientFactory(pim::Deferred<std::string> deferred)
      : deferred_(std::move(deferred)) {
    set_protocol<PoetryProtocol>();
  }

  void poem_finished(std::string poem) {
    if (auto d = take_deferred()) d->callback(std::move(poem));
  }

  void poem_failed(const pim::Failure& reason) {
    if (auto d = take_deferred()) d->errback(reason);
  }

  void client_connection_failed(pim::Connector&, const pim::Failure& reason) override {
    poem_failed(reason);
  }

 private:
  // Fires at most once: the Deferred is handed over and forgotten.
  std::optional<pim::Deferred<std::string>> take_deferred() {
    return std::exchange(deferred_, std::nullopt);
  }

  std::optional<pim::Deferred<std::string>> deferred_;
};

void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  if (reason.check<pim::ConnectionDone>()) {
    factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
  } else {
    factory<PoetryClientFactory>()->poem_failed(reason);
  }
}

// Starts downloading a poem from host:port; the Deferred fires later with the poem or a Failure.
pim::Deferred<std::string> get_poetry(pim::Reactor& reactor, const std::string& host, int port) {
  pim::Deferred<std::string> d;
  pim::connect_tcp(reactor, host, port, std::make_shared<PoetryClientFactory>(d));
  return d;
}

//! [errors]
// The transformation failed in a way the program cannot work around: no poem for this server.
class GibberishError : public std::runtime_error {
 public:
  GibberishError() : std::runtime_error("the poem came out as gibberish") {}
};

// The transformation failed harmlessly (5.0's StubbornCapitalsError), and says so with the poem
// it was given, so that whoever handles it can fall back on that poem.
class CannotCummingsify : public std::runtime_error {
 public:
  explicit CannotCummingsify(std::string poem)
      : std::runtime_error("the capitals would not come down"),
        poem_(std::make_shared<const std::string>(std::move(poem))) {}

  const std::string& poem() const noexcept { return *poem_; }

 private:
  // Shared rather than a plain std::string, so that copying the exception cannot throw.
  std::shared_ptr<const std::string> poem_;
};
//! [errors]

//! [fates]
// What cummingsify() does with the next poem.
enum class Fate { lower, gibberish, cannot };

// Chooses a fate for each poem: always the one --outcome names, or at random. std::mt19937's
// sequence is fixed by the C++ standard, so a --seed makes the same choices with every compiler
// (unlike std::uniform_int_distribution, whose algorithm each library picks for itself).
class Fates {
 public:
  Fates(std::uint32_t seed, std::optional<Fate> forced) : engine_(seed), forced_(forced) {}

  Fate next() {
    if (forced_) return *forced_;
    return static_cast<Fate>(engine_() % 3);
  }

 private:
  std::mt19937 engine_;
  std::optional<Fate> forced_;
};
//! [fates]

Fates make_fates(const Settings& settings) {
  std::optional<Fate> forced;
  if (settings.outcome == "lower") forced = Fate::lower;
  if (settings.outcome == "gibberish") forced = Fate::gibberish;
  if (settings.outcome == "cannot") forced = Fate::cannot;
  const auto seed = settings.seed >= 0 ? std::uint32_t(settings.seed) : std::random_device{}();
  return Fates(seed, forced);
}

//! [cummingsify]
// Lower-cases the poem, in the style of e. e. cummings, or fails, as the fates decide. Only the
// ASCII letters change: the bytes of other UTF-8 characters pass through untouched.
std::string cummingsify(std::string poem, Fates& fates) {
  switch (fates.next()) {
    case Fate::gibberish:
      throw GibberishError();
    case Fate::cannot:
      throw CannotCummingsify(std::move(poem));
    case Fate::lower:
      break;
  }
  for (char& c : poem) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return poem;
}
//! [cummingsify]

//! [cummingsify-failed]
// The errback after cummingsify(). It recovers from the one error it understands by returning
// the original poem, which sends the chain back to the callback line; any other Failure it
// returns unchanged, which keeps the chain on the errback line.
pim::Outcome<std::string> cummingsify_failed(const pim::Failure& failure) {
  if (failure.check<CannotCummingsify>()) {
    std::cout << "Cummingsify failed (" << failure.what() << "); here is the poem as it was.\n";
    return failure.value<CannotCummingsify>()->poem();
  }
  return failure;
}
//! [cummingsify-failed]

int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);
  Fates fates = make_fates(settings);

  //! [callbacks]
  std::size_t poems = 0;
  std::size_t errors = 0;
  auto got_poem = [&](const std::string& poem) {
    print_poem(poem);
    ++poems;
  };
  // Handles every failure that reaches it: a failed download, and a GibberishError.
  auto poem_failed = [&](const pim::Failure& reason) {
    std::cerr << "Poem failed: " << reason << std::endl;
    ++errors;
  };
  auto poem_done = [&] {
    if (poems + errors == settings.addresses.size() && reactor.running()) reactor.stop();
  };
  //! [callbacks]

  //! [chain]
  for (const pim::Address& address : settings.addresses) {
    get_poetry(reactor, address.host, address.port)
        .add_callback(cummingsify, std::ref(fates))  // calls cummingsify(poem, fates)
        .add_errback(cummingsify_failed)
        .add_callbacks(got_poem, poem_failed)
        .add_both(poem_done);
  }
  //! [chain]
  reactor.run();
  return errors == 0 && poems == settings.addresses.size() ? 0 : 1;
}
