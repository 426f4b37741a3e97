// The select() backend: the oldest, most portable readiness call, and the one part 2's
// hand-written loop used. Its limits are why poll and epoll exist: fd_set is a fixed bitmap of
// FD_SETSIZE (1024) bits, and every call hands the whole set to the kernel and scans it back.
#include <sys/select.h>

#include <fcntl.h>

#include <cerrno>
#include <stdexcept>
#include <string>

#include "pim/detail/poller.hpp"
#include "pim/socket.hpp"

namespace pim::detail {

namespace {

class SelectPoller final : public Poller {
 public:
  SelectPoller() {
    FD_ZERO(&read_set_);
    FD_ZERO(&write_set_);
  }

  std::string_view name() const noexcept override { return "select"; }

  void set_interest(int fd, unsigned interest) override {
    // FD_SET on fd >= FD_SETSIZE writes past the end of the bitmap: silent memory corruption.
    // Refusing it here, loudly, is the only safe option.
    if (fd < 0 || fd >= FD_SETSIZE) {
      throw std::invalid_argument("the select reactor cannot watch fd " + std::to_string(fd) +
                                  ": select() only handles descriptors below FD_SETSIZE (" +
                                  std::to_string(FD_SETSIZE) + "); use --reactor poll or epoll");
    }
    if (interest & read_interest) {
      FD_SET(fd, &read_set_);
    } else {
      FD_CLR(fd, &read_set_);
    }
    if (interest & write_interest) {
      FD_SET(fd, &write_set_);
    } else {
      FD_CLR(fd, &write_set_);
    }
    if (interest != no_interest && fd > max_fd_) max_fd_ = fd;
    while (max_fd_ >= 0 && !watched(max_fd_)) {
      --max_fd_;
    }
  }

  void wait(std::chrono::nanoseconds timeout, std::vector<ReadyEvent>& ready) override {
    // select() overwrites its sets with the answer, so it gets copies (a struct copy: no
    // allocation) and the masters survive for the next call.
    fd_set readable = read_set_;
    fd_set writable = write_set_;
    timeval limit{};
    timeval* limit_pointer = nullptr;
    if (timeout.count() >= 0) {
      const auto us = (timeout.count() + 999) / 1000;  // round up, as for the other backends
      limit.tv_sec = static_cast<time_t>(us / 1'000'000);
      limit.tv_usec = static_cast<suseconds_t>(us % 1'000'000);
      limit_pointer = &limit;
    }
    int count = ::select(max_fd_ + 1, &readable, &writable, nullptr, limit_pointer);
    if (count < 0) {
      if (errno == EINTR) return;
      if (errno == EBADF) return report_closed(ready);
      throw errno_error("select() failed");
    }
    for (int fd = 0; fd <= max_fd_ && count > 0; ++fd) {
      const bool r = FD_ISSET(fd, &readable);
      const bool w = FD_ISSET(fd, &writable);
      if (!r && !w) continue;
      ready.push_back({fd, r, w, false});
      count -= int(r) + int(w);
    }
  }

 private:
  bool watched(int fd) const { return FD_ISSET(fd, &read_set_) || FD_ISSET(fd, &write_set_); }

  // select() fails as a whole if any fd in the sets was closed, without saying which; find them
  // so the reactor can tell their owners (otherwise every later call would fail the same way).
  void report_closed(std::vector<ReadyEvent>& ready) {
    for (int fd = 0; fd <= max_fd_; ++fd) {
      if (watched(fd) && ::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
        ready.push_back({fd, false, false, true});
      }
    }
  }

  fd_set read_set_;
  fd_set write_set_;
  int max_fd_ = -1;
};

}  // namespace

std::unique_ptr<Poller> make_select_poller() {
  return std::make_unique<SelectPoller>();
}

}  // namespace pim::detail
