// The deferred simulator's drawing surface: a grid of characters that grows as it is drawn on,
// and prints as a rectangle. Part 9; used by diagrams.cpp. Tests: tests/test_simulator_parts.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

/// \p text centred in \p width columns, as Python's `str.center` does it: when the padding is
/// odd, the extra space goes to the right if \p width is even, to the left if it is odd (the
/// simulator's widths are all even). Text as wide as \p width or wider is returned unchanged.
std::string center(std::string_view text, std::size_t width);

/// A character grid. Coordinates are (column, row) from the top left, both from 0. A cell that
/// was never drawn is a space; the grid is as wide as the rightmost cell ever drawn (a space
/// drawn on purpose counts) and as tall as the lowest.
class Screen {
 public:
  void draw_char(std::size_t x, std::size_t y, char c);
  void draw_text(std::size_t x, std::size_t y, std::string_view text);
  /// A row of `-`, \p width long, starting at (x, y).
  void draw_horizontal(std::size_t x, std::size_t y, std::size_t width);
  /// A column of `|`, \p height long, starting at (x, y) and going down.
  void draw_vertical(std::size_t x, std::size_t y, std::size_t height);
  /// draw_vertical() whose last row becomes the arrow head `\|/`.
  /// \pre x >= 1 (the head takes the column on each side)
  void draw_arrow(std::size_t x, std::size_t y, std::size_t height);
  /// A box outline: dashed top and bottom rows, `|` sides.
  void draw_box(std::size_t x, std::size_t y, std::size_t width, std::size_t height);

  /// Every row, padded with spaces to the grid's width, each followed by '\n'.
  std::string render() const;

 private:
  std::vector<std::string> rows_;
  std::size_t width_ = 0;
};

}  // namespace sim
