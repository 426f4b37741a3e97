// Helpers shared by the reactor tests (test_reactor*.cpp, test_timers.cpp, test_looping_call.cpp):
// running each test on every backend, socket pairs, a recording descriptor, a watchdog.
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>

#include "pim/descriptor.hpp"
#include "pim/error.hpp"
#include "pim/reactor.hpp"
#include "pim/socket.hpp"
#include "pim/testing/catch.hpp"

// Runs the rest of the test case once per backend (Catch re-enters the test for each value).
#define EACH_BACKEND() GENERATE(as<std::string>{}, "select", "poll", "epoll")

// Catch2 v3 can skip a test; v2 cannot, so there we warn and return (the test then passes).
#ifdef SKIP
#define PIM_SKIP(message) SKIP(message)
#else
#define PIM_SKIP(message) \
  do {                    \
    WARN(message);        \
    return;               \
  } while (false)
#endif

namespace pim::testing {

// Two connected, non-blocking local stream sockets.
struct SocketPair {
  Fd a;
  Fd b;
  SocketPair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
    a.reset(fds[0]);
    b.reset(fds[1]);
  }
  void send_to_a(const std::string& text) {
    REQUIRE(::write(b.get(), text.data(), text.size()) == ssize_t(text.size()));
  }
};

// A reader that records what happens to it. By default do_read() reads what is available and
// reports ConnectionDone at end-of-file; `on_read` replaces that.
class Recorder : public ReadDescriptor, public WriteDescriptor {
 public:
  explicit Recorder(int fd, std::string prefix = "Recorder")
      : fd_(fd), prefix_(std::move(prefix)) {}

  int fileno() const override { return fd_; }
  std::string log_prefix() const override { return prefix_; }

  std::exception_ptr do_read() override {
    ++reads;
    return on_read ? on_read() : read_available();
  }
  std::exception_ptr do_write() override {
    ++writes;
    return on_write ? on_write() : nullptr;
  }
  void connection_lost(std::exception_ptr why) override {
    ++losses;
    reason = why;
    if (on_lost) on_lost();
  }

  std::exception_ptr read_available() {
    char buffer[4096];
    for (;;) {
      ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n > 0) {
        data.append(buffer, size_t(n));
        continue;
      }
      if (n == 0) return std::make_exception_ptr(ConnectionDone());
      if (errno == EAGAIN || errno == EINTR) return nullptr;
      return std::make_exception_ptr(ConnectionLost(errno));
    }
  }

  std::function<std::exception_ptr()> on_read;
  std::function<std::exception_ptr()> on_write;
  std::function<void()> on_lost;
  std::string data;
  int reads = 0;
  int writes = 0;
  int losses = 0;
  std::exception_ptr reason;

 private:
  int fd_;
  std::string prefix_;
};

// Stops the reactor after `seconds` if the test has not, so a broken test fails instead of
// hanging. It is a safety net, not a way of waiting: passing tests stop long before.
struct Watchdog {
  bool fired = false;
  DelayedCall call;
  Watchdog(const Watchdog&) = delete;
  explicit Watchdog(Reactor& reactor, double seconds = 5.0) {
    call = reactor.call_later(seconds, [this, &reactor] {
      fired = true;
      if (reactor.running()) reactor.stop();
    });
  }
};

// The what() of the exception f throws ("" if it throws none), for checking part of a message
// the same way under Catch2 v2 and v3.
template <class F>
std::string thrown_message(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// The type of the exception a reason holds, e.g. "pim::ConnectionDone".
inline std::string reason_type(const std::exception_ptr& reason) {
  return reason ? exception_type_name(reason) : "(none)";
}

}  // namespace pim::testing
