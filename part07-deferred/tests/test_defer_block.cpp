// Part 7: defer-block. A callback that sleeps blocks the whole reactor, Deferred or not: the
// chain runs from start to end inside callback(), and a timer that fell due in the middle of it
// runs only afterwards. Delays are scaled down (--scale) so the test takes a fraction of a
// second; the run time proves the chain really slept past the timer's due time.
#include <string>

#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"

using namespace std::chrono_literals;
using pim::testing::backends;
using pim::testing::program;
using pim::testing::run;

namespace {

// The sum of the pauses in defer_block.cpp's verse (unscaled).
constexpr double verse_seconds = 6.2;

std::string transcript(const std::string& due) {
  return "Starting the reactor.\n"
         "Firing the deferred.\n"
         "The callback chain begins.\n"
         "I am a callback\n"
         "  asleep on the job,\n"
         "  and the loop sleeps with me;\n"
         "no timer rings,\n"
         "  no socket is read,\n"
         "until I return.\n"
         "The callback chain ends.\n"
         "Firing finished.\n"
         "The timer due " +
         due +
         " s after the start runs only now.\n"
         "Done.\n";
}

}  // namespace

TEST_CASE("defer-block runs the whole chain before a timer that fell due during it",
          "[part07][block]") {
  const std::string backend = GENERATE(from_range(backends()));
  const double scale = 0.02;
  auto result = run({program("defer-block"), "--scale", "0.02", "--reactor", backend}, 20s);
  INFO("backend " << backend);
  // The order of the lines is the claim: the timer's line comes after "Firing finished.".
  CHECK(result.out == transcript("0.02"));
  CHECK(result.err == "");
  CHECK(result.status == 0);
  // And the timer really was overdue: it was due after 0.02 s, but the chain it waited for
  // slept for the whole verse, six times longer.
  CHECK(result.seconds.count() >= verse_seconds * scale);
}

TEST_CASE("defer-block with --scale 0 still runs the chain before the timer", "[part07][block]") {
  auto result = run({program("defer-block"), "--scale", "0"}, 10s);
  CHECK(result.out == transcript("0"));
  CHECK(result.status == 0);
}

TEST_CASE("defer-block refuses a negative scale", "[part07][block][usage]") {
  auto result = run({program("defer-block"), "--scale", "-1"}, 10s);
  CHECK(result.status == 2);
  CHECK(result.err.find("--scale") != std::string::npos);
}
