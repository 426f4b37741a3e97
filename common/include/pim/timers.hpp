/// \file
/// \brief Timed calls: `call_later`, the DelayedCall handle it returns, and the time interface.
///
/// Introduced in part 3 (the countdown program and its exercises); part 4's exercise uses a
/// DelayedCall as a per-poem timeout. The C++ counterpart of Twisted's `IReactorTime` and
/// `IDelayedCall`. Tests: common/tests/test_timers.cpp (deterministic, on a Clock) and
/// common/tests/test_reactor.cpp (on every reactor backend).
///
/// \code
/// pim::DelayedCall timeout = reactor.call_later(5.0, [&] { give_up(); });
/// ...
/// if (timeout.active()) timeout.cancel();  // the poem arrived in time
/// \endcode
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "pim/detail/timed_call.hpp"
#include "pim/where.hpp"

namespace pim {

namespace detail {
class TimerQueue;
}

/// A number of seconds, and the line of source that wrote it.
///
/// call_later() takes its delay as a Delay so that the conversion from `1.5` (or from any
/// `std::chrono` duration) can record the caller's file and line in its defaulted arguments:
/// a variadic function has no other place for a defaulted parameter. Time is kept in whole
/// nanoseconds, so deadlines compare exactly and repeated intervals never drift by rounding.
class Delay {
 public:
  /// \param seconds may be fractional or negative (call_later() rejects negative delays, but
  ///        DelayedCall::delay() accepts them); infinities are clamped to about 31 years
  /// \param file, line where the delay was written: leave them to their defaults, which name
  ///        the caller's line
  /// \throws std::invalid_argument if \p seconds is NaN
  Delay(double seconds, const char* file = __builtin_FILE(), int line = __builtin_LINE());

  /// The same from a std::chrono duration (`call_later(250ms, f)`).
  template <class Rep, class Period>
  Delay(std::chrono::duration<Rep, Period> duration, const char* file = __builtin_FILE(),
        int line = __builtin_LINE())
      : Delay(std::chrono::duration<double>(duration).count(), file, line) {}

  /// An exact duration with an explicit origin (for library code forwarding a caller's Delay).
  Delay(std::chrono::nanoseconds duration, Where where) noexcept
      : duration_(duration), where_(where) {}

  std::chrono::nanoseconds duration() const noexcept { return duration_; }
  double seconds() const noexcept { return std::chrono::duration<double>(duration_).count(); }
  Where where() const noexcept { return where_; }

 private:
  std::chrono::nanoseconds duration_;
  Where where_;
};

/// A handle on one scheduled call (Twisted's IDelayedCall): cancel it, move it, ask about it.
///
/// Handles are cheap to copy and all copies refer to the same call. Dropping every handle does
/// not cancel the call: the scheduler keeps it until it runs. A handle may outlive its scheduler;
/// the call then never runs and active() is false.
///
/// Not thread-safe: use it on the thread that runs the scheduler (from another thread, go
/// through Reactor::call_from_thread()).
class DelayedCall {
 public:
  /// An empty handle, referring to no call (active() is false).
  DelayedCall() = default;
  /// \pre \p call is not null (the scheduler creates handles; you get them from call_later())
  explicit DelayedCall(std::shared_ptr<detail::TimedCall> call) noexcept;

  /// \returns true while the call is still going to run: not yet run, not cancelled, and its
  ///          scheduler still exists. False from the moment the call starts running.
  bool active() const noexcept;
  /// \returns true once the call has started running.
  bool called() const noexcept;
  /// \returns true once the call was cancelled.
  bool cancelled() const noexcept;

  /// When the call is (or was) due, in seconds on its scheduler's clock (compare with
  /// ReactorTime::seconds()).
  /// \pre the handle is not empty
  double time() const;

  /// Where call_later() was called.
  /// \pre the handle is not empty
  Where where() const;

  /// Stops the call from running and frees the function it would have called.
  /// \throws AlreadyCancelled if it was cancelled before
  /// \throws AlreadyCalled if it has run (or is running: a call cannot cancel itself)
  /// \throws std::logic_error if the handle is empty
  void cancel();

  /// Moves the call to \p seconds from now (earlier or later than planned). Among calls due at
  /// the same moment it now counts as scheduled last.
  /// \throws AlreadyCancelled, AlreadyCalled as cancel() does; std::logic_error if the handle is
  ///         empty or its scheduler no longer exists; std::invalid_argument if \p seconds is NaN
  void reset(double seconds);

  /// Moves the call \p seconds later than it was due (negative moves it earlier).
  /// \throws the same as reset()
  void delay(double seconds);

  /// True if the handle refers to a call (whatever its state).
  explicit operator bool() const noexcept { return call_ != nullptr; }

 private:
  detail::TimedCall& checked_pending() const;
  std::shared_ptr<detail::TimedCall> call_;
};

/// Something that can run functions later: the analogue of Twisted's IReactorTime.
///
/// Reactor implements it on the monotonic clock; Clock implements it on a clock that only moves
/// when a test says so. LoopingCall and library code take a `ReactorTime&`, so they work with
/// either.
///
/// Ordering guarantees: calls run in deadline order; calls with the same deadline run in the
/// order they were scheduled. Not real time: a deadline is the earliest a call can run, and a
/// slow callback delays everything after it.
class ReactorTime {
 public:
  virtual ~ReactorTime();
  ReactorTime(const ReactorTime&) = delete;
  ReactorTime& operator=(const ReactorTime&) = delete;

  /// The current time on this scheduler's clock, from an arbitrary but fixed epoch.
  virtual std::chrono::nanoseconds now() const = 0;

  /// now() in seconds: the unit DelayedCall::time() uses.
  double seconds() const { return std::chrono::duration<double>(now()).count(); }

  /// Schedules `f(args...)` to run once, \p delay seconds from now.
  ///
  /// \p f and \p args are copied or moved into the scheduled call (pass pointers or
  /// `std::ref` to share), then invoked with `std::invoke`, so `call_later(1, &Countdown::count,
  /// this)` works. A delay of 0 runs \p f on the scheduler's next turn, never from inside
  /// call_later() itself.
  /// \param delay seconds from now, >= 0 (an int, a double or a std::chrono duration); the
  ///        conversion records the caller's file and line for error reports
  /// \param f, args what to call, as `std::invoke(f, args...)`
  /// \returns a handle to cancel or move the call
  /// \throws std::invalid_argument if \p delay is negative
  template <class F, class... Args>
  DelayedCall call_later(Delay delay, F&& f, Args&&... args) {
    static_assert(std::is_invocable_v<std::decay_t<F>&, std::decay_t<Args>&...>,
                  "call_later: f cannot be called with these arguments");
    auto bound = [f = std::forward<F>(f), ... args = std::forward<Args>(args)]() mutable {
      std::invoke(f, args...);
    };
    using Call = detail::TimedCallOf<decltype(bound)>;
    return schedule(delay, std::make_shared<Call>(delay.where(), std::move(bound)));
  }

  /// Handles to every call that is still pending, in no particular order (Twisted's
  /// getDelayedCalls(); tests use it to check that nothing was left behind).
  std::vector<DelayedCall> delayed_calls() const;

 protected:
  ReactorTime();
  /// The queue the derived class runs (Reactor in its loop, Clock in advance()).
  detail::TimerQueue& timers() noexcept { return *timers_; }

 private:
  DelayedCall schedule(const Delay& delay, std::shared_ptr<detail::TimedCall> call);
  std::unique_ptr<detail::TimerQueue> timers_;
};

}  // namespace pim
