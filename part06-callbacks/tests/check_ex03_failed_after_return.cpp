// Checks part 6, exercise 3: the program built from exercises/ex03_failed_after_return.cpp
// (PIM_EXERCISE_PROGRAM) prints its steps in the order they really happen, on every backend:
// started_connecting() inside connect_tcp(), client_connection_failed() only once the reactor
// runs, long after get_poetry() has returned.
#include <sstream>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part06;
using pim::testing::lines;
using pim::testing::run;

namespace {

std::string numbered(const std::vector<std::string>& text) {
  std::ostringstream out;
  for (std::size_t i = 0; i < text.size(); ++i)
    out << "  " << i + 1 << ": " << text[i] << "\n";
  return out.str();
}

std::vector<std::string> steps(int port, const std::vector<std::string>& outcome) {
  std::vector<std::string> expected{
      "main: calling get_poetry",
      "get_poetry: calling connect_tcp",
      "started_connecting: 127.0.0.1:" + std::to_string(port),
      "get_poetry: connect_tcp returned",
      "main: get_poetry returned",
      "main: running the reactor",
  };
  expected.insert(expected.end(), outcome.begin(), outcome.end());
  expected.push_back("main: the reactor stopped");
  return expected;
}

}  // namespace

TEST_CASE("a refused connection is reported after get_poetry has returned",
          "[part06][exercise][callbacks]") {
  const std::string backend = GENERATE(from_range(backends()));
  pim::testing::RefusingPort refusing;
  auto result =
      run({PIM_EXERCISE_PROGRAM, "--reactor", backend, std::to_string(refusing.port())}, 10s);
  const std::string failure = "[Failure: ConnectionRefusedError: Connection was refused]";
  const auto expected =
      steps(refusing.port(), {"client_connection_failed: " + failure, "poem_failed: " + failure});
  const auto output = lines(result.out);
  INFO("backend " << backend << "\nexpected:\n"
                  << numbered(expected) << "your program printed:\n"
                  << numbered(output) << "stderr:\n"
                  << result.err);
  CHECK(result.status == 0);
  CHECK(output == expected);
}

TEST_CASE("a poem that arrives is reported after get_poetry has returned too",
          "[part06][exercise][callbacks]") {
  const std::string backend = GENERATE(from_range(backends()));
  Server ferry({"--delay", "0", "--num-bytes", "1000", poem_path("ferry.txt")});
  auto result = run({PIM_EXERCISE_PROGRAM, "--reactor", backend, ferry.port_text()}, 10s);
  const auto expected =
      steps(ferry.port, {"got_poem: " + std::to_string(poem("ferry.txt").size()) + " bytes"});
  const auto output = lines(result.out);
  INFO("backend " << backend << "\nexpected:\n"
                  << numbered(expected) << "your program printed:\n"
                  << numbered(output) << "stderr:\n"
                  << result.err);
  CHECK(result.status == 0);
  CHECK(output == expected);
}
