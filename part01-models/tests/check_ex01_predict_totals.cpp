// Check for exercise 1 of part 1 (predict each model's total time). Built against
// exercises/ex01_predict_totals.cpp by `./tutorial check 01`, and against the solution by the
// test suite.

#include <string>
#include <vector>

#include "../predict.hpp"
#include "models_output.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/process.hpp"

namespace {

using pim::part01::Millis;
using pim::part01::Step;
using pim::part01::Task;

// `count` tasks, each `steps` x (work + wait): what the models program runs.
std::vector<Task> same_tasks(int count, int steps, long work, long wait) {
  return std::vector<Task>(std::size_t(count),
                           Task(std::size_t(steps), Step{Millis(work), Millis(wait)}));
}

}  // namespace

TEST_CASE("the chapter's three tasks take 3.6 s, 1.2 s and at least 1.2 s", "[part01][ex01]") {
  auto tasks = same_tasks(3, 3, 100, 300);
  CHECK(pim::part01::predict_synchronous(tasks) == Millis(3600));
  CHECK(pim::part01::predict_threaded(tasks) == Millis(1200));
  CHECK(pim::part01::predict_asynchronous_lower_bound(tasks) == Millis(1200));
}

TEST_CASE("with little waiting, all the work on one thread bounds the asynchronous model",
          "[part01][ex01]") {
  auto tasks = same_tasks(3, 3, 300, 100);
  CHECK(pim::part01::predict_synchronous(tasks) == Millis(3600));
  CHECK(pim::part01::predict_threaded(tasks) == Millis(1200));
  CHECK(pim::part01::predict_asynchronous_lower_bound(tasks) == Millis(2700));
}

TEST_CASE("tasks of different lengths: the longest one decides the threaded total",
          "[part01][ex01]") {
  std::vector<Task> tasks = {
      {{Millis(10), Millis(500)}},
      {{Millis(50), Millis(50)}, {Millis(50), Millis(50)}},
      {{Millis(200), Millis(0)}},
  };
  CHECK(pim::part01::predict_synchronous(tasks) == Millis(910));
  CHECK(pim::part01::predict_threaded(tasks) == Millis(510));
  CHECK(pim::part01::predict_asynchronous_lower_bound(tasks) == Millis(510));
  tasks.push_back({{Millis(400), Millis(0)}});  // now the work adds up to 710 ms
  CHECK(pim::part01::predict_asynchronous_lower_bound(tasks) == Millis(710));
}

TEST_CASE("no tasks take no time", "[part01][ex01]") {
  CHECK(pim::part01::predict_synchronous({}) == Millis(0));
  CHECK(pim::part01::predict_threaded({}) == Millis(0));
  CHECK(pim::part01::predict_asynchronous_lower_bound({}) == Millis(0));
}

TEST_CASE("the predictions agree with a real run of the models program", "[part01][ex01]") {
  auto result = pim::testing::run(
      {PIM_BIN_DIR "/models", "--tasks", "2", "--steps", "2", "--work", "30", "--wait", "60"},
      std::chrono::seconds(30));
  REQUIRE(result.status == 0);
  auto timelines = part01_test::parse_timelines(result.out);
  REQUIRE(timelines.size() == 3);
  auto tasks = same_tasks(2, 2, 30, 60);
  auto seconds = [](Millis m) { return double(m.count()) / 1000.0; };
  double sync = seconds(pim::part01::predict_synchronous(tasks));
  double threaded = seconds(pim::part01::predict_threaded(tasks));
  double async = seconds(pim::part01::predict_asynchronous_lower_bound(tasks));
  INFO("predicted " << sync << " / " << threaded << " / " << async << " s");
  // A real run pays a little for sleeping and switching, so it may take a bit longer than the
  // prediction, never less.
  CHECK(timelines[0].seconds >= sync - 0.001);
  CHECK(timelines[0].seconds < sync * 1.5);
  CHECK(timelines[1].seconds >= threaded - 0.001);
  CHECK(timelines[1].seconds < threaded * 1.5 + 0.05);
  CHECK(timelines[2].seconds >= async - 0.001);
}
