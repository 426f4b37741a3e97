// Checks part 12, exercise 6 (server): netstring-poetry-server (PIM_EXERCISE_PROGRAM) sends
// each client the poem as exactly one netstring and closes, to many clients at once.
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace std::chrono_literals;
using pim::testing::poem;
using pim::testing::poem_path;

TEST_CASE("every client gets the whole poem as one netstring",
          "[part12][exercise][server][netstring]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  INFO("backend " << backend);
  pim::testing::Process server(
      {PIM_EXERCISE_PROGRAM, "--port", "0", "--reactor", backend, poem_path("lantern.txt")});
  const int port = pim::testing::wait_for_port(server);
  CHECK(server.out() ==
        "Serving " + poem_path("lantern.txt") + " on 127.0.0.1:" + std::to_string(port) + ".\n");

  // Connect twenty clients before reading from any of them.
  std::vector<pim::Fd> clients;
  for (int i = 0; i < 20; ++i)
    clients.push_back(part12::connect_to(port));
  for (pim::Fd& client : clients) {
    auto reply = part12::read_until_closed(client.get());
    CHECK(reply.closed);
    CHECK(reply.bytes == part12::netstring(poem("lantern.txt")));
  }
}

TEST_CASE("the netstring server's usage errors exit with status 2",
          "[part12][exercise][server][usage]") {
  CHECK(pim::testing::run({PIM_EXERCISE_PROGRAM}, 10s).status == 2);
  CHECK(pim::testing::run({PIM_EXERCISE_PROGRAM, "/no/such/poem.txt"}, 10s).status == 2);
}
