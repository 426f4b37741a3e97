// Get Poetry client, version 2.0: transports, protocols and a protocol factory. Part 5; read
// part04-descriptors/get_poetry_1_0.cpp first: this program does the same job and prints nearly
// the same lines.
// New here: not a socket in sight. pim::connect_tcp() makes each connection for us (without
// blocking, unlike client 1.0), the library's transport reads from it, and all we write is a
// PoetryProtocol that hears data_received() and connection_lost(), plus a PoetryClientFactory
// that builds one protocol per connection and hears about connections that could not be made.
// Teaching code: the factory stops the reactor itself, which only suits a program that does
// nothing but download poems; part 6 makes the download reusable.
//
// From the repository root, with three servers running (see part05-protocols/README.md):
//   build/bin/part05/get-poetry 10000 10001 10002
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pim/address.hpp"
#include "pim/elapsed.hpp"
#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/transport.hpp"

namespace {

struct Settings {
  std::string reactor;  // backend; empty: $PIM_REACTOR or epoll
  std::vector<pim::Address> addresses;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"get-poetry", "[options] [host:]port ...",
       "Get Poetry client 2.0 (part 5): downloads a poem from every server at once, with one\n"
       "PoetryProtocol per connection, built by a PoetryClientFactory. A bare port means\n"
       "127.0.0.1.",
       "build/bin/part05/get-poetry 10000 10001 10002"});
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

}  // namespace

// The two classes are outside the anonymous namespace so that a stack printed from inside them
// can name them (see get_poetry_stack.cpp).

//! [protocol]
// One download. The library builds one for each connection (through the factory below) and calls
// it; what we used to keep in a PoetrySocket is now just the task number and the poem so far.
class PoetryProtocol : public pim::Protocol {
 public:
  explicit PoetryProtocol(int task) : task_(task) {}

  void data_received(std::string_view data) override;
  void connection_lost(const pim::Failure& reason) override;

 private:
  int task_;
  std::string poem_;
};
//! [protocol]

//! [factory]
// Makes the protocols, numbers them, collects their poems, and stops the reactor when every
// address has either delivered a poem or failed.
class PoetryClientFactory : public pim::ClientFactory {
 public:
  PoetryClientFactory(pim::Reactor& reactor, std::size_t downloads)
      : reactor_(reactor), left_(downloads) {}

  std::shared_ptr<pim::Protocol> build_protocol(const std::string& address) override;
  void client_connection_failed(pim::Connector& connector, const pim::Failure& reason) override;

  // Called by PoetryProtocol::connection_lost().
  void poem_finished(int task, std::string poem);
  void download_failed() { one_done(); }

  std::size_t poems_received() const { return poems_.size(); }

 private:
  void one_done();

  pim::Reactor& reactor_;
  std::size_t left_;  // addresses that have neither delivered nor failed yet
  int next_task_ = 1;
  std::vector<std::pair<int, std::string>> poems_;  // task and poem, in completion order
};
//! [factory]

//! [data-received]
// Called by the transport with whatever one read returned: a few bytes or a few thousand.
void PoetryProtocol::data_received(std::string_view data) {
  poem_ += data;  // `data` points into the transport's buffer: copy what we keep
  std::printf("Task %d: got %zu bytes of poetry from %s\n", task_, data.size(),
              transport()->get_peer().c_str());
}
//! [data-received]

//! [connection-lost]
// The end of the connection, which for this protocol is the end of the poem. The reason tells an
// orderly close (ConnectionDone) from a broken connection.
void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  if (!reason.check<pim::ConnectionDone>()) {
    std::fprintf(stderr, "Task %d: the connection broke: %s\n", task_, reason.to_string().c_str());
    factory<PoetryClientFactory>()->download_failed();
    return;
  }
  factory<PoetryClientFactory>()->poem_finished(task_, std::move(poem_));
}
//! [connection-lost]

//! [build-protocol]
// Called by the library once a connection is made, so task numbers follow the order in which
// connections complete. make_protocol() also links the protocol to this factory (Figure 8).
std::shared_ptr<pim::Protocol> PoetryClientFactory::build_protocol(const std::string&) {
  return make_protocol<PoetryProtocol>(next_task_++);
}
//! [build-protocol]

//! [connection-failed]
// No connection means no protocol, so the news comes to the factory.
void PoetryClientFactory::client_connection_failed(pim::Connector& connector, const pim::Failure&) {
  std::printf("Failed to connect to: %s\n", connector.get_destination().c_str());
  one_done();
}
//! [connection-failed]

void PoetryClientFactory::poem_finished(int task, std::string poem) {
  poems_.emplace_back(task, std::move(poem));
  one_done();
}

//! [one-done]
// No lock around the counter: callbacks run one at a time, on the reactor's thread.
void PoetryClientFactory::one_done() {
  if (--left_ > 0) return;
  for (const auto& [task, poem] : poems_) {
    std::printf("Task %d: %zu bytes of poetry\n", task, poem.size());
  }
  if (reactor_.running()) reactor_.stop();  // not if Ctrl-C got there first
}
//! [one-done]

//! [main]
int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);

  pim::Stopwatch stopwatch;
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);
  auto factory = std::make_shared<PoetryClientFactory>(reactor, settings.addresses.size());
  for (const pim::Address& address : settings.addresses) {
    pim::connect_tcp(reactor, address.host, address.port, factory);  // returns at once
  }
  reactor.run();  // every connection, protocol and factory callback happens in here

  std::printf("Got %zu poems in %s\n", factory->poems_received(), stopwatch.formatted().c_str());
  return factory->poems_received() == settings.addresses.size() ? 0 : 1;
}
//! [main]
