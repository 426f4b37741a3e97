/// \file
/// \brief A clock that only moves when told to, for testing timed code deterministically.
///
/// Introduced in part 3 for the library's own timer tests; part 15 (testing) uses it in the
/// tutorial's tests. The C++ counterpart of Twisted's `task.Clock`. Tests:
/// common/tests/test_timers.cpp and test_looping_call.cpp.
///
/// \code
/// pim::Clock clock;
/// pim::LoopingCall tick(clock, [&] { ++ticks; });
/// tick.start(1.0);       // ticks == 1 (now = true)
/// clock.advance(2.5);    // ticks == 3, with no real waiting at all
/// \endcode
#pragma once

#include <chrono>
#include <initializer_list>

#include "pim/timers.hpp"

namespace pim {

/// A ReactorTime whose time starts at 0 and moves only in advance().
///
/// Unlike Reactor, it does not catch exceptions from the calls it runs: a test wants to see
/// them. An exception leaves the remaining due calls scheduled; the next advance() runs them.
class Clock final : public ReactorTime {
 public:
  Clock() = default;

  std::chrono::nanoseconds now() const override { return now_; }

  /// Moves time forward by \p seconds, then runs every call due by the new time in deadline
  /// order, including calls those calls schedule if they are due too (a 0-second call scheduled
  /// during advance() runs before it returns).
  /// \throws std::invalid_argument if \p seconds is negative or NaN; whatever a call throws
  void advance(double seconds);

  /// advance() by each amount in turn, running due calls after each step.
  void pump(std::initializer_list<double> steps);

 private:
  std::chrono::nanoseconds now_{0};
};

}  // namespace pim
