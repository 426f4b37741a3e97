/// \file
/// \brief Printing durations the way the tutorial's programs do (`0:00:10.126361`).
///
/// Introduced in part 2, where the clients race each other; tests: common/tests/test_elapsed.cpp.
#pragma once

#include <chrono>
#include <string>

namespace pim {

/// Formats a duration like Python's `timedelta`: `H:MM:SS.ffffff`.
///
/// Microseconds are dropped when they are exactly zero (`0:00:03`), and a duration of a day or
/// more is prefixed with `N day, ` or `N days, `, as timedelta does. Negative durations print
/// with a leading `-` (a clock that ran backwards is a bug worth seeing, not hiding).
/// \param duration any duration; it is truncated to whole microseconds
std::string format_elapsed(std::chrono::nanoseconds duration);

/// Measures wall-clock time on the monotonic clock, which never jumps when the system time is
/// set, so an elapsed time is never negative.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}

  /// Time since construction.
  std::chrono::nanoseconds elapsed() const { return std::chrono::steady_clock::now() - start_; }

  /// Time since construction, formatted by format_elapsed().
  std::string formatted() const { return format_elapsed(elapsed()); }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace pim
