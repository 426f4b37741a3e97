// Tests of the models program: it is run as a real process with short durations, and its
// timelines are read back to check the claims the chapter makes about each model.

#include <algorithm>
#include <string>
#include <vector>

#include "models_output.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/process.hpp"

namespace {

using part01_test::Timeline;

// 3 tasks x 2 steps x (20 ms work + 60 ms wait): 480 ms synchronously, drawn in 10 ms columns.
constexpr double planned_sum = 3 * 2 * (0.020 + 0.060);

pim::testing::Result run_models(std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{PIM_BIN_DIR "/models",
                                "--tasks",
                                "3",
                                "--steps",
                                "2",
                                "--work",
                                "20",
                                "--wait",
                                "60",
                                "--column",
                                "10"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return pim::testing::run(argv, std::chrono::seconds(30));
}

// Runs one model and returns its (only) timeline.
Timeline run_one(const std::string& model) {
  auto result = run_models({"--model", model});
  REQUIRE(result.status == 0);
  auto timelines = part01_test::parse_timelines(result.out);
  REQUIRE(timelines.size() == 1);
  REQUIRE(timelines[0].rows.size() == 3);
  return timelines[0];
}

std::size_t first_active(const std::string& row) {
  return row.find_first_not_of(' ');
}
std::size_t last_active(const std::string& row) {
  return row.find_last_not_of(' ');
}

}  // namespace

TEST_CASE("every model draws one row per task using only #, . and spaces", "[part01][models]") {
  auto result = run_models();
  REQUIRE(result.status == 0);
  auto timelines = part01_test::parse_timelines(result.out);
  REQUIRE(timelines.size() == 3);
  CHECK(timelines[0].model == "Synchronous");
  CHECK(timelines[1].model == "Threaded");
  CHECK(timelines[2].model == "Asynchronous");
  for (const auto& timeline : timelines) {
    INFO(timeline.model);
    REQUIRE(timeline.rows.size() == 3);
    CHECK(timeline.has_axis);
    for (const auto& row : timeline.rows) {
      CHECK(row.size() == timeline.rows[0].size());
      CHECK(row.find_first_not_of("#. ") == std::string::npos);
      CHECK(row.find('#') != std::string::npos);
      CHECK(row.find('.') != std::string::npos);
    }
  }
  CHECK(result.out.find("Summary: 3 tasks, each 2 x (20 ms work + 60 ms wait)") !=
        std::string::npos);
}

TEST_CASE("the synchronous model runs tasks one after another, taking their summed time",
          "[part01][models][synchronous]") {
  Timeline sync = run_one("sync");
  // Every work and wait lasts at least its planned time, so the total cannot be shorter; the
  // upper bound only allows for a busy machine oversleeping a little.
  CHECK(sync.seconds >= planned_sum - 0.001);
  CHECK(sync.seconds < planned_sum * 1.5);
  for (std::size_t c = 0; c < sync.rows[0].size(); ++c) {
    CHECK(part01_test::active_in_column(sync, c) <= 1);
  }
  CHECK(last_active(sync.rows[0]) < first_active(sync.rows[1]));
  CHECK(last_active(sync.rows[1]) < first_active(sync.rows[2]));
}

TEST_CASE("threaded tasks run side by side and finish far sooner than synchronous ones",
          "[part01][models][threaded]") {
  Timeline threaded = run_one("threaded");
  bool all_at_once = false;
  for (std::size_t c = 0; c < threaded.rows[0].size(); ++c) {
    all_at_once = all_at_once || part01_test::active_in_column(threaded, c) == 3;
  }
  CHECK(all_at_once);
  CHECK(threaded.seconds < 0.7 * planned_sum);
}

TEST_CASE("the asynchronous model never has two tasks working in the same column",
          "[part01][models][asynchronous]") {
  Timeline async = run_one("async");
  int interleaved_columns = 0;
  for (std::size_t c = 0; c < async.rows[0].size(); ++c) {
    CHECK(part01_test::working_in_column(async, c) <= 1);
    interleaved_columns += part01_test::active_in_column(async, c) >= 2;
  }
  // ...and yet the tasks are interleaved: they are in progress at the same time.
  CHECK(interleaved_columns > 0);
}

TEST_CASE("the asynchronous model finishes well under the synchronous time",
          "[part01][models][asynchronous]") {
  auto result = run_models({"--model", "all"});
  REQUIRE(result.status == 0);
  auto timelines = part01_test::parse_timelines(result.out);
  REQUIRE(timelines.size() == 3);
  const Timeline& sync = timelines[0];
  const Timeline& async = timelines[2];
  INFO("sync " << sync.seconds << " s, async " << async.seconds << " s");
  CHECK(async.seconds < 0.7 * sync.seconds);
  // One thread still has to do all the work itself: 6 x 20 ms.
  CHECK(async.seconds >= 0.120);
}

TEST_CASE("the --model option draws only the chosen model", "[part01][models][options]") {
  auto result = run_models({"--model", "threaded"});
  REQUIRE(result.status == 0);
  auto timelines = part01_test::parse_timelines(result.out);
  REQUIRE(timelines.size() == 1);
  CHECK(timelines[0].model == "Threaded");
}

TEST_CASE("models rejects bad options with exit status 2 and a message",
          "[part01][models][options]") {
  const std::vector<std::vector<std::string>> bad = {{"--model", "fibers"}, {"--tasks", "0"},
                                                     {"--work", "-5"},      {"--wait", "soon"},
                                                     {"--bogus"},           {"leftover"}};
  for (const auto& args : bad) {
    std::vector<std::string> argv{PIM_BIN_DIR "/models"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = pim::testing::run(argv, std::chrono::seconds(10));
    INFO(args[0]);
    CHECK(result.status == 2);
    CHECK(result.err.find("models: error:") != std::string::npos);
    CHECK(result.out.empty());
  }
}
