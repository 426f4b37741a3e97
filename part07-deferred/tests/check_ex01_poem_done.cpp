// Checks part 7, exercise 1: the program built from ex01_poem_done.cpp (PIM_EXERCISE_PROGRAM)
// prints what poem_done receives. On the callback path that is got_poem's return value, the
// poem's size; on the errback path it is whatever poem_failed passed on (the check accepts any
// choice, and the chapter discusses them), printed after the errback's own lines.
#include <algorithm>
#include <string>
#include <vector>

#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"

using namespace std::chrono_literals;
using pim::testing::lines;
using pim::testing::run;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace

TEST_CASE("poem_done receives the size got_poem returns", "[part07][exercise][add-both]") {
  auto result = run({PIM_EXERCISE_PROGRAM}, 10s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.out ==
        "A short poem, delivered by the loop.\n"
        "poem_done received: 36\n");
  CHECK(result.err == "");
  CHECK(result.status == 0);
}

TEST_CASE("poem_done prints what it receives on the errback path too",
          "[part07][exercise][add-both]") {
  auto result = run({PIM_EXERCISE_PROGRAM, "--fail"}, 10s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.err ==
        "[Failure: std::runtime_error: the server fell silent]\n"
        "the poem was lost\n"
        "between the server and here\n"
        "we will ask again\n");
  const std::vector<std::string> out = lines(result.out);
  REQUIRE(out.size() == 1);
  CHECK(starts_with(out[0], "poem_done received: "));
  CHECK(out[0].size() > std::string("poem_done received: ").size());
  CHECK(result.status == 0);
}
