// Part 7: Deferred examples 8 and 9, fired from the reactor by call_when_running(). On every
// backend, the callback path prints the poem, the reactor stops (in example 8 from the callback
// itself, in example 9 from the add_both stage), and the program exits cleanly.
#include <string>

#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"

using namespace std::chrono_literals;
using pim::testing::backends;
using pim::testing::program;
using pim::testing::run;

TEST_CASE("defer-8 fires its Deferred from the loop and the callback stops the reactor",
          "[part07][reactor]") {
  const std::string backend = GENERATE(from_range(backends()));
  auto result = run({program("defer-8"), "--reactor", backend}, 10s);
  INFO("backend " << backend);
  CHECK(result.out == "A short poem, delivered by the loop.\n");
  CHECK(result.err == "");
  CHECK(result.status == 0);
}

TEST_CASE("defer-9's add_both stage stops the reactor after the callback",
          "[part07][reactor][add-both]") {
  const std::string backend = GENERATE(from_range(backends()));
  auto result = run({program("defer-9"), "--reactor", backend}, 10s);
  INFO("backend " << backend);
  CHECK(result.out == "A short poem, delivered by the loop.\n");
  CHECK(result.err == "");
  CHECK(result.status == 0);
}
