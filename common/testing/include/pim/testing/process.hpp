/// \file
/// \brief Running the tutorial's programs as real child processes from tests.
///
/// Used by every part's tests (the chapters make claims about programs, so the tests run the
/// programs). Output is drained on a background thread into memory, so a chatty server never
/// blocks on a full pipe while the test is busy elsewhere; every wait has a deadline, and the
/// destructor kills and reaps the child, so a failing test leaks no process or descriptor.
/// Tests: common/tests/test_process.cpp.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace pim::testing {

using namespace std::chrono_literals;

/// A running child process with its stdout and stderr captured.
class Process {
 public:
  /// Starts argv[0] (a path) with the given arguments. stdin is /dev/null unless \p input is
  /// given, in which case it is written to the child's stdin, which is then closed.
  /// \throws std::system_error if the program cannot be started
  explicit Process(std::vector<std::string> argv, std::optional<std::string> input = {});
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  /// Kills the child (SIGKILL) if it is still running, reaps it and closes every pipe.
  ~Process();

  /// Waits for the next complete line of stdout (without its '\n').
  /// \returns the line, or nothing if the deadline passed or stdout closed first
  std::optional<std::string> next_line(std::chrono::milliseconds timeout = 10s);

  /// Waits until stdout contains \p text. \returns false on timeout or end of output
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout = 10s);

  /// Waits for the child to exit. \returns its exit status (128 + N when killed by signal N),
  /// or nothing if it was still running at the deadline
  std::optional<int> wait(std::chrono::milliseconds timeout = 30s);

  /// Sends a signal (default SIGTERM) if the child is still running.
  void signal(int number);

  bool running();
  pid_t pid() const { return pid_; }

  /// Everything the child has written so far (or in all, after wait()).
  std::string out();
  std::string err();

 private:
  void drain();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::optional<int> status_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string out_;
  std::string err_;
  std::size_t next_line_start_ = 0;
  bool out_closed_ = false;
  bool err_closed_ = false;
  std::thread drainer_;
};

/// What a finished program did.
struct Result {
  int status = -1;  ///< exit status; -1 if it timed out (it was then killed)
  std::string out;
  std::string err;
  std::chrono::duration<double> seconds{};
};

/// Runs a program to completion (killing it at the deadline) and returns what it did.
Result run(std::vector<std::string> argv, std::chrono::milliseconds timeout = 60s,
           std::optional<std::string> input = {});

/// Starts a server whose first stdout line ends in `port N.` (or `:N.`) and returns its port.
/// \throws std::runtime_error with the server's output if no such line arrives in time
int wait_for_port(Process& server, std::chrono::milliseconds timeout = 10s);

/// A TCP port on 127.0.0.1 that refuses connections while this object lives: a socket is bound
/// to it (so no one else can take it) but never listens.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

/// Splits text into lines (no trailing empty line for a final '\n').
std::vector<std::string> lines(const std::string& text);

}  // namespace pim::testing
