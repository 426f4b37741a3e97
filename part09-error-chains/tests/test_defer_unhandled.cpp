// Part 9: defer-unhandled. Firing a chain whose callback throws does not throw; the program
// finishes normally, and the unhandled Failure is reported on stderr, after "Finished", when the
// Deferred is destroyed, with its traceback.
#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"

using namespace std::chrono_literals;
using pim::testing::lines;
using pim::testing::program;
using pim::testing::run;

TEST_CASE("defer-unhandled finishes normally although its callback threw", "[part09][unhandled]") {
  auto result = run({program("defer-unhandled")}, 20s);
  INFO(result.err);
  CHECK(result.status == 0);
  CHECK(result.out == "Finished\n");
}

TEST_CASE("defer-unhandled reports the failure with its traceback", "[part09][unhandled]") {
  auto result = run({program("defer-unhandled")}, 20s);
  INFO(result.err);
  const std::vector<std::string> err = lines(result.err);
  REQUIRE(err.size() >= 6);
  // One log entry: a time-stamped first line, the rest indented by a tab.
  CHECK(std::regex_match(err[0], std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000 )"
                                            R"(\[-\] Unhandled error in Deferred:)")));
  CHECK(err[1] == "\t");
  CHECK(err[2] == "\tTraceback (most recent call last):");
  CHECK(err[3] == "\t  main");
  auto marker = std::find(err.begin(), err.end(), "\t--- <exception caught here> ---");
  REQUIRE(marker != err.end());
  REQUIRE(marker + 1 != err.end());
  CHECK(*(marker + 1) == "\tstd::runtime_error: oops");
  // Exactly one report: the Failure is reported once, when the last handle goes.
  CHECK(std::count_if(err.begin(), err.end(), [](const std::string& line) {
          return line.find("Unhandled error in Deferred") != std::string::npos;
        }) == 1);
}

TEST_CASE("defer-unhandled's report comes after Finished", "[part09][unhandled]") {
  // Both streams into one pipe, so the order in which they were written is kept.
  auto result = run({"/bin/sh", "-c", "exec \"$0\" 2>&1", program("defer-unhandled")}, 20s);
  INFO(result.out);
  CHECK(result.status == 0);
  const std::vector<std::string> out = lines(result.out);
  REQUIRE(out.size() >= 2);
  CHECK(out[0] == "Finished");
  CHECK(out[1].find("[-] Unhandled error in Deferred:") != std::string::npos);
}
