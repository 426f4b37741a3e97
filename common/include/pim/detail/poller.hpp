/// \file
/// \brief Internal: the interface every reactor backend (select, poll, epoll) implements.
///
/// Part of the reactor introduced in part 3 (reactor.hpp). Tests: every test in
/// common/tests/test_reactor*.cpp runs against each backend.
///
/// A Poller knows only file descriptor numbers and the two kinds of interest; the Reactor above
/// it owns the descriptor objects, the timers and all policy. So the three backends differ only
/// in the one system call each is named after, and each fits in one short source file
/// (src/reactor_select.cpp, reactor_poll.cpp, reactor_epoll.cpp).
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

namespace pim::detail {

/// What the reactor wants to hear about for one descriptor (a bit set).
enum Interest : unsigned { no_interest = 0, read_interest = 1, write_interest = 2 };

/// One descriptor the kernel reported ready.
struct ReadyEvent {
  int fd;
  bool readable;  ///< includes end-of-file, errors and hang-ups: a read will not block
  bool writable;  ///< includes errors: a write will not block (it may fail)
  bool invalid;   ///< the fd is not open any more (closed while still registered)
};

class Poller {
 public:
  virtual ~Poller() = default;

  /// The backend's name: "select", "poll" or "epoll".
  virtual std::string_view name() const noexcept = 0;

  /// Sets the interest for \p fd; no_interest forgets it. The reactor calls this only when the
  /// interest actually changes, so backends need not check.
  /// \throws std::invalid_argument if this backend cannot watch \p fd (select: fd >= FD_SETSIZE);
  ///         std::system_error if the kernel refuses
  virtual void set_interest(int fd, unsigned interest) = 0;

  /// Waits until a watched descriptor is ready or \p timeout passes, then *appends* what is ready
  /// to \p ready (which the reactor clears and reuses, so the steady state allocates nothing).
  /// A signal interrupting the wait is not an error: it just returns nothing.
  /// \param timeout negative means "no timeout"; rounded up to the backend's resolution, since
  ///        waking a hair early would find no timer due and spin
  /// \param ready where the ready descriptors are appended
  virtual void wait(std::chrono::nanoseconds timeout, std::vector<ReadyEvent>& ready) = 0;
};

std::unique_ptr<Poller> make_select_poller();
std::unique_ptr<Poller> make_poll_poller();
std::unique_ptr<Poller> make_epoll_poller();

/// Milliseconds for poll()/epoll_wait(): -1 for a negative timeout, otherwise rounded *up* and
/// capped at INT_MAX.
int timeout_milliseconds(std::chrono::nanoseconds timeout) noexcept;

}  // namespace pim::detail
