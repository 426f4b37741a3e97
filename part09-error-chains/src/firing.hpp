// Firing a real pim::Deferred built from the simulator's pairs, and the record of what ran.
// Part 9. The diagrams are drawn from this record, so they show what the library did, not what a
// second implementation of its rules would predict. Tests: tests/test_simulator_parts.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pairs.hpp"

namespace sim {

/// A result as the diagrams show it: a value, or a Failure, written as its message and `*`.
struct Shown {
  std::string text;
  bool failure = false;

  std::string label() const { return failure ? text + "*" : text; }
  bool operator==(const Shown&) const = default;
};

/// \returns how \p outcome is shown: its value, or its Failure's message marked as a failure
Shown show(pim::Outcome<std::string> outcome);

enum class Side { callback, errback };

/// One callback or errback that ran: which stage, which side, what it got and what it returned.
struct Step {
  std::size_t stage = 0;
  Side side = Side::callback;
  Shown input;
  Shown output;
};

/// Everything one firing of the chain did, in order.
struct Firing {
  Shown fired_with;         ///< `initial`, or `initial*` for errback()
  std::vector<Step> steps;  ///< one per stage that ran (every stage, with the real Deferred)
  Shown result;             ///< what the chain ended with
};

/// How to fire the chain: `d.callback("initial")` or `d.errback()` with a Failure of "initial".
enum class Fire { callback, errback };

/// Builds a pim::Deferred<std::string> with one add_callbacks() stage per pair, fires it as
/// \p how says, and returns the record its stages wrote while they ran.
/// \pre \p pairs is not empty
Firing fire(const std::vector<Pair>& pairs, Fire how);

}  // namespace sim
