// LoopingCall: its schedule on a Clock (exact), and on every reactor backend.
#include "pim/looping_call.hpp"

#include <stdexcept>
#include <vector>

#include "pim/clock.hpp"
#include "pim/elapsed.hpp"
#include "pim/reactor.hpp"
#include "reactor_testing.hpp"

using pim::Clock;
using pim::LoopingCall;

TEST_CASE("a LoopingCall started now calls at once, then every interval",
          "[common][looping_call]") {
  Clock clock;
  std::vector<double> calls;
  LoopingCall loop(clock, [&] { calls.push_back(clock.seconds()); });
  CHECK_FALSE(loop.running());
  loop.start(1.5);
  CHECK(loop.running());
  CHECK(loop.interval() == 1.5);
  CHECK(calls == std::vector<double>{0.0});
  clock.pump({1, 0.5, 1.5});
  CHECK(calls == std::vector<double>{0.0, 1.5, 3.0});
  loop.stop();
  CHECK_FALSE(loop.running());
  clock.advance(10);
  CHECK(calls.size() == 3);
}

TEST_CASE("a LoopingCall started with now = false waits one interval first",
          "[common][looping_call]") {
  Clock clock;
  int calls = 0;
  LoopingCall loop(clock, [&] { ++calls; });
  loop.start(2, false);
  CHECK(calls == 0);
  clock.advance(2);
  CHECK(calls == 1);
}

TEST_CASE("a LoopingCall that falls behind skips the missed calls instead of replaying them",
          "[common][looping_call]") {
  Clock clock;
  std::vector<double> calls;
  LoopingCall loop(clock, [&] { calls.push_back(clock.seconds()); });
  loop.start(2, false);
  clock.advance(5);  // boundaries at 2 and 4 are both past: one call, at 5
  CHECK(calls == std::vector<double>{5.0});
  clock.advance(1);  // the schedule stays anchored at the start: next boundary is 6
  CHECK(calls == std::vector<double>{5.0, 6.0});
}

TEST_CASE("a LoopingCall passes its arguments", "[common][looping_call]") {
  Clock clock;
  std::vector<int> got;
  LoopingCall loop(
      clock, [&](int n) { got.push_back(n); }, 7);
  loop.start(1);
  CHECK(got == std::vector<int>{7});
}

TEST_CASE("a LoopingCall can stop itself from inside its function", "[common][looping_call]") {
  Clock clock;
  int left = 3;
  LoopingCall loop(clock, [&] {
    if (--left == 0) loop.stop();
  });
  loop.start(1);
  clock.pump({1, 1, 1, 1});
  CHECK(left == 0);
  CHECK_FALSE(loop.running());
  CHECK(clock.delayed_calls().empty());
}

TEST_CASE("misusing a LoopingCall throws", "[common][looping_call]") {
  Clock clock;
  LoopingCall loop(clock, [] {});
  CHECK_THROWS_AS(loop.stop(), std::logic_error);
  CHECK_THROWS_AS(loop.start(-1), std::invalid_argument);
  loop.start(1);
  CHECK_THROWS_AS(loop.start(1), std::logic_error);
}

TEST_CASE("a LoopingCall whose function throws stops running", "[common][looping_call]") {
  Clock clock;
  int calls = 0;
  LoopingCall loop(clock, [&] {
    if (++calls == 2) throw std::runtime_error("bad tick");
  });
  loop.start(1);
  CHECK_THROWS_WITH(clock.advance(1), "bad tick");
  CHECK_FALSE(loop.running());
  clock.advance(5);
  CHECK(calls == 2);
}

TEST_CASE("destroying a LoopingCall cancels its next call", "[common][looping_call]") {
  Clock clock;
  {
    LoopingCall loop(clock, [] {});
    loop.start(1);
    CHECK(clock.delayed_calls().size() == 1);
  }
  CHECK(clock.delayed_calls().empty());
}

TEST_CASE("a LoopingCall counts down on every reactor backend", "[common][looping_call][reactor]") {
  std::string backend = EACH_BACKEND();
  pim::Reactor reactor(backend);
  pim::testing::Watchdog watchdog(reactor);
  std::vector<int> seen;
  int counter = 3;
  LoopingCall countdown(reactor, [&] {
    seen.push_back(counter);
    if (--counter == 0) {
      countdown.stop();
      reactor.stop();
    }
  });
  reactor.call_when_running([&] { countdown.start(0.01); });
  pim::Stopwatch stopwatch;
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  CHECK(seen == std::vector<int>{3, 2, 1});
  CHECK(stopwatch.elapsed() >= std::chrono::milliseconds(20));
}
