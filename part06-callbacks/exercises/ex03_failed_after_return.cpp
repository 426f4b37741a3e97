// Exercise 3 of part 6: when does client_connection_failed() run? (easy)
//
// Client 3.1 cut down to one poem, with a line printed at every step, so that the output shows
// the order in which things really happen. With nothing listening on port P:
//   build/bin/part06/solutions/failed-after-return P
// prints exactly:
//   main: calling get_poetry
//   get_poetry: calling connect_tcp
//   started_connecting: 127.0.0.1:P
//   get_poetry: connect_tcp returned
//   main: get_poetry returned
//   main: running the reactor
//   client_connection_failed: [Failure: ConnectionRefusedError: Connection was refused]
//   poem_failed: [Failure: ConnectionRefusedError: Connection was refused]
//   main: the reactor stopped
// With a server on P, the two failure lines become one line `got_poem: N bytes`.
//
// As shipped, only main() and the two callbacks print: the check fails. Add the missing lines
// where the TODOs say, run the program, and look at where client_connection_failed lands.
//
// Try it, change it, check it:
//   cmake --build build --target check06 && build/bin/part06/exercises/failed-after-return 10009
//   ./tutorial check 6
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pim/address.hpp"
#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"

using PoemCallback = std::function<void(std::string poem)>;
using PoemErrback = std::function<void(const pim::Failure& reason)>;

class PoetryProtocol : public pim::Protocol {
 public:
  void data_received(std::string_view data) override { poem_ += data; }
  void connection_lost(const pim::Failure& reason) override;

 private:
  std::string poem_;
};

class PoetryClientFactory : public pim::ClientFactory {
 public:
  PoetryClientFactory(PoemCallback callback, PoemErrback errback)
      : callback_(std::move(callback)), errback_(std::move(errback)) {
    set_protocol<PoetryProtocol>();
  }

  void poem_finished(std::string poem) { callback_(std::move(poem)); }
  void poem_failed(const pim::Failure& reason) { errback_(reason); }

  // TODO: override started_connecting(pim::Connector& connector) to print
  //       `started_connecting: HOST:PORT` (the connector's get_destination()).

  void client_connection_failed(pim::Connector&, const pim::Failure& reason) override {
    // TODO: print `client_connection_failed: ` and the reason (a Failure prints with <<).
    poem_failed(reason);
  }

 private:
  PoemCallback callback_;
  PoemErrback errback_;
};

void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  if (reason.check<pim::ConnectionDone>()) {
    factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
  } else {
    factory<PoetryClientFactory>()->poem_failed(reason);
  }
}

void get_poetry(pim::Reactor& reactor, const std::string& host, int port, PoemCallback callback,
                PoemErrback errback) {
  auto factory = std::make_shared<PoetryClientFactory>(std::move(callback), std::move(errback));
  // TODO: print `get_poetry: calling connect_tcp` here...
  pim::connect_tcp(reactor, host, port, factory);
  // TODO: ...and `get_poetry: connect_tcp returned` here.
}

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"failed-after-return", "[options] [host:]port",
                        "Exercise 3 of part 6: prints a line at each step of one poem download, "
                        "to show\nthat client_connection_failed() runs after get_poetry() has "
                        "returned.",
                        "build/bin/part06/solutions/failed-after-return 10009"});
  pim::add_reactor_option(options, backend);
  std::vector<std::string> arguments = options.parse_or_exit(argc, argv);
  if (arguments.size() != 1) options.usage_error("give exactly one server address ([host:]port)");
  pim::Address address{};
  try {
    address = pim::parse_address(arguments[0]);
  } catch (const pim::AddressError& error) {
    options.usage_error(error.what());
  }

  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  auto got_poem = [&](std::string poem) {
    std::cout << "got_poem: " << poem.size() << " bytes\n";
    if (reactor.running()) reactor.stop();
  };
  auto poem_failed = [&](const pim::Failure& reason) {
    std::cout << "poem_failed: " << reason << '\n';
    if (reactor.running()) reactor.stop();
  };
  std::cout << "main: calling get_poetry\n";
  get_poetry(reactor, address.host, address.port, got_poem, poem_failed);
  std::cout << "main: get_poetry returned\n";
  std::cout << "main: running the reactor\n";
  reactor.run();
  std::cout << "main: the reactor stopped\n";
}
