// succeed, fail, maybe_deferred, defer_later (on the fake Clock) and defer_to_thread (on a real
// reactor and a ThreadPool).
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "deferred_testing.hpp"
#include "pim/clock.hpp"
#include "pim/deferred.hpp"
#include "pim/reactor.hpp"
#include "pim/testing/catch.hpp"
#include "pim/threads.hpp"

using deferred_testing::LogCapture;
using deferred_testing::message;
using deferred_testing::poem_failure;
using deferred_testing::PoemError;
using pim::Deferred;
using pim::Failure;
using namespace std::chrono_literals;

TEST_CASE("succeed gives an already-fired Deferred", "[deferred][helpers]") {
  Deferred<std::string> d = pim::succeed(std::string("cached poem"));
  CHECK(d.called());
  std::string seen;
  d.add_callback([&](std::string poem) { seen = poem; });
  CHECK(seen == "cached poem");
  Deferred<void> nothing = pim::succeed();
  CHECK(nothing.called());
}

TEST_CASE("fail gives an already-failed Deferred, reported if never handled",
          "[deferred][helpers]") {
  LogCapture log;
  {
    Deferred<int> d = pim::fail<int>(PoemError("no poem"));
    std::string seen;
    d.add_errback([&](const Failure& failure) {
      seen = message(failure);
      return 0;
    });
    CHECK(seen == "no poem");
    pim::fail(poem_failure("nobody listens"));
  }
  CHECK(log.unhandled_reports() == 1);
  CHECK_THAT(log.text(), Catch::Contains("nobody listens"));
}

TEST_CASE("maybe_deferred turns every kind of result into a Deferred", "[deferred][helpers]") {
  std::vector<std::string> seen;
  auto record = [&](auto d) {
    d.add_callbacks([&](auto value) { seen.push_back("value " + std::to_string(value)); },
                    [&](const Failure& failure) { seen.push_back("failure " + message(failure)); });
  };
  record(pim::maybe_deferred([] { return 1; }));
  record(pim::maybe_deferred([](int x) { return x * 2; }, 21));
  record(pim::maybe_deferred([]() -> int { throw PoemError("thrown"); }));
  record(pim::maybe_deferred([]() -> pim::Outcome<int> { return poem_failure("returned"); }));
  Deferred<int> pending;
  auto same = pim::maybe_deferred([&] { return pending; });
  CHECK(same == pending);  // a Deferred is passed through as it is
  record(same);
  pending.callback(7);
  CHECK(seen == std::vector<std::string>{"value 1", "value 42", "failure thrown",
                                         "failure returned", "value 7"});
  bool ran = false;
  pim::maybe_deferred([&] { ran = true; }).add_callback([&] { seen.push_back("void"); });
  CHECK(ran);
  CHECK(seen.back() == "void");
}

TEST_CASE("defer_later fires with f's result after the delay", "[deferred][helpers]") {
  pim::Clock clock;
  std::vector<std::string> seen;
  Deferred<int> d = pim::defer_later(
      clock, 2.0, [](int x) { return x + 1; }, 41);
  d.add_callback([&](int x) { seen.push_back("got " + std::to_string(x)); });
  clock.advance(1.9);
  CHECK(seen.empty());
  clock.advance(0.2);
  CHECK(seen == std::vector<std::string>{"got 42"});
}

TEST_CASE("defer_later's Deferred fails with what f throws", "[deferred][helpers]") {
  pim::Clock clock;
  std::string seen;
  pim::defer_later(clock, 1.0, []() -> std::string {
    throw PoemError("late failure");
  }).add_errback([&](const Failure& failure) {
    seen = message(failure);
    return std::string();
  });
  clock.advance(1.0);
  CHECK(seen == "late failure");
}

TEST_CASE("cancelling defer_later's Deferred cancels the timer; f never runs",
          "[deferred][helpers][cancel]") {
  pim::Clock clock;
  bool ran = false;
  std::vector<std::string> seen;
  auto d = pim::defer_later(clock, 5.0, [&] { ran = true; });
  d.add_errback([&](const Failure& failure) { seen.push_back(failure.to_string()); });
  d.cancel();
  CHECK(clock.delayed_calls().empty());
  clock.advance(10.0);
  CHECK_FALSE(ran);
  CHECK(seen == std::vector<std::string>{"[Failure: CancelledError: Deferred was cancelled]"});
}

TEST_CASE("defer_to_thread runs f on a worker and fires on the reactor's thread",
          "[deferred][helpers][threads]") {
  pim::Reactor reactor = pim::make_reactor();
  pim::ThreadPool pool(2);
  const std::thread::id reactor_thread = std::this_thread::get_id();
  std::thread::id worker_thread;
  std::thread::id callback_thread;
  int seen = 0;
  reactor.call_when_running([&] {
    pim::defer_to_thread(
        pool, reactor,
        [&worker_thread](int x) {
          worker_thread = std::this_thread::get_id();
          return x * 2;
        },
        21)
        .add_callback([&](int x) {
          seen = x;
          callback_thread = std::this_thread::get_id();
          reactor.stop();
        });
  });
  auto guard = reactor.call_later(10.0, [&] { reactor.stop(); });
  reactor.run();
  CHECK(seen == 42);
  CHECK(worker_thread != reactor_thread);
  CHECK(callback_thread == reactor_thread);
}

TEST_CASE("defer_to_thread delivers what f throws as a Failure", "[deferred][helpers][threads]") {
  pim::Reactor reactor = pim::make_reactor();
  std::string seen;
  reactor.call_when_running([&] {
    pim::defer_to_thread(reactor, []() -> std::string {
      throw PoemError("worker failed");
    }).add_errback([&](const Failure& failure) {
      seen = failure.to_string();
      reactor.stop();
      return std::string();
    });
  });
  auto guard = reactor.call_later(10.0, [&] { reactor.stop(); });
  reactor.run();
  CHECK(seen == "[Failure: deferred_testing::PoemError: worker failed]");
}

TEST_CASE("blocking work on threads overlaps, and the reactor keeps running meanwhile",
          "[deferred][helpers][threads]") {
  pim::Reactor reactor = pim::make_reactor();
  pim::ThreadPool pool(2);
  std::mutex mutex;
  int running = 0;
  int most_at_once = 0;
  int finished = 0;
  int ticks = 0;
  // Two jobs that each wait until both have started: they can only finish if the pool runs
  // them at the same time.
  std::atomic<int> started{0};
  auto job = [&] {
    {
      std::lock_guard lock(mutex);
      most_at_once = std::max(most_at_once, ++running);
    }
    ++started;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (started < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    std::lock_guard lock(mutex);
    --running;
  };
  auto tick = reactor.call_later(0.0, [&] { ++ticks; });
  reactor.call_when_running([&] {
    for (int i = 0; i < 2; ++i) {
      pim::defer_to_thread(pool, reactor, job).add_callback([&] {
        if (++finished == 2) reactor.stop();
      });
    }
  });
  auto guard = reactor.call_later(20.0, [&] { reactor.stop(); });
  reactor.run();
  CHECK(finished == 2);
  CHECK(most_at_once == 2);
  CHECK(ticks == 1);
}

TEST_CASE("a thread pool finishes its queue before its destructor returns",
          "[deferred][helpers][threads]") {
  std::atomic<int> done{0};
  {
    pim::ThreadPool pool(1);
    for (int i = 0; i < 20; ++i)
      pool.submit([&] { ++done; });
  }
  CHECK(done == 20);
}
