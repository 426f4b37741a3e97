// The character grid of screen.hpp.
#include "screen.hpp"

#include <cassert>

namespace sim {

std::string center(std::string_view text, std::size_t width) {
  if (text.size() >= width) return std::string(text);
  const std::size_t padding = width - text.size();
  // Python's rule, so the diagrams come out exactly as the original simulator's.
  const std::size_t left = padding / 2 + (padding & width & 1);
  return std::string(left, ' ') + std::string(text) + std::string(padding - left, ' ');
}

void Screen::draw_char(std::size_t x, std::size_t y, char c) {
  if (y >= rows_.size()) rows_.resize(y + 1);
  std::string& row = rows_[y];
  if (x >= row.size()) row.resize(x + 1, ' ');
  row[x] = c;
  if (x + 1 > width_) width_ = x + 1;
}

void Screen::draw_text(std::size_t x, std::size_t y, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i)
    draw_char(x + i, y, text[i]);
}

void Screen::draw_horizontal(std::size_t x, std::size_t y, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i)
    draw_char(x + i, y, '-');
}

void Screen::draw_vertical(std::size_t x, std::size_t y, std::size_t height) {
  for (std::size_t i = 0; i < height; ++i)
    draw_char(x, y + i, '|');
}

void Screen::draw_arrow(std::size_t x, std::size_t y, std::size_t height) {
  assert(x >= 1 && height >= 1);
  draw_vertical(x, y, height);
  draw_char(x - 1, y + height - 1, '\\');
  draw_char(x + 1, y + height - 1, '/');
}

void Screen::draw_box(std::size_t x, std::size_t y, std::size_t width, std::size_t height) {
  draw_horizontal(x, y, width);
  draw_horizontal(x, y + height - 1, width);
  draw_vertical(x, y + 1, height - 2);
  draw_vertical(x + width - 1, y + 1, height - 2);
}

std::string Screen::render() const {
  std::string out;
  for (const std::string& row : rows_) {
    out += row;
    out.append(width_ - row.size(), ' ');
    out += '\n';
  }
  return out;
}

}  // namespace sim
