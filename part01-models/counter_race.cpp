// Browne's shared counter, three ways.
//
// T threads each add 1 to one shared counter M times. Done carelessly, updates get lost; with a
// mutex none are lost, but every increment pays for the lock; done as callbacks on one thread's
// event queue none are lost either, and no lock is needed, because only one callback ever runs at
// a time. Read models.cpp first: this is the same threaded-versus-asynchronous contrast, seen
// through shared data instead of time.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "pim/elapsed.hpp"
#include "pim/options.hpp"

namespace {

// Starts `threads` threads running `body` and waits for all of them. The latch holds every
// thread at the start line until all exist, so they really run at the same time instead of the
// first one finishing while the last is still being created.
template <class Body>
void run_threads(long threads, const Body& body) {
  std::latch start_line(threads);
  std::vector<std::thread> pool;
  for (long t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      start_line.arrive_and_wait();
      body();
    });
  }
  for (auto& thread : pool)
    thread.join();
}

//! [racy]
// The broken version, made safe to run. With a plain `long` this loop would be a data race,
// which C++ calls undefined behaviour: the compiler may assume it never happens (and, say, keep
// the counter in a register for the whole loop), so the program would show nothing reliable.
// A relaxed atomic load and store are each indivisible and well defined -- no undefined
// behaviour -- but they are two separate steps, read then write. Another thread can store in
// between, and our store then overwrites its update with a stale value + 1: a lost update, the
// very bug of Browne's example. (counter.fetch_add(1) would make the two steps one.)
long count_racy(long threads, long increments) {
  std::atomic<long> counter{0};
  run_threads(threads, [&] {
    for (long i = 0; i < increments; ++i) {
      long seen = counter.load(std::memory_order_relaxed);
      counter.store(seen + 1, std::memory_order_relaxed);
    }
  });
  return counter.load();
}
//! [racy]

//! [mutex]
// The classic fix: a critical section. Only the thread holding the lock may read and write the
// counter, so the read-then-write pair can no longer be split. Correct, but every increment now
// takes and releases a lock that the other threads are fighting over.
long count_with_mutex(long threads, long increments) {
  long counter = 0;
  std::mutex lock;
  run_threads(threads, [&] {
    for (long i = 0; i < increments; ++i) {
      std::lock_guard<std::mutex> guard(lock);
      ++counter;
    }
  });
  return counter;
}
//! [mutex]

//! [event-driven]
// A minimal event queue: callbacks run one at a time, each to its end, on the calling thread.
struct EventQueue {
  std::deque<std::function<void()>> callbacks;

  void call_soon(std::function<void()> callback) { callbacks.push_back(std::move(callback)); }

  void run() {
    while (!callbacks.empty()) {
      auto callback = std::move(callbacks.front());
      callbacks.pop_front();
      callback();
    }
  }
};

// The event-driven version: no threads. Each of the other versions' threads becomes a task whose
// callback adds 1 and then queues its own next turn, so the tasks still take turns (interleaved,
// as in the asynchronous model) -- but nothing can run between the read and the write of
// `++counter`, because nothing else runs until a callback returns. No lock needed.
long count_event_driven(long tasks, long increments) {
  EventQueue queue;
  long counter = 0;
  std::vector<long> left(std::size_t(tasks), increments);
  std::function<void(std::size_t)> turn = [&](std::size_t task) {
    ++counter;
    if (--left[task] > 0) queue.call_soon([&turn, task] { turn(task); });
  };
  for (std::size_t task = 0; task < left.size(); ++task) {
    queue.call_soon([&turn, task] { turn(task); });
  }
  queue.run();
  return counter;
}
//! [event-driven]

void report(const std::string& version, long expected, long (*count)(long, long), long threads,
            long increments) {
  pim::Stopwatch stopwatch;
  long got = count(threads, increments);
  std::printf("%-13s %10ld %10ld %10ld  %s\n", version.c_str(), expected, got, expected - got,
              stopwatch.formatted().c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  long threads = 4;
  long increments = 1'000'000;
  std::string only = "all";
  pim::Options options({"counter-race", "[options]",
                        "Part 1: threads add to a shared counter without a lock (and lose "
                        "updates), with a mutex, and as callbacks on one event queue.",
                        "build/bin/part01/counter-race --threads 8"});
  options.integer("threads", "N", "threads (or event-driven tasks) (default 4)", threads, 1, 64)
      .integer("increments", "M", "how many times each adds 1 (default 1000000)", increments, 1,
               100'000'000)
      .choice("only", "NAME", "run just one version: racy, mutex or event-driven", only,
              {"racy", "mutex", "event-driven", "all"});
  auto extra = options.parse_or_exit(argc, argv);
  if (!extra.empty()) options.usage_error("unexpected argument '" + extra[0] + "'");

  long expected = threads * increments;
  std::printf("%ld threads each add 1 to a shared counter %ld times.\n\n", threads, increments);
  std::printf("%-13s %10s %10s %10s  %s\n", "version", "expected", "got", "lost", "time");
  const std::vector<std::pair<std::string, long (*)(long, long)>> versions = {
      {"racy", count_racy}, {"mutex", count_with_mutex}, {"event-driven", count_event_driven}};
  for (const auto& [name, count] : versions) {
    if (only == "all" || only == name) report(name, expected, count, threads, increments);
  }
  return 0;
}
