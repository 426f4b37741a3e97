// Checks part 8, exercise 2: the program built from exercises/ex02_which_server.cpp
// (PIM_EXERCISE_PROGRAM) names the server of each failed download, and otherwise behaves like
// client 4.0: poems on stdout once all downloads are over, exit status 1 if any failed.
#include <algorithm>
#include <string>
#include <vector>

#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace std::chrono_literals;
using pim::testing::lines;
using pim::testing::poem;
using pim::testing::poem_path;
using pim::testing::run;
using pim::testing::SlowServer;

namespace {

// How the client prints one poem: the poem, a newline if it lacks one, then a blank line.
std::string printed(const std::string& text) {
  std::string out = text;
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + '\n';
}

std::string refused_from(int port) {
  return "Poem from 127.0.0.1:" + std::to_string(port) +
         " failed: [Failure: ConnectionRefusedError: Connection was refused]";
}

std::vector<std::string> sorted(std::vector<std::string> text) {
  std::sort(text.begin(), text.end());
  return text;
}

}  // namespace

TEST_CASE("each failed download names its server, and the other poems still arrive",
          "[part08][exercise][deferred][errbacks]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  SlowServer lantern({"--delay", "0", "--num-bytes", "100000", poem_path("lantern.txt")});
  pim::testing::RefusingPort first;
  pim::testing::RefusingPort second;
  // One address as a bare port, one spelled out: both print as 127.0.0.1:PORT.
  auto result = run({PIM_EXERCISE_PROGRAM, "--reactor", backend, std::to_string(first.port()),
                     lantern.port_text(), "127.0.0.1:" + std::to_string(second.port())},
                    20s);
  INFO("backend " << backend << "\nstdout:\n" << result.out << "stderr:\n" << result.err);
  // The two failures may be reported in either order.
  CHECK(sorted(lines(result.err)) ==
        sorted({refused_from(first.port()), refused_from(second.port())}));
  CHECK(result.out == printed(poem("lantern.txt")));
  CHECK(result.status == 1);
}

TEST_CASE("with every server up, no failure is reported", "[part08][exercise][deferred]") {
  SlowServer lantern({"--delay", "0", "--num-bytes", "100000", poem_path("lantern.txt")});
  SlowServer ferry({"--delay", "0", "--num-bytes", "100000", poem_path("ferry.txt")});
  auto result = run({PIM_EXERCISE_PROGRAM, lantern.port_text(), ferry.port_text()}, 20s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  const std::string lantern_text = printed(poem("lantern.txt"));
  const std::string ferry_text = printed(poem("ferry.txt"));
  const bool both_poems =
      result.out == lantern_text + ferry_text || result.out == ferry_text + lantern_text;
  CHECK(both_poems);
}
