// What the deferred simulator's user types: one callback/errback pair per line, each side one of
// `return VALUE`, `fail VALUE` or `passthru`. Part 9. Tests: tests/test_simulator_parts.cpp and,
// through the program, tests/test_simulator.cpp.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pim/deferred.hpp"

namespace sim {

/// The longest VALUE: it must fit in a box with a `*` after it.
inline constexpr std::size_t max_value_length = 6;

/// What one callback or errback of the simulated chain does with the result it is given.
struct Action {
  enum class Kind { return_value, fail, passthru };
  Kind kind = Kind::passthru;
  std::string value;  ///< for return_value and fail

  /// `return good`, `fail bad` or `passthru`: the caption of its box in the chain diagram.
  std::string caption() const;

  /// Does it: returns VALUE, returns a Failure of VALUE (a std::runtime_error whose message is
  /// VALUE), or returns \p input itself.
  pim::Outcome<std::string> perform(pim::Outcome<std::string> input) const;
};

struct Pair {
  Action callback;
  Action errback;
};

/// A line the simulator refuses; what() is the reason, printed after `ERROR: `.
class BadInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses `CALLBACK ERRBACK`: each side a command (any prefix of `return`, `fail` or `passthru`,
/// in any case) and, for return and fail, a VALUE of 1 to 6 letters and digits.
/// \param line one line without its comment, not blank
/// \throws BadInput with the reason: `missing command`, `bad command: WORD`, `missing
///         argument`, a VALUE that is too long or not letters and digits, `extra arguments`
Pair parse_pair(std::string_view line);

/// Whether \p line is empty or only blanks (a `\r` line ending included): the end of a list.
bool is_blank(std::string_view line);

/// \p line without its comment (from `#` on) and surrounding blanks. A line that is only a
/// comment comes back empty and is skipped: it does not end the list.
std::string without_comment(std::string_view line);

}  // namespace sim
