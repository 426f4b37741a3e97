// Checks part 3, exercise 1 (three counters at different rates). Runs the three-counters program
// built from your exercises/ex01_three_counters.cpp (or, in the test suite, from the solution)
// on every backend, sped up with --scale, and compares its output line for line.
#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part03;
using pim::testing::lines;
using pim::testing::Process;

namespace {

// At --scale 1: fast prints at 0, 0.6, 1.2 s and is done at 1.8; medium at 0, 0.8, 1.6, 2.4 and
// done at 3.2; slow at 0, 1, 2, 3, 4 and done at 5. No two events are closer than 0.2 s (50 ms
// at the scale used here), so the order is the same on every run.
const std::vector<std::string> expected{
    "Start!",      "fast: 3 ...",  "medium: 4 ...", "slow: 5 ...", "fast: 2 ...", "medium: 3 ...",
    "slow: 4 ...", "fast: 1 ...",  "medium: 2 ...", "fast: done",  "slow: 3 ...", "medium: 1 ...",
    "slow: 2 ...", "medium: done", "slow: 1 ...",   "slow: done",  "Stop!",
};

std::string numbered(const std::vector<std::string>& text) {
  std::ostringstream out;
  for (std::size_t i = 0; i < text.size(); ++i)
    out << "  " << i + 1 << ": " << text[i] << "\n";
  return out.str();
}

// Where two transcripts first differ, in words ("" if they are the same).
std::string first_difference(const std::vector<std::string>& got,
                             const std::vector<std::string>& want) {
  for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    const std::string expected_line = i < want.size() ? want[i] : "(nothing more)";
    const std::string got_line = i < got.size() ? got[i] : "(nothing more)";
    if (expected_line != got_line) {
      return "line " + std::to_string(i + 1) + ": expected \"" + expected_line + "\", got \"" +
             got_line + "\"";
    }
  }
  return "";
}

}  // namespace

TEST_CASE("three counters interleave by their rates and the reactor stops after the last one",
          "[part03][exercise][timers]") {
  const double scale = 0.25;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<Process>> runs;
  for (const auto& backend : backends()) {
    runs.push_back(std::make_unique<Process>(std::vector<std::string>{
        PIM_EXERCISE_PROGRAM, "--scale", std::to_string(scale), "--reactor", backend}));
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto status = runs[i]->wait(20s);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto output = lines(runs[i]->out());
    INFO("backend " << backends()[i] << "\nexpected:\n"
                    << numbered(expected) << "your program printed:\n"
                    << numbered(output) << "stderr:\n"
                    << runs[i]->err());
    REQUIRE(status);  // it stopped by itself
    CHECK(*status == 0);
    CHECK(first_difference(output, expected) == "");
    // The slow counter is done after 5 intervals of 1 s, scaled; a little more for start-up.
    CHECK(seconds > 5 * scale - 0.05);
    CHECK(seconds < 5 * scale + 1.5);
  }
}
