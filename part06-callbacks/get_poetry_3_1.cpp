// Get Poetry client, version 3.1: callbacks and errbacks. Part 6; read get_poetry_3_0.cpp first.
// New here: get_poetry() takes a second function, the errback, and calls exactly one of the two
// for each poem: callback(poem) on success, errback(failure) with a pim::Failure that says what
// went wrong. The factory makes no decisions about errors any more; main() does.
// Teaching code: part 7 replaces the pair of functions with a single object, the Deferred.
//
// From the repository root, with two servers running and nothing on port 10009:
//   build/bin/part06/get-poetry-1 10000 10009 10001
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

namespace {

struct Settings {
  std::string reactor;
  std::vector<pim::Address> addresses;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"get-poetry-1", "[options] [host:]port ...",
       "Get Poetry client 3.1 (part 6): get_poetry(reactor, host, port, callback, errback)\n"
       "downloads a poem from each server. Poems are printed, in the order they finished, once\n"
       "every download has succeeded or failed; each failure is reported on stderr as\n"
       "`Poem failed: [Failure: ...]`. A bare port means 127.0.0.1.",
       "build/bin/part06/get-poetry-1 10000 10009 10001"});
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

void print_poem(const std::string& poem) {
  std::cout << poem;
  if (!poem.empty() && poem.back() != '\n') std::cout << '\n';
  std::cout << '\n';  // a blank line between poems
}

}  // namespace

//! [callback-types]
// The two code paths: one for the poem, one for the reason there is no poem.
using PoemCallback = std::function<void(std::string poem)>;
using PoemErrback = std::function<void(const pim::Failure& reason)>;
//! [callback-types]

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
  PoetryClientFactory(PoemCallback callback, PoemErrback errback)
      : callback_(std::move(callback)), errback_(std::move(errback)) {
    set_protocol<PoetryProtocol>();
  }

  void poem_finished(std::string poem) { callback_(std::move(poem)); }
  void poem_failed(const pim::Failure& reason) { errback_(reason); }

  // The library already hands us a Failure explaining the failed attempt: pass it on.
  void client_connection_failed(pim::Connector&, const pim::Failure& reason) override {
    poem_failed(reason);
  }

 private:
  PoemCallback callback_;
  PoemErrback errback_;
};
//! [factory]

//! [connection-lost]
// Now that there is an error path, use it: only a clean end of the connection (ConnectionDone)
// means the poem is complete. A connection that broke half-way (ConnectionLost, with the
// system's reason) is a failure, where 3.0 had to pass off half a poem as a whole one.
void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  if (reason.check<pim::ConnectionDone>()) {
    factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
  } else {
    factory<PoetryClientFactory>()->poem_failed(reason);
  }
}
//! [connection-lost]

//! [get-poetry]
// Starts downloading a poem from host:port and returns at once. Later, from the reactor loop,
// exactly one of callback(poem) and errback(failure) is called.
void get_poetry(pim::Reactor& reactor, const std::string& host, int port, PoemCallback callback,
                PoemErrback errback) {
  auto factory = std::make_shared<PoetryClientFactory>(std::move(callback), std::move(errback));
  pim::connect_tcp(reactor, host, port, factory);
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
  // Every download ends in exactly one of the two callbacks, so counting both tells us when
  // the last one is over.
  auto poem_done = [&] {
    if (poems.size() + errors == settings.addresses.size() && reactor.running()) reactor.stop();
  };
  auto got_poem = [&](std::string poem) {
    poems.push_back(std::move(poem));
    poem_done();
  };
  auto poem_failed = [&](const pim::Failure& reason) {
    std::cerr << "Poem failed: " << reason << std::endl;
    ++errors;
    poem_done();
  };
  for (const pim::Address& address : settings.addresses) {
    get_poetry(reactor, address.host, address.port, got_poem, poem_failed);
  }
  reactor.run();

  for (const std::string& poem : poems)
    print_poem(poem);
  return errors == 0 && poems.size() == settings.addresses.size() ? 0 : 1;
}
//! [main]
