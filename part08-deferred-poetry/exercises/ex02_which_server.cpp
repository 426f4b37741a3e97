// Exercise 2 of part 8: which server failed? (easy)
//
// Client 4.0 reports a failed download as `Poem failed: [Failure: ...]`, which does not say which
// of the servers on the command line it was. Make poem_failed say it, in exactly this form:
//   Poem from 127.0.0.1:10009 failed: [Failure: ConnectionRefusedError: Connection was refused]
// (HOST:PORT as pim::Address::to_string() writes it: a bare port on the command line is
// 127.0.0.1). Everything else stays as in client 4.0: the poems on stdout once all are done,
// exit status 1 if any failed. The errback cannot ask the Failure for the address; hand it over
// when you attach the errback, as an extra argument: `add_errback(f, extra...)` calls
// `f(failure, extra...)`.
//
// As shipped, this is client 4.0 and names no server: the check fails.
// Try it, change it, check it:
//   cmake --build build --target check08 &&
//       build/bin/part08/exercises/get-poetry-which-server 10000 10009 10001
//   ./tutorial check 8
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
      {"get-poetry-which-server", "[options] [host:]port ...",
       "Exercise 2 of part 8: client 4.0, saying which server each failure came from:\n"
       "`Poem from HOST:PORT failed: [Failure: ...]` on stderr.",
       "build/bin/part08/exercises/get-poetry-which-server 10000 10009 10001"});
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

void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  if (reason.check<pim::ConnectionDone>()) {
    factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
  } else {
    factory<PoetryClientFactory>()->poem_failed(reason);
  }
}

// Starts downloading a poem from host:port and returns at once. The Deferred fires later, from
// the reactor loop: with the whole poem, or with a Failure saying why there is none.
pim::Deferred<std::string> get_poetry(pim::Reactor& reactor, const std::string& host, int port) {
  pim::Deferred<std::string> d;
  auto factory = std::make_shared<PoetryClientFactory>(d);
  pim::connect_tcp(reactor, host, port, factory);
  return d;
}

int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);

  std::vector<std::string> poems;
  std::size_t errors = 0;
  auto got_poem = [&](std::string poem) { poems.push_back(std::move(poem)); };
  // TODO: take the server's address as a second parameter, and print it as the header comment
  //       shows.
  auto poem_failed = [&](const pim::Failure& reason) {
    std::cerr << "Poem failed: " << reason << std::endl;
    ++errors;
  };
  auto poem_done = [&] {
    if (poems.size() + errors == settings.addresses.size()) reactor.stop();
  };

  for (const pim::Address& address : settings.addresses) {
    pim::Deferred<std::string> d = get_poetry(reactor, address.host, address.port);
    // TODO: add_callbacks() takes no extra arguments. Attach got_poem with add_callback() and
    //       poem_failed with add_errback(), handing it the address too.
    d.add_callbacks(got_poem, poem_failed).add_both(poem_done);
  }
  reactor.run();

  for (const std::string& poem : poems)
    print_poem(poem);
  return errors == 0 && poems.size() == settings.addresses.size() ? 0 : 1;
}
