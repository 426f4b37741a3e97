/// \file
/// \brief Predicting how long each model of part 1 takes (exercise 1 of part 1).
///
/// Declares the functions that part01-models/exercises/ex01_predict_totals.cpp asks you to write
/// and part01-models/solutions/ex01_predict_totals.cpp answers; both are checked by
/// part01-models/tests/check_ex01_predict_totals.cpp.
#pragma once

#include <chrono>
#include <vector>

namespace pim::part01 {

using Millis = std::chrono::milliseconds;

/// One step of a task: some CPU work, then a wait (blocked, e.g. on I/O).
struct Step {
  Millis work;
  Millis wait;
};

/// A task is its steps, in order (the models program gives every task the same steps; here
/// tasks may differ).
using Task = std::vector<Step>;

/// The synchronous model (Figure 1): one thread runs the tasks one after another.
/// \returns the total time, ignoring the cost of switching between tasks
Millis predict_synchronous(const std::vector<Task>& tasks);

/// The threaded model (Figure 2) on as many cores as there are tasks: all run side by side.
/// \returns the total time, ignoring the cost of threads
Millis predict_threaded(const std::vector<Task>& tasks);

/// The single-threaded asynchronous model (Figure 3): no schedule can beat this.
/// \returns a lower bound on the total time: one thread must still do all the work, and no
///          task can finish before its own steps are done
Millis predict_asynchronous_lower_bound(const std::vector<Task>& tasks);

}  // namespace pim::part01
