#include "pim/testing/process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace pim::testing {

namespace {

void check(int result, const char* what) {
  if (result != 0) throw std::system_error(result, std::generic_category(), what);
}

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::system_error(errno, std::generic_category(), "pipe");
    read = fds[0];
    write = fds[1];
  }
};

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Process::Process(std::vector<std::string> argv, std::optional<std::string> input) {
  Pipe out, err, in;
  posix_spawn_file_actions_t actions;
  check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init");
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  // The child leads its own process group, so the destructor can also stop anything the child
  // started (a script's background servers) with one kill(-pgid).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);

  std::vector<char*> args;
  for (auto& arg : argv)
    args.push_back(arg.data());
  args.push_back(nullptr);
  int spawned = posix_spawn(&pid_, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out.write);
  ::close(err.write);
  ::close(in.read);
  out_fd_ = out.read;
  err_fd_ = err.read;
  if (spawned != 0) {
    ::close(in.write);
    ::close(out_fd_);
    ::close(err_fd_);
    throw std::system_error(spawned, std::generic_category(), "cannot start " + argv[0]);
  }
  if (input) {
    // Small inputs only (a few lines typed at a prompt): they fit in the pipe, so this cannot
    // block even if the child has not started reading yet.
    ssize_t written = ::write(in.write, input->data(), input->size());
    (void)written;
  }
  ::close(in.write);
  drainer_ = std::thread([this] { drain(); });
}

Process::~Process() {
  if (!status_) {
    ::kill(-pid_, SIGKILL);
    wait(5s);
  }
  ::kill(-pid_, SIGKILL);  // anything the child left running in its group
  if (drainer_.joinable()) drainer_.join();
  ::close(out_fd_);
  ::close(err_fd_);
}

void Process::drain() {
  char buffer[4096];
  for (;;) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    {
      std::lock_guard lock(mutex_);
      if (out_closed_) fds[0].fd = -1;
      if (err_closed_) fds[1].fd = -1;
      if (out_closed_ && err_closed_) return;
    }
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      std::lock_guard lock(mutex_);
      if (got > 0) {
        (i == 0 ? out_ : err_).append(buffer, std::size_t(got));
      } else if (got == 0 || errno != EINTR) {
        (i == 0 ? out_closed_ : err_closed_) = true;
      }
      changed_.notify_all();
    }
  }
}

std::optional<std::string> Process::next_line(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::size_t end = std::string::npos;
  changed_.wait_for(lock, timeout, [&] {
    end = out_.find('\n', next_line_start_);
    return end != std::string::npos || out_closed_;
  });
  if (end == std::string::npos) return std::nullopt;
  std::string line = out_.substr(next_line_start_, end - next_line_start_);
  next_line_start_ = end + 1;
  return line;
}

bool Process::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return out_.find(text) != std::string::npos || out_closed_;
  }) && out_.find(text) != std::string::npos;
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!status_) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      status_ = decode_status(status);
      break;
    }
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    // There is no portable "wait for a child with a timeout"; poll the child's state often.
    std::this_thread::sleep_for(2ms);
  }
  // The child has exited: give its last output a moment to be drained (its pipes close at
  // exit, unless a grandchild still holds them, which the deadline covers).
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, std::max(deadline, std::chrono::steady_clock::now() + 1s),
                      [&] { return out_closed_ && err_closed_; });
  return status_;
}

void Process::signal(int number) {
  if (!status_) ::kill(pid_, number);
}

bool Process::running() {
  if (status_) return false;
  return !wait(0ms).has_value();
}

std::string Process::out() {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string Process::err() {
  std::lock_guard lock(mutex_);
  return err_;
}

Result run(std::vector<std::string> argv, std::chrono::milliseconds timeout,
           std::optional<std::string> input) {
  auto started = std::chrono::steady_clock::now();
  Process process(std::move(argv), std::move(input));
  Result result;
  auto status = process.wait(timeout);
  result.seconds = std::chrono::steady_clock::now() - started;
  result.status = status.value_or(-1);
  if (!status) process.signal(SIGKILL);
  result.out = process.out();
  result.err = process.err();
  return result;
}

int wait_for_port(Process& server, std::chrono::milliseconds timeout) {
  static const std::regex port_line(R"((?:port |:)(\d+)\.\s*$)");
  auto line = server.next_line(timeout);
  std::smatch match;
  if (!line || !std::regex_search(*line, match, port_line)) {
    throw std::runtime_error("server printed no port; stdout: " + server.out() +
                             " stderr: " + server.err());
  }
  return std::stoi(match[1]);
}

RefusingPort::RefusingPort() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::system_error(errno, std::generic_category(), "RefusingPort");
  }
  port_ = ntohs(address.sin_port);
}

RefusingPort::~RefusingPort() {
  ::close(fd_);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    result.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return result;
}

}  // namespace pim::testing
