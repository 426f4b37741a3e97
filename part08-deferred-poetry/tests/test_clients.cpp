// Part 8: client 4.0 and its stack edition against real slow poetry servers, refused ports and a
// server that resets the connection, under every reactor backend. Every run has a deadline: a
// client that forgot to stop its reactor shows up as status -1 (killed at the deadline), never as
// a hung test.
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

#include "pim/socket.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace std::chrono_literals;
using pim::testing::backends;
using pim::testing::command;
using pim::testing::lines;
using pim::testing::poem;
using pim::testing::poem_path;
using pim::testing::program;
using pim::testing::RefusingPort;
using pim::testing::run;
using pim::testing::SlowServer;

namespace {

// How the client prints one poem: the poem, a newline if it lacks one, then a blank line.
std::string printed(const std::string& text) {
  std::string out = text;
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + '\n';
}

const std::string refused_line =
    "Poem failed: [Failure: ConnectionRefusedError: Connection was refused]";

// The frames of a printed stack: its lines indented by two spaces, without the indentation.
std::vector<std::string> stack_frames(const std::string& out) {
  std::vector<std::string> frames;
  for (const std::string& line : lines(out)) {
    if (line.rfind("  ", 0) == 0) frames.push_back(line.substr(2));
  }
  return frames;
}

// The position of the first frame at or after \p from that contains \p text, or -1.
int frame_index(const std::vector<std::string>& frames, const std::string& text, int from = 0) {
  for (std::size_t i = static_cast<std::size_t>(std::max(from, 0)); i < frames.size(); ++i) {
    if (frames[i].find(text) != std::string::npos) return static_cast<int>(i);
  }
  return -1;
}

// The most a Linux TCP receive buffer can grow to (the third number of tcp_rmem).
std::size_t largest_receive_buffer() {
  std::ifstream file("/proc/sys/net/ipv4/tcp_rmem");
  std::size_t smallest = 0, usual = 0, largest = 0;
  if (file >> smallest >> usual >> largest) return largest;
  return std::size_t(8) << 20;
}

// Plays a poetry server that breaks down half-way: accepts one connection, sends filler until the
// client program has certainly read some of it, then resets the connection (SO_LINGER with a zero
// timeout makes close() send RST instead of an orderly end of file). "Certainly read": we send
// more than the kernel can hold between us (our small send buffer plus the client's largest
// receive buffer), and a send only completes once the client has made room. A reset sent sooner
// could reach the client before its reactor noticed the connection at all, which the library
// reports as a failed connection attempt instead: a failure too, but not the path under test.
void feed_then_reset(const pim::Fd& listener) {
  pollfd waiting{listener.get(), POLLIN, 0};
  REQUIRE(::poll(&waiting, 1, 10000) == 1);
  pim::Fd connection(::accept(listener.get(), nullptr, nullptr));
  REQUIRE(connection);
  int small = 4096;
  REQUIRE(::setsockopt(connection.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
  timeval patience{10, 0};  // a client that stops reading makes send() fail, not hang
  REQUIRE(::setsockopt(connection.get(), SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience) == 0);
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

TEST_CASE("client 4.0 prints every poem in full, in the order the downloads finished",
          "[part08][client][deferred]") {
  const std::string backend = GENERATE(from_range(backends()));
  // Given slowest first; they finish far apart: the lantern at once, the ferry after about
  // 0.3 s, the river after about 1 s.
  SlowServer river({"--delay", "0.01", "--num-bytes", "30", poem_path("slow_river.txt")});
  SlowServer ferry({"--delay", "0.01", "--num-bytes", "20", poem_path("ferry.txt")});
  SlowServer lantern({"--delay", "0", "--num-bytes", "100000", poem_path("lantern.txt")});
  auto result = run({program("get-poetry"), "--reactor", backend, river.port_text(),
                     ferry.port_text(), lantern.port_text()},
                    30s);
  INFO(backend << ":\n" << result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  // Byte for byte: lantern.txt has non-ASCII UTF-8, so this also checks nothing was re-encoded.
  CHECK(result.out == printed(poem("lantern.txt")) + printed(poem("ferry.txt")) +
                          printed(poem("slow_river.txt")));
}

TEST_CASE("client 4.0 reports a refused connection through the errback and prints the others",
          "[part08][client][deferred][errbacks]") {
  const std::string backend = GENERATE(from_range(backends()));
  SlowServer lantern({"--delay", "0.003", "--num-bytes", "100", poem_path("lantern.txt")});
  SlowServer ferry({"--delay", "0.003", "--num-bytes", "100", poem_path("ferry.txt")});
  RefusingPort refusing;
  auto result = run({program("get-poetry"), "--reactor", backend, lantern.port_text(),
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

TEST_CASE("client 4.0 stops by itself when every download has failed",
          "[part08][client][deferred][errbacks]") {
  const std::string backend = GENERATE(from_range(backends()));
  RefusingPort first;
  RefusingPort second;
  auto result = run({program("get-poetry"), "--reactor", backend, std::to_string(first.port()),
                     std::to_string(second.port())},
                    30s);
  INFO(backend << ":\n" << result.out << result.err);
  CHECK(result.status == 1);  // not -1: poem_done saw every Deferred fire
  CHECK(lines(result.err) == std::vector<std::string>{refused_line, refused_line});
  CHECK(result.out.empty());
}

TEST_CASE("client 4.0 fails the Deferred of a connection that breaks half-way",
          "[part08][client][deferred][errbacks]") {
  const std::string backend = GENERATE(from_range(backends()));
  pim::Fd listener = pim::listen_blocking("127.0.0.1", 0);
  SlowServer ferry({"--delay", "0.003", "--num-bytes", "100", poem_path("ferry.txt")});
  pim::testing::Process client({program("get-poetry"), "--reactor", backend,
                                std::to_string(pim::local_port(listener.get())),
                                ferry.port_text()});
  feed_then_reset(listener);
  auto status = client.wait(30s);
  INFO(backend << ":\n" << client.out() << client.err());
  REQUIRE(status);
  CHECK(*status == 1);
  // Exactly one line: the factory fires the Deferred once, and the broken download's filler is
  // never passed off as a poem.
  CHECK(lines(client.err()) ==
        std::vector<std::string>{
            "Poem failed: [Failure: ConnectionLost: Connection lost: Connection reset by peer]"});
  CHECK(client.out() == printed(poem("ferry.txt")));
}

TEST_CASE(
    "the stack client shows the reactor, transport, protocol, factory and Deferred frames "
    "above got_poem, then exits",
    "[part08][stack][deferred]") {
  const std::string backend = GENERATE(from_range(backends()));
  SlowServer lantern({"--delay", "0", "--num-bytes", "100000", poem_path("lantern.txt")});
  auto result = run({program("get-poetry-stack"), "--reactor", backend, lantern.port_text()}, 20s);
  INFO(backend << ":\n" << result.out << result.err);
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  CHECK(lines(result.out).front() == "The call stack at got_poem(), outermost call first:");

  // Outermost first, each layer below the one before it.
  const std::vector<std::string> frames = stack_frames(result.out);
  REQUIRE(frames.size() >= 6);
  CHECK(frames.front() == "main");
  const int reactor = frame_index(frames, "pim::Reactor::run()");
  const int transport = frame_index(frames, "pim::TcpTransport::", reactor);
  const int protocol = frame_index(frames, "PoetryProtocol::connection_lost(", transport);
  const int factory = frame_index(frames, "PoetryClientFactory::poem_finished(", protocol);
  const int deferred = frame_index(frames, "Deferred", factory);
  CHECK(reactor > 0);
  CHECK(transport > reactor);
  CHECK(protocol > transport);
  CHECK(factory > protocol);
  CHECK(deferred > factory);  // the Deferred's own machinery runs the callbacks
  CHECK(frames.back().rfind("got_poem(", 0) == 0);
  // From our protocol down, every frame has a name (a sanitizer build may leave a frame or two
  // of the library's unnamed, higher up).
  if (protocol > 0) {
    CHECK(std::none_of(frames.begin() + protocol, frames.end(),
                       [](const std::string& frame) { return frame.rfind("??", 0) == 0; }));
  }
}

TEST_CASE("the stack client reports failures and says so when no poem arrives",
          "[part08][stack][errbacks]") {
  RefusingPort refusing;
  auto result = run({program("get-poetry-stack"), std::to_string(refusing.port())}, 10s);
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  CHECK(result.out.empty());
  const auto errors = lines(result.err);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == refused_line);
  CHECK(errors[1] == "get-poetry-stack: no poem arrived, so there was no stack to print");
}

TEST_CASE("the part 8 clients reject bad arguments with exit status 2", "[part08][usage]") {
  const std::string name = GENERATE(as<std::string>{}, "get-poetry", "get-poetry-stack");
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
