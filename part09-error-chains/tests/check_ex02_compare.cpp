// Checks part 9, exercise 2: the simulator input in ex02_compare.txt (PIM_EXERCISE_FILE) holds
// two lists that compare `d.add_callbacks(cb, eb)` with `d.add_callback(cb); d.add_errback(eb);`
// for the same cb and eb, chosen so that the two chains really fire differently. The check runs
// the real simulator on the file, with --trace, and reads back what it did.
#include <sstream>
#include <string>
#include <vector>

#include "pim/file.hpp"
#include "pim/testing/catch.hpp"
#include "simulator_helpers.hpp"

using part09::parse_trace;
using part09::simulate;
using part09::TracedList;

namespace {

std::string describe(const std::vector<TracedList>& lists) {
  std::ostringstream out;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    out << "  list " << i + 1 << ":";
    for (const std::string& stage : lists[i].stages)
      out << " [" << stage << "]";
    out << "  d.callback -> " << lists[i].callback_result << ", d.errback -> "
        << lists[i].errback_result << "\n";
  }
  return out.str();
}

struct Sides {
  std::string callback;
  std::string errback;
};

// "return good | fail bad" as its two captions.
Sides sides(const std::string& stage) {
  const std::size_t bar = stage.find(" | ");
  if (bar == std::string::npos) return {stage, ""};
  return {stage.substr(0, bar), stage.substr(bar + 3)};
}

}  // namespace

TEST_CASE("exercise 2 compares add_callbacks with add_callback then add_errback",
          "[part09][exercise][simulator]") {
  const std::string input = pim::read_file(PIM_EXERCISE_FILE);
  auto result = simulate({"--quiet", "--trace"}, input);
  INFO("the simulator's errors:\n" << result.err);
  REQUIRE(result.status == 0);
  REQUIRE(result.err.find("ERROR:") == std::string::npos);

  const std::vector<TracedList> lists = parse_trace(result.out);
  INFO("the simulator read these lists from your file:\n" << describe(lists));
  INFO("expected two lists, each ended by an empty line");
  REQUIRE(lists.size() == 2);

  // List 1: one stage, add_callbacks(cb, eb), with two real functions.
  INFO("list 1 is what d.add_callbacks(cb, eb) adds: one pair, CB EB, neither a passthru");
  REQUIRE(lists[0].stages.size() == 1);
  const Sides together = sides(lists[0].stages[0]);
  CHECK(together.callback != "passthru");
  CHECK(together.errback != "passthru");

  // List 2: the same two functions, each with a pass-through partner, cb's stage first.
  INFO("list 2 is what d.add_callback(cb); d.add_errback(eb); adds: `CB p`, then `p EB`");
  REQUIRE(lists[1].stages.size() == 2);
  CHECK(sides(lists[1].stages[0]).callback == together.callback);
  CHECK(sides(lists[1].stages[0]).errback == "passthru");
  CHECK(sides(lists[1].stages[1]).callback == "passthru");
  CHECK(sides(lists[1].stages[1]).errback == together.errback);

  // And the choice must show the difference: some firing ends differently.
  INFO("both lists end the same way when fired: choose CB and EB so that they do not");
  const bool differ = lists[0].callback_result != lists[1].callback_result ||
                      lists[0].errback_result != lists[1].errback_result;
  CHECK(differ);
}
