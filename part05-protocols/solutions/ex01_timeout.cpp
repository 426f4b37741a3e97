// Part 5, exercise 1 (medium), SOLUTION: a time limit for each poem, with call_later() and
// lose_connection(). A copy of get_poetry_2_0.cpp with `--timeout S`; the changes are marked
// `Exercise 1`. Each PoetryProtocol starts a timer in connection_made(); if it fires, the poem is
// late, and the protocol closes its own connection; if the poem ends first, connection_lost()
// cancels the timer.
//
// From the repository root (with one server started with --delay 60):
//   build/bin/part05/solutions/ex01_timeout --timeout 2 10000 10001
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
                        "build/bin/part05/solutions/ex01_timeout --timeout 5 10000 10001 10002"});
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
class PoetryProtocol : public pim::Protocol, public std::enable_shared_from_this<PoetryProtocol> {
 public:
  explicit PoetryProtocol(int task) : task_(task) {}

  void connection_made() override;  // Exercise 1
  void data_received(std::string_view data) override;
  void connection_lost(const pim::Failure& reason) override;

 private:
  void time_out(double seconds);  // Exercise 1

  int task_;
  std::string poem_;
  pim::DelayedCall timeout_;  // Exercise 1: empty when there is no limit
  bool late_ = false;         // Exercise 1: we closed the connection because time ran out
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

// Exercise 1: the connection is ready, so the clock starts now.
void PoetryProtocol::connection_made() {
  const double seconds = factory<PoetryClientFactory>()->timeout();
  if (seconds <= 0) return;
  // A weak_ptr: the timer must neither keep a finished protocol alive nor call one that is gone.
  std::weak_ptr<PoetryProtocol> weak = weak_from_this();
  timeout_ = factory<PoetryClientFactory>()->reactor().call_later(seconds, [weak, seconds] {
    if (auto protocol = weak.lock()) protocol->time_out(seconds);
  });
}

// Exercise 1: the timer ran, so the poem is late. lose_connection() closes the connection from
// our side; connection_lost() follows from the loop, with ConnectionDone, like any other end.
void PoetryProtocol::time_out(double seconds) {
  std::fprintf(stderr, "Task %d: timed out after %g seconds (%zu bytes received)\n", task_, seconds,
               poem_.size());
  late_ = true;
  transport()->lose_connection();
}

// Called by the transport with whatever one read returned: a few bytes or a few thousand.
void PoetryProtocol::data_received(std::string_view data) {
  poem_ += data;  // `data` points into the transport's buffer: copy what we keep
  std::printf("Task %d: got %zu bytes of poetry from %s\n", task_, data.size(),
              transport()->get_peer().c_str());
}

// The end of the connection, which for this protocol is the end of the poem. The reason tells an
// orderly close (ConnectionDone) from a broken connection.
void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  if (timeout_.active()) timeout_.cancel();  // Exercise 1: in time, the timer has no job left
  if (late_) {
    factory<PoetryClientFactory>()->download_failed();  // Exercise 1: already reported
    return;
  }
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
