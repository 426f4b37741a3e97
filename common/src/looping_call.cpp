#include "pim/looping_call.hpp"

#include <stdexcept>

namespace pim {

LoopingCall::~LoopingCall() {
  if (next_.active()) next_.cancel();
}

void LoopingCall::start(Delay interval, bool now) {
  if (running_) throw std::logic_error("LoopingCall::start: already running");
  if (interval.duration().count() < 0) {
    throw std::invalid_argument("LoopingCall::start: the interval must be >= 0 seconds");
  }
  running_ = true;
  ++starts_;
  interval_ = interval.duration();
  start_time_ = clock_.now();
  where_ = interval.where();
  if (now) {
    tick();
  } else {
    schedule_next();
  }
}

void LoopingCall::stop() {
  if (!running_) throw std::logic_error("LoopingCall::stop: not running");
  running_ = false;
  if (next_.active()) next_.cancel();
}

void LoopingCall::tick() {
  next_ = DelayedCall();  // the call that brought us here has run
  const std::uint64_t starts = starts_;
  try {
    function_();
  } catch (...) {
    running_ = false;
    throw;
  }
  // The function may have stopped us, or stopped and restarted us (which scheduled its own
  // next call): only the same, still running, start schedules the next tick.
  if (running_ && starts == starts_) schedule_next();
}

void LoopingCall::schedule_next() {
  std::chrono::nanoseconds wait{0};
  if (interval_.count() > 0) {
    // Time to the next boundary start + k * interval strictly after now. Whole nanoseconds
    // make this exact: a tick that runs exactly on a boundary schedules the following one, never
    // a zero-length wait that would run twice.
    const auto running_for = clock_.now() - start_time_;
    wait = interval_ - running_for % interval_;
  }
  next_ = clock_.call_later(Delay(wait, where_), &LoopingCall::tick, this);
}

}  // namespace pim
