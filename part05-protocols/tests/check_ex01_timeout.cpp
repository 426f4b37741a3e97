// Checks part 5, exercise 1: a per-poem timeout with call_later() and lose_connection(),
// cancelled when the poem ends in time. Runs the exercise program (exercises/ex01_timeout.cpp,
// built as PIM_EXERCISE_PROGRAM) against real slow poetry servers: fast ones, and one that sends
// a chunk and then pauses for a minute (a poem that never ends, as far as the check is concerned).
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part05;
using pim::testing::lines;
using pim::testing::run;

TEST_CASE("a poem not complete in time is given up and the others are kept",
          "[part05][exercise][timers]") {
  PoemServer fast("ferry.txt", {"--delay", "0"});
  PoemServer endless("lantern.txt", {"--delay", "60"});
  // Without a working timeout the client waits for the endless poem until the deadline kills it.
  auto result = run({PIM_EXERCISE_PROGRAM, "--timeout", "0.5", fast.server.port_text(),
                     endless.server.port_text()},
                    8s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  REQUIRE(result.status == 1);  // one poem is missing
  CHECK(result.seconds.count() < 5.0);

  Transcript transcript(result.out);
  std::map<int, int> task_of_port;
  for (const auto& [task, port] : transcript.port_of_task())
    task_of_port[port] = task;
  REQUIRE(task_of_port.count(endless.server.port) == 1);  // its first chunk did arrive
  REQUIRE(task_of_port.count(fast.server.port) == 1);
  const std::string late = std::to_string(task_of_port[endless.server.port]);

  // Exactly one complaint: a timer left running for the fast poem would fire at the same moment
  // and complain too (or fail on a connection that is gone).
  auto errors = lines(result.err);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("Task " + late + ": timed out after 0.5 seconds", 0) == 0);
  // Only the fast poem has a total.
  REQUIRE(transcript.totals.size() == 1);
  CHECK(transcript.totals[0].first == task_of_port[fast.server.port]);
  CHECK(transcript.totals[0].second == poem("ferry.txt").size());
  REQUIRE(transcript.got_poems.size() == 1);
  CHECK(std::regex_match(transcript.got_poems[0], std::regex("Got 1 poems in " + elapsed)));
}

TEST_CASE("poems that finish in time cancel their timers and leave none behind",
          "[part05][exercise][timers]") {
  PoemServer ferry("ferry.txt", {"--delay", "0"});
  PoemServer lantern("lantern.txt", {"--delay", "0"});
  // A generous limit: the poems arrive at once, and the program must end at once too, with no
  // timer still pending (main() reports any on stderr).
  auto result = run({PIM_EXERCISE_PROGRAM, "--timeout", "30", ferry.server.port_text(),
                     lantern.server.port_text()},
                    20s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  CHECK(result.seconds.count() < 10.0);
  Transcript transcript(result.out);
  CHECK(transcript.totals.size() == 2);
  REQUIRE(transcript.got_poems.size() == 1);
  CHECK(std::regex_match(transcript.got_poems[0], std::regex("Got 2 poems in " + elapsed)));
}

TEST_CASE("without --timeout a slow poem is waited for", "[part05][exercise][timers]") {
  PoemServer slow("ferry.txt", {"--delay", "0.01"});  // about 0.65 s in all
  auto result = run({PIM_EXERCISE_PROGRAM, slow.server.port_text()}, 20s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  Transcript transcript(result.out);
  REQUIRE(transcript.totals.size() == 1);
  CHECK(transcript.totals[0].second == poem("ferry.txt").size());
}
