// Reading the output of the models program back into numbers and rows, for part 1's tests and
// the check of exercise 1.
#pragma once

#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "pim/testing/process.hpp"

namespace part01_test {

// One model's timeline as printed: its title, total time and the rows between the bars.
struct Timeline {
  std::string model;  // "Synchronous", "Threaded" or "Asynchronous"
  double seconds = 0;
  std::vector<std::string> rows;  // one per task, without "Task N |" and the closing '|'
  bool has_axis = false;
};

// "0:00:01.234567" (or "0:00:03" when the microseconds are zero) in seconds.
inline double parse_elapsed(const std::string& text) {
  std::smatch m;
  if (!std::regex_match(text, m, std::regex(R"((\d+):(\d\d):(\d\d(\.\d{6})?))"))) {
    throw std::runtime_error("not an elapsed time: '" + text + "'");
  }
  return std::stod(m[1]) * 3600 + std::stod(m[2]) * 60 + std::stod(m[3]);
}

inline std::vector<Timeline> parse_timelines(const std::string& output) {
  static const std::regex title(R"((Synchronous|Threaded|Asynchronous) model \(.*\): (\S+))");
  static const std::regex row(R"(Task \d+ *\|(.*)\|)");
  std::vector<Timeline> timelines;
  for (const auto& line : pim::testing::lines(output)) {
    std::smatch m;
    if (std::regex_match(line, m, title)) {
      timelines.push_back({m[1], parse_elapsed(m[2]), {}, false});
    } else if (!timelines.empty() && std::regex_match(line, m, row)) {
      timelines.back().rows.push_back(m[1]);
    } else if (!timelines.empty() && line.rfind("time   |0s", 0) == 0) {
      timelines.back().has_axis = true;
    }
  }
  return timelines;
}

// How many tasks are working ('#') in column `c`.
inline int working_in_column(const Timeline& timeline, std::size_t c) {
  int count = 0;
  for (const auto& row : timeline.rows)
    count += c < row.size() && row[c] == '#';
  return count;
}

// How many tasks have started and not yet finished (working or waiting) in column `c`.
inline int active_in_column(const Timeline& timeline, std::size_t c) {
  int count = 0;
  for (const auto& row : timeline.rows)
    count += c < row.size() && row[c] != ' ';
  return count;
}

}  // namespace part01_test
