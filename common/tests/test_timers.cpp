// Timed calls: deterministic semantics on a Clock, the queue's internals, and real timers on
// every reactor backend.
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "pim/clock.hpp"
#include "pim/detail/timer_queue.hpp"
#include "pim/elapsed.hpp"
#include "pim/error.hpp"
#include "pim/reactor.hpp"
#include "pim/timers.hpp"
#include "reactor_testing.hpp"

using Catch::Detail::Approx;
using pim::Clock;
using pim::DelayedCall;
using pim::testing::Watchdog;

// --- On a Clock: exact and instant --------------------------------------------------------------

TEST_CASE("timed calls run in deadline order, and calls due together in scheduling order",
          "[common][timers]") {
  Clock clock;
  std::vector<int> order;
  clock.call_later(2, [&] { order.push_back(4); });
  clock.call_later(1, [&] { order.push_back(1); });
  clock.call_later(1, [&] { order.push_back(2); });
  clock.call_later(1.0, [&] { order.push_back(3); });
  clock.advance(0.5);
  CHECK(order.empty());
  clock.advance(0.5);
  CHECK(order == std::vector<int>{1, 2, 3});
  clock.advance(5);
  CHECK(order == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("call_later passes its arguments and accepts chrono durations", "[common][timers]") {
  using namespace std::chrono_literals;
  Clock clock;
  struct Poem {
    std::vector<std::string> lines;
    void add(const std::string& line) { lines.push_back(line); }
  } poem;
  clock.call_later(250ms, &Poem::add, &poem, std::string("second"));
  clock.call_later(
      0.1, [&](const std::string& line) { poem.add(line); }, "first");
  clock.advance(0.25);
  CHECK(poem.lines == std::vector<std::string>{"first", "second"});
}

TEST_CASE("a DelayedCall reports its time and state", "[common][timers]") {
  Clock clock;
  clock.advance(10);
  DelayedCall call = clock.call_later(5, [] {});
  CHECK(call.time() == Approx(15.0));
  CHECK(call.active());
  CHECK_FALSE(call.called());
  CHECK_FALSE(call.cancelled());
  CHECK(clock.delayed_calls().size() == 1);
  clock.advance(5);
  CHECK_FALSE(call.active());
  CHECK(call.called());
  CHECK(clock.delayed_calls().empty());
  CHECK_FALSE(DelayedCall().active());
  CHECK_FALSE(DelayedCall());
}

TEST_CASE("a call is not active while it runs and cannot cancel itself", "[common][timers]") {
  Clock clock;
  DelayedCall call;
  bool active_inside = true;
  bool threw_already_called = false;
  call = clock.call_later(1, [&] {
    active_inside = call.active();
    try {
      call.cancel();
    } catch (const pim::AlreadyCalled&) {
      threw_already_called = true;
    }
  });
  clock.advance(1);
  CHECK_FALSE(active_inside);
  CHECK(threw_already_called);
}

TEST_CASE("cancel stops a call; cancelling twice or after it ran throws a named error",
          "[common][timers]") {
  Clock clock;
  bool ran = false;
  DelayedCall call = clock.call_later(1, [&] { ran = true; });
  call.cancel();
  CHECK(call.cancelled());
  CHECK_FALSE(call.active());
  CHECK_THROWS_AS(call.cancel(), pim::AlreadyCancelled);
  CHECK_THROWS_AS(call.reset(1), pim::AlreadyCancelled);
  CHECK_THROWS_AS(call.delay(1), pim::AlreadyCancelled);
  clock.advance(2);
  CHECK_FALSE(ran);

  DelayedCall done = clock.call_later(1, [] {});
  clock.advance(1);
  CHECK_THROWS_AS(done.cancel(), pim::AlreadyCalled);
  CHECK_THROWS_AS(done.reset(1), pim::AlreadyCalled);
  CHECK_THROWS_AS(done.delay(1), pim::AlreadyCalled);
  CHECK_THROWS_AS(DelayedCall().cancel(), std::logic_error);
}

TEST_CASE("cancelling frees what the call captured at once", "[common][timers]") {
  Clock clock;
  auto poem = std::make_shared<int>(42);
  DelayedCall call = clock.call_later(100, [poem] {});
  CHECK(poem.use_count() == 2);
  call.cancel();
  CHECK(poem.use_count() == 1);
}

TEST_CASE("reset() counts from now and delay() from the deadline", "[common][timers]") {
  Clock clock;
  std::vector<double> ran_at;
  auto record = [&] { ran_at.push_back(clock.seconds()); };
  DelayedCall delayed = clock.call_later(5, record);
  delayed.delay(2);  // 5 -> 7
  CHECK(delayed.time() == Approx(7.0));
  DelayedCall reset = clock.call_later(5, record);
  clock.advance(3);
  reset.reset(1);  // now (3) + 1 = 4: earlier than planned
  CHECK(reset.time() == Approx(4.0));
  DelayedCall later = clock.call_later(1, record);  // due at 4 as well, but scheduled after
  later.reset(6);                                   // 3 + 6 = 9: later than planned
  delayed.delay(-1);                                // 7 -> 6
  clock.pump({1, 1, 1, 1, 1, 1});
  CHECK(ran_at == std::vector<double>{4.0, 6.0, 9.0});
}

TEST_CASE("a reset call counts as scheduled last among calls due at the same time",
          "[common][timers]") {
  Clock clock;
  std::vector<int> order;
  DelayedCall first = clock.call_later(2, [&] { order.push_back(1); });
  clock.call_later(1, [&] { order.push_back(2); });
  first.reset(1);
  clock.advance(1);
  CHECK(order == std::vector<int>{2, 1});
}

TEST_CASE("a negative or NaN delay is refused", "[common][timers]") {
  Clock clock;
  CHECK_THROWS_AS(clock.call_later(-1, [] {}), std::invalid_argument);
  CHECK_THROWS_AS(clock.call_later(std::nan(""), [] {}), std::invalid_argument);
  CHECK_THROWS_AS(clock.advance(-1), std::invalid_argument);
  DelayedCall call = clock.call_later(1, [] {});
  CHECK_THROWS_AS(call.reset(std::nan("")), std::invalid_argument);
  // An enormous delay is clamped, not wrapped into the past.
  DelayedCall forever = clock.call_later(std::numeric_limits<double>::infinity(), [] {});
  clock.advance(1e6);
  CHECK(forever.active());
}

TEST_CASE("Clock::advance runs calls scheduled during it if they are due", "[common][timers]") {
  Clock clock;
  std::vector<int> order;
  clock.call_later(1, [&] {
    order.push_back(1);
    clock.call_later(0, [&] { order.push_back(2); });
    clock.call_later(5, [&] { order.push_back(3); });
  });
  clock.advance(1);
  CHECK(order == std::vector<int>{1, 2});
}

TEST_CASE("Clock::advance lets an exception out and keeps the rest for later", "[common][timers]") {
  Clock clock;
  bool second = false;
  clock.call_later(1, [] { throw std::runtime_error("boom"); });
  clock.call_later(1, [&] { second = true; });
  CHECK_THROWS_WITH(clock.advance(1), "boom");
  CHECK_FALSE(second);
  clock.advance(0);
  CHECK(second);
}

TEST_CASE("a DelayedCall outliving its scheduler is inactive and cannot be moved",
          "[common][timers]") {
  DelayedCall call;
  {
    Clock clock;
    call = clock.call_later(1, [] {});
  }
  CHECK_FALSE(call.active());
  CHECK_THROWS_AS(call.reset(1), std::logic_error);
  call.cancel();  // still allowed: a no-op decision
  CHECK(call.cancelled());
}

TEST_CASE("the timer queue throws away cancelled entries before they pile up", "[common][timers]") {
  Clock clock;
  pim::detail::TimerQueue queue(clock);
  auto make = [] {
    auto noop = [] {};
    return std::make_shared<pim::detail::TimedCallOf<decltype(noop)>>(pim::Where(),
                                                                      std::move(noop));
  };
  auto keep = make();
  queue.add(keep, std::chrono::seconds(1));
  for (int i = 0; i < 10000; ++i) {
    auto call = make();
    queue.add(call, std::chrono::hours(1));
    queue.cancel(*call);
  }
  CHECK(queue.entries() < 200);
  CHECK(queue.pending().size() == 1);
  REQUIRE(queue.next_deadline() == std::chrono::nanoseconds(std::chrono::seconds(1)));
  CHECK(queue.pop_due(std::chrono::seconds(1), std::numeric_limits<std::uint64_t>::max()) == keep);
}

TEST_CASE("moving a call later many times does not grow the queue", "[common][timers]") {
  Clock clock;
  pim::detail::TimerQueue queue(clock);
  auto noop = [] {};
  auto call =
      std::make_shared<pim::detail::TimedCallOf<decltype(noop)>>(pim::Where(), std::move(noop));
  queue.add(call, std::chrono::seconds(1));
  for (int i = 2; i < 1000; ++i) {
    queue.reschedule(call, std::chrono::seconds(i));
  }
  CHECK(queue.entries() == 1);  // lazily re-filed, never re-pushed
  CHECK(queue.next_deadline() == std::chrono::nanoseconds(std::chrono::seconds(999)));
}

// --- On a real reactor, every backend -----------------------------------------------------------

TEST_CASE("reactor timers run in deadline order and not before their delay",
          "[common][timers][reactor]") {
  std::string backend = EACH_BACKEND();
  pim::Reactor reactor(backend);
  Watchdog watchdog(reactor);
  std::vector<int> order;
  pim::Stopwatch stopwatch;
  std::chrono::nanoseconds first_at{};
  reactor.call_later(0.03, [&] {
    order.push_back(3);
    reactor.stop();
  });
  reactor.call_later(0.01, [&] {
    first_at = stopwatch.elapsed();
    order.push_back(1);
  });
  reactor.call_later(0.02, [&] { order.push_back(2); });
  reactor.run();
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK(first_at >= std::chrono::milliseconds(10));
}

TEST_CASE("reactor timers can be cancelled, reset and delayed", "[common][timers][reactor]") {
  std::string backend = EACH_BACKEND();
  pim::Reactor reactor(backend);
  Watchdog watchdog(reactor);
  std::vector<std::string> order;
  DelayedCall cancelled = reactor.call_later(0.01, [&] { order.push_back("cancelled"); });
  DelayedCall soon = reactor.call_later(60, [&] { order.push_back("reset"); });
  DelayedCall pushed = reactor.call_later(0.001, [&] { order.push_back("delayed"); });
  reactor.call_later(0.05, [&] { reactor.stop(); });
  const double planned = pushed.time();
  pushed.delay(0.02);
  CHECK(pushed.time() == Approx(planned + 0.02));
  CHECK(soon.time() == Approx(reactor.seconds() + 60).margin(1));
  soon.reset(0.01);
  cancelled.cancel();
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  CHECK(order == std::vector<std::string>{"reset", "delayed"});
}

TEST_CASE("a 0-second timer rescheduling itself does not starve a ready socket",
          "[common][timers][reactor]") {
  std::string backend = EACH_BACKEND();
  pim::Reactor reactor(backend);
  Watchdog watchdog(reactor);
  pim::testing::SocketPair pair;
  int ticks = 0;
  int ticks_before_read = -1;
  std::function<void()> tick = [&] {
    ++ticks;
    if (reactor.running() && ticks < 100000) reactor.call_later(0, tick);
  };
  auto reader = std::make_shared<pim::testing::Recorder>(pair.a.get());
  reader->on_read = [&] {
    ticks_before_read = ticks;
    reactor.stop();
    return reader->read_available();
  };
  reactor.call_when_running([&] {
    tick();                 // schedules the first 0-second call...
    pair.send_to_a("now");  // ...and the socket becomes ready at the same moment
  });
  reactor.add_reader(reader);
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  CHECK(reader->data == "now");
  // One wait separates the timer runs; the socket is ready at the first of them.
  CHECK(ticks_before_read >= 1);
  CHECK(ticks_before_read <= 2);
}

TEST_CASE("delayed_calls lists the reactor's pending calls", "[common][timers][reactor]") {
  std::string backend = EACH_BACKEND();
  pim::Reactor reactor(backend);
  DelayedCall a = reactor.call_later(10, [] {});
  DelayedCall b = reactor.call_later(20, [] {});
  CHECK(reactor.delayed_calls().size() == 2);
  a.cancel();
  REQUIRE(reactor.delayed_calls().size() == 1);
  CHECK(reactor.delayed_calls()[0].time() == b.time());
}
