// Checks part 4, exercise 2: a per-poem timeout with call_later(), cancelled when the poem ends
// in time. Runs the exercise program (exercises/ex02_timeout.cpp, built as PIM_EXERCISE_PROGRAM)
// against real slow poetry servers: fast ones, and one that sends a chunk and then pauses for a
// minute (a poem that never ends, as far as the check is concerned).
#include <regex>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part04;
using pim::testing::lines;
using pim::testing::run;

TEST_CASE("a poem not complete in time is abandoned and the others are kept",
          "[part04][exercise][timers]") {
  Server fast({"--delay", "0", poem_path("ferry.txt")});
  Server endless({"--delay", "60", poem_path("lantern.txt")});
  // Without a working timeout the client waits for the endless poem until the deadline kills it.
  auto result =
      run({PIM_EXERCISE_PROGRAM, "--timeout", "0.5", fast.port_text(), endless.port_text()}, 8s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  REQUIRE(result.status == 1);  // one poem is missing
  CHECK(result.seconds.count() < 5.0);

  auto errors = lines(result.err);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("Task 2: failed: timed out after 0.5 seconds", 0) == 0);
  // Task 1 finished long before its timer was due; a timer left running would fire at the same
  // moment as task 2's and wrongly report task 1 too.
  CHECK(result.out.find("Task 1: " + std::to_string(poem_size("ferry.txt")) +
                        " bytes of poetry\n") != std::string::npos);
  for (const std::string& line : lines(result.out)) {
    CHECK_FALSE(
        std::regex_match(line, std::regex(R"(Task 2: \d+ bytes of poetry)")));  // no summary
  }
  CHECK(result.out.find("Task 2 finished") == std::string::npos);
  CHECK(std::regex_search(result.out, std::regex("\nGot 1 poems in " + elapsed + "\n$")));
}

TEST_CASE("poems that finish in time cancel their timeouts and leave no timer behind",
          "[part04][exercise][timers]") {
  Server ferry({"--delay", "0", poem_path("ferry.txt")});
  Server lantern({"--delay", "0", poem_path("lantern.txt")});
  // Generous limit: the poems arrive at once, and the program must end at once too, with no
  // timer still pending (main() reports any on stderr).
  auto result =
      run({PIM_EXERCISE_PROGRAM, "--timeout", "30", ferry.port_text(), lantern.port_text()}, 20s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  CHECK(result.seconds.count() < 10.0);
  CHECK(std::regex_search(result.out, std::regex("\nGot 2 poems in " + elapsed + "\n$")));
}

TEST_CASE("without --timeout a slow poem is waited for", "[part04][exercise][timers]") {
  Server slow({"--delay", "0.01", poem_path("ferry.txt")});  // about 0.65 s in all
  auto result = run({PIM_EXERCISE_PROGRAM, slow.port_text()}, 20s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  CHECK(result.out.find("Task 1 finished\n") != std::string::npos);
}
