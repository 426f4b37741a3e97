#include "pim/elapsed.hpp"

#include <cstdio>

namespace pim {

std::string format_elapsed(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  const char* sign = "";  // "-" for negative durations
  auto micros = duration_cast<microseconds>(duration).count();
  if (micros < 0) {
    sign = "-";
    micros = -micros;
  }
  constexpr long long per_second = 1'000'000;
  constexpr long long per_day = 86'400 * per_second;
  long long days = micros / per_day;
  long long rest = micros % per_day;
  long long hours = rest / (3600 * per_second);
  long long minutes = rest / (60 * per_second) % 60;
  long long seconds = rest / per_second % 60;
  long long fraction = rest % per_second;

  // One snprintf into one buffer: simple, and it avoids a GCC 12 false-positive -Wrestrict
  // warning that string concatenation triggers under the sanitizers at -O2.
  char text[64];
  int length = 0;
  if (days > 0) {
    length =
        std::snprintf(text, sizeof text, "%s%lld %s, ", sign, days, days == 1 ? "day" : "days");
    sign = "";
  }
  length += std::snprintf(text + length, sizeof text - std::size_t(length), "%s%lld:%02lld:%02lld",
                          sign, hours, minutes, seconds);
  if (fraction != 0) {
    std::snprintf(text + length, sizeof text - std::size_t(length), ".%06lld", fraction);
  }
  return text;
}

}  // namespace pim
