// Checks part 12, exercise 5: the blocking transform-client (PIM_EXERCISE_PROGRAM) sends a poem
// to the real transformedpoetry, prints the reply's payload, and fails clearly when the server
// answers with nothing or with a cut-off netstring.
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace std::chrono_literals;
using pim::testing::poem;
using pim::testing::poem_path;
using pim::testing::run;

namespace {

struct TransformServer {
  pim::testing::Process process{
      pim::testing::command(pim::testing::program("transformedpoetry"), {"--port", "0"})};
  int port = pim::testing::wait_for_port(process);
};

std::string lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return text;
}

// The lines of \p text in reverse order (written here, not taken from the server's code).
std::string lines_reversed(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  std::string result;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    result += *it + "\n";
  return result + line;  // text that does not end with a newline is not a case here
}

}  // namespace

TEST_CASE("the client prints the transformed poem the server sends back",
          "[part12][exercise][client][blocking]") {
  TransformServer server;
  auto result = run({PIM_EXERCISE_PROGRAM, "--transform", "reverse", std::to_string(server.port),
                     poem_path("ferry.txt")},
                    10s);
  INFO("stderr: " << result.err);
  CHECK(result.status == 0);
  // reverse is its own inverse: reversing the reply gives the poem back.
  CHECK(result.out != poem("ferry.txt"));
  CHECK(lines_reversed(result.out) == poem("ferry.txt"));

  auto lowered = run(
      {PIM_EXERCISE_PROGRAM, "127.0.0.1:" + std::to_string(server.port), poem_path("lantern.txt")},
      10s);
  CHECK(lowered.status == 0);
  CHECK(lowered.out == lower(poem("lantern.txt")));
}

TEST_CASE("no reply, or a cut-off one, is an error with status 1",
          "[part12][exercise][client][blocking][errors]") {
  TransformServer server;
  auto unknown = run({PIM_EXERCISE_PROGRAM, "--transform", "no-such-thing",
                      std::to_string(server.port), poem_path("ferry.txt")},
                     10s);
  CHECK(unknown.status == 1);
  CHECK(unknown.out.empty());
  CHECK(unknown.err.find("transform-client:") != std::string::npos);

  part12::OneShotServer cut_off("100:only the first few bytes");
  auto cut =
      run({PIM_EXERCISE_PROGRAM, std::to_string(cut_off.port()), poem_path("ferry.txt")}, 10s);
  CHECK(cut.status == 1);
  CHECK(cut.out.empty());
  CHECK(cut.err.find("transform-client:") != std::string::npos);
}

TEST_CASE("the client's usage errors exit with status 2", "[part12][exercise][client][usage]") {
  CHECK(run({PIM_EXERCISE_PROGRAM}, 10s).status == 2);
  CHECK(run({PIM_EXERCISE_PROGRAM, "11000", "/no/such/poem.txt"}, 10s).status == 2);
  CHECK(run({PIM_EXERCISE_PROGRAM, "not-a-port", poem_path("ferry.txt")}, 10s).status == 2);
}
