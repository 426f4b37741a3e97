// Checks part 2, exercise 1: the timing-experiment script (exercises/ex01_timing.sh).
// Runs the script as `bash ex01_timing.sh BIN_DIR POEM DELAY` with a short delay and checks its
// report and that it stopped every server it started.
#include <signal.h>

#include <cerrno>
#include <cmath>
#include <map>
#include <regex>
#include <string>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part02;

TEST_CASE("the timing script races both clients against 1 to 4 servers and stops its servers",
          "[part02][exercise]") {
  pim::testing::Process script(
      {"/bin/bash", PIM_EXERCISE_FILE, PIM_BIN_DIR, poem_path("ferry.txt"), "0.005"});
  auto status = script.wait(90s);
  INFO("stdout:\n" << script.out() << "stderr:\n" << script.err());
  REQUIRE(status);
  CHECK(*status == 0);

  // The script led its own process group (Process starts it so), and its background servers
  // joined that group: once they are all gone, signalling the group finds no one.
  CHECK(eventually([&] { return ::kill(-script.pid(), 0) != 0 && errno == ESRCH; }));

  const std::regex report(
      R"(servers=(\d+) blocking=(\d+(?:\.\d+)?) async=(\d+(?:\.\d+)?) speedup=(\d+\.\d\d))");
  struct Row {
    double blocking, async, speedup;
  };
  std::map<int, Row> rows;
  for (const auto& line : pim::testing::lines(script.out())) {
    std::smatch match;
    if (!std::regex_match(line, match, report)) continue;
    rows[std::stoi(match[1])] = {std::stod(match[2]), std::stod(match[3]), std::stod(match[4])};
  }
  REQUIRE(rows.size() == 4);
  for (int n = 1; n <= 4; ++n) {
    INFO("servers=" << n);
    REQUIRE(rows.count(n) == 1);
    const Row& row = rows[n];
    REQUIRE(row.async > 0);
    CHECK(std::abs(row.speedup - row.blocking / row.async) < 0.02 + 0.02 * row.speedup);
    if (n >= 2) CHECK(row.async < row.blocking);
  }
  // The blocking client's time grows with N, the asynchronous one's hardly at all, so the
  // speedup grows roughly like N (the margins here are wide on purpose).
  CHECK(rows[4].speedup > 2.0);
  CHECK(rows[4].speedup > rows[1].speedup + 1.0);
  CHECK(rows[3].speedup > rows[1].speedup + 0.5);
}
