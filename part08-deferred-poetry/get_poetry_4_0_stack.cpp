// Get Poetry client 4.0, stack edition: who calls a Deferred's callback? Part 8; read
// get_poetry_4_0.cpp first. This is the same client, except that its first callback, got_poem(),
// prints the call stack and ends the program on the spot, as part 5's get-poetry-stack does in
// data_received(). Its whole output is one stack, from main() through the reactor, the transport,
// our protocol and factory, and the Deferred's own machinery, down to got_poem(). Failed
// downloads are reported as in client 4.0; if none succeeds, there is no stack to print.
//
// From the repository root, with a server running (see part08-deferred-poetry/README.md):
//   build/bin/part08/get-poetry-stack 10000
#include <cstdio>
#include <cstdlib>
#include <functional>
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
#include "pim/stack.hpp"
#include "pim/tcp.hpp"

namespace {

struct Settings {
  std::string reactor;
  std::vector<pim::Address> addresses;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"get-poetry-stack", "[options] [host:]port ...",
       "Get Poetry client 4.0, stack edition (part 8): prints the call stack in the first\n"
       "callback of the first poem's Deferred, then exits at once. It prints no poem.\n"
       "Failures are reported on stderr as `Poem failed: [Failure: ...]`.",
       "build/bin/part08/get-poetry-stack 10000"});
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

}  // namespace

// Everything that should appear in the stack by name lives outside the anonymous namespace and
// is never inlined: only functions with an exported name of their own can be named in a stack
// (common/include/pim/stack.hpp explains why). This file is also compiled without sibling-call
// optimisation (see CMakeLists.txt): a call that is the last thing a function does could
// otherwise replace its caller's frame, and poem_finished() would vanish from the stack.
class PoetryProtocol : public pim::Protocol {
 public:
  void data_received(std::string_view data) override { poem_ += data; }
  [[gnu::noinline]] void connection_lost(const pim::Failure& reason) override;

 private:
  std::string poem_;
};

class PoetryClientFactory : public pim::ClientFactory {
 public:
  explicit PoetryClientFactory(pim::Deferred<std::string> deferred)
      : deferred_(std::move(deferred)) {
    set_protocol<PoetryProtocol>();
  }

  [[gnu::noinline]] void poem_finished(std::string poem) {
    if (auto d = take_deferred()) d->callback(std::move(poem));  // here the Deferred fires
  }

  [[gnu::noinline]] void poem_failed(const pim::Failure& reason) {
    if (auto d = take_deferred()) d->errback(reason);
  }

  void client_connection_failed(pim::Connector&, const pim::Failure& reason) override {
    poem_failed(reason);
  }

 private:
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

pim::Deferred<std::string> get_poetry(pim::Reactor& reactor, const std::string& host, int port) {
  pim::Deferred<std::string> d;
  auto factory = std::make_shared<PoetryClientFactory>(d);
  pim::connect_tcp(reactor, host, port, factory);
  return d;
}

//! [got-poem]
// The first callback of the chain: a plain function, so the stack can name it.
[[gnu::noinline]] void got_poem(std::string) {
  std::cout << "The call stack at got_poem(), outermost call first:\n";
  pim::print_stack(std::cout);
  std::cout.flush();
  // Leave now, as the tutorial's version does: the stack is all this program is for.
  std::_Exit(0);
}
//! [got-poem]

int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);

  // A std::function, not a bare lambda: the stage the Deferred makes from got_poem and
  // poem_failed is a type named after both, and a lambda's type has no exported name, so the
  // stage's frame would print as `??`.
  std::size_t errors = 0;
  std::function<void(const pim::Failure&)> poem_failed = [&](const pim::Failure& reason) {
    std::cerr << "Poem failed: " << reason << std::endl;
    ++errors;
  };
  auto poem_done = [&] {
    if (errors == settings.addresses.size()) reactor.stop();  // got_poem never returns
  };

  for (const pim::Address& address : settings.addresses) {
    pim::Deferred<std::string> d = get_poetry(reactor, address.host, address.port);
    d.add_callbacks(got_poem, poem_failed).add_both(poem_done);
  }
  reactor.run();
  // Only reached if every download failed.
  std::fprintf(stderr, "get-poetry-stack: no poem arrived, so there was no stack to print\n");
  return 1;
}
