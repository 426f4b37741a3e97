// Part 5, exercise 2 (easy), SOLUTION: the call stack of connection_lost().
// get_poetry_stack.cpp prints the stack at data_received(); this program lets the poem arrive and
// prints the stack when the connection ends instead. The change is marked `Exercise 2`. The
// questions about what the stack shows are in exercises/answers.md (answers in
// solutions/answers.md).
//
// From the repository root, with a server running (see part05-protocols/README.md):
//   build/bin/part05/solutions/ex02_connection_lost_stack 10000
//   build/bin/part05/solutions/ex02_connection_lost_stack --lose-connection 10000
//   build/bin/part05/solutions/ex02_connection_lost_stack --abort 10000
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
#include "pim/transport.hpp"

namespace {

// Who ends the connection.
enum class Ending {
  server,     // the server, when the poem is complete (the default)
  lose,       // we do, with lose_connection(), as soon as the first data arrives
  abort_now,  // we do, with abort_connection(), as soon as the first data arrives
};

struct Settings {
  Ending ending = Ending::server;
  pim::Address address;
};

Settings parse_settings(int argc, char** argv, std::string& reactor_choice, pim::Options& options) {
  bool lose = false;
  bool abort_now = false;
  options.flag("lose-connection", "close from our side with lose_connection() on the first data",
               lose);
  options.flag("abort", "close from our side with abort_connection() on the first data", abort_now);
  pim::add_reactor_option(options, reactor_choice);
  std::vector<std::string> arguments = options.parse_or_exit(argc, argv);
  if (arguments.size() != 1) options.usage_error("give exactly one server address ([host:]port)");
  if (lose && abort_now) options.usage_error("--lose-connection and --abort exclude each other");
  Settings settings;
  try {
    settings.address = pim::parse_address(arguments[0]);
  } catch (const pim::AddressError& error) {
    options.usage_error(error.what());
  }
  settings.ending = lose ? Ending::lose : abort_now ? Ending::abort_now : Ending::server;
  return settings;
}

}  // namespace

class StackClientFactory;

// Outside the anonymous namespace and never inlined, so that its name appears in the stack.
class PoetryProtocol : public pim::Protocol {
 public:
  void data_received(std::string_view data) override;
  [[gnu::noinline]] void connection_lost(const pim::Failure& reason) override;

 private:
  std::size_t received_ = 0;
};

// Reports failed connections, and stops the reactor if connection_lost() returns (which only the
// unsolved exercise lets it do).
class StackClientFactory : public pim::ClientFactory {
 public:
  StackClientFactory(pim::Reactor& reactor, Ending ending) : reactor_(reactor), ending_(ending) {
    set_protocol<PoetryProtocol>();
  }

  Ending ending() const { return ending_; }

  void client_connection_failed(pim::Connector& connector, const pim::Failure& reason) override {
    std::cout << "Failed to connect to: " << connector.get_destination() << ' ' << reason
              << std::endl;
    stop();
  }
  void client_connection_lost(pim::Connector&, const pim::Failure&) override { stop(); }

 private:
  void stop() {
    if (reactor_.running()) reactor_.stop();
  }

  pim::Reactor& reactor_;
  Ending ending_;
};

void PoetryProtocol::data_received(std::string_view data) {
  const bool first = received_ == 0;
  received_ += data.size();
  if (!first) return;
  const Ending ending = factory<StackClientFactory>()->ending();
  if (ending == Ending::lose) transport()->lose_connection();
  if (ending == Ending::abort_now) transport()->abort_connection();
}

//! [connection-lost]
void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  std::cout << "connection_lost(" << reason << ") after " << received_ << " bytes\n";
  // Exercise 2: show who called us, then leave at once, as get_poetry_stack.cpp does.
  std::cout << "The call stack at connection_lost(), outermost call first:\n";
  pim::print_stack(std::cout);
  std::cout.flush();
  std::_Exit(0);
}
//! [connection-lost]

int main(int argc, char** argv) {
  std::string reactor_choice;
  pim::Options options(
      {"ex02_connection_lost_stack", "[options] [host:]port",
       "Part 5, exercise 2: downloads one poem and prints the call stack at connection_lost().",
       "build/bin/part05/solutions/ex02_connection_lost_stack 10000"});
  Settings settings = parse_settings(argc, argv, reactor_choice, options);

  pim::Reactor reactor = pim::make_reactor_or_exit(options, reactor_choice);
  auto factory = std::make_shared<StackClientFactory>(reactor, settings.ending);
  pim::connect_tcp(reactor, settings.address.host, settings.address.port, factory);
  reactor.run();
  std::cerr << "ex02_connection_lost_stack: no stack was printed from connection_lost()\n";
  return 1;
}
