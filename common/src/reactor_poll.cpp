// The poll() backend: no FD_SETSIZE limit, and the kernel is handed exactly the descriptors of
// interest. Like select(), though, each call passes the whole array in and out, so the cost of
// one wait grows with the number of watched descriptors, busy or idle.
#include <poll.h>

#include <cerrno>

#include "pim/detail/poller.hpp"
#include "pim/socket.hpp"

namespace pim::detail {

namespace {

class PollPoller final : public Poller {
 public:
  std::string_view name() const noexcept override { return "poll"; }

  void set_interest(int fd, unsigned interest) override {
    if (static_cast<std::size_t>(fd) >= position_.size()) position_.resize(fd + 1, -1);
    const short events = static_cast<short>(((interest & read_interest) ? POLLIN : 0) |
                                            ((interest & write_interest) ? POLLOUT : 0));
    int& at = position_[fd];
    if (interest == no_interest) {
      if (at >= 0) remove_at(at);
      at = -1;
    } else if (at >= 0) {
      fds_[at].events = events;
    } else {
      at = static_cast<int>(fds_.size());
      fds_.push_back(pollfd{fd, events, 0});
    }
  }

  //! [poll-wait]
  void wait(std::chrono::nanoseconds timeout, std::vector<ReadyEvent>& ready) override {
    int count = ::poll(fds_.data(), fds_.size(), timeout_milliseconds(timeout));
    if (count < 0) {
      if (errno == EINTR) return;
      throw errno_error("poll() failed");
    }
    for (std::size_t i = 0; i < fds_.size() && count > 0; ++i) {
      const short got = fds_[i].revents;
      if (got == 0) continue;
      --count;
      // POLLHUP and POLLERR are reported whether asked for or not. They count as readable and
      // writable: the next read() or write() returns at once, with EOF or the error, which is
      // how the descriptor finds out what happened.
      const bool broken = got & (POLLHUP | POLLERR);
      ready.push_back({fds_[i].fd, bool(got & POLLIN) || broken, bool(got & POLLOUT) || broken,
                       bool(got & POLLNVAL)});
    }
  }
  //! [poll-wait]

 private:
  // Swap-with-last keeps the array dense in O(1); the moved entry's position is updated.
  void remove_at(int at) {
    const int last = static_cast<int>(fds_.size()) - 1;
    if (at != last) {
      fds_[at] = fds_[last];
      position_[fds_[at].fd] = at;
    }
    fds_.pop_back();
  }

  std::vector<pollfd> fds_;    // exactly the watched descriptors, as poll() wants them
  std::vector<int> position_;  // fd -> index in fds_, or -1
};

}  // namespace

std::unique_ptr<Poller> make_poll_poller() {
  return std::make_unique<PollPoller>();
}

}  // namespace pim::detail
