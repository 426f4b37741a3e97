// Part 5: clients 2.0 and 2.1 and the stack client against real slow poetry servers (and ports
// that refuse connections), under every reactor backend.
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/reactor.hpp"
#include "pim/socket.hpp"
#include "pim/testing/catch.hpp"

using namespace part05;
using pim::testing::lines;
using pim::testing::run;

namespace {

std::string backend_generator() {
  return GENERATE(from_range(pim::reactor_backends()));
}

// How client 2.1 prints one poem: the bytes, a newline if the poem lacks a final one, and a blank
// line.
std::string printed(const std::string& text) {
  std::string block = text;
  if (!block.empty() && block.back() != '\n') block += '\n';
  return block + '\n';
}

// Checks the `got` lines and the totals of a client 2.0 transcript against the servers that
// delivered: one task number per server, every byte counted, a total per task.
// \returns the task number each server's port was given
std::map<int, int> check_downloads(const Transcript& transcript,
                                   const std::vector<const PoemServer*>& servers) {
  const std::map<int, int> port_of_task = transcript.port_of_task();
  REQUIRE(port_of_task.size() == servers.size());
  std::set<int> ports;
  for (const auto& [task, port] : port_of_task) {
    CHECK(task >= 1);
    CHECK(task <= int(servers.size()));
    ports.insert(port);
  }
  CHECK(ports.size() == servers.size());  // one task per server, never two
  for (const Got& line : transcript.got) {
    CHECK(line.port == port_of_task.at(line.task));  // a task never changes server
  }
  std::map<int, std::size_t> bytes = transcript.bytes_per_port();
  std::map<int, std::size_t> size_of_task;
  for (const PoemServer* server : servers) {
    INFO(server->file);
    CHECK(bytes[server->server.port] == poem(server->file).size());
    for (const auto& [task, port] : port_of_task) {
      if (port == server->server.port) size_of_task[task] = poem(server->file).size();
    }
  }
  // The totals come once all are done (their order is checked where it is predictable).
  REQUIRE(transcript.totals.size() == servers.size());
  std::set<int> totalled;
  for (const auto& [task, size] : transcript.totals) {
    INFO("task " << task);
    CHECK(size == size_of_task[task]);
    totalled.insert(task);
  }
  CHECK(totalled.size() == servers.size());
  std::map<int, int> task_of_port;
  for (const auto& [task, port] : port_of_task)
    task_of_port[port] = task;
  return task_of_port;
}

}  // namespace

TEST_CASE("client 2.0 numbers tasks as connections are made and reports every chunk and total",
          "[part05][client][protocol]") {
  const std::string backend = backend_generator();
  PoemServer river("slow_river.txt", {"--delay", "0.005", "--num-bytes", "30"});
  PoemServer lantern("lantern.txt", {"--delay", "0.005"});
  PoemServer ferry("ferry.txt", {"--delay", "0.005"});
  // The deadline is also the "stops by itself" check: a client that never stopped its reactor
  // would still be running when it passed (status -1).
  auto result = run({program("get-poetry"), "--reactor", backend, river.server.port_text(),
                     lantern.server.port_text(), ferry.server.port_text()},
                    30s);
  INFO(backend << ":\n" << result.out << result.err);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());

  Transcript transcript(result.out);
  check_downloads(transcript, {&river, &lantern, &ferry});
  CHECK(transcript.switches() >= 10);  // the downloads interleave
  CHECK(transcript.failed.empty());
  CHECK(transcript.rest.empty());
  REQUIRE(transcript.got_poems.size() == 1);
  CHECK(std::regex_match(transcript.got_poems[0], std::regex("Got 3 poems in " + elapsed)));
  CHECK(lines(result.out).back() == transcript.got_poems[0]);
}

TEST_CASE("client 2.0 reports a refused connection and still downloads the other poems",
          "[part05][client][errors]") {
  const std::string backend = backend_generator();
  pim::testing::RefusingPort refusing;
  // The ferry poem, first on the command line, trickles in over about 0.65 s; the lantern poem
  // comes in one piece, so it finishes first.
  PoemServer ferry("ferry.txt", {"--delay", "0.01"});
  PoemServer lantern("lantern.txt", {"--delay", "0", "--num-bytes", "100000"});
  auto result = run({program("get-poetry"), "--reactor", backend, ferry.server.port_text(),
                     std::to_string(refusing.port()), lantern.server.port_text()},
                    30s);
  INFO(backend << ":\n" << result.out << result.err);
  CHECK(result.status == 1);  // one poem is missing
  CHECK(result.err.empty());

  Transcript transcript(result.out);
  CHECK(transcript.failed ==
        std::vector<std::string>{"127.0.0.1:" + std::to_string(refusing.port())});
  // Tasks 1 and 2: the refused address never had a protocol, so it has no task number.
  std::map<int, int> task_of_port = check_downloads(transcript, {&ferry, &lantern});
  // The totals are in the order the poems finished, whatever the task numbers.
  REQUIRE(transcript.totals.size() == 2);
  CHECK(transcript.totals[0].first == task_of_port[lantern.server.port]);
  CHECK(transcript.totals[1].first == task_of_port[ferry.server.port]);
  REQUIRE(transcript.got_poems.size() == 1);
  CHECK(std::regex_match(transcript.got_poems[0], std::regex("Got 2 poems in " + elapsed)));
}

TEST_CASE("client 2.0 stops by itself when no server can be reached", "[part05][client][errors]") {
  const std::string backend = backend_generator();
  pim::testing::RefusingPort first;
  pim::testing::RefusingPort second;
  auto result = run({program("get-poetry"), "--reactor", backend, std::to_string(first.port()),
                     std::to_string(second.port())},
                    10s);
  INFO(backend << ":\n" << result.out << result.err);
  REQUIRE(result.status == 1);
  Transcript transcript(result.out);
  std::vector<std::string> failed = transcript.failed;
  std::sort(failed.begin(), failed.end());
  std::vector<std::string> expected{"127.0.0.1:" + std::to_string(first.port()),
                                    "127.0.0.1:" + std::to_string(second.port())};
  std::sort(expected.begin(), expected.end());
  CHECK(failed == expected);
  CHECK(transcript.got.empty());
  CHECK(transcript.totals.empty());
  REQUIRE(transcript.got_poems.size() == 1);
  CHECK(std::regex_match(transcript.got_poems[0], std::regex("Got 0 poems in " + elapsed)));
}

TEST_CASE("client 2.0 tells a broken connection from a finished poem",
          "[part05][client][errors][failure]") {
  // One "server" is this test: it accepts the connection, sends a few bytes, and once the
  // client has shown them (so its protocol exists) resets the connection: SO_LINGER with a zero
  // timeout makes close() send RST instead of the usual end of file.
  pim::Fd listener = pim::listen_blocking("127.0.0.1", 0);
  const std::string listener_port = std::to_string(pim::local_port(listener.get()));
  PoemServer ferry("ferry.txt", {"--delay", "0.005"});
  pim::testing::Process client({program("get-poetry"), listener_port, ferry.server.port_text()});
  pollfd waiting{listener.get(), POLLIN, 0};
  REQUIRE(::poll(&waiting, 1, 10000) == 1);
  {
    pim::Fd connection(::accept(listener.get(), nullptr, nullptr));
    REQUIRE(connection);
    REQUIRE(::send(connection.get(), "Half a", 6, 0) == 6);
    REQUIRE(client.wait_for_output("got 6 bytes of poetry from 127.0.0.1:" + listener_port));
    linger reset{1, 0};
    REQUIRE(::setsockopt(connection.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0);
  }
  auto status = client.wait(30s);
  INFO(client.out() << client.err());
  REQUIRE(status);
  CHECK(*status == 1);
  auto errors = lines(client.err());
  REQUIRE(errors.size() == 1);
  CHECK(std::regex_match(errors[0], std::regex(R"(Task \d: the connection broke: )"
                                               R"(\[Failure: ConnectionLost: .*reset by peer\])")));
  Transcript transcript(client.out());
  REQUIRE(transcript.totals.size() == 1);  // only the poem that arrived whole
  CHECK(transcript.totals[0].second == poem("ferry.txt").size());
  REQUIRE(transcript.got_poems.size() == 1);
  CHECK(transcript.got_poems[0].rfind("Got 1 poems in ", 0) == 0);
}

TEST_CASE("the stack client shows do_read between the reactor loop and data_received, then exits",
          "[part05][stack]") {
  const std::string backend = backend_generator();
  // The first chunk comes at once, the next a minute later: only a client that exits on the
  // spot, at the first data_received(), beats the deadline.
  PoemServer slow("lantern.txt", {"--delay", "60"});
  auto result =
      run({program("get-poetry-stack"), "--reactor", backend, slow.server.port_text()}, 10s);
  INFO(backend << ":\n" << result.out << result.err);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  CHECK(lines(result.out).front() == "The call stack at data_received(), outermost call first:");

  const std::vector<std::string> frames = stack_frames(result.out);
  REQUIRE(frames.size() >= 4);
  CHECK(frames.front() == "main");
  const int run_loop = frame_index(frames, "pim::Reactor::run()");
  const int do_read = frame_index(frames, "pim::TcpTransport::do_read()");
  CHECK(run_loop > 0);
  CHECK(do_read > run_loop);  // the transport's read handler, called by the loop
  CHECK(frames.back().rfind("PoetryProtocol::data_received(", 0) == 0);
}

TEST_CASE("the stack client says so when no data ever arrives", "[part05][stack][errors]") {
  pim::testing::RefusingPort refusing;
  const std::string refused = std::to_string(refusing.port());
  auto result = run({program("get-poetry-stack"), refused}, 10s);
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  CHECK(result.out == "Failed to connect to: 127.0.0.1:" + refused + "\n");
  CHECK(result.err.find("no data arrived") != std::string::npos);
}

TEST_CASE("client 2.1 prints each poem byte for byte, in the order the poems finished",
          "[part05][simple]") {
  const std::string backend = backend_generator();
  // The ferry poem, first on the command line, trickles in over about 0.65 s; the lantern poem
  // comes in one piece. lantern.txt has non-ASCII UTF-8: copying characters instead of bytes
  // would show.
  PoemServer ferry("ferry.txt", {"--delay", "0.01"});
  PoemServer lantern("lantern.txt", {"--delay", "0", "--num-bytes", "100000"});
  auto result = run({program("get-poetry-simple"), "--reactor", backend, ferry.server.port_text(),
                     lantern.server.port_text()},
                    30s);
  INFO(backend << ":\n" << result.err);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  CHECK(result.out == printed(poem("lantern.txt")) + printed(poem("ferry.txt")));
}

TEST_CASE("client 2.1 reports a refused connection and prints the poems it did get",
          "[part05][simple][errors]") {
  pim::testing::RefusingPort refusing;
  const std::string refused = std::to_string(refusing.port());
  PoemServer ferry("ferry.txt", {"--delay", "0"});
  auto result = run({program("get-poetry-simple"), refused, ferry.server.port_text()}, 30s);
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  CHECK(result.err.empty());
  CHECK(result.out ==
        "Failed to connect to: 127.0.0.1:" + refused + "\n" + printed(poem("ferry.txt")));
}

TEST_CASE("the part 5 clients reject bad arguments with exit status 2", "[part05][usage]") {
  auto name = GENERATE(as<std::string>{}, "get-poetry", "get-poetry-stack", "get-poetry-simple");
  const std::vector<std::vector<std::string>> cases{
      {},                               // no address at all
      {"ten"},                          // not a port
      {"70000"},                        // beyond 65535
      {"--reactor", "kqueue", "10000"}  // not one of our backends
  };
  for (const auto& args : cases) {
    std::vector<std::string> argv{program(name)};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run(argv, 10s);
    INFO(name << " " << (args.empty() ? "(none)" : args.front()) << ": " << result.err);
    CHECK(result.status == 2);
    CHECK(result.err.find(name + ": error: ") != std::string::npos);
    CHECK(result.out.empty());
  }
  auto help = run({program(name), "--help"}, 10s);
  CHECK(help.status == 0);
  CHECK(help.out.find("build/bin/part05/" + name + " ") != std::string::npos);
}
