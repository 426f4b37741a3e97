// The reactor's life cycle, callbacks, errors, threads, signals and idleness, on every backend.
// Descriptors are in test_reactor_descriptors.cpp, timers in test_timers.cpp.
#include "pim/reactor.hpp"

#include <signal.h>
#include <time.h>

#include <atomic>
#include <cstdlib>
#include <sstream>
#include <thread>
#include <vector>

#include "pim/elapsed.hpp"
#include "pim/error.hpp"
#include "pim/log.hpp"
#include "pim/options.hpp"
#include "reactor_testing.hpp"

using pim::Reactor;
using pim::testing::Watchdog;

namespace {

struct Countdown {
  Reactor& reactor;
  std::vector<int> seen;
  void count(int n) { seen.push_back(n); }
};

double process_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// Sets an environment variable for one scope.
struct ScopedEnv {
  std::string name;
  std::string old;
  bool had;
  ScopedEnv(const char* n, const char* value) : name(n) {
    const char* current = std::getenv(n);
    had = current != nullptr;
    if (had) old = current;
    if (value) {
      ::setenv(n, value, 1);
    } else {
      ::unsetenv(n);
    }
  }
  ~ScopedEnv() {
    if (had) {
      ::setenv(name.c_str(), old.c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};

}  // namespace

TEST_CASE("run() returns once a callback calls stop()", "[common][reactor]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  CHECK(reactor.backend() == backend);
  CHECK(reactor.state() == Reactor::State::ready);
  bool ran = false;
  reactor.call_when_running([&] {
    ran = true;
    CHECK(reactor.running());
    reactor.stop();
    CHECK(reactor.state() == Reactor::State::stopping);
  });
  reactor.run();
  CHECK(ran);
  CHECK(reactor.state() == Reactor::State::stopped);
  CHECK_FALSE(reactor.running());
}

TEST_CASE("stop() on a reactor that is not running throws ReactorNotRunning", "[common][reactor]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  CHECK_THROWS_AS(reactor.stop(), pim::ReactorNotRunning);  // not started yet
  bool second_stop_threw = false;
  reactor.call_when_running([&] {
    reactor.stop();
    try {
      reactor.stop();  // already stopping
    } catch (const pim::ReactorNotRunning&) {
      second_stop_threw = true;
    }
  });
  reactor.run();
  CHECK(second_stop_threw);
  CHECK_THROWS_AS(reactor.stop(), pim::ReactorNotRunning);  // stopped
}

TEST_CASE("a reactor that has stopped cannot run again", "[common][reactor]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  reactor.call_when_running([&] { reactor.stop(); });
  reactor.run();
  CHECK_THROWS_AS(reactor.run(), pim::ReactorNotRestartable);
  CHECK_THROWS_AS(reactor.call_when_running([] {}), pim::ReactorNotRestartable);
}

TEST_CASE("run() from inside a callback throws ReactorAlreadyRunning", "[common][reactor]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  bool threw = false;
  reactor.call_when_running([&] {
    try {
      reactor.run();
    } catch (const pim::ReactorAlreadyRunning&) {
      threw = true;
    }
    reactor.stop();
  });
  reactor.run();
  CHECK(threw);
}

TEST_CASE("startup calls run in registration order, with their arguments", "[common][reactor]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Countdown countdown{reactor, {}};
  std::vector<std::string> order;
  reactor.call_when_running([&] { order.push_back("first"); });
  reactor.call_when_running([&](const std::string& word) { order.push_back(word); },
                            std::string("second"));
  reactor.call_when_running(&Countdown::count, &countdown, 5);
  reactor.call_when_running([&] { reactor.stop(); });
  CHECK(order.empty());  // nothing runs before run()
  reactor.run();
  CHECK(order == std::vector<std::string>{"first", "second"});
  CHECK(countdown.seen == std::vector<int>{5});
}

TEST_CASE("call_when_running on a running reactor calls at once", "[common][reactor]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  std::vector<int> order;
  reactor.call_when_running([&] {
    reactor.call_when_running([&] { order.push_back(1); });
    order.push_back(2);
    reactor.stop();
  });
  reactor.run();
  CHECK(order == std::vector<int>{1, 2});
}

TEST_CASE("stop() lets the current step's callbacks finish and nothing after",
          "[common][reactor]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  bool same_step = false;
  bool later = false;
  reactor.call_later(0, [&] { later = true; });
  reactor.call_when_running([&] { reactor.stop(); });
  reactor.call_when_running([&] { same_step = true; });
  reactor.run();
  CHECK(same_step);
  CHECK_FALSE(later);
  CHECK(reactor.delayed_calls().size() == 1);  // abandoned, not run
}

TEST_CASE(
    "an exception in a callback is logged with where it was scheduled, and the loop "
    "carries on",
    "[common][reactor][log]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  std::vector<std::string> order;
  auto fall_down = [] { throw std::runtime_error("I fall down."); };
  auto trouble = [] { throw std::logic_error("timer trouble"); };
  const int startup_line = __LINE__ + 1;
  reactor.call_when_running(fall_down);
  const int timer_line = __LINE__ + 1;
  reactor.call_later(0, trouble);
  const int thread_line = __LINE__ + 1;
  reactor.call_from_thread([] { throw std::out_of_range("thread trouble"); });
  reactor.call_when_running([&] { order.push_back("But I get up again."); });
  // Stop only once both the timer and the calls from the thread have run: on a slow machine the
  // 1 ms timer can already be due in the first iteration, before the wake-up is even polled.
  int remaining = 2;
  auto one_done = [&] {
    if (--remaining == 0) reactor.stop();
  };
  reactor.call_from_thread([&] { one_done(); });  // runs after the throwing one: same queue
  reactor.call_later(0.001, [&] {
    order.push_back("timer after");
    one_done();
  });
  Watchdog watchdog(reactor);
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  CHECK(order == std::vector<std::string>{"But I get up again.", "timer after"});
  const std::string text = log.str();
  INFO(text);
  CHECK(text.find("Unhandled error in a startup call scheduled at tests/test_reactor.cpp:" +
                  std::to_string(startup_line)) != std::string::npos);
  CHECK(text.find("\tstd::runtime_error: I fall down.") != std::string::npos);
  CHECK(text.find("Unhandled error in a timed call scheduled at tests/test_reactor.cpp:" +
                  std::to_string(timer_line)) != std::string::npos);
  CHECK(text.find("\tstd::logic_error: timer trouble") != std::string::npos);
  CHECK(text.find("Unhandled error in a call from another thread scheduled at "
                  "tests/test_reactor.cpp:" +
                  std::to_string(thread_line)) != std::string::npos);
  CHECK(text.find("\tstd::out_of_range: thread trouble") != std::string::npos);
}

TEST_CASE("exceptions not derived from std::exception are logged by type", "[common][reactor]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  reactor.call_when_running([] { throw 42; });
  reactor.call_when_running([&] { reactor.stop(); });
  reactor.run();
  CHECK(log.str().find("\tint\n") != std::string::npos);
}

TEST_CASE("call_from_thread wakes an idle loop and runs the call on the reactor thread",
          "[common][reactor][threads]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  const auto reactor_thread = std::this_thread::get_id();
  bool all_on_reactor_thread = true;
  std::vector<int> from[2];
  int finished = 0;
  std::vector<std::thread> workers;
  // Two threads race to hand over many calls while the loop drains them: a lost wake-up leaves
  // the loop asleep with calls queued. Nothing else is scheduled but the watchdog, five seconds
  // away, so only the wake-ups can end this loop quickly.
  constexpr int calls = 5000;
  reactor.call_when_running([&] {
    for (int t = 0; t < 2; ++t) {
      workers.emplace_back([&, t] {
        for (int i = 0; i < calls; ++i) {
          reactor.call_from_thread([&, t, i] {
            all_on_reactor_thread &= std::this_thread::get_id() == reactor_thread;
            from[t].push_back(i);
            if (i == calls - 1 && ++finished == 2) reactor.stop();
          });
        }
      });
    }
  });
  pim::Stopwatch stopwatch;
  reactor.run();
  for (auto& worker : workers)
    worker.join();
  CHECK_FALSE(watchdog.fired);
  CHECK(all_on_reactor_thread);
  for (const auto& calls_made : from) {
    CHECK(calls_made.size() == std::size_t(calls));
    CHECK(std::is_sorted(calls_made.begin(), calls_made.end()));  // in the order made
  }
  CHECK(stopwatch.elapsed() < std::chrono::seconds(4));
}

TEST_CASE("calls made from a thread before run() happen once the loop starts",
          "[common][reactor][threads]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  std::thread([&] { reactor.call_from_thread([&] { reactor.stop(); }); }).join();
  reactor.run();
  CHECK_FALSE(watchdog.fired);
}

TEST_CASE("SIGINT and SIGTERM stop the loop cleanly and the old handlers come back",
          "[common][reactor][signals]") {
  std::string backend = EACH_BACKEND();
  int signal_number = GENERATE(SIGINT, SIGTERM);
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  struct sigaction before {};
  ::sigaction(signal_number, nullptr, &before);
  {
    Reactor reactor = pim::make_reactor(backend);
    CHECK(reactor.stops_on_signals());
    Watchdog watchdog(reactor);
    reactor.call_when_running([signal_number] { ::raise(signal_number); });
    reactor.run();
    CHECK_FALSE(watchdog.fired);
    CHECK_FALSE(reactor.stops_on_signals());  // handlers are given back when run() returns
  }
  struct sigaction after {};
  ::sigaction(signal_number, nullptr, &after);
  CHECK(after.sa_handler == before.sa_handler);
  const char* name = signal_number == SIGINT ? "SIGINT" : "SIGTERM";
  CHECK(log.str().find(std::string("[-] Received ") + name + ", shutting down.") !=
        std::string::npos);
}

TEST_CASE("a signal that arrives before run() stops the loop as soon as it starts",
          "[common][reactor][signals]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend, pim::StopOnSignals{});
  Watchdog watchdog(reactor);
  ::raise(SIGINT);
  reactor.run();
  CHECK_FALSE(watchdog.fired);
}

TEST_CASE("a reactor made without StopOnSignals leaves signal handlers alone",
          "[common][reactor][signals]") {
  std::string backend = EACH_BACKEND();
  struct sigaction before {};
  ::sigaction(SIGINT, nullptr, &before);
  Reactor reactor(backend);
  CHECK_FALSE(reactor.stops_on_signals());
  struct sigaction during {};
  ::sigaction(SIGINT, nullptr, &during);
  CHECK(during.sa_handler == before.sa_handler);
}

TEST_CASE("an idle reactor sleeps in the kernel and uses almost no CPU",
          "[common][reactor][idle]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  // Start timing before scheduling: under load, a preemption between the two would otherwise
  // make the timer look early.
  pim::Stopwatch stopwatch;
  reactor.call_later(1.0, [&] { reactor.stop(); });
  const double cpu_before = process_cpu_seconds();
  reactor.run();
  const double cpu = process_cpu_seconds() - cpu_before;
  CHECK(stopwatch.elapsed() >= std::chrono::seconds(1));
  INFO("CPU seconds used while idle: " << cpu);
  CHECK(cpu < 0.05);
}

TEST_CASE("the backend comes from the argument, else PIM_REACTOR, else epoll",
          "[common][reactor][backend]") {
  {
    ScopedEnv env("PIM_REACTOR", nullptr);
    CHECK(Reactor().backend() == "epoll");
    CHECK(Reactor("poll").backend() == "poll");
    CHECK(pim::default_reactor_backend() == "epoll");
  }
  {
    ScopedEnv env("PIM_REACTOR", "select");
    CHECK(Reactor().backend() == "select");
    CHECK(pim::make_reactor().backend() == "select");
    CHECK(Reactor("epoll").backend() == "epoll");  // an explicit choice wins
  }
  {
    ScopedEnv env("PIM_REACTOR", "kqueue");
    CHECK_THROWS_WITH(Reactor(),
                      "PIM_REACTOR=kqueue is not a reactor backend: choose select, "
                      "poll or epoll");
  }
  CHECK_THROWS_WITH(Reactor("iocp"),
                    "unknown reactor backend 'iocp': choose select, poll or "
                    "epoll");
  CHECK(pim::reactor_backends() == std::vector<std::string>{"select", "poll", "epoll"});
}

TEST_CASE("add_reactor_option offers --reactor with the three backends",
          "[common][reactor][options]") {
  std::string backend;
  pim::Options options({"prog", "[options]", "A test program.", "build/bin/prog"});
  pim::add_reactor_option(options, backend);
  std::vector<std::string> words{"prog", "--reactor", "poll"};
  std::vector<char*> argv;
  for (auto& word : words) {
    argv.push_back(word.data());
  }
  argv.push_back(nullptr);
  CHECK(options.parse(3, argv.data()).outcome == pim::ParseResult::Outcome::run);
  CHECK(backend == "poll");
  std::string bad = "--reactor=kqueue";
  argv[1] = bad.data();
  CHECK(options.parse(2, argv.data()).outcome == pim::ParseResult::Outcome::error);
  CHECK(options.help().find("--reactor") != std::string::npos);
}
