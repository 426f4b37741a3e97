// Exercise 1 of part 1: predict each model's total time before you run it. (Solution.)
//
// Implement the three functions declared in part01-models/predict.hpp (read it first: a task is
// a list of steps, each some CPU work followed by a wait). Check your answers with
//   ./tutorial check 01
// then compare them with a real run, e.g.
//   build/bin/part01/models --tasks 2 --steps 3 --work 50 --wait 150
// (3 x 200 ms per task: your predictions should say 1.2 s, 0.6 s and at least 0.6 s).

#include <algorithm>

#include "../predict.hpp"

namespace pim::part01 {

namespace {

// A task alone, with nobody in its way: all its work and all its waits.
Millis length(const Task& task) {
  Millis total{0};
  for (const auto& step : task)
    total += step.work + step.wait;
  return total;
}

Millis longest_task(const std::vector<Task>& tasks) {
  Millis longest{0};
  for (const auto& task : tasks)
    longest = std::max(longest, length(task));
  return longest;
}

}  // namespace

Millis predict_synchronous(const std::vector<Task>& tasks) {
  // Nothing overlaps: the waits of one task are dead time for all of them.
  Millis total{0};
  for (const auto& task : tasks)
    total += length(task);
  return total;
}

Millis predict_threaded(const std::vector<Task>& tasks) {
  // Everything overlaps, work included (enough cores): the slowest task decides.
  return longest_task(tasks);
}

Millis predict_asynchronous_lower_bound(const std::vector<Task>& tasks) {
  // Waits can overlap with other tasks' work, but work cannot overlap with work on one thread.
  Millis all_work{0};
  for (const auto& task : tasks) {
    for (const auto& step : task)
      all_work += step.work;
  }
  return std::max(all_work, longest_task(tasks));
}

}  // namespace pim::part01
