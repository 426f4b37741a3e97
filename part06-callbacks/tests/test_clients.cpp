// Part 6: clients 3.0 and 3.1 against real slow poetry servers, refused ports and a server that
// resets the connection, under every reactor backend. Every run has a deadline: a client that
// forgot to stop its reactor shows up as status -1 (killed at the deadline), never as a hung test.
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/socket.hpp"
#include "pim/testing/catch.hpp"

using namespace part06;
using pim::testing::lines;
using pim::testing::RefusingPort;
using pim::testing::run;

namespace {

// How the clients print one poem: the poem, a newline if it lacks one, then a blank line.
std::string printed(const std::string& poem) {
  std::string text = poem;
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text + '\n';
}

const std::string refused_line =
    "Poem failed: [Failure: ConnectionRefusedError: Connection was refused]";

// The most a Linux TCP receive buffer can grow to (the third number of tcp_rmem).
std::size_t largest_receive_buffer() {
  std::ifstream file("/proc/sys/net/ipv4/tcp_rmem");
  std::size_t smallest = 0, usual = 0, largest = 0;
  if (file >> smallest >> usual >> largest) return largest;
  return std::size_t(8) << 20;
}

// Plays a poetry server that breaks down half-way: accepts one connection, sends filler until the
// client *program* has certainly read some of it, then resets the connection (SO_LINGER with a
// zero timeout makes close() send RST instead of the orderly end of file). "Certainly read": we
// send more than the kernel can hold between us (our send buffer, kept small, plus the client's
// largest receive buffer), and a send only completes once the client has made room. A reset sent
// sooner could arrive before the client's reactor noticed the connection at all, which the
// library rightly reports as a failed connection attempt rather than a lost connection.
void feed_then_reset(const pim::Fd& listener) {
  pollfd waiting{listener.get(), POLLIN, 0};
  REQUIRE(::poll(&waiting, 1, 10000) == 1);
  pim::Fd connection(::accept(listener.get(), nullptr, nullptr));
  REQUIRE(connection);
  int small = 4096;
  REQUIRE(::setsockopt(connection.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
  timeval patience{10, 0};  // a client that stops reading makes send() fail, not hang
  REQUIRE(::setsockopt(connection.get(), SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience) == 0);
  // 64 KiB at a time: single sends of megabytes through a 4 KiB buffer are many times slower.
  const std::string filler(64 * 1024, '~');
  const std::size_t total = largest_receive_buffer() + filler.size();
  for (std::size_t sent = 0; sent < total;) {
    ssize_t n = ::send(connection.get(), filler.data(), std::min(filler.size(), total - sent),
                       MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    REQUIRE(n > 0);
    sent += std::size_t(n);
  }
  linger reset{1, 0};
  REQUIRE(::setsockopt(connection.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0);
}

}  // namespace

TEST_CASE("both clients print every poem intact, in the order they finished, once all are in",
          "[part06][client][callbacks]") {
  const std::string name = GENERATE(as<std::string>{}, "get-poetry", "get-poetry-1");
  const std::string backend = GENERATE(from_range(backends()));
  // The long poem comes 20 bytes at a time, the short ones 100 at a time: the long one is the
  // last to finish by a wide margin, whatever the load on the machine.
  Server river({"--delay", "0.003", "--num-bytes", "20", poem_path("slow_river.txt")});
  Server lantern({"--delay", "0.003", "--num-bytes", "100", poem_path("lantern.txt")});
  Server ferry({"--delay", "0.003", "--num-bytes", "100", poem_path("ferry.txt")});
  auto result = run({program(name), "--reactor", backend, river.port_text(), lantern.port_text(),
                     ferry.port_text()},
                    30s);
  INFO(name << " on " << backend << ":\n" << result.out << result.err);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  // Exactly the poems and nothing else (no progress lines: main prints after run() returns).
  // lantern.txt has non-ASCII UTF-8, so a byte-for-byte comparison also checks the encoding.
  const std::string river_text = printed(poem("slow_river.txt"));
  const std::string lantern_text = printed(poem("lantern.txt"));
  const std::string ferry_text = printed(poem("ferry.txt"));
  const bool expected_order = result.out == lantern_text + ferry_text + river_text ||
                              result.out == ferry_text + lantern_text + river_text;
  CHECK(expected_order);
}

TEST_CASE("client 3.1 hands a refused connection to its errback and still prints the others",
          "[part06][client][errbacks]") {
  const std::string backend = GENERATE(from_range(backends()));
  Server lantern({"--delay", "0.003", "--num-bytes", "100", poem_path("lantern.txt")});
  Server ferry({"--delay", "0.003", "--num-bytes", "100", poem_path("ferry.txt")});
  RefusingPort refusing;
  auto result = run({program("get-poetry-1"), "--reactor", backend, lantern.port_text(),
                     std::to_string(refusing.port()), ferry.port_text()},
                    30s);
  INFO(backend << ":\n" << result.out << result.err);
  CHECK(result.status == 1);  // one poem is missing
  CHECK(lines(result.err) == std::vector<std::string>{refused_line});
  const std::string lantern_text = printed(poem("lantern.txt"));
  const std::string ferry_text = printed(poem("ferry.txt"));
  const bool both_poems =
      result.out == lantern_text + ferry_text || result.out == ferry_text + lantern_text;
  CHECK(both_poems);
}

TEST_CASE("client 3.1 stops by itself when every download has failed",
          "[part06][client][errbacks]") {
  const std::string backend = GENERATE(from_range(backends()));
  RefusingPort first;
  RefusingPort second;
  auto result = run({program("get-poetry-1"), "--reactor", backend, std::to_string(first.port()),
                     std::to_string(second.port())},
                    30s);
  INFO(backend << ":\n" << result.out << result.err);
  CHECK(result.status == 1);  // not -1: poems + errors reached the number of addresses
  CHECK(lines(result.err) == std::vector<std::string>{refused_line, refused_line});
  CHECK(result.out.empty());
}

TEST_CASE("client 3.0 never hangs on a refused connection: it explains and gives up",
          "[part06][client][callbacks][errors]") {
  const std::string backend = GENERATE(from_range(backends()));
  // The ferry takes 6.5 s to arrive at this pace; the client must not wait for it.
  Server ferry({"--delay", "0.1", poem_path("ferry.txt")});
  RefusingPort refusing;
  const std::string refused = std::to_string(refusing.port());
  auto result = run({program("get-poetry"), "--reactor", backend, ferry.port_text(), refused}, 30s);
  INFO(backend << ":\n" << result.out << result.err);
  CHECK(result.status == 1);
  CHECK(result.seconds.count() < 5.0);
  auto errors = lines(result.err);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "get-poetry: cannot get a poem from 127.0.0.1:" + refused +
                         ": [Failure: ConnectionRefusedError: Connection was refused]");
  CHECK(errors[1].rfind("get-poetry: client 3.0 cannot report errors to its caller", 0) == 0);
  CHECK(result.out.empty());
}

TEST_CASE("a connection reset half-way is a failure for client 3.1 but a poem for client 3.0",
          "[part06][client][errbacks]") {
  const std::string name = GENERATE(as<std::string>{}, "get-poetry", "get-poetry-1");
  const std::string backend = GENERATE(from_range(backends()));
  pim::Fd listener = pim::listen_blocking("127.0.0.1", 0);
  Server ferry({"--delay", "0.003", "--num-bytes", "100", poem_path("ferry.txt")});
  pim::testing::Process client({program(name), "--reactor", backend,
                                std::to_string(pim::local_port(listener.get())),
                                ferry.port_text()});
  feed_then_reset(listener);
  auto status = client.wait(30s);
  INFO(name << " on " << backend << ":\n" << client.out() << client.err());
  REQUIRE(status);
  if (name == "get-poetry-1") {
    CHECK(*status == 1);
    CHECK(lines(client.err()) ==
          std::vector<std::string>{"Poem failed: [Failure: ConnectionLost: Connection lost: "
                                   "Connection reset by peer]"});
    CHECK(client.out() == printed(poem("ferry.txt")));
  } else {
    // The limitation the chapter describes: with no error path, the broken download is passed
    // off as a poem (the filler received so far), and the program reports success.
    CHECK(*status == 0);
    CHECK(client.err().empty());
    CHECK(client.out().find(printed(poem("ferry.txt"))) != std::string::npos);
    CHECK(client.out().find(std::string(1000, '~')) != std::string::npos);
  }
}

TEST_CASE("the clients reject bad arguments with exit status 2", "[part06][client][usage]") {
  const std::string name = GENERATE(as<std::string>{}, "get-poetry", "get-poetry-1");
  const std::vector<std::vector<std::string>> cases{
      {},                               // no address at all
      {"ten"},                          // not a port
      {"70000"},                        // beyond 65535
      {"--reactor", "kqueue", "10000"}  // not one of our backends
  };
  for (const auto& args : cases) {
    auto result = run(command(program(name), args), 10s);
    INFO(name << " " << (args.empty() ? "(none)" : args.front()) << ": " << result.err);
    CHECK(result.status == 2);
    CHECK(result.err.find(name + ": error: ") != std::string::npos);
    CHECK(result.out.empty());
  }
}
