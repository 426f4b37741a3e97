// Part 3: simple and simple-poll, the reactors with nothing to do. They must sleep in the
// kernel (no CPU), use the backend they were asked for, and stop cleanly on SIGINT and SIGTERM.
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part03;
using pim::testing::Process;

namespace {

std::vector<std::string> simple_on(const std::string& backend) {
  return {program("simple"), "--reactor", backend};
}

// Starts \p argv and waits until it sleeps in \p backend's wait call.
std::unique_ptr<Process> start_idle(const std::vector<std::string>& argv,
                                    const std::string& backend) {
  auto process = std::make_unique<Process>(argv);
  INFO(argv[0] << " on " << backend << ": " << process->err());
  REQUIRE(wait_until_idle(*process, backend));
  return process;
}

}  // namespace

TEST_CASE("simple sleeps in its backend's wait call and uses no CPU for a whole second",
          "[part03][simple][idle]") {
  if (!can_see_syscalls()) WARN("/proc/PID/syscall is unreadable: not checking which call waits");
  std::vector<std::unique_ptr<Process>> processes;
  std::vector<long> before;
  for (const auto& backend : backends()) {
    processes.push_back(start_idle(simple_on(backend), backend));
    before.push_back(cpu_sample(processes.back()->pid())->ticks);
  }
  // One measuring window for all three. A loop that spun instead of sleeping would use about
  // 100 ticks here; a sleeping one uses none (2 allow for a tick landing on a boundary).
  ::poll(nullptr, 0, 1000);
  for (std::size_t i = 0; i < processes.size(); ++i) {
    INFO("backend " << backends()[i]);
    auto after = cpu_sample(processes[i]->pid());
    REQUIRE(after);
    CHECK(after->state == 'S');
    CHECK(after->ticks - before[i] <= 2);
    CHECK(processes[i]->running());
  }
}

TEST_CASE("only the epoll backend of simple creates an epoll instance", "[part03][simple]") {
  for (const auto& backend : backends()) {
    auto process = start_idle(simple_on(backend), backend);
    INFO("backend " << backend);
    CHECK(has_epoll_fd(process->pid()) == (backend == "epoll"));
  }
}

TEST_CASE("simple stops cleanly with exit status 0 on SIGINT and on SIGTERM",
          "[part03][simple][signals]") {
  struct Run {
    std::string backend;
    int signal;
    std::unique_ptr<Process> process;
  };
  std::vector<Run> runs;
  for (const auto& backend : backends()) {
    for (int signal : {SIGINT, SIGTERM}) {
      runs.push_back({backend, signal, start_idle(simple_on(backend), backend)});
    }
  }
  for (auto& run : runs)
    run.process->signal(run.signal);
  for (auto& run : runs) {
    const std::string name = run.signal == SIGINT ? "SIGINT" : "SIGTERM";
    INFO(run.backend << ", " << name << ": " << run.process->err());
    // Exit status 0, not 128 + the signal: the reactor caught it, stopped, and main returned.
    CHECK(run.process->wait(10s) == 0);
    CHECK(run.process->err().find("Received " + name + ", shutting down.") != std::string::npos);
    CHECK(run.process->out().empty());
  }
}

TEST_CASE("simple-poll uses poll whatever PIM_REACTOR says, and idles", "[part03][simple]") {
  auto process = start_idle({"/usr/bin/env", "PIM_REACTOR=epoll", program("simple-poll")}, "poll");
  CHECK_FALSE(has_epoll_fd(process->pid()));
  const long before = cpu_sample(process->pid())->ticks;
  ::poll(nullptr, 0, 500);
  CHECK(cpu_sample(process->pid())->ticks - before <= 2);
  process->signal(SIGINT);
  CHECK(process->wait(10s) == 0);
}

TEST_CASE("simple takes its backend from PIM_REACTOR, and --reactor overrides it",
          "[part03][simple][backends]") {
  auto from_environment =
      start_idle({"/usr/bin/env", "PIM_REACTOR=select", program("simple")}, "select");
  CHECK_FALSE(has_epoll_fd(from_environment->pid()));
  auto overridden = start_idle(
      {"/usr/bin/env", "PIM_REACTOR=select", program("simple"), "--reactor", "poll"}, "poll");
  CHECK_FALSE(has_epoll_fd(overridden->pid()));
  auto by_default = start_idle({"/usr/bin/env", "-u", "PIM_REACTOR", program("simple")}, "epoll");
  CHECK(has_epoll_fd(by_default->pid()));
}

TEST_CASE("a backend that does not exist is a usage error with exit status 2",
          "[part03][simple][backends]") {
  auto option = pim::testing::run({program("simple"), "--reactor", "kqueue"}, 10s);
  CHECK(option.status == 2);
  CHECK(option.err.find("select, poll, epoll") != std::string::npos);

  auto environment =
      pim::testing::run({"/usr/bin/env", "PIM_REACTOR=kqueue", program("simple")}, 10s);
  INFO(environment.err);
  CHECK(environment.status == 2);
  CHECK(environment.err.find("PIM_REACTOR=kqueue") != std::string::npos);

  auto extra = pim::testing::run({program("simple"), "poetry"}, 10s);
  CHECK(extra.status == 2);
}
