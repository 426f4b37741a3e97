// Part 9: the simulator's pieces, called directly. Reading pairs, the character grid, and the
// record a firing of the real pim::Deferred leaves: the chapter's four routing rules, checked on
// every chain of up to three pairs the simulator can describe.
#include <sstream>
#include <string>
#include <vector>

#include "pim/log.hpp"
#include "pim/testing/catch.hpp"
#include "src/diagrams.hpp"
#include "src/firing.hpp"
#include "src/pairs.hpp"
#include "src/screen.hpp"

using sim::Action;
using Kind = sim::Action::Kind;

namespace {

std::string describe(const sim::Pair& pair) {
  return pair.callback.caption() + " | " + pair.errback.caption();
}

// Every action the checks below try: succeed, fail, pass on.
std::vector<Action> some_actions() {
  return {Action{Kind::return_value, "ok"}, Action{Kind::fail, "bad"}, Action{Kind::passthru, ""}};
}

std::vector<std::vector<sim::Pair>> every_chain(std::size_t max_pairs) {
  std::vector<sim::Pair> pairs;
  for (const Action& callback : some_actions()) {
    for (const Action& errback : some_actions())
      pairs.push_back(sim::Pair{callback, errback});
  }
  std::vector<std::vector<sim::Pair>> chains{{}};
  std::vector<std::vector<sim::Pair>> all;
  for (std::size_t length = 1; length <= max_pairs; ++length) {
    std::vector<std::vector<sim::Pair>> longer;
    for (const auto& chain : chains) {
      for (const sim::Pair& pair : pairs) {
        longer.push_back(chain);
        longer.back().push_back(pair);
      }
    }
    chains = longer;
    all.insert(all.end(), chains.begin(), chains.end());
  }
  return all;
}

}  // namespace

TEST_CASE("center splits odd padding the way Python's str.center does", "[part09][simulator]") {
  CHECK(sim::center("abc", 6) == " abc  ");  // even width: the extra space on the right
  CHECK(sim::center("ab", 5) == "  ab ");    // odd width: on the left
  CHECK(sim::center("good", 16) == "      good      ");
  CHECK(sim::center("toolong", 4) == "toolong");
}

TEST_CASE("a screen prints as a rectangle as wide as its rightmost drawn cell",
          "[part09][simulator]") {
  sim::Screen screen;
  screen.draw_text(2, 1, "ab");
  screen.draw_char(0, 2, 'x');
  CHECK(screen.render() == "    \n  ab\nx   \n");
  screen.draw_arrow(5, 0, 2);
  CHECK(screen.render() == "     | \n  ab\\|/\nx      \n");
}

TEST_CASE("pairs may abbreviate their commands to any prefix, in any case", "[part09][simulator]") {
  CHECK(describe(sim::parse_pair("r good f bad")) == "return good | fail bad");
  CHECK(describe(sim::parse_pair("RETURN Good   pa")) == "return Good | passthru");
  CHECK(describe(sim::parse_pair("  Fa x1 p ")) == "fail x1 | passthru");
}

TEST_CASE("a bad pair is refused with the reason", "[part09][simulator]") {
  auto reason = [](const std::string& line) {
    try {
      sim::parse_pair(line);
    } catch (const sim::BadInput& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  CHECK(reason("x p") == "bad command: x");
  CHECK(reason("run a p") == "bad command: run");
  CHECK(reason("r good") == "missing command");
  CHECK(reason("p r") == "missing argument");
  CHECK(reason("r toolong p") == "value more than 6 characters long: toolong");
  CHECK(reason("r a-b p") == "value not letters and digits: a-b");
  CHECK(reason("p p p") == "extra arguments");
  CHECK(reason("r sixsix p") == "accepted");
}

TEST_CASE("comments are dropped and blank lines recognised", "[part09][simulator]") {
  CHECK(sim::without_comment("  r a p   # returns a") == "r a p");
  CHECK(sim::without_comment("# only a comment") == "");
  CHECK(sim::is_blank(""));
  CHECK(sim::is_blank(" \t\r"));
  CHECK_FALSE(sim::is_blank("# a comment is not blank"));
}

TEST_CASE("the issue's example fires through the stages the chapter describes",
          "[part09][simulator][routing]") {
  const std::vector<sim::Pair> pairs{sim::parse_pair("r good f bad"),
                                     sim::parse_pair("f googly p")};
  const sim::Firing by_callback = sim::fire(pairs, sim::Fire::callback);
  REQUIRE(by_callback.steps.size() == 2);
  CHECK(by_callback.steps[0].side == sim::Side::callback);
  CHECK(by_callback.steps[0].output == sim::Shown{"good", false});
  CHECK(by_callback.steps[1].side == sim::Side::callback);
  CHECK(by_callback.steps[1].output == sim::Shown{"googly", true});
  CHECK(by_callback.result.label() == "googly*");

  const sim::Firing by_errback = sim::fire(pairs, sim::Fire::errback);
  REQUIRE(by_errback.steps.size() == 2);
  CHECK(by_errback.steps[0].side == sim::Side::errback);
  CHECK(by_errback.steps[0].input.label() == "initial*");
  CHECK(by_errback.steps[1].side == sim::Side::errback);
  CHECK(by_errback.result.label() == "bad*");
}

TEST_CASE("in every firing each stage runs exactly one side, chosen by what reaches it",
          "[part09][simulator][routing]") {
  // The rules of the chapter, checked on the real Deferred for every chain of up to three
  // pairs: every stage is visited once, in order; the callback runs on a value, the errback on
  // a Failure; what a stage returns is what the next one gets, and the last one's is the result.
  for (const auto& pairs : every_chain(3)) {
    for (sim::Fire how : {sim::Fire::callback, sim::Fire::errback}) {
      const sim::Firing firing = sim::fire(pairs, how);
      INFO("chain: " << sim::as_text(pairs, firing, firing));
      REQUIRE(firing.steps.size() == pairs.size());
      sim::Shown reaching = firing.fired_with;
      for (std::size_t stage = 0; stage < pairs.size(); ++stage) {
        const sim::Step& step = firing.steps[stage];
        CHECK(step.stage == stage);
        CHECK(step.input == reaching);
        CHECK(step.side == (reaching.failure ? sim::Side::errback : sim::Side::callback));
        reaching = step.output;
      }
      CHECK(firing.result == reaching);
    }
  }
}

TEST_CASE("a simulated chain that ends in a failure is not reported as unhandled",
          "[part09][simulator]") {
  std::ostringstream logged;
  {
    pim::log::Redirect redirect(logged);
    const std::vector<sim::Pair> pairs{sim::parse_pair("f bad f worse")};
    CHECK(sim::fire(pairs, sim::Fire::callback).result.label() == "bad*");
    CHECK(sim::fire(pairs, sim::Fire::errback).result.label() == "worse*");
  }
  CHECK(logged.str().empty());
}
