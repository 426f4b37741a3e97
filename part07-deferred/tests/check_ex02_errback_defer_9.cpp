// Checks part 7, exercise 2 (example 9): the program built from ex02_errback_defer_9.cpp
// (PIM_EXERCISE_PROGRAM) fires its errback chain with std::runtime_error("the server fell
// silent"): the errback prints the Failure and its verse on stderr, nothing reaches stdout, and
// the program still stops by itself, on every backend.
#include <string>

#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"

using namespace std::chrono_literals;
using pim::testing::backends;
using pim::testing::run;

TEST_CASE("example 9 fired with an exception runs its errback and stops",
          "[part07][exercise][errback]") {
  const std::string backend = GENERATE(from_range(backends()));
  auto result = run({PIM_EXERCISE_PROGRAM, "--reactor", backend}, 10s);
  INFO("backend " << backend << "\nstdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.out == "");
  CHECK(result.err ==
        "[Failure: std::runtime_error: the server fell silent]\n"
        "the poem was lost\n"
        "between the server and here\n"
        "we will ask again\n");
  CHECK(result.status == 0);
}
