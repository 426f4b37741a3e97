/// \file
/// \brief Calling a function repeatedly at a fixed interval (LoopingCall).
///
/// Introduced in part 3, where an exercise rewrites the countdown with it. The C++ counterpart of
/// Twisted's `task.LoopingCall` (without the Deferred, which arrives in part 7).
/// Tests: common/tests/test_looping_call.cpp.
///
/// \code
/// int left = 5;
/// pim::LoopingCall countdown(reactor, [&] {
///   std::cout << left << " ..." << std::endl;
///   if (--left == 0) reactor.stop();
/// });
/// countdown.start(1.0);  // now = true: the first call happens inside start()
/// \endcode
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>

#include "pim/function.hpp"
#include "pim/timers.hpp"

namespace pim {

/// Calls a function every `interval` seconds until stopped.
///
/// The schedule is anchored at the start time: calls are due at `start + k * interval`, so a
/// slow call does not push the rest back (no drift). If calls fall behind by more than an
/// interval (the process was suspended, a callback blocked), the missed ones are *skipped*, not
/// replayed in a burst: the next call is the next boundary still in the future.
///
/// If the function throws, the LoopingCall stops (running() becomes false) and the exception
/// goes on to whoever called it: the reactor logs it with the line that called start(), and
/// start(interval, true) lets it out of start() itself.
///
/// The object must outlive its running period; destroying it cancels the next call. It is not
/// movable, because the scheduled call refers to it.
class LoopingCall {
 public:
  /// \param clock what schedules the calls: a Reactor, or a Clock in tests
  /// \param f, args called as `std::invoke(f, args...)` on each tick
  template <class F, class... Args>
  LoopingCall(ReactorTime& clock, F&& f, Args&&... args)
      : clock_(clock),
        function_([f = std::forward<F>(f), ... args = std::forward<Args>(args)]() mutable {
          std::invoke(f, args...);
        }) {}
  ~LoopingCall();
  LoopingCall(const LoopingCall&) = delete;
  LoopingCall& operator=(const LoopingCall&) = delete;

  /// Starts calling the function every \p interval seconds.
  /// \param interval seconds between calls, >= 0 (0 means once per reactor iteration)
  /// \param now call the function at once, inside start(), rather than one interval from now
  /// \throws std::logic_error if already running; std::invalid_argument if \p interval < 0;
  ///         whatever the function throws when \p now is true
  void start(Delay interval, bool now = true);

  /// Stops the calls. Safe to call from inside the function itself.
  /// \throws std::logic_error if not running
  void stop();

  /// True between start() and stop() (or an exception from the function).
  bool running() const noexcept { return running_; }

  /// The interval given to start(), in seconds.
  double interval() const noexcept { return std::chrono::duration<double>(interval_).count(); }

 private:
  void tick();
  void schedule_next();

  ReactorTime& clock_;
  UniqueFunction<void()> function_;
  bool running_ = false;
  std::uint64_t starts_ = 0;  // tells a tick whether start() was called again inside it
  std::chrono::nanoseconds interval_{0};
  std::chrono::nanoseconds start_time_{0};
  Where where_{nullptr, 0};
  DelayedCall next_;
};

}  // namespace pim
