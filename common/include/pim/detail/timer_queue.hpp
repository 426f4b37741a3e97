/// \file
/// \brief Internal: the priority queue of timed calls shared by Reactor and Clock.
///
/// Part of the timers introduced in part 3; see timers.hpp. Tests: common/tests/test_timers.cpp.
///
/// A binary min-heap ordered by (deadline, sequence), with *lazy deletion*: cancelling a call
/// only marks it, and its heap entry is thrown away when it reaches the top. Removing from the
/// middle of a heap would need each call to track its heap index through every swap; marking is
/// O(1) and keeps the heap a plain vector. The price is dead entries occupying memory, so when
/// more than half the heap is dead it is rebuilt in one O(n) pass.
///
/// Moving a call *later* (DelayedCall::reset/delay, the typical "the peer is alive, push the
/// timeout back" pattern) is lazy too: only the call's deadline changes, and the old entry is
/// re-filed when it surfaces. Moving a call *earlier* must push a new entry, or the queue would
/// sleep past it; the old entry is then dead, recognised by its outdated `version`.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "pim/detail/timed_call.hpp"

namespace pim {
class ReactorTime;
}

namespace pim::detail {

class TimerQueue {
 public:
  /// \param clock supplies "now" for DelayedCall::reset(); it owns this queue
  explicit TimerQueue(const ReactorTime& clock) : clock_(clock) {}
  /// Detaches every pending call, so handles that outlive their scheduler fail cleanly.
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  /// Schedules \p call at \p when, after every call already scheduled for the same time.
  void add(std::shared_ptr<TimedCall> call, std::chrono::nanoseconds when);
  /// Marks \p call cancelled and frees its callable. \pre it is pending
  void cancel(TimedCall& call);
  /// Moves a pending call to \p when (earlier or later). \pre it is pending
  void reschedule(const std::shared_ptr<TimedCall>& call, std::chrono::nanoseconds when);

  /// The earliest live deadline, if any call is pending.
  std::optional<std::chrono::nanoseconds> next_deadline();
  /// The sequence the next scheduled call will get. The reactor notes it before running due
  /// calls and passes it to pop_due(), so calls scheduled meanwhile wait for the next iteration.
  std::uint64_t next_sequence() const noexcept { return next_sequence_; }
  /// Removes and returns the earliest call due at \p now and scheduled before \p before, marked
  /// `called`; null when there is none.
  std::shared_ptr<TimedCall> pop_due(std::chrono::nanoseconds now, std::uint64_t before);

  /// Every pending call, in no particular order.
  std::vector<std::shared_ptr<TimedCall>> pending() const;
  /// Heap entries, dead ones included (tests use it to see compaction work).
  std::size_t entries() const noexcept { return heap_.size(); }
  /// The owning clock's current time.
  std::chrono::nanoseconds now() const;

 private:
  struct Entry {
    std::chrono::nanoseconds when;
    std::uint64_t sequence;
    std::uint64_t version;
    std::shared_ptr<TimedCall> call;
  };
  // std::push_heap builds a max-heap; ordering by "comes later" puts the earliest on top.
  static bool comes_later(const Entry& a, const Entry& b) noexcept {
    return a.when != b.when ? a.when > b.when : a.sequence > b.sequence;
  }
  static bool live(const Entry& entry) noexcept {
    return entry.call->state == TimedCall::State::pending && entry.version == entry.call->version;
  }
  void push(std::shared_ptr<TimedCall> call);
  Entry pop();
  void settle_top();
  void compact_if_mostly_dead();

  const ReactorTime& clock_;
  std::vector<Entry> heap_;
  std::uint64_t next_sequence_ = 0;
  std::size_t dead_ = 0;  // entries in heap_ that are no longer live
};

}  // namespace pim::detail
