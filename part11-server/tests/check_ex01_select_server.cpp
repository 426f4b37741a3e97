// Checks part 11, exercise 1: the program built from exercises/ex01_select_server.cpp
// (PIM_EXERCISE_PROGRAM), a poetry server with a hand-written loop, serves several clients at
// once: a client that reads nothing holds up nobody, and every client gets the whole poem.
#include <string>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/process.hpp"

using namespace part11;
using pim::testing::run;

TEST_CASE("a client that reads nothing does not hold up the others",
          "[part11][exercise][select][concurrency]") {
  BigPoem big;
  Server server({PIM_EXERCISE_PROGRAM, big.path()});
  check_a_stalled_client_blocks_nobody(server.port, big);
  CHECK(server.process.running());
}

TEST_CASE("several clients connected at once each get the whole poem",
          "[part11][exercise][select]") {
  Server server({PIM_EXERCISE_PROGRAM, poem_path("lantern.txt")});
  check_several_clients_get_the_poem(server.port, 10);
  // And a client that hangs up at once leaves the server serving.
  { pim::Fd gone = connect_to(server.port); }
  CHECK(fetch(server.port).data == poem("lantern.txt"));
}

TEST_CASE("a missing poem file is a usage error", "[part11][exercise][select][usage]") {
  auto result = run({PIM_EXERCISE_PROGRAM, poem_path("no_such_poem.txt")}, 10s);
  CHECK(result.status == 2);
  CHECK(result.out.empty());
}
