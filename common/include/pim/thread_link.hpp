/// \file
/// \brief ThreadLink: how a worker thread hands a result back to a reactor that may be gone.
///
/// Introduced in part 5, where connect_tcp() looks host names up on a worker thread (the
/// resolver's getaddrinfo() blocks, sometimes for seconds, and the loop must not). Tests:
/// common/tests/test_tcp_connect.cpp ("... reactor destroyed while a name is being looked up").
///
/// Reactor::call_from_thread() is safe from any thread *while the reactor exists*. A worker
/// thread cannot know that: the program may stop and destroy its reactor while a slow DNS
/// look-up is still under way, and the worker's call would then touch freed memory. A
/// ThreadLink closes that gap. The worker keeps a `shared_ptr<ThreadLink>` instead of a
/// `Reactor&`; the reactor closes the link as the first step of its destruction, and from then on
/// the link quietly drops what it is handed (the function is destroyed, never run). A mutex makes
/// "check the reactor is alive, then queue the call" one step that destruction waits for.
///
/// \code
/// std::shared_ptr<pim::ThreadLink> link = reactor.thread_link();
/// std::thread([link] {
///   std::string answer = slow_computation();
///   link->call_from_thread([answer] { use(answer); });  // runs on the reactor's thread, or never
/// }).detach();
/// \endcode
#pragma once

#include <memory>
#include <mutex>

#include "pim/function.hpp"

namespace pim {

class Reactor;

/// A reference to a reactor that any thread may use, and that outlives the reactor safely.
class ThreadLink {
 public:
  /// Made by Reactor::thread_link(); there is one link per reactor.
  explicit ThreadLink(Reactor& reactor) noexcept : reactor_(&reactor) {}
  ThreadLink(const ThreadLink&) = delete;
  ThreadLink& operator=(const ThreadLink&) = delete;

  /// Queues \p f with Reactor::call_from_thread() if the reactor still exists. Any thread.
  /// \returns true if \p f was queued (it runs if the reactor is, or will be, running); false
  ///          if the reactor is gone, in which case \p f is destroyed here, on the calling thread
  bool call_from_thread(LocatedFunction<void()> f);

  /// True until the reactor closes the link.
  bool open() const;

  /// Drops every later call. The reactor calls it while it is destroyed; it waits for a call
  /// that is being queued at that moment to finish.
  void close() noexcept;

 private:
  mutable std::mutex mutex_;
  Reactor* reactor_;  // guarded by mutex_; null once closed
};

namespace detail {

/// The member of Reactor that closes its link on destruction. Declared as the reactor's *last*
/// member, so it is destroyed first: the link is closed while the mutex and eventfd that
/// call_from_thread() uses still exist.
struct ThreadLinkCloser {
  std::shared_ptr<ThreadLink> link;  // made on first use: a reactor without workers pays nothing
  ThreadLinkCloser() = default;
  ThreadLinkCloser(const ThreadLinkCloser&) = delete;
  ThreadLinkCloser& operator=(const ThreadLinkCloser&) = delete;
  ~ThreadLinkCloser() {
    if (link) link->close();
  }
};

}  // namespace detail

}  // namespace pim
