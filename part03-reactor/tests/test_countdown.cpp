// Part 3: countdown, the program that stops itself. Its transcript is exact; its timing is
// checked coarsely (one number a second, about five seconds in all) since timers are "not
// before", never "exactly at". The three backends run side by side to keep the test short.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part03;
using pim::testing::lines;
using pim::testing::Process;
using Seconds = std::chrono::duration<double>;

TEST_CASE("countdown prints Start!, 5 to 1 a second apart, Stop!, and exits by itself",
          "[part03][countdown][timers]") {
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<Process>> processes;
  for (const auto& backend : backends()) {
    processes.push_back(std::make_unique<Process>(
        std::vector<std::string>{program("countdown"), "--reactor", backend}));
  }

  // Watch the first one line by line to time the gaps between the numbers.
  Process& watched = *processes.front();
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  for (int line = 0; line < 7; ++line) {
    if (!watched.next_line(10s)) break;
    arrivals.push_back(std::chrono::steady_clock::now());
  }
  REQUIRE(arrivals.size() == 7);
  // "5 ..." comes as soon as the loop starts; each later line about a second after the one
  // before (never less: a timer does not fire early; the upper margin is for a busy machine).
  CHECK(Seconds(arrivals[1] - arrivals[0]).count() < 0.5);
  for (std::size_t i = 2; i < arrivals.size(); ++i) {
    INFO("gap before line " << i + 1);
    CHECK(Seconds(arrivals[i] - arrivals[i - 1]).count() > 0.9);
    CHECK(Seconds(arrivals[i] - arrivals[i - 1]).count() < 2.0);
  }

  const std::vector<std::string> transcript{"Start!", "5 ...", "4 ...", "3 ...",
                                            "2 ...",  "1 ...", "Stop!"};
  for (std::size_t i = 0; i < processes.size(); ++i) {
    INFO("backend " << backends()[i] << ": " << processes[i]->err());
    CHECK(processes[i]->wait(15s) == 0);
    const double total = Seconds(std::chrono::steady_clock::now() - started).count();
    CHECK(lines(processes[i]->out()) == transcript);
    CHECK(processes[i]->err().empty());
    CHECK(total > 4.9);
    CHECK(total < 8.0);
  }
}
