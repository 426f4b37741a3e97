// Get Poetry client, version 4.0: get_poetry() returns a Deferred. Part 8; read
// part06-callbacks/get_poetry_3_1.cpp first (this is client 3.1 reworked), and part 7 for the
// Deferred itself. New here: get_poetry() takes only the address and returns a
// pim::Deferred<std::string>, a result that has not arrived yet. The factory keeps that Deferred
// and fires it once: with the poem, or with a Failure. main() attaches its callback, errback and a
// final step to each Deferred, instead of handing functions to get_poetry().
//
// From the repository root, with two servers running and nothing on port 10009:
//   build/bin/part08/get-poetry 10000 10009 10001
#include <iostream>
#include <memory>
#include <optional>
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
  std::vector<pim::Address> addresses;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"get-poetry", "[options] [host:]port ...",
       "Get Poetry client 4.0 (part 8): get_poetry(reactor, host, port) returns a\n"
       "pim::Deferred<std::string> for each server. Poems are printed, in the order they\n"
       "finished, once every download has succeeded or failed; each failure is reported on\n"
       "stderr as `Poem failed: [Failure: ...]`. A bare port means 127.0.0.1.",
       "build/bin/part08/get-poetry 10000 10009 10001"});
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

void print_poem(const std::string& poem) {
  std::cout << poem;
  if (!poem.empty() && poem.back() != '\n') std::cout << '\n';
  std::cout << '\n';  // a blank line between poems
}

}  // namespace

// Client 3.1's protocol, unchanged: only a clean end of the connection means a whole poem.
class PoetryProtocol : public pim::Protocol {
 public:
  void data_received(std::string_view data) override { poem_ += data; }
  void connection_lost(const pim::Failure& reason) override;

 private:
  std::string poem_;
};

//! [factory]
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
  // Hands the Deferred over and forgets it, so this factory can fire it only once: a second
  // outcome finds nothing here, instead of an AlreadyCalledError.
  std::optional<pim::Deferred<std::string>> take_deferred() {
    return std::exchange(deferred_, std::nullopt);
  }

  std::optional<pim::Deferred<std::string>> deferred_;
};
//! [factory]

void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  if (reason.check<pim::ConnectionDone>()) {
    factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
  } else {
    factory<PoetryClientFactory>()->poem_failed(reason);
  }
}

//! [get-poetry]
// Starts downloading a poem from host:port and returns at once. The Deferred fires later, from
// the reactor loop: with the whole poem, or with a Failure saying why there is none.
pim::Deferred<std::string> get_poetry(pim::Reactor& reactor, const std::string& host, int port) {
  pim::Deferred<std::string> d;
  auto factory = std::make_shared<PoetryClientFactory>(d);
  pim::connect_tcp(reactor, host, port, factory);
  return d;
}
//! [get-poetry]

//! [main]
int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);

  std::vector<std::string> poems;
  std::size_t errors = 0;
  auto got_poem = [&](std::string poem) { poems.push_back(std::move(poem)); };
  auto poem_failed = [&](const pim::Failure& reason) {
    std::cerr << "Poem failed: " << reason << std::endl;
    ++errors;
  };
  // Runs after got_poem or poem_failed, whichever ran: the one place that decides to stop.
  auto poem_done = [&] {
    if (poems.size() + errors == settings.addresses.size()) reactor.stop();
  };

  for (const pim::Address& address : settings.addresses) {
    pim::Deferred<std::string> d = get_poetry(reactor, address.host, address.port);
    d.add_callbacks(got_poem, poem_failed).add_both(poem_done);
  }
  reactor.run();

  for (const std::string& poem : poems)
    print_poem(poem);
  return errors == 0 && poems.size() == settings.addresses.size() ? 0 : 1;
}
//! [main]
