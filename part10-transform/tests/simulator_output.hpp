// Reads what part 9's deferred-simulator prints with `--narrow --quiet`: the chain's pairs (their
// captions), and for each of the two firings which box ran at each stage, what it received and
// what it returned, and the final result. Exercise 2's check uses it to see what a learner's
// lists of pairs model; tests/test_simulator_output.cpp tries it on the layout issue 5 gives.
//
// The layout it relies on (part 9's README describes it): every box is 18 columns wide and 5
// rows high, dashes on its top and bottom rows and `|` at both ends of the rows between; in the
// narrow layout the callback column starts at column 0 and the errback column at column 20. A
// box's caption (chain) or input (firing) is on its second row, its output on its fourth. Each
// diagram starts with a centred title over a line of dashes and ends at the first empty line.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "pim/testing/process.hpp"

namespace part10 {

/// One stage of the chain as drawn: the captions of its two boxes (`return good`, `passthru`).
struct DrawnPair {
  std::string callback;
  std::string errback;
};

enum class Side { callback, errback };

/// A box that ran during a firing.
struct RanBox {
  Side side;
  std::string input;   ///< what the box received (`initial`, `bad*`)
  std::string output;  ///< what it returned; a trailing `*` means a Failure
};

/// One firing diagram: the value the Deferred was fired with, the boxes that ran, top to bottom
/// (one per stage), and the result left at the end of the chain.
struct DrawnFiring {
  std::string initial;
  std::vector<RanBox> boxes;
  std::string result;
};

/// Everything one run of the simulator drew for one list of pairs.
struct DrawnSimulation {
  std::vector<DrawnPair> chain;
  DrawnFiring on_callback;  ///< the diagram titled `d.callback(initial)`
  DrawnFiring on_errback;   ///< the diagram titled `d.errback(initial*)`
};

/// The simulator writes a Failure as its value followed by `*`.
inline bool is_failure(const std::string& drawn) {
  return !drawn.empty() && drawn.back() == '*';
}

inline std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

namespace detail {

constexpr std::size_t box_width = 18;
constexpr std::size_t errback_column = 20;

inline std::string cell(const std::vector<std::string>& rows, std::size_t row, std::size_t column,
                        std::size_t width) {
  if (row >= rows.size() || rows[row].size() <= column) return "";
  return rows[row].substr(column, width);
}

// Whether a box's top row starts at (row, column): a run of 18 dashes with `|` sides below it.
inline bool box_at(const std::vector<std::string>& rows, std::size_t row, std::size_t column) {
  const std::string top = cell(rows, row, column, box_width);
  if (top != std::string(box_width, '-')) return false;
  const std::string side = cell(rows, row + 1, column, box_width);
  return side.size() == box_width && side.front() == '|' && side.back() == '|';
}

// The text inside a box on \p row: between its two sides, trimmed.
inline std::string inside(const std::vector<std::string>& rows, std::size_t row,
                          std::size_t column) {
  return trim(cell(rows, row, column + 1, box_width - 2));
}

// The rows of the diagram titled \p title: from just below its underline to the empty line
// that ends it.
inline std::vector<std::string> diagram(const std::vector<std::string>& rows,
                                        const std::string& title) {
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
    if (trim(rows[i]) != title) continue;
    if (trim(rows[i + 1]) != std::string(title.size(), '-')) continue;
    std::vector<std::string> body;
    for (std::size_t j = i + 2; j < rows.size() && !rows[j].empty(); ++j)
      body.push_back(rows[j]);
    return body;
  }
  throw std::runtime_error("the output has no diagram titled `" + title + "`");
}

inline std::vector<DrawnPair> read_chain(const std::vector<std::string>& rows) {
  std::vector<DrawnPair> chain;
  for (std::size_t row = 0; row < rows.size(); ++row) {
    if (!box_at(rows, row, 0)) continue;
    if (!box_at(rows, row, errback_column))
      throw std::runtime_error("a callback box of the chain has no errback box beside it");
    chain.push_back({inside(rows, row + 2, 0), inside(rows, row + 2, errback_column)});
    row += 4;  // past its bottom row
  }
  return chain;
}

inline DrawnFiring read_firing(const std::vector<std::string>& rows) {
  DrawnFiring firing;
  std::size_t first_box = rows.size();
  std::size_t after_last_box = 0;
  for (std::size_t row = 0; row < rows.size(); ++row) {
    for (Side side : {Side::callback, Side::errback}) {
      const std::size_t column = side == Side::callback ? 0 : errback_column;
      if (!box_at(rows, row, column)) continue;
      firing.boxes.push_back({side, inside(rows, row + 1, column), inside(rows, row + 3, column)});
      if (first_box == rows.size()) first_box = row;
      after_last_box = row + 5;
      row += 4;
      break;
    }
  }
  if (firing.boxes.empty()) throw std::runtime_error("a firing diagram has no boxes");
  for (std::size_t row = 0; row < first_box; ++row) {
    if (!trim(rows[row]).empty()) {
      firing.initial = trim(rows[row]);
      break;
    }
  }
  for (std::size_t row = rows.size(); row > after_last_box; --row) {
    if (!trim(rows[row - 1]).empty()) {
      firing.result = trim(rows[row - 1]);
      break;
    }
  }
  return firing;
}

}  // namespace detail

/// Reads the three diagrams of one `--narrow --quiet` run.
/// \throws std::runtime_error saying what is missing, if the output does not have that layout
inline DrawnSimulation read_narrow_output(const std::string& output) {
  const std::vector<std::string> rows = pim::testing::lines(output);
  DrawnSimulation simulation;
  simulation.chain = detail::read_chain(detail::diagram(rows, "Deferred"));
  simulation.on_callback = detail::read_firing(detail::diagram(rows, "d.callback(initial)"));
  simulation.on_errback = detail::read_firing(detail::diagram(rows, "d.errback(initial*)"));
  return simulation;
}

}  // namespace part10
