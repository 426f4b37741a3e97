// Checks part 3, exercise 2 (the countdown with LoopingCall). Runs the looping-countdown program
// built from your exercises/ex02_looping_countdown.cpp (or, in the test suite, from the
// solution) on every backend with a short interval, and reads the source to see that it uses a
// LoopingCall rather than call_later.
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/file.hpp"
#include "pim/testing/catch.hpp"

using namespace part03;
using pim::testing::lines;
using pim::testing::Process;

namespace {

// The source without its comments, so that a TODO mentioning LoopingCall does not count.
std::string code_of(const std::string& path) {
  std::string code = pim::read_file(path);
  code = std::regex_replace(code, std::regex(R"(/\*[\s\S]*?\*/)"), " ");
  return std::regex_replace(code, std::regex("//[^\n]*"), " ");
}

}  // namespace

TEST_CASE("the looping countdown prints 5 to 1 an interval apart, then stops the reactor",
          "[part03][exercise][looping_call]") {
  const double interval = 0.2;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<Process>> runs;
  for (const auto& backend : backends()) {
    runs.push_back(std::make_unique<Process>(std::vector<std::string>{
        PIM_EXERCISE_PROGRAM, "--interval", std::to_string(interval), "--reactor", backend}));
  }
  const std::vector<std::string> expected{"Start!", "5 ...", "4 ...", "3 ...",
                                          "2 ...",  "1 ...", "Stop!"};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto status = runs[i]->wait(20s);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO("backend " << backends()[i] << "\nstdout:\n"
                    << runs[i]->out() << "stderr:\n"
                    << runs[i]->err());
    REQUIRE(status);  // it stopped by itself
    CHECK(*status == 0);
    CHECK(lines(runs[i]->out()) == expected);
    // Five intervals: four between the numbers, one after "1 ..." before the reactor stops.
    CHECK(seconds > 5 * interval - 0.05);
    CHECK(seconds < 5 * interval + 1.5);
  }
}

TEST_CASE("the looping countdown is written with LoopingCall, not call_later",
          "[part03][exercise][looping_call]") {
  const std::string code = code_of(PIM_EXERCISE_FILE);
  CHECK(code.find("LoopingCall") != std::string::npos);
  CHECK(code.find(".start(") != std::string::npos);
  CHECK(code.find("call_later") == std::string::npos);
}
