// The deferred simulator's pictures: the chain of pairs, and what ran when it was fired, drawn
// on a Screen from the record a real firing left (firing.hpp). Part 9. Tests:
// tests/test_simulator_parts.cpp, and the transcripts in tests/test_simulator.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "firing.hpp"
#include "pairs.hpp"
#include "screen.hpp"

namespace sim {

/// \name Layout, in characters
/// A box fits the longest caption or value (`return` and six characters, or a value and its
/// `*`) with room to spare. Each stage takes a box and three rows below it, where the arrows go;
/// the errback column starts two columns right of the callback column.
///@{
inline constexpr std::size_t box_width = 18;
inline constexpr std::size_t box_height = 5;
inline constexpr std::size_t stage_height = box_height + 3;
inline constexpr std::size_t errback_offset = box_width + 2;
inline constexpr std::size_t diagram_width = errback_offset + box_width;
///@}

/// Draws every pair as two boxes side by side, captioned with what they do; the first pair's
/// boxes start at (x, y).
void draw_chain(Screen& screen, std::size_t x, std::size_t y, const std::vector<Pair>& pairs);

/// Draws a firing: the value it was fired with on row \p y, then for each stage only the box
/// that ran (its input above its output), joined by arrows, and the result at the bottom.
/// Values sit over the callback column, failures over the errback column.
void draw_firing(Screen& screen, std::size_t x, std::size_t y, const Firing& firing);

/// How many rows draw_firing() uses for a chain of \p stages pairs.
std::size_t firing_height(std::size_t stages);

/// The three diagrams side by side (the chain, d.callback(initial), d.errback(initial*)),
/// followed by an empty line: 136 columns.
std::string side_by_side(const std::vector<Pair>& pairs, const Firing& by_callback,
                         const Firing& by_errback);

/// The same three diagrams one under another, each followed by an empty line.
std::string one_under_another(const std::vector<Pair>& pairs, const Firing& by_callback,
                              const Firing& by_errback);

/// The same as text (--trace): the pairs, then one line per callback or errback that ran.
std::string as_text(const std::vector<Pair>& pairs, const Firing& by_callback,
                    const Firing& by_errback);

}  // namespace sim
