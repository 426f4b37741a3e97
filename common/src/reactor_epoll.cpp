// The epoll backend (Linux): the interest set lives in the kernel. A descriptor is registered
// once (EPOLL_CTL_ADD) and changed only when the reactor's interest in it changes
// (EPOLL_CTL_MOD), and a wait returns only the ready descriptors. So one wait costs the same
// with ten idle connections or ten thousand, which is why it is the default.
#include <sys/epoll.h>

#include <cerrno>
#include <string>

#include "pim/detail/poller.hpp"
#include "pim/socket.hpp"

namespace pim::detail {

namespace {

class EpollPoller final : public Poller {
 public:
  EpollPoller() : epoll_(::epoll_create1(EPOLL_CLOEXEC)), events_(64) {
    if (!epoll_) throw errno_error("cannot create an epoll instance");
  }

  std::string_view name() const noexcept override { return "epoll"; }

  void set_interest(int fd, unsigned interest) override {
    if (static_cast<std::size_t>(fd) >= registered_.size()) registered_.resize(fd + 1, false);
    if (interest == no_interest) {
      // Fails with EBADF/ENOENT if the fd was already closed; the kernel then dropped it itself.
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
      registered_[fd] = false;
      return;
    }
    epoll_event event{};
    event.events =
        ((interest & read_interest) ? EPOLLIN : 0u) | ((interest & write_interest) ? EPOLLOUT : 0u);
    event.data.fd = fd;
    int op = registered_[fd] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(epoll_.get(), op, fd, &event) != 0) {
      // The kernel's view can differ from ours when an fd was closed and its number reused
      // behind our back: retry with the other operation before giving up.
      const int retry = (op == EPOLL_CTL_MOD && errno == ENOENT)   ? EPOLL_CTL_ADD
                        : (op == EPOLL_CTL_ADD && errno == EEXIST) ? EPOLL_CTL_MOD
                                                                   : -1;
      if (retry < 0 || ::epoll_ctl(epoll_.get(), retry, fd, &event) != 0) {
        // EPERM here means a regular file or directory, which epoll cannot watch.
        throw errno_error("epoll cannot watch fd " + std::to_string(fd));
      }
    }
    registered_[fd] = true;
  }

  void wait(std::chrono::nanoseconds timeout, std::vector<ReadyEvent>& ready) override {
    int count = ::epoll_wait(epoll_.get(), events_.data(), static_cast<int>(events_.size()),
                             timeout_milliseconds(timeout));
    if (count < 0) {
      if (errno == EINTR) return;
      throw errno_error("epoll_wait() failed");
    }
    for (int i = 0; i < count; ++i) {
      const std::uint32_t got = events_[i].events;
      // As with poll: hang-ups and errors make the descriptor readable and writable, so its
      // next system call reports what happened.
      const bool broken = got & (EPOLLHUP | EPOLLERR);
      ready.push_back({events_[i].data.fd, bool(got & EPOLLIN) || broken,
                       bool(got & EPOLLOUT) || broken, false});
    }
    // A full buffer means more may be ready than we asked for (they come next time, nothing is
    // lost); grow so that a busy reactor catches up in fewer calls. Growth stops at the load.
    if (static_cast<std::size_t>(count) == events_.size() && events_.size() < 4096) {
      events_.resize(events_.size() * 2);
    }
  }

 private:
  Fd epoll_;
  std::vector<epoll_event> events_;  // the kernel fills it; reused every wait
  std::vector<bool> registered_;     // fd -> added to the epoll set
};

}  // namespace

std::unique_ptr<Poller> make_epoll_poller() {
  return std::make_unique<EpollPoller>();
}

}  // namespace pim::detail
