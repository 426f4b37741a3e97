// Get Poetry client, version 3.0: get_poetry() becomes a reusable asynchronous function that
// hands each poem to a callback. Part 6; read part05-protocols/get_poetry_2_1.cpp first.
// New here: the factory no longer keeps the poems or stops the reactor. It calls back whoever
// asked for the poem, and main() alone decides when the program is finished.
// Teaching code: the callback-only API has no way to report an error. Where Twisted's version
// waits forever for a server it cannot reach, this one gives up on every download (see
// client_connection_failed below); client 3.1, get_poetry_3_1.cpp, adds the missing error path.
//
// From the repository root, with three servers running (see part06-callbacks/README.md):
//   build/bin/part06/get-poetry 10000 10001 10002
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pim/address.hpp"
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
       "Get Poetry client 3.0 (part 6): get_poetry(reactor, host, port, callback) downloads a\n"
       "poem from each server; main() prints them, in the order they finished, once all are\n"
       "in. A bare port means 127.0.0.1. This version cannot report errors to its caller: if\n"
       "a server cannot be reached it gives up on every download (client 3.1 does better).",
       "build/bin/part06/get-poetry 10000 10001 10002"});
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

void print_poem(const std::string& poem) {
  std::fwrite(poem.data(), 1, poem.size(), stdout);
  if (!poem.empty() && poem.back() != '\n') std::putchar('\n');
  std::putchar('\n');  // a blank line between poems
}

}  // namespace

//! [callback-type]
// What get_poetry() calls with the finished poem.
using PoemCallback = std::function<void(std::string poem)>;
//! [callback-type]

//! [protocol]
// Unchanged from client 2.1: collect the bytes, report the poem when the connection ends.
class PoetryProtocol : public pim::Protocol {
 public:
  void data_received(std::string_view data) override { poem_ += data; }
  void connection_lost(const pim::Failure& reason) override;

 private:
  std::string poem_;
};
//! [protocol]

//! [factory]
// Makes PoetryProtocols and passes their poems on. It knows nothing about how many poems the
// program wants, or what it does with them.
class PoetryClientFactory : public pim::ClientFactory {
 public:
  PoetryClientFactory(pim::Reactor& reactor, PoemCallback callback)
      : reactor_(reactor), callback_(std::move(callback)) {
    set_protocol<PoetryProtocol>();
  }

  void poem_finished(std::string poem) { callback_(std::move(poem)); }

  void client_connection_failed(pim::Connector& connector, const pim::Failure& reason) override;

 private:
  pim::Reactor& reactor_;  // only for the stopgap in client_connection_failed()
  PoemCallback callback_;
};
//! [factory]

//! [connection-lost]
// Whatever the reason, the only thing this API can say is "here is a poem": a connection that
// broke half-way delivers half a poem, as if nothing had happened.
void PoetryProtocol::connection_lost(const pim::Failure& /*reason*/) {
  factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
}
//! [connection-lost]

//! [no-error-path]
// The library tells the factory that the connection failed, but the factory has nobody to tell:
// the callback takes poems, not errors. Twisted's version does nothing here, so its caller waits
// forever for a poem that will never come. Doing nothing is not an option for us, and the only
// thing left that does not hang is to give up on the whole program, for every caller, whatever
// they would have wanted. That decision does not belong in a reusable factory; 3.1 hands it back.
void PoetryClientFactory::client_connection_failed(pim::Connector& connector,
                                                   const pim::Failure& reason) {
  std::fprintf(stderr, "get-poetry: cannot get a poem from %s: %s\n",
               connector.get_destination().c_str(), reason.to_string().c_str());
  std::fprintf(stderr,
               "get-poetry: client 3.0 cannot report errors to its caller, so it stops every "
               "download (client 3.1 adds an errback)\n");
  if (reactor_.running()) reactor_.stop();
}
//! [no-error-path]

//! [get-poetry]
// Starts downloading a poem from host:port and returns at once. callback(poem) is called later,
// from the reactor loop, when the poem is complete.
void get_poetry(pim::Reactor& reactor, const std::string& host, int port, PoemCallback callback) {
  auto factory = std::make_shared<PoetryClientFactory>(reactor, std::move(callback));
  pim::connect_tcp(reactor, host, port, factory);
}
//! [get-poetry]

//! [main]
int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);

  // Our own code is now a callback too: the reactor calls the factory, which calls us.
  std::vector<std::string> poems;
  auto got_poem = [&](std::string poem) {
    poems.push_back(std::move(poem));
    if (poems.size() == settings.addresses.size() && reactor.running()) reactor.stop();
  };
  for (const pim::Address& address : settings.addresses) {
    get_poetry(reactor, address.host, address.port, got_poem);
  }
  reactor.run();

  for (const std::string& poem : poems)
    print_poem(poem);
  return poems.size() == settings.addresses.size() ? 0 : 1;
}
//! [main]
