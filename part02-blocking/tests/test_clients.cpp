// Part 2: the blocking and the select()-based clients against real slow poetry servers.
#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part02;
using pim::testing::lines;
using pim::testing::run;

namespace {

const std::string elapsed = R"(\d+:\d\d:\d\d(\.\d{6})?)";

// The chapter's three servers: the long poem 30 bytes at a time, the short ones 10 at a time.
struct ThreeServers {
  Server river;
  Server lantern;
  Server ferry;
  explicit ThreeServers(const std::string& delay)
      : river({"--delay", delay, "--num-bytes", "30", poem_path("slow_river.txt")}),
        lantern({"--delay", delay, poem_path("lantern.txt")}),
        ferry({"--delay", delay, poem_path("ferry.txt")}) {}

  std::vector<std::string> client(const std::string& name, bool print = false) const {
    std::vector<std::string> argv{program(name)};
    if (print) argv.push_back("--print");
    for (const Server* server : {&river, &lantern, &ferry})
      argv.push_back(server->port_text());
    return argv;
  }
  int port(int task) const {
    return task == 1 ? river.port : task == 2 ? lantern.port : ferry.port;
  }
};

const std::vector<std::string> poem_names{"slow_river.txt", "lantern.txt", "ferry.txt"};

}  // namespace

TEST_CASE("the blocking client downloads one poem after another and counts bytes",
          "[part02][blocking]") {
  ThreeServers servers("0");
  auto result = run(servers.client("get-poetry"), 30s);
  INFO(result.out << result.err);
  REQUIRE(result.status == 0);
  auto output = lines(result.out);
  REQUIRE(output.size() == 7);
  for (int task = 1; task <= 3; ++task) {
    std::string where = "127.0.0.1:" + std::to_string(servers.port(task));
    std::string size = std::to_string(poem_bytes(poem_names[std::size_t(task - 1)]).size());
    std::string n = std::to_string(task);
    // "get" and "got" alternate: task N+1 starts only after task N has its whole poem.
    CHECK(output[std::size_t(2 * task - 2)] == "Task " + n + ": get poetry from: " + where);
    CHECK(std::regex_match(output[std::size_t(2 * task - 1)],
                           std::regex("Task " + n + ": got " + size + " bytes of poetry from " +
                                      where + " in " + elapsed)));
  }
  CHECK(std::regex_match(output[6], std::regex("Got 3 poems in " + elapsed)));
}

TEST_CASE("both clients with --print deliver every poem byte for byte", "[part02][clients]") {
  ThreeServers servers("0");
  auto name = GENERATE(as<std::string>{}, "get-poetry", "get-poetry-async");
  auto result = run(servers.client(name, true), 30s);
  INFO(name << ": " << result.err);
  REQUIRE(result.status == 0);
  // lantern.txt has non-ASCII UTF-8: a client that counted or copied characters would differ.
  for (const auto& poem : poem_names)
    CHECK(result.out.find(poem_bytes(poem)) != std::string::npos);
}

TEST_CASE("the async client reports bytes as they arrive, then totals in argument order",
          "[part02][async]") {
  ThreeServers servers("0.002");
  auto result = run(servers.client("get-poetry-async"), 30s);
  INFO(result.out << result.err);
  REQUIRE(result.status == 0);

  const std::regex got(R"(Task (\d): got (\d+) bytes of poetry from 127\.0\.0\.1:(\d+))");
  std::map<int, std::size_t> received;
  std::vector<std::string> rest;
  for (const auto& line : lines(result.out)) {
    std::smatch match;
    if (std::regex_match(line, match, got)) {
      int task = std::stoi(match[1]);
      CHECK(std::stoi(match[3]) == servers.port(task));  // the numeric peer address
      received[task] += std::stoul(match[2]);
    } else {
      rest.push_back(line);
    }
  }
  for (int task = 1; task <= 3; ++task) {
    CHECK(received[task] == poem_bytes(poem_names[std::size_t(task - 1)]).size());
  }
  // Three "finished" lines (in whatever order the servers finished), then the summary.
  REQUIRE(rest.size() == 7);
  CHECK(std::count(rest.begin(), rest.begin() + 3, "Task 1 finished") == 1);
  CHECK(std::count(rest.begin(), rest.begin() + 3, "Task 2 finished") == 1);
  CHECK(std::count(rest.begin(), rest.begin() + 3, "Task 3 finished") == 1);
  CHECK(rest[3] == "Task 1: 3006 bytes of poetry");
  CHECK(rest[4] == "Task 2: 615 bytes of poetry");
  CHECK(rest[5] == "Task 3: 648 bytes of poetry");
  CHECK(std::regex_match(rest[6], std::regex("Got 3 poems in " + elapsed)));
}

TEST_CASE("the async client beats the blocking client on three slow servers by a wide margin",
          "[part02][async][timing]") {
  // Short delays keep the test quick; the ratio is the same story as the chapter's 10 s vs 23 s.
  ThreeServers servers("0.01");
  auto blocking = run(servers.client("get-poetry"), 30s);
  auto async = run(servers.client("get-poetry-async"), 30s);
  REQUIRE(blocking.status == 0);
  REQUIRE(async.status == 0);
  INFO("blocking " << blocking.seconds.count() << " s, async " << async.seconds.count() << " s");
  CHECK(async.seconds.count() < 0.7 * blocking.seconds.count());
}

TEST_CASE("the async client waits for more data after EAGAIN instead of treating it as the end",
          "[part02][async]") {
  // One byte per chunk with a pause between chunks: nearly every wake-up reads one byte and then
  // finds the socket empty. A client that took "would block" for end of file would stop at once.
  Server server({"--delay", "0.001", "--num-bytes", "1", poem_path("lantern.txt")});
  auto result = run({program("get-poetry-async"), "--print", server.port_text()}, 30s);
  INFO(result.err);
  REQUIRE(result.status == 0);
  const std::string poem = poem_bytes("lantern.txt");
  CHECK(result.out.find("Task 1: " + std::to_string(poem.size()) + " bytes of poetry\n") !=
        std::string::npos);
  CHECK(result.out.find(poem) != std::string::npos);
  CHECK(count(result.out, "Task 1: got ") > 100);  // many separate wake-ups
  CHECK(count(result.out, "Task 1 finished\n") == 1);
}

TEST_CASE("a refused connection is reported for its task and the other tasks still finish",
          "[part02][clients][errors]") {
  auto name = GENERATE(as<std::string>{}, "get-poetry", "get-poetry-async");
  pim::testing::RefusingPort refusing;
  Server server({"--delay", "0", poem_path("ferry.txt")});
  std::string refused = std::to_string(refusing.port());
  auto result = run({program(name), refused, server.port_text()}, 30s);
  INFO(name << ": " << result.out << result.err);
  CHECK(result.status == 1);
  auto errors = lines(result.err);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        "Task 1: failed: cannot connect to 127.0.0.1:" + refused + ": Connection refused");
  CHECK(result.out.find("Task 2: ") != std::string::npos);
  CHECK(result.out.find(" 648 bytes of poetry") != std::string::npos);
  CHECK(result.out.find("Got 1 poems in ") != std::string::npos);
}

TEST_CASE("the clients reject bad addresses with exit status 2", "[part02][clients][usage]") {
  auto name = GENERATE(as<std::string>{}, "get-poetry", "get-poetry-async");
  const std::vector<std::vector<std::string>> cases{{},              // no address at all
                                                    {"ten"},         // not a port
                                                    {"127.0.0.1:"},  // a host without a port
                                                    {"70000"},       // beyond 65535
                                                    {"--colour", "10000"}};  // an unknown option
  for (const auto& args : cases) {
    std::vector<std::string> argv{program(name)};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run(argv, 10s);
    INFO(name << " " << (args.empty() ? "(none)" : args.front()) << ": " << result.err);
    CHECK(result.status == 2);
    CHECK(result.err.find(name + ": error: ") != std::string::npos);
    CHECK(result.out.empty());
  }
}

TEST_CASE("the async client refuses a descriptor too large for select()", "[part02][async]") {
  // Occupy descriptors 3 to 1099 in a shell, then run the client in its place: its socket gets
  // a number of at least 1100, beyond FD_SETSIZE (1024), which select() cannot watch.
  Server server({"--delay", "0", poem_path("ferry.txt")});
  const std::string script =
      "ulimit -n 4096 2>/dev/null || exit 77\n"
      "for ((fd = 3; fd < 1100; fd++)); do eval \"exec $fd</dev/null\"; done\n"
      "exec \"$@\"\n";
  auto result = run(
      {"/bin/bash", "-c", script, "bash", program("get-poetry-async"), server.port_text()}, 30s);
  if (result.status == 77) {
    WARN("cannot raise the descriptor limit here; skipped");
    return;
  }
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  CHECK(result.err.find("Task 1: failed: descriptor ") != std::string::npos);
  CHECK(result.err.find("too large for select()") != std::string::npos);
}
