// Checks part 12, exercise 6 (client): netstring-get-poetry (PIM_EXERCISE_PROGRAM) prints the
// poem inside a whole netstring, and reports a netstring cut short as a failure.
#include <string>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace std::chrono_literals;
using pim::testing::run;

namespace {
const std::string verse = "The ferry waits for no one,\nbut the river waits for all.\n";
}

TEST_CASE("a poem in a whole netstring is printed without its framing",
          "[part12][exercise][client][netstring]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  part12::OneShotServer server(part12::netstring(verse));
  auto result =
      run({PIM_EXERCISE_PROGRAM, "--reactor", backend, std::to_string(server.port())}, 10s);
  INFO("backend " << backend << "\nstderr: " << result.err);
  CHECK(result.out == verse + "\n");
  CHECK(result.err.empty());
  CHECK(result.status == 0);
}

TEST_CASE("a netstring cut short is a failed poem, not a short one",
          "[part12][exercise][client][netstring][errors]") {
  part12::OneShotServer whole(part12::netstring(verse));
  part12::OneShotServer cut(part12::netstring(verse).substr(0, 20));
  auto result =
      run({PIM_EXERCISE_PROGRAM, std::to_string(whole.port()), std::to_string(cut.port())}, 10s);
  INFO("stderr: " << result.err);
  CHECK(result.out == verse + "\n");
  CHECK(result.err.find("Poem failed: [Failure: PoemIncompleteError") != std::string::npos);
  CHECK(result.status == 1);
}

TEST_CASE("a refused connection is a failed poem too", "[part12][exercise][client][errors]") {
  pim::testing::RefusingPort nobody;
  auto result = run({PIM_EXERCISE_PROGRAM, std::to_string(nobody.port())}, 10s);
  CHECK(result.out.empty());
  CHECK(result.err.find("Poem failed: [Failure: ConnectionRefusedError") != std::string::npos);
  CHECK(result.status == 1);
}
