/// \file
/// \brief Internal: the shared state behind a DelayedCall (not for direct use).
///
/// Part of the timers introduced in part 3; see timers.hpp. Tests: common/tests/test_timers.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include "pim/where.hpp"

namespace pim::detail {

class TimerQueue;

/// One scheduled call. Shared between the queue (which must keep the callable alive even if the
/// caller drops its DelayedCall handle) and any handles (which must be able to cancel it).
class TimedCall {
 public:
  enum class State : unsigned char { pending, called, cancelled };

  explicit TimedCall(Where where) noexcept : where(where) {}
  virtual ~TimedCall() = default;
  TimedCall(const TimedCall&) = delete;
  TimedCall& operator=(const TimedCall&) = delete;

  /// Runs the callable. \pre state is `called` and the callable was not released.
  virtual void invoke() = 0;
  /// Destroys the callable early (after it ran, or when cancelled), so whatever it captured (a
  /// connection, a buffer) is freed now rather than when the queue gets round to the entry.
  virtual void release() noexcept = 0;

  TimerQueue* queue = nullptr;      ///< null once the scheduler is destroyed
  std::chrono::nanoseconds when{};  ///< the deadline on the scheduler's clock
  std::uint64_t sequence = 0;       ///< ties between equal deadlines go to the lower sequence
  std::uint64_t version = 0;        ///< which heap entry is the live one (see TimerQueue)
  Where where;                      ///< where call_later() was called
  State state = State::pending;
};

/// A TimedCall holding a callable of type F in the same allocation (std::make_shared puts the
/// control block, this object and F together: one allocation per call_later()).
template <class F>
class TimedCallOf final : public TimedCall {
 public:
  TimedCallOf(Where where, F&& f) : TimedCall(where), f_(std::move(f)) {}
  void invoke() override { (*f_)(); }
  void release() noexcept override { f_.reset(); }

 private:
  std::optional<F> f_;
};

}  // namespace pim::detail
