// Checks part 11, exercise 4: the program built from exercises/ex04_many_poems.cpp
// (PIM_EXERCISE_PROGRAM) serves each poem it is given on a port of its own, from one process:
// one `Serving FILE on HOST:PORT.` line per poem, in order, and every port sends its own poem to
// several clients at once.
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/process.hpp"

using namespace part11;
using pim::testing::run;

TEST_CASE("each poem is served on its own port, to several clients at once",
          "[part11][exercise][ports]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  INFO(backend);
  const std::vector<std::string> names{"lantern.txt", "ferry.txt", "slow_river.txt"};
  pim::testing::Process server({PIM_EXERCISE_PROGRAM, "--reactor", backend, poem_path(names[0]),
                                poem_path(names[1]), poem_path(names[2])});
  static const std::regex serving(R"(Serving (.+) on 127\.0\.0\.1:(\d+)\.)");
  std::map<std::string, int> port_of;  // poem name -> port
  for (const std::string& name : names) {
    auto line = server.next_line(10s);
    INFO("stdout so far:\n" << server.out() << "stderr:\n" << server.err());
    REQUIRE(line);
    std::smatch match;
    REQUIRE(std::regex_match(*line, match, serving));
    CHECK(match[1] == poem_path(name));  // in the order given
    port_of[name] = std::stoi(match[2]);
  }
  REQUIRE(port_of.size() == 3);

  // Clients to every port at once, then read them all.
  std::vector<std::pair<std::string, pim::Fd>> clients;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& name : names)
      clients.emplace_back(name, connect_to(port_of[name]));
  }
  for (const auto& [name, socket] : clients) {
    Received got = read_all(socket, 10s);
    INFO(name);
    CHECK(got.complete);
    CHECK(got.data == poem(name));
  }
  CHECK(server.running());
}

TEST_CASE("one missing poem file among several is a usage error",
          "[part11][exercise][ports][usage]") {
  auto result =
      run({PIM_EXERCISE_PROGRAM, poem_path("lantern.txt"), poem_path("no_such_poem.txt")}, 10s);
  CHECK(result.status == 2);
  CHECK(result.out.empty());  // nothing was served, not even the good poem
}
