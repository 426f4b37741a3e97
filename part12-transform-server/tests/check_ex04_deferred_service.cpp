// Checks part 12, exercise 4: transformedpoetry-deferred (PIM_EXERCISE_PROGRAM) replies when its
// service's Deferreds fire, serves many waiting requests at once, and survives clients that
// leave before their answer is ready.
#include <chrono>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace std::chrono_literals;
using part12::netstring;
using Clock = std::chrono::steady_clock;

TEST_CASE("requests are answered when the service's Deferreds fire, all at once",
          "[part12][exercise][deferred][service]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  INFO("backend " << backend);
  const double delay = 1.0;
  pim::testing::Process server(
      {PIM_EXERCISE_PROGRAM, "--reactor", backend, "--delay", std::to_string(delay)});
  const int port = pim::testing::wait_for_port(server);

  // Five requests sent before any reply is read: a server that did them one after another
  // would need 5 x 1 = 5 s; one whose service waits without blocking needs about 1 s. The bound
  // between the two is wide, so a loaded machine cannot blur the difference.
  const auto start = Clock::now();
  std::vector<pim::Fd> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(part12::connect_to(port));
    const std::string name = i % 2 ? "reverse" : "cummingsify";
    REQUIRE(part12::send_all(clients.back().get(), netstring(name + ".A\nB\n")));
  }
  for (int i = 0; i < 5; ++i) {
    auto reply = part12::read_until_closed(clients[std::size_t(i)].get());
    CHECK(reply.bytes == netstring(i % 2 ? "B\nA\n" : "a\nb\n"));
    CHECK(reply.closed);
  }
  const std::chrono::duration<double> took = Clock::now() - start;
  CHECK(took.count() >= delay * 0.9);  // the answers really waited for the service
  CHECK(took.count() < 3.0);           // ... but not for each other
}

TEST_CASE("unknown names and departed clients do not disturb the deferred server",
          "[part12][exercise][deferred][errors]") {
  pim::testing::Process server({PIM_EXERCISE_PROGRAM, "--delay", "0.3"});
  const int port = pim::testing::wait_for_port(server);

  auto unknown = part12::ask(port, netstring("upcase.POEM"));
  CHECK(unknown.bytes.empty());
  CHECK(unknown.closed);
  auto no_dot = part12::ask(port, netstring("cummingsify"));
  CHECK(no_dot.bytes.empty());
  CHECK(no_dot.closed);

  {  // a client that asks and leaves before the answer is ready
    pim::Fd impatient = part12::connect_to(port);
    REQUIRE(part12::send_all(impatient.get(), netstring("cummingsify.BYE")));
  }
  // Still serving, after the departed client's Deferred has fired.
  CHECK(part12::ask(port, netstring("cummingsify.STILL HERE")).bytes == netstring("still here"));
  CHECK(part12::ask(port, netstring("cummingsify.AND HERE")).bytes == netstring("and here"));
  CHECK(server.running());
  CHECK(server.err().find("Transform failed:") != std::string::npos);
}
