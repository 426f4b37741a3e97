// Get Poetry client 2.0, stack edition: who calls data_received()? Part 5; read
// get_poetry_2_0.cpp first. This is the same client, except that the first time any protocol
// receives data it prints the call stack and ends the program on the spot. It downloads no
// poem: its whole output is one stack, in which you can find the transport's do_read() (the
// read descriptor of part 4, now inside the library) and the reactor loop above it.
//
// From the repository root, with a server running (see part05-protocols/README.md):
//   build/bin/part05/get-poetry-stack 10000
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pim/address.hpp"
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
       "Get Poetry client 2.0, stack edition (part 5): prints the call stack the first time\n"
       "data arrives, then exits at once. It downloads no poem.",
       "build/bin/part05/get-poetry-stack 10000"});
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

}  // namespace

// Outside the anonymous namespace, and never inlined: only a function with an exported name of
// its own shows up by name in the stack (common/include/pim/stack.hpp explains why).
class PoetryProtocol : public pim::Protocol {
 public:
  [[gnu::noinline]] void data_received(std::string_view data) override;
};

//! [data-received]
void PoetryProtocol::data_received(std::string_view) {
  std::cout << "The call stack at data_received(), outermost call first:\n";
  pim::print_stack(std::cout);
  std::cout.flush();
  // Leave now, as the tutorial's os._exit() does: no reactor shutdown, no destructors. The
  // stack is all this program is for.
  std::_Exit(0);
}
//! [data-received]

// Stops the reactor if no server sends anything (every connection failed or sent nothing), so the
// program never hangs.
class StackClientFactory : public pim::ClientFactory {
 public:
  StackClientFactory(pim::Reactor& reactor, std::size_t connections)
      : reactor_(reactor), left_(connections) {
    set_protocol<PoetryProtocol>();
  }

  void client_connection_failed(pim::Connector& connector, const pim::Failure&) override {
    std::printf("Failed to connect to: %s\n", connector.get_destination().c_str());
    one_done();
  }
  void client_connection_lost(pim::Connector&, const pim::Failure&) override { one_done(); }

 private:
  void one_done() {
    if (--left_ == 0 && reactor_.running()) reactor_.stop();
  }

  pim::Reactor& reactor_;
  std::size_t left_;
};

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);

  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);
  auto factory = std::make_shared<StackClientFactory>(reactor, settings.addresses.size());
  for (const pim::Address& address : settings.addresses) {
    pim::connect_tcp(reactor, address.host, address.port, factory);
  }
  reactor.run();
  // Only reached if data_received() never ran.
  std::fprintf(stderr, "get-poetry-stack: no data arrived, so there was no stack to print\n");
  return 1;
}
