// What the three backends share (detail/poller.hpp).
#include <climits>

#include "pim/detail/poller.hpp"

namespace pim::detail {

int timeout_milliseconds(std::chrono::nanoseconds timeout) noexcept {
  if (timeout.count() < 0) return -1;
  // Round up: 0.3 ms left must wait 1 ms, not 0, or the loop would spin until the timer is due.
  const auto ms = (timeout.count() + 999'999) / 1'000'000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

}  // namespace pim::detail
