// Checks part 12, exercise 3: transformedpoetry-two (PIM_EXERCISE_PROGRAM) serves the transforms
// over netstrings on one port and over the line protocol on another, at the same time.
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace std::chrono_literals;
using part12::netstring;

namespace {

// Reads from \p fd until \p count newlines have arrived, the peer closes, or 5 s pass.
std::string read_lines(int fd, int count) {
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::count(text.begin(), text.end(), '\n') < count) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd watch{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&watch, 1, int(left.count())) <= 0) break;
    char buffer[1024];
    ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    text.append(buffer, std::size_t(got));
  }
  return text;
}

}  // namespace

TEST_CASE("both protocols serve the same transforms at once",
          "[part12][exercise][service][protocol]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  INFO("backend " << backend);
  pim::testing::Process server({PIM_EXERCISE_PROGRAM, "--reactor", backend});
  const int port = pim::testing::wait_for_port(server);
  const int line_port = pim::testing::wait_for_port(server);
  CHECK(server.out() == "Serving transforms on 127.0.0.1:" + std::to_string(port) +
                            ".\nServing line transforms on 127.0.0.1:" + std::to_string(line_port) +
                            ".\n");

  // A line client keeps its connection open across requests, while a netstring client is
  // served in between.
  pim::Fd line_client = part12::connect_to(line_port);
  REQUIRE(part12::send_all(line_client.get(), "cummingsify HELLO THERE\n"));
  CHECK(read_lines(line_client.get(), 1) == "OK hello there\n");

  CHECK(part12::ask(port, netstring("cummingsify.HERE IS MY POEM")).bytes == "15:here is my poem,");

  // Several requests in one write, the last one in pieces and ending in \r\n.
  REQUIRE(part12::send_all(line_client.get(), "reverse ONE LINE\nno-such X\ncummi"));
  REQUIRE(part12::send_all(line_client.get(), "ngsify A.B\r\n"));
  std::string replies = read_lines(line_client.get(), 3);
  auto lines = pim::testing::lines(replies);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "OK ONE LINE");
  CHECK(lines[1].rfind("ERROR ", 0) == 0);
  CHECK(lines[2] == "OK a.b");
}
