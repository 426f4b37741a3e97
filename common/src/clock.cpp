#include "pim/clock.hpp"

#include <limits>
#include <stdexcept>

#include "pim/detail/timer_queue.hpp"

namespace pim {

void Clock::advance(double seconds) {
  Delay step(seconds);  // validates NaN and converts to exact nanoseconds
  if (step.duration().count() < 0) {
    throw std::invalid_argument("Clock::advance: time can't go back");
  }
  now_ += step.duration();
  // No "scheduled before" limit here (unlike the reactor's loop): a test that advances the clock
  // expects everything due by then to have happened, as Twisted's Clock does.
  const auto no_limit = std::numeric_limits<std::uint64_t>::max();
  while (auto call = timers().pop_due(now_, no_limit)) {
    try {
      call->invoke();
    } catch (...) {
      call->release();
      throw;
    }
    call->release();
  }
}

void Clock::pump(std::initializer_list<double> steps) {
  for (double step : steps) {
    advance(step);
  }
}

}  // namespace pim
