// Checks part 4, exercise 1: a refused connection fails its own task and the others finish.
// Runs the exercise program (exercises/ex01_refused.cpp, built as PIM_EXERCISE_PROGRAM) against
// real slow poetry servers and ports where nothing listens.
#include <regex>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part04;
using pim::testing::lines;
using pim::testing::run;

namespace {

std::string refused_line(int task, const pim::testing::RefusingPort& port) {
  return "Task " + std::to_string(task) +
         ": failed: cannot connect to 127.0.0.1:" + std::to_string(port.port()) +
         ": Connection refused";
}

}  // namespace

TEST_CASE("a refused connection is reported for its task and the other tasks finish",
          "[part04][exercise][errors]") {
  Server ferry({"--delay", "0", poem_path("ferry.txt")});
  pim::testing::RefusingPort refusing;
  Server lantern({"--delay", "0", poem_path("lantern.txt")});
  auto result = run({PIM_EXERCISE_PROGRAM, ferry.port_text(), std::to_string(refusing.port()),
                     lantern.port_text()},
                    20s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.status == 1);  // one poem is missing
  CHECK(lines(result.err) == std::vector<std::string>{refused_line(2, refusing)});
  CHECK(result.out.find("Task 1: " + std::to_string(poem_size("ferry.txt")) +
                        " bytes of poetry\n") != std::string::npos);
  CHECK(result.out.find("Task 3: " + std::to_string(poem_size("lantern.txt")) +
                        " bytes of poetry\n") != std::string::npos);
  CHECK(result.out.find("Task 2: ") == std::string::npos);  // no summary for the failed task
  CHECK(std::regex_search(result.out, std::regex("\nGot 2 poems in " + elapsed + "\n$")));
}

TEST_CASE("when no server can be reached the client says so for each task and still ends",
          "[part04][exercise][errors]") {
  pim::testing::RefusingPort first;
  pim::testing::RefusingPort second;
  // A client that ran its reactor with no socket to wait for would never stop: the deadline
  // turns that into status -1.
  auto result =
      run({PIM_EXERCISE_PROGRAM, std::to_string(first.port()), std::to_string(second.port())}, 10s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.status == 1);
  CHECK(lines(result.err) ==
        std::vector<std::string>{refused_line(1, first), refused_line(2, second)});
  CHECK(std::regex_match(result.out, std::regex("Got 0 poems in " + elapsed + "\n")));
}

TEST_CASE("with every server up the client behaves exactly like client 1.0", "[part04][exercise]") {
  Server ferry({"--delay", "0.005", poem_path("ferry.txt")});
  auto result = run({PIM_EXERCISE_PROGRAM, ferry.port_text()}, 20s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  Transcript transcript(result.out);
  CHECK(transcript.bytes_per_task()[1] == poem_size("ferry.txt"));
  REQUIRE(transcript.rest.size() == 3);
  CHECK(transcript.rest[0] == "Task 1 finished");
  CHECK(std::regex_match(transcript.rest[2], std::regex("Got 1 poems in " + elapsed)));
}
