// Timed calls: Delay, DelayedCall, ReactorTime and the TimerQueue behind them (timers.hpp,
// detail/timer_queue.hpp).
#include "pim/timers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "pim/detail/timer_queue.hpp"
#include "pim/error.hpp"

namespace pim {

namespace {

using std::chrono::nanoseconds;

// About 31 years. Delays are clamped to it so that `now + delay` can never overflow the 64-bit
// nanosecond count (which would wrap to a deadline in the past and fire at once).
constexpr double max_seconds = 1e9;

nanoseconds to_nanoseconds(double seconds) {
  if (std::isnan(seconds)) throw std::invalid_argument("a delay must be a number, not NaN");
  seconds = std::clamp(seconds, -max_seconds, max_seconds);
  return nanoseconds(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

}  // namespace

// --- Delay -------------------------------------------------------------------------------------

Delay::Delay(double seconds, const char* file, int line)
    : duration_(to_nanoseconds(seconds)), where_(file, line) {}

// --- DelayedCall ------------------------------------------------------------------------------

DelayedCall::DelayedCall(std::shared_ptr<detail::TimedCall> call) noexcept
    : call_(std::move(call)) {}

bool DelayedCall::active() const noexcept {
  return call_ && call_->state == detail::TimedCall::State::pending && call_->queue != nullptr;
}

bool DelayedCall::called() const noexcept {
  return call_ && call_->state == detail::TimedCall::State::called;
}

bool DelayedCall::cancelled() const noexcept {
  return call_ && call_->state == detail::TimedCall::State::cancelled;
}

double DelayedCall::time() const {
  if (!call_) throw std::logic_error("DelayedCall::time() on an empty handle");
  return std::chrono::duration<double>(call_->when).count();
}

Where DelayedCall::where() const {
  if (!call_) throw std::logic_error("DelayedCall::where() on an empty handle");
  return call_->where;
}

detail::TimedCall& DelayedCall::checked_pending() const {
  if (!call_) throw std::logic_error("cannot change an empty DelayedCall");
  if (call_->state == detail::TimedCall::State::called) throw AlreadyCalled();
  if (call_->state == detail::TimedCall::State::cancelled) throw AlreadyCancelled();
  return *call_;
}

void DelayedCall::cancel() {
  detail::TimedCall& call = checked_pending();
  if (call.queue != nullptr) {
    call.queue->cancel(call);
  } else {
    // The scheduler is gone, so there is no queue to update: just record the decision.
    call.state = detail::TimedCall::State::cancelled;
    call.release();
  }
}

void DelayedCall::reset(double seconds) {
  detail::TimedCall& call = checked_pending();
  if (call.queue == nullptr) throw std::logic_error("the scheduler of this call no longer exists");
  call.queue->reschedule(call_, call.queue->now() + to_nanoseconds(seconds));
}

void DelayedCall::delay(double seconds) {
  detail::TimedCall& call = checked_pending();
  if (call.queue == nullptr) throw std::logic_error("the scheduler of this call no longer exists");
  call.queue->reschedule(call_, call.when + to_nanoseconds(seconds));
}

// --- ReactorTime ------------------------------------------------------------------------------

ReactorTime::ReactorTime() : timers_(std::make_unique<detail::TimerQueue>(*this)) {}

ReactorTime::~ReactorTime() = default;

//! [timers-schedule]
DelayedCall ReactorTime::schedule(const Delay& delay, std::shared_ptr<detail::TimedCall> call) {
  if (delay.duration().count() < 0) {
    throw std::invalid_argument("call_later: the delay must be >= 0 seconds, not " +
                                std::to_string(delay.seconds()));
  }
  call->queue = timers_.get();
  timers_->add(call, now() + delay.duration());
  return DelayedCall(std::move(call));
}
//! [timers-schedule]

std::vector<DelayedCall> ReactorTime::delayed_calls() const {
  std::vector<DelayedCall> calls;
  for (auto& call : timers_->pending()) {
    calls.emplace_back(std::move(call));
  }
  return calls;
}

// --- TimerQueue -------------------------------------------------------------------------------

namespace detail {

TimerQueue::~TimerQueue() {
  for (Entry& entry : heap_) {
    entry.call->queue = nullptr;
  }
}

nanoseconds TimerQueue::now() const {
  return clock_.now();
}

void TimerQueue::add(std::shared_ptr<TimedCall> call, nanoseconds when) {
  call->when = when;
  call->sequence = next_sequence_++;
  push(std::move(call));
}

void TimerQueue::push(std::shared_ptr<TimedCall> call) {
  TimedCall& c = *call;
  heap_.push_back(Entry{c.when, c.sequence, ++c.version, std::move(call)});
  std::push_heap(heap_.begin(), heap_.end(), comes_later);
}

TimerQueue::Entry TimerQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), comes_later);
  Entry entry = std::move(heap_.back());
  heap_.pop_back();
  return entry;
}

void TimerQueue::cancel(TimedCall& call) {
  call.state = TimedCall::State::cancelled;
  call.release();
  ++dead_;
  compact_if_mostly_dead();
}

void TimerQueue::reschedule(const std::shared_ptr<TimedCall>& call, nanoseconds when) {
  const bool earlier = when < call->when;
  call->when = when;
  call->sequence = next_sequence_++;
  if (earlier) {
    // The old entry would surface too late: file a new one (push() bumps the version, which
    // kills the old entry).
    ++dead_;
    push(call);
    compact_if_mostly_dead();
  }
  // Later: leave the entry where it is; settle_top() re-files it when it surfaces.
}

void TimerQueue::settle_top() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    if (!live(top)) {
      pop();
      --dead_;
    } else if (top.when != top.call->when || top.sequence != top.call->sequence) {
      push(pop().call);  // moved later since it was filed
    } else {
      return;
    }
  }
}

void TimerQueue::compact_if_mostly_dead() {
  // A handful of dead entries cost nothing; rebuild only when they dominate, so the O(n) pass
  // is paid for by the O(n) cancellations that caused it.
  if (dead_ < 64 || dead_ * 2 < heap_.size()) return;
  std::erase_if(heap_, [](const Entry& entry) { return !live(entry); });
  std::make_heap(heap_.begin(), heap_.end(), comes_later);
  dead_ = 0;
}

std::optional<nanoseconds> TimerQueue::next_deadline() {
  settle_top();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().when;
}

std::shared_ptr<TimedCall> TimerQueue::pop_due(nanoseconds now, std::uint64_t before) {
  settle_top();
  if (heap_.empty()) return nullptr;
  const Entry& top = heap_.front();
  if (top.when > now || top.sequence >= before) return nullptr;
  std::shared_ptr<TimedCall> call = pop().call;
  call->state = TimedCall::State::called;
  return call;
}

std::vector<std::shared_ptr<TimedCall>> TimerQueue::pending() const {
  std::vector<std::shared_ptr<TimedCall>> calls;
  for (const Entry& entry : heap_) {
    if (live(entry)) calls.push_back(entry.call);
  }
  return calls;
}

}  // namespace detail
}  // namespace pim
