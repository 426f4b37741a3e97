// Drawing the simulator's diagrams (diagrams.hpp). Every position here is layout; which box is
// drawn at each stage, and what it shows, comes from the Firing record.
#include "diagrams.hpp"

#include <algorithm>
#include <sstream>

namespace sim {

namespace {

const std::string chain_title = "Deferred";
const std::string callback_title = "d.callback(initial)";
const std::string errback_title = "d.errback(initial*)";

// Rows from the value a firing starts with to its first box.
constexpr std::size_t lead_in = 4;
// Columns from one diagram to the next when they are side by side (a separator line runs down
// the middle of the gap).
constexpr std::size_t panel_step = diagram_width + 6;

std::size_t middle(std::size_t column) {
  return column + box_width / 2 - 1;
}

void draw_title(Screen& screen, std::size_t x, std::size_t y, const std::string& title) {
  screen.draw_text(x, y, center(title, diagram_width));
  screen.draw_text(x, y + 1, center(std::string(title.size(), '-'), diagram_width));
}

void draw_caption_box(Screen& screen, std::size_t x, std::size_t y, const Action& action) {
  screen.draw_box(x, y, box_width, box_height);
  screen.draw_text(x + 1, y + 2, center(action.caption(), box_width - 2));
}

void draw_step_box(Screen& screen, std::size_t x, std::size_t y, const Step& step) {
  screen.draw_box(x, y, box_width, box_height);
  screen.draw_text(x + 1, y + 1, center(step.input.label(), box_width - 2));
  screen.draw_text(x + 1, y + 3, center(step.output.label(), box_width - 2));
}

// The drawing of one firing, anchored at the callback column's left edge.
class FiringPicture {
 public:
  FiringPicture(Screen& screen, std::size_t x, std::size_t y) : screen_(screen), x_(x), y_(y) {}

  void draw(const Firing& firing) {
    draw_value(firing.fired_with, y_);
    std::size_t from = value_column(firing.fired_with);
    std::size_t next_top = y_ + lead_in;  // where the next box, or the result, goes
    for (const Step& step : firing.steps) {
      const std::size_t column = side_column(step.side);
      const std::size_t top = y_ + lead_in + step.stage * stage_height;
      draw_step_box(screen_, column, top, step);
      draw_connection(from, column, top);
      from = column;
      next_top = top + stage_height;
    }
    draw_value(firing.result, next_top);
    draw_connection(from, value_column(firing.result), next_top);
  }

 private:
  std::size_t side_column(Side side) const {
    return side == Side::callback ? x_ : x_ + errback_offset;
  }
  std::size_t value_column(const Shown& value) const {
    return side_column(value.failure ? Side::errback : Side::callback);
  }

  // A value over the callback box; a failure centred on the errback box, in a band as wide as
  // the whole diagram (so it may reach past the right edge).
  void draw_value(const Shown& value, std::size_t y) {
    if (value.failure) {
      const std::size_t band = side_column(Side::errback) + box_width / 2 - diagram_width / 2;
      screen_.draw_text(band, y, center(value.label(), diagram_width));
    } else {
      screen_.draw_text(x_, y, center(value.label(), box_width));
    }
  }

  // The three rows above \p top: an arrow straight down, or, when the result changes column, a
  // short drop, a run across and an arrow into the other column.
  void draw_connection(std::size_t from, std::size_t to, std::size_t top) {
    const std::size_t start = middle(from), end = middle(to);
    if (start == end) {
      screen_.draw_arrow(end, top - 3, 3);
      return;
    }
    screen_.draw_vertical(start, top - 3, 2);
    screen_.draw_arrow(end, top - 2, 2);
    const std::size_t left = std::min(start, end), right = std::max(start, end);
    screen_.draw_horizontal(left + 1, top - 2, right - left - 1);
  }

  Screen& screen_;
  std::size_t x_;
  std::size_t y_;
};

const char* side_name(Side side) {
  return side == Side::callback ? "callback" : "errback";
}

void write_firing(std::ostream& out, const std::string& title, const Firing& firing) {
  out << title << '\n';
  for (const Step& step : firing.steps) {
    out << "  stage " << step.stage << " " << side_name(step.side) << ": " << step.input.label()
        << " -> " << step.output.label() << '\n';
  }
  out << "  result: " << firing.result.label() << "\n\n";
}

}  // namespace

void draw_chain(Screen& screen, std::size_t x, std::size_t y, const std::vector<Pair>& pairs) {
  for (const Pair& pair : pairs) {
    draw_caption_box(screen, x, y, pair.callback);
    draw_caption_box(screen, x + errback_offset, y, pair.errback);
    y += stage_height;
  }
}

void draw_firing(Screen& screen, std::size_t x, std::size_t y, const Firing& firing) {
  FiringPicture(screen, x, y).draw(firing);
}

std::size_t firing_height(std::size_t stages) {
  return lead_in + stages * stage_height + 1;
}

std::string side_by_side(const std::vector<Pair>& pairs, const Firing& by_callback,
                         const Firing& by_errback) {
  Screen screen;
  draw_title(screen, 0, 0, chain_title);
  draw_title(screen, panel_step, 0, callback_title);
  draw_title(screen, 2 * panel_step, 0, errback_title);
  const std::size_t top = 3;  // the firings' first row; the chain's boxes line up with theirs
  draw_chain(screen, 0, top + lead_in, pairs);
  draw_firing(screen, panel_step, top, by_callback);
  draw_firing(screen, 2 * panel_step, top, by_errback);
  for (std::size_t panel : {panel_step, 2 * panel_step}) {
    screen.draw_vertical(panel - 3, top, firing_height(pairs.size()));
  }
  return screen.render() + "\n";
}

std::string one_under_another(const std::vector<Pair>& pairs, const Firing& by_callback,
                              const Firing& by_errback) {
  Screen chain;
  draw_title(chain, 0, 1, chain_title);
  draw_chain(chain, 0, 4, pairs);
  std::string out = chain.render() + "\n";
  for (const auto& [title, firing] :
       {std::pair{callback_title, &by_callback}, std::pair{errback_title, &by_errback}}) {
    Screen screen;
    draw_title(screen, 0, 2, title);
    draw_firing(screen, 0, 5, *firing);
    out += screen.render() + "\n";
  }
  return out;
}

std::string as_text(const std::vector<Pair>& pairs, const Firing& by_callback,
                    const Firing& by_errback) {
  std::ostringstream out;
  out << chain_title << '\n';
  for (std::size_t stage = 0; stage < pairs.size(); ++stage) {
    out << "  stage " << stage << ": " << pairs[stage].callback.caption() << " | "
        << pairs[stage].errback.caption() << '\n';
  }
  out << '\n';
  write_firing(out, callback_title, by_callback);
  write_firing(out, errback_title, by_errback);
  return out.str();
}

}  // namespace sim
