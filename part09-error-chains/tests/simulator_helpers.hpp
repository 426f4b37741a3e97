// Shared by part 9's simulator tests and exercise check: running the simulator on some input,
// reading its expected output from tests/data/, and reading back its --trace output.
#pragma once

#include <string>
#include <vector>

#include "pim/file.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

namespace part09 {

using namespace std::chrono_literals;

/// Runs bin/part09/deferred-simulator with \p args, \p input on its standard input.
inline pim::testing::Result simulate(const std::vector<std::string>& args,
                                     const std::string& input) {
  return pim::testing::run(pim::testing::command(pim::testing::program("deferred-simulator"), args),
                           20s, input);
}

/// A file of tests/data/, byte for byte.
inline std::string data_file(const std::string& name) {
  return pim::read_file(std::string(PIM_PART_DIR) + "/tests/data/" + name);
}

/// One list of pairs as `--trace` prints it: its stages (`return good | fail bad`) and what
/// each firing ended with (`googly*`).
struct TracedList {
  std::vector<std::string> stages;
  std::string callback_result;
  std::string errback_result;
};

/// Reads back what `deferred-simulator --quiet --trace` printed, one entry per list.
inline std::vector<TracedList> parse_trace(const std::string& out) {
  std::vector<TracedList> lists;
  std::string* result = nullptr;  // the firing whose lines are being read
  for (const std::string& line : pim::testing::lines(out)) {
    if (line == "Deferred") {
      lists.emplace_back();
      result = nullptr;
    } else if (lists.empty()) {
      continue;
    } else if (line == "d.callback(initial)") {
      result = &lists.back().callback_result;
    } else if (line == "d.errback(initial*)") {
      result = &lists.back().errback_result;
    } else if (line.rfind("  result: ", 0) == 0 && result != nullptr) {
      *result = line.substr(10);
    } else if (line.rfind("  stage ", 0) == 0 && result == nullptr) {
      lists.back().stages.push_back(line.substr(line.find(": ") + 2));
    }
  }
  return lists;
}

}  // namespace part09
