// The three models of part 1, drawn from a real run.
//
// Runs the same tasks three ways -- synchronously (one thread, one task after another), threaded
// (one thread per task) and asynchronously (one thread, tasks interleaved by a tiny event loop) --
// and draws what every task was doing over time: Figures 1 to 4 of the chapter, measured rather
// than imagined. The first program of the tutorial: it builds on nothing. Teaching code: the
// "waits" are sleeps and timers standing in for network I/O, which arrives in part 2.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <iostream>
#include <queue>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "pim/elapsed.hpp"
#include "pim/options.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// What every task does: `steps` times, `work_ms` of CPU work followed by a `wait_ms` wait.
struct Plan {
  long tasks = 3;
  long steps = 3;
  long work_ms = 100;
  long wait_ms = 300;
};

// One stretch of a task's life: working on the CPU or waiting (blocked).
struct Interval {
  bool working;
  Clock::time_point start;
  Clock::time_point end;
};
using TaskLog = std::vector<Interval>;

// One model's run: when it started and ended, and what each task did in between.
struct Run {
  std::string name;  // "synchronous", "threaded" or "asynchronous"
  std::string how;   // a few words for the title line
  Clock::time_point start;
  Clock::time_point end;
  std::vector<TaskLog> tasks;
};

// Appends the interval from `since` until now and returns now. Each interval starts where the
// previous one ended, so a task's row has no holes in it.
Clock::time_point record(TaskLog& log, bool working, Clock::time_point since) {
  auto now = Clock::now();
  log.push_back({working, since, now});
  return now;
}

//! [work]
// Real CPU work: spin on the clock until the time is up. A task doing this never gives the
// CPU away by itself; in a single thread, nothing else runs until it is done. (Because it watches
// the clock, a step that the OS pauses still ends on time: it stands for "busy for 100 ms", not
// for a fixed amount of computation.)
void work(Millis duration) {
  const auto until = Clock::now() + duration;
  while (Clock::now() < until) {
  }
}
//! [work]

//! [blocking-task]
// One task written the blocking way. The sleep stands in for a blocking read: the thread that
// runs this task can do nothing else until the wait is over.
TaskLog run_blocking_task(const Plan& plan) {
  TaskLog log;
  auto since = Clock::now();
  for (long step = 0; step < plan.steps; ++step) {
    work(Millis(plan.work_ms));
    since = record(log, true, since);
    std::this_thread::sleep_for(Millis(plan.wait_ms));
    since = record(log, false, since);
  }
  return log;
}
//! [blocking-task]

//! [synchronous]
// Figure 1: one thread runs the tasks one after another.
Run run_synchronous(const Plan& plan) {
  Run run{"synchronous", "one thread, one task after another", Clock::now(), {}, {}};
  for (long i = 0; i < plan.tasks; ++i)
    run.tasks.push_back(run_blocking_task(plan));
  run.end = Clock::now();
  return run;
}
//! [synchronous]

//! [threaded]
// Figure 2: one thread per task, all started at once; the operating system decides who runs.
// Each thread writes only its own log, and join() makes those writes visible to us.
Run run_threaded(const Plan& plan) {
  Run run{"threaded", "one thread per task", Clock::now(), {}, {}};
  run.tasks.resize(std::size_t(plan.tasks));
  std::vector<std::thread> threads;
  for (auto& log : run.tasks) {
    threads.emplace_back([&log, &plan] { log = run_blocking_task(plan); });
  }
  for (auto& thread : threads)
    thread.join();
  run.end = Clock::now();
  return run;
}
//! [threaded]

//! [resume]
// One turn of an asynchronous task: close the wait that just ended (if any), then do one step
// of work. Returns false when the task is finished, i.e. its last wait is over.
bool resume(const Plan& plan, TaskLog& log) {
  auto since = Clock::now();
  if (!log.empty()) since = record(log, false, log.back().end);
  if (long(log.size()) == 2 * plan.steps) return false;
  work(Millis(plan.work_ms));
  record(log, true, since);
  return true;
}
//! [resume]

//! [event-loop]
// "Resume task `task` at time `at`": the only kind of event this loop knows.
struct Timer {
  Clock::time_point at;
  std::size_t task;
  // Earlier first; tasks due at the same instant go in task order, so runs are repeatable.
  bool operator>(const Timer& other) const {
    return std::tie(at, task) > std::tie(other.at, other.task);
  }
};

// Figure 3: one thread, tasks interleaved. Where a blocking task would sleep, an
// asynchronous task asks for a timer and gives control back to the loop, which runs whichever
// task is due first. The loop itself sleeps only when no task can make progress.
Run run_asynchronous(const Plan& plan) {
  Run run{"asynchronous", "one thread, tasks interleaved", Clock::now(), {}, {}};
  run.tasks.resize(std::size_t(plan.tasks));
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;  // earliest on top
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    timers.push({run.start, i});  // every task is ready to start at once
  }
  while (!timers.empty()) {
    Timer next = timers.top();
    timers.pop();
    std::this_thread::sleep_until(next.at);  // returns at once if `next` is already due
    if (resume(plan, run.tasks[next.task])) {
      timers.push({Clock::now() + Millis(plan.wait_ms), next.task});
    }
  }
  run.end = Clock::now();
  return run;
}
//! [event-loop]

// What a task was doing at instant `t`: '#' working, '.' waiting, ' ' not started or finished.
char state_at(const TaskLog& log, Clock::time_point t) {
  for (const auto& interval : log) {
    if (interval.start <= t && t < interval.end) return interval.working ? '#' : '.';
  }
  return ' ';
}

//! [draw-row]
// One character per column, showing the task's state at the middle of the column. Sampling a
// single instant keeps the picture honest: on one thread two tasks are never working at the
// same instant, so an asynchronous timeline can never show two '#' in one column.
std::string draw_row(const TaskLog& log, Clock::time_point start, Millis column, long columns) {
  std::string row;
  for (long c = 0; c < columns; ++c) {
    auto middle = start + std::chrono::microseconds(column) * (2 * c + 1) / 2;
    row += state_at(log, middle);
  }
  return row;
}
//! [draw-row]

// A time in seconds for the axis: 0s, 0.5s, 1.25s.
std::string seconds_label(Millis t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", double(t.count()) / 1000.0);
  std::string label = text;
  label.erase(label.find_last_not_of('0') + 1);
  if (label.back() == '.') label.pop_back();
  return label + "s";
}

// The time axis under the rows: a tick every ten columns, each followed by its time.
std::string draw_axis(Millis column, long columns) {
  std::string axis;
  for (long c = 0; c < columns; c += 10) {
    std::string tick = "|" + seconds_label(column * c);
    tick.resize(10, ' ');
    axis += tick;
  }
  axis.erase(axis.find_last_not_of(' ') + 1);
  return axis;
}

void print_run(const Run& run, Millis column) {
  auto total = run.end - run.start;
  long columns = long((total + column / 2) / column);  // rounded to the nearest column
  std::string title = run.name;
  title[0] = char(std::toupper(title[0]));
  std::cout << title << " model (" << run.how << "): " << pim::format_elapsed(total) << "\n";
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    char label[32];
    std::snprintf(label, sizeof label, "Task %-2zu|", i + 1);
    std::cout << label << draw_row(run.tasks[i], run.start, column, columns) << "|\n";
  }
  std::cout << "time   " << draw_axis(column, columns) << "\n\n" << std::flush;
}

void print_summary(const Plan& plan, const std::vector<Run>& runs) {
  std::cout << "Summary: " << plan.tasks << " tasks, each " << plan.steps << " x (" << plan.work_ms
            << " ms work + " << plan.wait_ms << " ms wait)\n";
  std::chrono::nanoseconds synchronous{0};
  for (const auto& run : runs) {
    auto total = run.end - run.start;
    if (run.name == "synchronous") synchronous = total;
    std::cout << "  " << std::left << std::setw(14) << run.name << pim::format_elapsed(total);
    if (synchronous.count() > 0 && run.name != "synchronous") {
      std::cout << "  (" << std::fixed << std::setprecision(2)
                << double(total.count()) / double(synchronous.count()) << " x synchronous)";
    }
    std::cout << "\n";
  }
}

// Without --column, pick a column width that draws the synchronous model (the longest) in
// about 72 columns, so every model is drawn on the same scale and fits in a terminal.
Millis column_width(const Plan& plan, long column_ms) {
  if (column_ms > 0) return Millis(column_ms);
  long synchronous_ms = plan.tasks * plan.steps * (plan.work_ms + plan.wait_ms);
  return Millis(std::max(1L, (synchronous_ms + 71) / 72));
}

}  // namespace

int main(int argc, char** argv) {
  Plan plan;
  std::string model = "all";
  long column_ms = 0;
  pim::Options options({"models", "[options]",
                        "Part 1: runs the same tasks under the synchronous, threaded and "
                        "asynchronous models and draws a timeline of each (# working, . waiting).",
                        "build/bin/part01/models --model async"});
  options.integer("tasks", "N", "number of tasks (default 3)", plan.tasks, 1, 99)
      .integer("steps", "N", "work+wait steps per task (default 3)", plan.steps, 1, 100)
      .integer("work", "MS", "CPU work per step, in ms (default 100)", plan.work_ms, 0, 10000)
      .integer("wait", "MS", "blocking wait per step, in ms (default 300)", plan.wait_ms, 0, 10000)
      .choice("model", "NAME", "sync, threaded, async or all (default all)", model,
              {"sync", "threaded", "async", "all"})
      .integer("column", "MS", "time per timeline column (default: fit in 72 columns)", column_ms,
               1, 60000);
  auto extra = options.parse_or_exit(argc, argv);
  if (!extra.empty()) options.usage_error("unexpected argument '" + extra[0] + "'");

  Millis column = column_width(plan, column_ms);
  std::cout << "One row per task: # working, . waiting (blocked, or ready and waiting for its "
               "turn),\nblank before the task starts and after it ends. One column = "
            << column.count() << " ms.\n\n";
  const std::vector<std::pair<std::string, Run (*)(const Plan&)>> models = {
      {"sync", run_synchronous}, {"threaded", run_threaded}, {"async", run_asynchronous}};
  std::vector<Run> runs;
  for (const auto& [key, run_model] : models) {
    if (model != "all" && model != key) continue;
    runs.push_back(run_model(plan));
    print_run(runs.back(), column);
  }
  print_summary(plan, runs);
  return 0;
}
