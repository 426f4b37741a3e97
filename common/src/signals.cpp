#include "pim/detail/signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

#include "pim/socket.hpp"

namespace pim::detail {

namespace {

// Lock-free atomics are the only shared state a handler may touch. Both are checked at compile
// time, since a lock-based atomic could deadlock inside a handler.
std::atomic<int> wake_fd{-1};
std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free);

constexpr int handled_signals[] = {SIGINT, SIGTERM};

//! [signal-handler]
extern "C" void on_signal(int signal_number) {
  const int saved_errno = errno;  // the interrupted code may be about to read errno
  received.store(signal_number, std::memory_order_relaxed);
  const int fd = wake_fd.load(std::memory_order_relaxed);
  if (fd >= 0) {
    std::uint64_t one = 1;
    // If the eventfd counter is somehow full the write fails; the loop is already awake then.
    [[maybe_unused]] ssize_t ignored = ::write(fd, &one, sizeof one);
  }
  errno = saved_errno;
}
//! [signal-handler]

}  // namespace

SignalStopper::SignalStopper(int fd) : previous_fd_(wake_fd.exchange(fd)), previous_{} {
  received.store(0);  // a signal that reached an earlier owner is not ours to act on
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: other blocking calls in the program (a read() on a pipe) carry on after the
  // handler instead of failing with EINTR. select/poll/epoll_wait are never restarted, which is
  // what we want: the loop wakes up.
  action.sa_flags = SA_RESTART;
  for (int i = 0; i < 2; ++i) {
    if (::sigaction(handled_signals[i], &action, &previous_[i]) != 0) {
      std::system_error error = errno_error("cannot install a signal handler");
      for (int j = 0; j < i; ++j) {
        ::sigaction(handled_signals[j], &previous_[j], nullptr);
      }
      wake_fd.store(previous_fd_);
      throw error;
    }
  }
}

SignalStopper::~SignalStopper() {
  for (int i = 0; i < 2; ++i) {
    ::sigaction(handled_signals[i], &previous_[i], nullptr);
  }
  wake_fd.store(previous_fd_);
}

int SignalStopper::take_signal() noexcept {
  return received.exchange(0);
}

}  // namespace pim::detail
