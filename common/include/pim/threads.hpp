/// \file
/// \brief ThreadPool and defer_to_thread(): run blocking work off the reactor's thread, get a
/// Deferred.
///
/// Introduced with the Deferred in part 7's library (the chapter on blocking callbacks, part 9's
/// defer-block, says what to do instead: move the blocking call to a thread). The C++
/// counterpart of `twisted.internet.threads.deferToThread` and the reactor's thread pool.
/// Tests: common/tests/test_deferred_helpers.cpp.
///
/// A Deferred is not thread-safe (deferred.hpp), so the worker never touches it: it runs the
/// function, keeps the value or the exception, and hands both to the reactor's thread through
/// the reactor's ThreadLink, where the Deferred is fired. If the reactor has been destroyed by
/// then, the result is dropped and the Deferred never fires (nothing could run its callbacks).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/function.hpp"
#include "pim/reactor.hpp"

namespace pim {

/// A fixed number of worker threads taking jobs from one queue, first in, first out.
///
/// Threads start with the first job, so a pool nobody uses costs nothing. Destruction finishes
/// every job already queued, then joins the workers.
class ThreadPool {
 public:
  /// \param threads how many jobs may run at once (at least 1)
  explicit ThreadPool(std::size_t threads = 4);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Queues \p job to run on a worker. Any thread. A job that throws is logged; the worker
  /// carries on.
  void submit(UniqueFunction<void()> job);

  std::size_t size() const noexcept { return size_; }

  /// The pool defer_to_thread() uses unless given another: 4 threads, started on first use,
  /// stopped (after finishing its queue) when the program exits.
  static ThreadPool& shared();

 private:
  void work();

  std::size_t size_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<UniqueFunction<void()>> jobs_;  // guarded by mutex_
  std::size_t idle_ = 0;                     // workers waiting for a job; guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> workers_;         // started on first submit(), under mutex_
};

namespace detail {

/// Turns what a worker's function returned into an Outcome, to carry it across threads.
template <class N, class Call>
Outcome<N> outcome_of(Call& call) {
  using R = std::decay_t<std::invoke_result_t<Call&>>;
  try {
    if constexpr (std::is_void_v<R>) {
      call();
      return Outcome<void>();
    } else {
      return Outcome<N>(call());  // a value, a Failure or an Outcome<N> itself
    }
  } catch (...) {
    return Outcome<N>(Failure::current());  // the frames are the worker's: where it failed
  }
}

}  // namespace detail

/// Runs `f(args...)` on \p pool and returns a Deferred, fired on \p reactor's thread with what f
/// returned (a value, nothing, an Outcome or a Failure), or errbacked with what it threw.
/// \p f and \p args are moved to the worker: share nothing with the reactor's thread that is
/// not thread-safe. Only the reactor's thread may call this (it makes the Deferred).
template <class F, class... Args>
auto defer_to_thread(ThreadPool& pool, Reactor& reactor, F&& f, Args&&... args) {
  auto call = detail::bind_after(std::forward<F>(f), std::forward<Args>(args)...);
  using R = std::decay_t<std::invoke_result_t<decltype(call)&>>;
  static_assert(!detail::is_deferred_v<R>,
                "defer_to_thread: f runs on another thread and cannot return a Deferred");
  using N = std::conditional_t<std::is_same_v<detail::output_t<R>, detail::Wildcard>, void,
                               detail::output_t<R>>;
  Deferred<N> d;
  // The worker holds a handle only to pass it back: it never reads or fires the Deferred.
  pool.submit([d, link = reactor.thread_link(), call = std::move(call)]() mutable {
    Outcome<N> outcome = detail::outcome_of<N>(call);
    link->call_from_thread([d = std::move(d), outcome = std::move(outcome)]() mutable {
      if (!outcome.ok()) {
        d.errback(outcome.failure());
      } else if constexpr (std::is_void_v<N>) {
        d.callback();
      } else {
        d.callback(std::move(outcome).value());
      }
    });
  });
  return d;
}

/// defer_to_thread() on ThreadPool::shared().
template <class F, class... Args>
auto defer_to_thread(Reactor& reactor, F&& f, Args&&... args) {
  return defer_to_thread(ThreadPool::shared(), reactor, std::forward<F>(f),
                         std::forward<Args>(args)...);
}

}  // namespace pim
