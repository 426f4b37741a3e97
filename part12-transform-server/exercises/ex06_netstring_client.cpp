// Exercise 6 of part 12, the client half: poems in netstrings (medium).
//
// `netstring-get-poetry [--reactor B] [HOST:]PORT ...` is client 4.0 (part 8) for servers that
// send each poem as one netstring (ex06_netstring_server.cpp). The length in front is what the
// bare poetry protocol lacked: a connection that closes before LENGTH bytes and the `,` have
// arrived is now a failure, PoemIncompleteError, instead of a short poem passed off as whole.
// Output as client 4.0: the poems (without the netstring framing) on stdout once every download
// is over, each failure on stderr as `Poem failed: [Failure: ...]`, exit status 1 if any failed.
//
// As shipped, it prints the netstring framing as part of the poem: the check fails.
//
// Try it, change it, check it (with a netstring-poetry-server on port 10000):
//   cmake --build build --target check12 && build/bin/part12/exercises/netstring-get-poetry 10000
//   ./tutorial check 12
#include <iostream>
#include <memory>
#include <optional>
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
#include "pim/netstring.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/transport.hpp"

/// The connection ended before a whole netstring arrived.
class PoemIncompleteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PoetryClientFactory : public pim::ClientFactory {
 public:
  explicit PoetryClientFactory(pim::Deferred<std::string> deferred);

  void poem_finished(std::string poem) {
    if (auto d = std::exchange(deferred_, std::nullopt)) d->callback(std::move(poem));
  }
  void poem_failed(const pim::Failure& reason) {
    if (auto d = std::exchange(deferred_, std::nullopt)) d->errback(reason);
  }
  void client_connection_failed(pim::Connector&, const pim::Failure& reason) override {
    poem_failed(reason);
  }

 private:
  std::optional<pim::Deferred<std::string>> deferred_;
};

// TODO: read the poem as one netstring. Derive this class from pim::NetstringReceiver (its
//       data_received() is final: it decodes, and calls your string_received() with the poem).
//       Keep the poem from string_received(); in connection_lost(), report it if you have it,
//       and otherwise fail with a PoemIncompleteError (when the reason is ConnectionDone) or
//       with the reason itself.
class NetstringPoetryProtocol : public pim::Protocol {
 public:
  // As shipped: client 4.0's protocol, which takes the framing for part of the poem.
  void data_received(std::string_view data) override { poem_ += data; }
  void connection_lost(const pim::Failure& reason) override {
    if (reason.check<pim::ConnectionDone>()) {
      factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
    } else {
      factory<PoetryClientFactory>()->poem_failed(reason);
    }
  }

 private:
  std::string poem_;
};

PoetryClientFactory::PoetryClientFactory(pim::Deferred<std::string> deferred)
    : deferred_(std::move(deferred)) {
  set_protocol<NetstringPoetryProtocol>();
}

pim::Deferred<std::string> get_poetry(pim::Reactor& reactor, const std::string& host, int port) {
  pim::Deferred<std::string> d;
  pim::connect_tcp(reactor, host, port, std::make_shared<PoetryClientFactory>(d));
  return d;
}

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"netstring-get-poetry", "[options] [host:]port ...",
                        "Get Poetry client 4.0 for poems sent as netstrings (part 12, exercise 6).",
                        "build/bin/part12/solutions/netstring-get-poetry 10000"});
  pim::add_reactor_option(options, backend);
  std::vector<pim::Address> addresses = pim::parse_addresses_or_exit(options, argc, argv);
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  std::vector<std::string> poems;
  std::size_t errors = 0;
  auto got_poem = [&](std::string poem) { poems.push_back(std::move(poem)); };
  auto poem_failed = [&](const pim::Failure& reason) {
    std::cerr << "Poem failed: " << reason << std::endl;
    ++errors;
  };
  auto poem_done = [&] {
    if (poems.size() + errors == addresses.size()) reactor.stop();
  };
  for (const pim::Address& address : addresses)
    get_poetry(reactor, address.host, address.port)
        .add_callbacks(got_poem, poem_failed)
        .add_both(poem_done);
  reactor.run();

  for (const std::string& poem : poems) {
    std::cout << poem;
    if (!poem.empty() && poem.back() != '\n') std::cout << '\n';
    std::cout << '\n';
  }
  return errors == 0 ? 0 : 1;
}
