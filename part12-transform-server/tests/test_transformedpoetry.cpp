// Part 12's transformation server as a real process on 127.0.0.1: good requests, bad requests,
// and clients that misbehave while others are served. Also the transform-test script.
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace std::chrono_literals;
using part12::ask;
using part12::netstring;
using pim::testing::Process;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
  return text;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; });
  return text;
}

// What the process wrote on stderr after its first \p before bytes, waiting up to 5 s for
// something to appear.
std::string logged_since(Process& process, std::size_t before) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (process.err().size() == before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  return process.err().substr(before);
}

struct TransformServer {
  Process process;
  int port;
  explicit TransformServer(const std::string& backend = "")
      : process(backend.empty() ? pim::testing::command(pim::testing::program("transformedpoetry"),
                                                        {"--port", "0"})
                                : pim::testing::command(pim::testing::program("transformedpoetry"),
                                                        {"--port", "0", "--reactor", backend})),
        port(pim::testing::wait_for_port(process)) {}
};

}  // namespace

TEST_CASE("the server announces where it listens", "[part12][server]") {
  TransformServer server;
  CHECK(server.process.out() ==
        "Serving transforms on 127.0.0.1:" + std::to_string(server.port) + ".\n");
}

TEST_CASE("each transform on the allow-list answers with one netstring, then the server closes",
          "[part12][server][netstring]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  INFO("backend " << backend);
  TransformServer server(backend);

  auto reply = ask(server.port, netstring("cummingsify.HERE IS MY POEM"));
  CHECK(reply.bytes == "15:here is my poem,");
  CHECK(reply.closed);

  reply = ask(server.port, netstring("reverse.one\ntwo\nthree\n"));
  CHECK(reply.bytes == netstring("three\ntwo\none\n"));
  CHECK(reply.closed);

  // A whole poem, with UTF-8 in it: only ASCII letters change, and the length counts bytes.
  const std::string lantern = pim::testing::poem("lantern.txt");
  reply = ask(server.port, netstring("cummingsify." + upper(lantern)));
  CHECK(reply.bytes == netstring(lower(upper(lantern))));

  // The empty poem is a poem too; only the first '.' separates the name.
  CHECK(ask(server.port, "12:cummingsify.,").bytes == "0:,");
  CHECK(ask(server.port, netstring("cummingsify.A.B")).bytes == "3:a.b,");
}

TEST_CASE("a request split into one-byte pieces is answered like a whole one",
          "[part12][server][netstring]") {
  TransformServer server;
  pim::Fd fd = part12::connect_to(server.port);
  for (char byte : netstring("cummingsify.SLOWLY"))
    REQUIRE(part12::send_all(fd.get(), std::string(1, byte)));
  auto reply = part12::read_until_closed(fd.get());
  CHECK(reply.bytes == "6:slowly,");
  CHECK(reply.closed);
}

TEST_CASE(
    "a bad request closes the connection without a reply, is logged, and the server carries on",
    "[part12][server][errors]") {
  struct Case {
    const char* what;
    std::string request;
    std::string logged;
  };
  const std::vector<Case> cases = {
      {"no '.'", netstring("cummingsify"), "Bad request"},
      {"unknown name", netstring("upcase.POEM"), "No such transform: upcase"},
      // A method of the service that is not on the allow-list is as unknown as any other name.
      {"service method not on the list", netstring("reverse_lines.a\nb\n"),
       "No such transform: reverse_lines"},
      {"empty name", netstring(".POEM"), "No such transform"},
      {"non-digit length", "x5:hello,", "Netstring protocol error"},
      {"leading zero", "05:a.bcd,", "leading zero"},
      {"missing comma", "5:a.bcd!", "expected ','"},
      {"huge declared length", "1000000000000000000:cummingsify.", "is too long"},
      {"just over the limit", "100000:", "is too long"},
  };
  TransformServer server;
  for (const Case& bad : cases) {
    INFO(bad.what);
    const std::size_t logged_before = server.process.err().size();
    auto reply = ask(server.port, bad.request);
    CHECK(reply.bytes.empty());
    CHECK(reply.closed);
    // The server logs before it closes, but its stderr reaches us through a pipe: poll for it.
    const std::string log = logged_since(server.process, logged_before);
    CHECK_FALSE(log.empty());
    CHECK(log.find(bad.logged) != std::string::npos);
    // Still serving.
    CHECK(ask(server.port, netstring("cummingsify.OK")).bytes == "2:ok,");
  }
  CHECK(server.process.running());
}

TEST_CASE("other clients are served while one stalls mid-netstring and another sends garbage",
          "[part12][server][concurrency]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  INFO("backend " << backend);
  TransformServer server(backend);

  pim::Fd stalled = part12::connect_to(server.port);
  REQUIRE(part12::send_all(stalled.get(), "100:cummingsify.ONLY HALF OF"));
  pim::Fd garbage = part12::connect_to(server.port);
  part12::send_all(garbage.get(), std::string(5000, '#'));

  for (int i = 0; i < 5; ++i)
    CHECK(ask(server.port, netstring("cummingsify.NEXT PLEASE")).bytes == "11:next please,");
  CHECK(part12::read_until_closed(garbage.get()).closed);

  // The stalled client got nothing and is still connected: its request is simply incomplete.
  auto nothing = part12::read_until_closed(stalled.get(), 200ms);
  CHECK(nothing.bytes.empty());
  CHECK_FALSE(nothing.closed);
  // Finishing the netstring later gets it answered.
  const std::string rest(100 - std::string("cummingsify.ONLY HALF OF").size(), 'X');
  REQUIRE(part12::send_all(stalled.get(), rest + ","));
  auto reply = part12::read_until_closed(stalled.get());
  CHECK(reply.bytes == netstring(lower("ONLY HALF OF" + rest)));
}

TEST_CASE("transform-test prints the raw netstring the server sends back",
          "[part12][server][transform-test]") {
  TransformServer server;
  auto result = pim::testing::run(
      {std::string(PIM_PART_DIR) + "/transform-test", std::to_string(server.port)}, 10s);
  CHECK(result.out == "15:here is my poem,\n");
  CHECK(result.status == 0);
  // The copy next to the binaries is the same script.
  auto copy = pim::testing::run(
      {pim::testing::program("transform-test"), std::to_string(server.port)}, 10s);
  CHECK(copy.out == "15:here is my poem,\n");
}

TEST_CASE("usage errors exit with status 2 and say what is wrong", "[part12][server][usage]") {
  auto extra = pim::testing::run({pim::testing::program("transformedpoetry"), "poem.txt"}, 10s);
  CHECK(extra.status == 2);
  CHECK(extra.err.find("transformedpoetry: error: this program takes no arguments") !=
        std::string::npos);

  auto bad_port =
      pim::testing::run({pim::testing::program("transformedpoetry"), "--port", "eleven"}, 10s);
  CHECK(bad_port.status == 2);
  CHECK(bad_port.err.find("error:") != std::string::npos);

  auto script = pim::testing::run({std::string(PIM_PART_DIR) + "/transform-test"}, 10s);
  CHECK(script.status == 2);
  CHECK(script.err.find("Usage: transform-test PORT") != std::string::npos);
  auto script_bad = pim::testing::run({std::string(PIM_PART_DIR) + "/transform-test", "abc"}, 10s);
  CHECK(script_bad.status == 2);
}

TEST_CASE("a port already in use is reported, not a crash", "[part12][server][usage]") {
  TransformServer first;
  auto second = pim::testing::run(
      {pim::testing::program("transformedpoetry"), "--port", std::to_string(first.port)}, 10s);
  CHECK(second.status == 1);
  CHECK(second.err.find("transformedpoetry:") != std::string::npos);
}
