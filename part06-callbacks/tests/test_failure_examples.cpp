// Part 6: the failure-examples program. Its frames depend on the compiler, so the test checks the
// structure the chapter describes: no frames for the Failure that was never thrown; for the caught
// one, the callers from main down to the function with the catch block, and nothing below it;
// then the exact answers of check, trap and value.
#include <algorithm>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part06;
using pim::testing::lines;
using pim::testing::run;

namespace {

const std::string error_text = "verse::SyllableCountError: line 2 has 8 syllables, not 7";

// The lines from \p heading (exclusive) to the next blank line.
std::vector<std::string> section(const std::vector<std::string>& all, const std::string& heading) {
  auto start = std::find(all.begin(), all.end(), heading);
  REQUIRE(start != all.end());
  REQUIRE(start + 1 != all.end());
  CHECK(*(start + 1) == "");  // a blank line after the heading
  auto first = start + 2;
  return {first, std::find(first, all.end(), std::string())};
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace

TEST_CASE("failure-examples shows a Failure that was never thrown: it has no frames",
          "[part06][failure]") {
  auto result = run({program("failure-examples")}, 20s);
  INFO(result.out << result.err);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  auto made =
      section(lines(result.out), "1. A Failure made from an exception that was never thrown");
  CHECK(made == std::vector<std::string>{
                    "[Failure: " + error_text + "]",
                    "has frames: no",
                    "Traceback (failure with no frames): " + error_text,
                });
}

TEST_CASE("failure-examples shows a caught Failure with the callers of its catch block",
          "[part06][failure]") {
  auto result = run({program("failure-examples")}, 20s);
  INFO(result.out << result.err);
  REQUIRE(result.status == 0);
  auto caught = section(lines(result.out), "2. A Failure made in a catch block");
  REQUIRE(caught.size() >= 7);
  CHECK(caught[0] == "[Failure: " + error_text + "]");
  CHECK(caught[1] == "has frames: yes");
  CHECK(caught[2] == "Traceback (most recent call last):");
  CHECK(caught[3] == "  main");
  const std::size_t marker = caught.size() - 2;
  CHECK(caught[marker] == "--- <exception caught here> ---");
  CHECK(caught.back() == error_text);
  // Outermost first: main, the section's function, then the function whose catch block made
  // the Failure. The frames between the catch and the throw were unwound before the catch block
  // ran, so the functions that threw are not there.
  std::vector<std::string> frames(caught.begin() + 3, caught.begin() + long(marker));
  CHECK(std::count(frames.begin(), frames.end(), "  examples::caught()") == 1);
  CHECK(starts_with(frames.back(), "  verse::review("));
  for (const std::string& frame : frames) {
    CHECK_FALSE(starts_with(frame, "  verse::check_"));
    CHECK_FALSE(starts_with(frame, "  pim::Failure"));
  }
}

TEST_CASE("failure-examples shows what check, trap and value answer", "[part06][failure]") {
  auto result = run({program("failure-examples")}, 20s);
  INFO(result.out << result.err);
  REQUIRE(result.status == 0);
  auto answers = section(lines(result.out), "3. Asking a Failure what it holds");
  CHECK(answers == std::vector<std::string>{
                       "check<verse::SyllableCountError>(): verse::SyllableCountError",
                       "check<std::logic_error>(): none",
                       "check<std::logic_error, std::runtime_error>(): std::runtime_error",
                       "trap<std::runtime_error>(): std::runtime_error",
                       "trap<std::logic_error>(): rethrew verse::SyllableCountError: line 2 has 8 "
                       "syllables, not 7",
                       "value<verse::SyllableCountError>()->line(): 2",
                   });
}

TEST_CASE("failure-examples takes no arguments", "[part06][failure][usage]") {
  auto result = run({program("failure-examples"), "extra"}, 10s);
  CHECK(result.status == 2);
  CHECK(result.err.find("failure-examples: error: ") != std::string::npos);
}
