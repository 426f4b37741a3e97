#include "pim/testing/process.hpp"

#include <csignal>

#include "pim/testing/catch.hpp"

using namespace pim::testing;

TEST_CASE("run captures stdout, stderr and the exit status", "[common][process]") {
  Result result = run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(result.status == 3);
  CHECK(result.out == "out\n");
  CHECK(result.err == "err\n");
}

TEST_CASE("run feeds standard input", "[common][process]") {
  Result result = run({"/bin/cat"}, 10s, std::string("one\ntwo\n"));
  CHECK(result.out == "one\ntwo\n");
}

TEST_CASE("a program that outlives its deadline is killed and reported", "[common][process]") {
  Result result = run({"/bin/sleep", "30"}, 200ms);
  CHECK(result.status == -1);
  CHECK(result.seconds < 5s);
}

TEST_CASE("lines arrive one at a time and a port line is recognised", "[common][process]") {
  Process process({"/bin/sh", "-c", "echo 'Serving x on port 4321.'; echo second; exec sleep 30"});
  CHECK(wait_for_port(process) == 4321);
  CHECK(process.next_line() == std::optional<std::string>("second"));
  CHECK_FALSE(process.next_line(100ms).has_value());
  process.signal(SIGTERM);
  CHECK(process.wait() == std::optional<int>(128 + SIGTERM));
}

TEST_CASE("a large output never blocks the child", "[common][process]") {
  Result result = run({"/bin/sh", "-c", "yes poem | head -c 1000000"});
  CHECK(result.status == 0);
  CHECK(result.out.size() == 1000000);
}

TEST_CASE("lines() splits text without a trailing empty line", "[common][process]") {
  CHECK(lines("a\nb\n") == std::vector<std::string>{"a", "b"});
  CHECK(lines("a\n\nb") == std::vector<std::string>{"a", "", "b"});
  CHECK(lines("").empty());
}
