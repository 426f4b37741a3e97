// Part 5, exercise 1 (medium): a time limit for each poem, with call_later() and
// lose_connection().
// This is a copy of get_poetry_2_0.cpp that already accepts `--timeout S` (0, the default, means
// no limit) but ignores it. Make it keep its promise (see the TODO markers):
//   - when a PoetryProtocol's connection is made (connection_made), schedule a call S seconds
//     later with call_later() on the factory's reactor, and keep the pim::DelayedCall it returns;
//   - if that call runs, the poem is late: print `Task N: timed out after S seconds` on stderr
//     (more text may follow on the same line), and close the connection from our side with
//     transport()->lose_connection(). connection_lost() still follows: make it count the task
//     as failed (download_failed), not as a poem;
//   - if the poem ends first (connection_lost), cancel the call, so no stale timer is left.
// A late task is left out of the totals, and the exit status is then 1. main() already
// complains about timers still pending when the program ends.
//
// Build and run it from the repository root (with one server started with --delay 60):
//   cmake --build build --target p05_ex01_timeout_exercise
//   build/bin/part05/exercises/ex01_timeout --timeout 2 10000 10001
// Check it with `./tutorial check 5`.
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
#include "pim/timers.hpp"
#include "pim/transport.hpp"

namespace {

struct Settings {
  std::string reactor;  // backend; empty: $PIM_REACTOR or epoll
  double timeout = 0;   // seconds per poem; 0: no limit
  std::vector<pim::Address> addresses;
};

pim::Options make_options(Settings& settings) {
  pim::Options options({"ex01_timeout", "[options] [host:]port ...",
                        "Part 5, exercise 1: client 2.0 with a time limit for each poem.",
                        "build/bin/part05/exercises/ex01_timeout --timeout 5 10000 10001 10002"});
  options.seconds("timeout", "S",
                  "give up on a poem not complete S seconds after connecting "
                  "(default 0: no limit)",
                  settings.timeout);
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

}  // namespace

// One download. The library builds one for each connection (through the factory below) and calls
// it; what we used to keep in a PoetrySocket is now just the task number and the poem so far.
class PoetryProtocol : public pim::Protocol {
 public:
  explicit PoetryProtocol(int task) : task_(task) {}

  // TODO: override connection_made() to start the timer.
  void data_received(std::string_view data) override;
  void connection_lost(const pim::Failure& reason) override;

 private:
  // TODO: a method for the timer to call, a member to keep the pim::DelayedCall in, and a way
  //       for connection_lost() to know that the poem was late.
  int task_;
  std::string poem_;
};

// Makes the protocols, numbers them, collects their poems, and stops the reactor when every
// address has either delivered a poem or failed.
class PoetryClientFactory : public pim::ClientFactory {
 public:
  PoetryClientFactory(pim::Reactor& reactor, std::size_t downloads, double timeout)
      : reactor_(reactor), left_(downloads), timeout_(timeout) {}

  std::shared_ptr<pim::Protocol> build_protocol(const std::string& address) override;
  void client_connection_failed(pim::Connector& connector, const pim::Failure& reason) override;

  // Called by PoetryProtocol::connection_lost().
  void poem_finished(int task, std::string poem);
  void download_failed() { one_done(); }

  std::size_t poems_received() const { return poems_.size(); }

  // For the protocols: the reactor that runs them, and the time limit for one poem.
  pim::Reactor& reactor() const { return reactor_; }
  double timeout() const { return timeout_; }

 private:
  void one_done();

  pim::Reactor& reactor_;
  std::size_t left_;  // addresses that have neither delivered nor failed yet
  double timeout_;    // seconds; 0: no limit
  int next_task_ = 1;
  std::vector<std::pair<int, std::string>> poems_;  // task and poem, in completion order
};

// TODO: connection_made(), and the function the timer calls. What should the timer's function
//       capture? By the time it runs, could the protocol be gone?

// Called by the transport with whatever one read returned: a few bytes or a few thousand.
void PoetryProtocol::data_received(std::string_view data) {
  poem_ += data;  // `data` points into the transport's buffer: copy what we keep
  std::printf("Task %d: got %zu bytes of poetry from %s\n", task_, data.size(),
              transport()->get_peer().c_str());
}

// The end of the connection, which for this protocol is the end of the poem. The reason tells an
// orderly close (ConnectionDone) from a broken connection.
void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  // TODO: the poem ended in time (or failed some other way): cancel its timer. And if it was
  //       late, count the task as failed instead of as a poem.
  if (!reason.check<pim::ConnectionDone>()) {
    std::fprintf(stderr, "Task %d: the connection broke: %s\n", task_, reason.to_string().c_str());
    factory<PoetryClientFactory>()->download_failed();
    return;
  }
  factory<PoetryClientFactory>()->poem_finished(task_, std::move(poem_));
}

// Called by the library once a connection is made, so task numbers follow the order in which
// connections complete. make_protocol() also links the protocol to this factory (Figure 8).
std::shared_ptr<pim::Protocol> PoetryClientFactory::build_protocol(const std::string&) {
  return make_protocol<PoetryProtocol>(next_task_++);
}

// No connection means no protocol, so the news comes to the factory.
void PoetryClientFactory::client_connection_failed(pim::Connector& connector, const pim::Failure&) {
  std::printf("Failed to connect to: %s\n", connector.get_destination().c_str());
  one_done();
}

void PoetryClientFactory::poem_finished(int task, std::string poem) {
  poems_.emplace_back(task, std::move(poem));
  one_done();
}

// No lock around the counter: callbacks run one at a time, on the reactor's thread.
void PoetryClientFactory::one_done() {
  if (--left_ > 0) return;
  for (const auto& [task, poem] : poems_) {
    std::printf("Task %d: %zu bytes of poetry\n", task, poem.size());
  }
  if (reactor_.running()) reactor_.stop();  // not if Ctrl-C got there first
}

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);

  pim::Stopwatch stopwatch;
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);
  auto factory =
      std::make_shared<PoetryClientFactory>(reactor, settings.addresses.size(), settings.timeout);
  for (const pim::Address& address : settings.addresses) {
    pim::connect_tcp(reactor, address.host, address.port, factory);  // returns at once
  }
  reactor.run();  // every connection, protocol and factory callback happens in here
  // A tidy program leaves no timer behind: each poem's timeout either ran or was cancelled.
  if (std::size_t left = reactor.delayed_calls().size(); left > 0) {
    std::fprintf(stderr, "ex01_timeout: %zu timer(s) still pending at exit\n", left);
  }

  std::printf("Got %zu poems in %s\n", factory->poems_received(), stopwatch.formatted().c_str());
  return factory->poems_received() == settings.addresses.size() ? 0 : 1;
}
