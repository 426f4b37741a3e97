// Exercise 1 of part 1: predict each model's total time before you run it.
//
// Implement the three functions declared in part01-models/predict.hpp (read it first: a task is
// a list of steps, each some CPU work followed by a wait). Check your answers with
//   ./tutorial check 01
// then compare them with a real run, e.g.
//   build/bin/part01/models --tasks 2 --steps 3 --work 50 --wait 150
// (3 x 200 ms per task: your predictions should say 1.2 s, 0.6 s and at least 0.6 s).

#include "../predict.hpp"

namespace pim::part01 {

Millis predict_synchronous(const std::vector<Task>& tasks) {
  // TODO: one thread, one task after another, and every wait blocks that one thread.
  //       Add up everything: every step's work and wait, of every task.
  (void)tasks;
  return Millis{0};
}

Millis predict_threaded(const std::vector<Task>& tasks) {
  // TODO: every task has a thread (and a core) of its own, so they all run side by side.
  //       The program ends when its slowest task does: return the longest task's length.
  (void)tasks;
  return Millis{0};
}

Millis predict_asynchronous_lower_bound(const std::vector<Task>& tasks) {
  // TODO: one thread interleaves the tasks, doing work while others wait. Two things hold
  //       whatever the schedule: the thread must do ALL the work itself, one piece at a time,
  //       and no task can end before its own steps (work and waits) are done.
  //       Return the larger of those two lower bounds.
  (void)tasks;
  return Millis{0};
}

}  // namespace pim::part01
