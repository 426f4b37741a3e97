#include "pim/elapsed.hpp"

#include <cstdio>

namespace pim {

std::string format_elapsed(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  std::string sign;
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

  std::string text = sign;
  if (days > 0) text += std::to_string(days) + (days == 1 ? " day, " : " days, ");
  char clock[40];
  std::snprintf(clock, sizeof clock, "%lld:%02lld:%02lld", hours, minutes, seconds);
  text += clock;
  if (fraction != 0) {
    std::snprintf(clock, sizeof clock, ".%06lld", fraction);
    text += clock;
  }
  return text;
}

}  // namespace pim
