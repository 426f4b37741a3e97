// Part 7: Deferred examples 1 to 7, which need no reactor. Each test runs the program and
// compares its whole transcript (stdout, stderr, exit status) with what the chapter shows: the
// pair runs inside callback()/errback(), an errback always receives a Failure, and a second
// fire of any kind throws pim::AlreadyCalledError at the caller, ending the program.
#include <string>

#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"

using namespace std::chrono_literals;
using pim::testing::program;
using pim::testing::run;

namespace {

const std::string already_called =
    ": uncaught exception pim::AlreadyCalledError: Deferred has already been called\n";

}  // namespace

TEST_CASE("defer-1 runs the callback inside callback(), before Finished", "[part07][firing]") {
  auto result = run({program("defer-1")}, 10s);
  CHECK(result.out == "Here is your poem:\nA poem of a single line.\nFinished\n");
  CHECK(result.err == "");
  CHECK(result.status == 0);
}

TEST_CASE("defer-2 runs the errback inside errback(), before Finished", "[part07][firing]") {
  auto result = run({program("defer-2")}, 10s);
  CHECK(result.out == "No poem this time.\nFinished\n");
  CHECK(result.err == "");
  CHECK(result.status == 0);
}

TEST_CASE("defer-3's errback receives the plain exception wrapped in a Failure without frames",
          "[part07][firing][failure]") {
  auto result = run({program("defer-3")}, 10s);
  CHECK(result.out ==
        "poem_failed received: [Failure: std::runtime_error: the poem could not be found]\n"
        "Traceback (failure with no frames): std::runtime_error: the poem could not be found\n"
        "No poem this time.\n"
        "Finished\n");
  CHECK(result.err == "");
  CHECK(result.status == 0);
}

TEST_CASE("defer-4: a second callback() throws AlreadyCalledError and ends the program",
          "[part07][firing][already-called]") {
  auto result = run({program("defer-4")}, 10s);
  CHECK(result.out == "the first result\n");
  CHECK(result.err == "defer-4" + already_called);
  CHECK(result.status == 1);
}

TEST_CASE("defer-5: errback() after callback() throws AlreadyCalledError",
          "[part07][firing][already-called]") {
  auto result = run({program("defer-5")}, 10s);
  CHECK(result.out == "the first result\n");
  CHECK(result.err == "defer-5" + already_called);
  CHECK(result.status == 1);
}

TEST_CASE("defer-6: callback() after errback() throws AlreadyCalledError",
          "[part07][firing][already-called]") {
  auto result = run({program("defer-6")}, 10s);
  CHECK(result.out == "[Failure: std::runtime_error: the first error]\n");
  CHECK(result.err == "defer-6" + already_called);
  CHECK(result.status == 1);
}

TEST_CASE("defer-7: a second errback() throws AlreadyCalledError",
          "[part07][firing][already-called]") {
  auto result = run({program("defer-7")}, 10s);
  CHECK(result.out == "[Failure: std::runtime_error: the first error]\n");
  CHECK(result.err == "defer-7" + already_called);
  CHECK(result.status == 1);
}

TEST_CASE("every part 7 program refuses arguments with a usage error", "[part07][usage]") {
  const std::string name =
      GENERATE(as<std::string>(), "defer-1", "defer-2", "defer-3", "defer-4", "defer-5", "defer-6",
               "defer-7", "defer-8", "defer-9", "defer-block");
  auto result = run({program(name), "extra"}, 10s);
  INFO(name << ": " << result.err);
  CHECK(result.status == 2);
  CHECK(result.out == "");
  CHECK(result.err.find(name + ": error: takes no arguments") != std::string::npos);
}

TEST_CASE("every part 7 program's --help shows the command to run it", "[part07][usage]") {
  const std::string name =
      GENERATE(as<std::string>(), "defer-1", "defer-2", "defer-3", "defer-4", "defer-5", "defer-6",
               "defer-7", "defer-8", "defer-9", "defer-block");
  auto result = run({program(name), "--help"}, 10s);
  INFO(name << ": " << result.out);
  CHECK(result.status == 0);
  CHECK(result.out.find("build/bin/part07/" + name) != std::string::npos);
}
