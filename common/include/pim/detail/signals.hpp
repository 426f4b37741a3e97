/// \file
/// \brief Internal: turning SIGINT and SIGTERM into a wake-up of one reactor.
///
/// Part of the reactor introduced in part 3 (Reactor::stop_on_signals()). Tests:
/// common/tests/test_reactor.cpp ("SIGINT stops ...").
///
/// A signal handler may only call async-signal-safe functions, and the reactor's data structures
/// are certainly not safe to touch from one. So the handler does the two safe things it can:
/// store the signal number in a lock-free atomic and write to the reactor's eventfd. The loop,
/// sleeping in select/poll/epoll on that eventfd, wakes up and handles the signal on its own
/// thread like any other event (the "self-pipe trick", with an eventfd as the pipe).
#pragma once

#include <signal.h>

namespace pim::detail {

/// While it exists, SIGINT and SIGTERM wake the reactor owning \p wake_fd.
///
/// Handlers are process-wide, so only one SignalStopper is in charge at a time: the newest.
/// Destroying it restores the handlers and the owner that were in place before it, so they nest
/// like scopes (destroy them in reverse order of creation).
class SignalStopper {
 public:
  /// \throws std::system_error if sigaction() fails
  explicit SignalStopper(int wake_fd);
  ~SignalStopper();
  SignalStopper(const SignalStopper&) = delete;
  SignalStopper& operator=(const SignalStopper&) = delete;

  /// The signal received since the last call (SIGINT or SIGTERM), or 0; clears it.
  int take_signal() noexcept;

 private:
  int previous_fd_;
  struct sigaction previous_[2];
};

}  // namespace pim::detail
