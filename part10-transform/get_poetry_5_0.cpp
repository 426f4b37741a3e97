// Get Poetry client, version 5.0: a transformation stage in each poem's chain. Part 10; read
// part08-deferred-poetry/get_poetry_4_0.cpp first (get_poetry() below is client 4.0's, unchanged).
// New here: main() adds try_to_cummingsify() to each Deferred before its callback and errback.
// cummingsify() lower-cases a poem, but it is deliberately unreliable: for each poem it either
// succeeds, throws GibberishError, or throws StubbornCapitalsError. try_to_cummingsify() handles
// StubbornCapitalsError itself, with an ordinary try/catch, and lets GibberishError escape, which
// the Deferred turns into a Failure for poem_failed(). Poems are printed as they arrive.
// Teaching code: the random failures stand in for a complex transformation that sometimes breaks.
//
// From the repository root, with a server on port 10001 (run it several times, or pick a fate):
//   build/bin/part10/get-poetry 10001
//   build/bin/part10/get-poetry --seed 1 10001
//   build/bin/part10/get-poetry --outcome cannot 10001
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
      {"get-poetry", "[options] [host:]port ...",
       "Get Poetry client 5.0 (part 10): each poem goes through try_to_cummingsify() before it\n"
       "is printed. For every poem, cummingsify() chooses at random to lower-case it, to throw\n"
       "GibberishError (reported on stderr as `Poem failed: [Failure: GibberishError: ...]`)\n"
       "or to throw StubbornCapitalsError (handled inside try_to_cummingsify(): the poem is\n"
       "printed unchanged after a note). Poems are printed as they arrive. Exit status 1 if\n"
       "some poem was not printed. A bare port means 127.0.0.1.",
       "build/bin/part10/get-poetry --seed 1 10001"});
  pim::add_reactor_option(options, settings.reactor);
  options.integer("seed", "N",
                  "repeat the same random choices (one server: 2 lower-cases, 1 throws "
                  "GibberishError, 0 throws StubbornCapitalsError)",
                  settings.seed, 0, 4294967295);
  options.choice("outcome", "WHAT",
                 "choose for every poem: lower, gibberish, cannot (throw StubbornCapitalsError) or "
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

// The transformation failed harmlessly: the poem is still fine as it was. (Twisted's client
// throws a plain ValueError here; std::invalid_argument is the nearest standard exception.)
class StubbornCapitalsError : public std::invalid_argument {
 public:
  StubbornCapitalsError() : std::invalid_argument("the capitals would not come down") {}
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
      throw StubbornCapitalsError();
    case Fate::lower:
      break;
  }
  for (char& c : poem) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return poem;
}
//! [cummingsify]

//! [try-to-cummingsify]
// The first callback of each chain. It decides about the errors itself: GibberishError goes on
// (rethrown, so the Deferred makes it a Failure for the next errback); any other error is
// survivable, and the poem goes on unchanged. The Deferred never sees that second kind.
std::string try_to_cummingsify(std::string poem, Fates& fates) {
  try {
    return cummingsify(poem, fates);
  } catch (const GibberishError&) {
    throw;
  } catch (const std::exception& error) {
    std::cout << "Cummingsify failed (" << error.what() << "); here is the poem as it was.\n";
    return poem;
  }
}
//! [try-to-cummingsify]

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
  // Handles every failure before it: a failed download, and a GibberishError.
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
        .add_callback(try_to_cummingsify, std::ref(fates))  // calls try_to_cummingsify(poem, fates)
        .add_callbacks(got_poem, poem_failed)
        .add_both(poem_done);
  }
  //! [chain]
  reactor.run();
  return errors == 0 && poems == settings.addresses.size() ? 0 : 1;
}
