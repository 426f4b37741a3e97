// Part 3: the programs whose callbacks print something (hello, stack, exception) and the log
// program, each run as the chapter runs it, on every backend where a reactor is involved.
#include <signal.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part03;
using pim::testing::lines;
using pim::testing::Process;
using pim::testing::run;

namespace {

// `2024-05-01 09:30:00+0000 [system] `: how every log entry starts.
const std::string log_prefix = R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000 \[[^\]]+\] )";

std::ptrdiff_t position(const std::vector<std::string>& frames, const std::string& start) {
  auto at = std::find_if(frames.begin(), frames.end(),
                         [&](const std::string& frame) { return frame.rfind(start, 0) == 0; });
  return at == frames.end() ? -1 : at - frames.begin();
}

}  // namespace

TEST_CASE("every program's --help shows the exact command to run it from the repository root",
          "[part03][help]") {
  for (const std::string name :
       {"simple", "simple-poll", "hello", "stack", "countdown", "exception", "log"}) {
    auto result = run({program(name), "--help"}, 10s);
    INFO(name << ": " << result.err);
    CHECK(result.status == 0);
    CHECK(result.out.find("build/bin/part03/" + name) != std::string::npos);
    // Every program that runs a reactor lets you choose its backend (simple-poll has it in code).
    const bool has_reactor = name != "log" && name != "simple-poll";
    CHECK((result.out.find("--reactor") != std::string::npos) == has_reactor);
  }
}

TEST_CASE("hello greets from inside the loop, then keeps waiting until it is signalled",
          "[part03][hello]") {
  for (const auto& backend : backends()) {
    INFO("backend " << backend);
    Process hello({program("hello"), "--reactor", backend});
    CHECK(hello.next_line() == "Starting the reactor.");
    CHECK(hello.next_line() == "Hello from inside the reactor loop!");
    CHECK(hello.next_line() == "That was my only job; now the loop waits for ever.");
    // Still running, asleep in the backend's wait call: nothing stopped the loop.
    CHECK(wait_until_idle(hello, backend));
    CHECK(hello.running());
    hello.signal(SIGTERM);
    CHECK(hello.wait(10s) == 0);
    CHECK(lines(hello.out()).size() == 3);
  }
}

TEST_CASE("stack shows Reactor::run between main and the callback that printed it",
          "[part03][stack]") {
  for (const auto& backend : backends()) {
    auto result = run({program("stack"), "--reactor", backend}, 10s);
    INFO("backend " << backend << "\n" << result.out << result.err);
    REQUIRE(result.status == 0);
    auto output = lines(result.out);
    REQUIRE(output.size() >= 3);
    CHECK(output[0] == "The call stack, outermost call first:");
    std::vector<std::string> frames(output.begin() + 1, output.end());
    CHECK(frames.front() == "  main");
    const auto run_at = position(frames, "  pim::Reactor::run()");
    const auto callback_at = position(frames, "  show_stack(pim::Reactor*)");
    REQUIRE(run_at >= 0);
    CHECK(callback_at == std::ptrdiff_t(frames.size()) - 1);  // our function is innermost
    CHECK(run_at < callback_at);
  }
}

TEST_CASE("exception: the reactor logs the callback's exception and runs the next callback",
          "[part03][exception]") {
  for (const auto& backend : backends()) {
    auto result = run({program("exception"), "--reactor", backend}, 10s);
    INFO("backend " << backend << "\n" << result.out << result.err);
    CHECK(result.status == 0);
    CHECK(lines(result.out) ==
          std::vector<std::string>{"Starting the reactor.",
                                   "Back on my feet: the loop is still running."});
    // Type and message, and the line that handed the callback to the reactor.
    CHECK(std::regex_search(
        result.err,
        std::regex(log_prefix + "Unhandled error in a startup call scheduled at "
                                R"(part03-reactor/exception\.cpp:\d+\n\tstd::runtime_error: )"
                                R"(Tripped over a loose cable\.)")));
  }
}

TEST_CASE("log writes timestamped entries with their system to stderr", "[part03][log]") {
  auto result = run({program("log")}, 10s);
  INFO(result.err);
  CHECK(result.status == 0);
  CHECK(result.out.empty());
  auto entries = lines(result.err);
  REQUIRE(entries.size() == 8);
  // Every line is a new entry, or the tab-indented continuation of the one before.
  for (const auto& line : entries) {
    CHECK((std::regex_search(line, std::regex("^" + log_prefix)) || line.rfind('\t', 0) == 0));
  }
  const std::vector<std::string> after_prefix{
      "[-] A log entry: timestamp, [system], then the message.",
      "[-] log::msg joins its arguments with spaces: 3 poems in 2.5 seconds",
      "[-] Unhandled error",
      "\tstd::invalid_argument: 'soon' is not a number of seconds",
      "[-] Lost a poem",
      "\tstd::runtime_error: the server closed the connection",
      "[download 1] Written while a download is the current context.",
      "[-] Back to no context.",
  };
  std::vector<std::string> seen;
  for (const auto& line : entries) {
    if (line.rfind('\t', 0) == 0) {
      seen.push_back(line);
    } else {
      seen.push_back(line.substr(line.find(" [") + 1));
    }
  }
  CHECK(seen == after_prefix);
}
