// Shared by part 3's tests: finding the programs, and watching a running program from outside
// through /proc (is it asleep, in which system call, how much CPU has it used?).
#pragma once

#include <poll.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

namespace part03 {

using namespace std::chrono_literals;

using pim::testing::program;  // bin/part03/NAME

inline const std::vector<std::string>& backends() {
  static const std::vector<std::string> names{"select", "poll", "epoll"};
  return names;
}

/// What /proc/PID/stat says about a process: its state letter and CPU time used so far.
struct CpuSample {
  char state = '?';  ///< R running, S sleeping, Z zombie, ...
  long ticks = 0;    ///< user + system CPU time, in clock ticks (sysconf(_SC_CLK_TCK) a second)
};

inline std::optional<CpuSample> cpu_sample(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(file, text)) return std::nullopt;
  // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
  auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  CpuSample sample;
  std::string skip;
  fields >> sample.state;  // field 3
  for (int field = 4; field <= 13; ++field)
    fields >> skip;
  long user = 0, system = 0;
  fields >> user >> system;  // fields 14 and 15
  if (!fields) return std::nullopt;
  sample.ticks = user + system;
  return sample;
}

/// The number of the system call the process is blocked in (from /proc/PID/syscall), or nothing
/// if it is running or the file cannot be read.
inline std::optional<long> blocked_syscall(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/syscall");
  std::string first;
  if (!(file >> first) || first == "running" || first.empty() || first[0] == '-') {
    return std::nullopt;
  }
  try {
    return std::stol(first);
  } catch (...) {
    return std::nullopt;
  }
}

/// True if this kernel lets us see which system call a child is blocked in.
inline bool can_see_syscalls() {
  std::ifstream file("/proc/self/syscall");
  std::string first;
  return bool(file >> first);
}

/// The system calls each backend may be sleeping in (glibc picks one per architecture: select()
/// becomes pselect6 on some, epoll_wait becomes epoll_pwait on others).
inline std::set<long> wait_syscalls(const std::string& backend) {
  std::set<long> calls;
  if (backend == "select") {
#ifdef SYS_select
    calls.insert(SYS_select);
#endif
    calls.insert(SYS_pselect6);
  } else if (backend == "poll") {
#ifdef SYS_poll
    calls.insert(SYS_poll);
#endif
    calls.insert(SYS_ppoll);
  } else {
#ifdef SYS_epoll_wait
    calls.insert(SYS_epoll_wait);
#endif
    calls.insert(SYS_epoll_pwait);
#ifdef SYS_epoll_pwait2
    calls.insert(SYS_epoll_pwait2);
#endif
  }
  return calls;
}

/// True if the process holds an epoll instance (only the epoll backend makes one).
inline bool has_epoll_fd(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd/";
  for (int fd = 0; fd < 64; ++fd) {
    char target[256];
    ssize_t n = ::readlink((dir + std::to_string(fd)).c_str(), target, sizeof target - 1);
    if (n > 0 && std::string(target, std::size_t(n)) == "anon_inode:[eventpoll]") return true;
  }
  return false;
}

/// Waits until the process sleeps in one of \p backend's wait calls (when the kernel shows
/// system calls; otherwise just asleep) and its CPU time has stopped moving: the reactor has
/// finished starting up and is waiting for events.
/// \returns false if that does not happen within \p timeout
inline bool wait_until_idle(pim::testing::Process& process, const std::string& backend,
                            std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::set<long> calls = wait_syscalls(backend);
  const bool see_syscalls = can_see_syscalls();
  std::optional<long> previous_ticks;
  while (std::chrono::steady_clock::now() < deadline) {
    auto sample = cpu_sample(process.pid());
    if (!sample || sample->state == 'Z') return false;
    bool waiting = sample->state == 'S';
    if (waiting && see_syscalls) {
      auto call = blocked_syscall(process.pid());
      waiting = call && calls.count(*call) == 1;
    }
    if (waiting && previous_ticks == sample->ticks) return true;
    previous_ticks = waiting ? std::optional<long>(sample->ticks) : std::nullopt;
    ::poll(nullptr, 0, 20);
  }
  return false;
}

}  // namespace part03
