// Part 11: the fast poetry server, as a real process on a free port, under every reactor
// backend: the line it prints, the poem it sends (to our own sockets, to part 8's client 4.0 and
// to netcat), several clients at once, clients that hang up at once, and usage errors.
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using namespace part11;
using pim::testing::backends;
using pim::testing::command;
using pim::testing::part_program;
using pim::testing::program;
using pim::testing::run;

namespace {

Server fastpoetry(const std::string& backend, const std::string& poem_file) {
  return Server({program("fastpoetry"), "--reactor", backend, poem_file});
}

// Where netcat is installed, if it is.
std::string find_netcat() {
  for (const char* path : {"/usr/bin/nc", "/bin/nc", "/usr/local/bin/nc"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

}  // namespace

TEST_CASE("fastpoetry says which file it serves and where, on one line",
          "[part11][server][fastpoetry]") {
  pim::testing::Process server({program("fastpoetry"), poem_path("lantern.txt")});
  auto line = server.next_line(10s);
  REQUIRE(line);
  const std::string prefix = "Serving " + poem_path("lantern.txt") + " on 127.0.0.1:";
  REQUIRE(line->rfind(prefix, 0) == 0);
  const std::string port = line->substr(prefix.size(), line->size() - prefix.size() - 1);
  CHECK(line->back() == '.');
  CHECK(std::stoi(port) > 0);
  CHECK(fetch(std::stoi(port)).data == poem("lantern.txt"));
}

TEST_CASE("fastpoetry sends each client the whole poem, byte for byte, then closes",
          "[part11][server][fastpoetry]") {
  const std::string backend = GENERATE(from_range(backends()));
  Server server = fastpoetry(backend, poem_path("lantern.txt"));
  for (int i = 0; i < 3; ++i) {
    Received got = fetch(server.port);
    INFO(backend << ", client " << i);
    CHECK(got.complete);
    CHECK(got.data == poem("lantern.txt"));  // lantern.txt has UTF-8: nothing re-encoded
  }
  CHECK(server.process.running());
}

TEST_CASE("fastpoetry logs every poem it sends, with the client's address",
          "[part11][server][fastpoetry][log]") {
  Server server = fastpoetry("epoll", poem_path("ferry.txt"));
  pim::Fd client = connect_to(server.port);
  const std::string me = "127.0.0.1:" + std::to_string(pim::local_port(client.get()));
  CHECK(read_all(client).data == poem("ferry.txt"));
  // The log is on stderr; its line may trail the poem by a moment, so wait for it.
  const std::string expected = "sending 648 bytes of poetry to " + me;
  bool logged = false;
  for (int i = 0; i < 200 && !logged; ++i) {
    logged = server.process.err().find(expected) != std::string::npos;
    if (!logged) server.process.wait(10ms);  // returns early only if the server died
  }
  INFO(server.process.err());
  CHECK(logged);
}

TEST_CASE("fastpoetry serves several clients at once, even while one of them reads nothing",
          "[part11][server][fastpoetry][concurrency]") {
  const std::string backend = GENERATE(from_range(backends()));
  INFO(backend);
  BigPoem big;
  Server server = fastpoetry(backend, big.path());
  check_a_stalled_client_blocks_nobody(server.port, big);
  Server small = fastpoetry(backend, poem_path("lantern.txt"));
  check_several_clients_get_the_poem(small.port, 10);
}

TEST_CASE("part 8's client 4.0 gets its poem from fastpoetry", "[part11][server][clients]") {
  const std::string backend = GENERATE(from_range(backends()));
  Server river = fastpoetry(backend, poem_path("slow_river.txt"));
  Server ferry = fastpoetry(backend, poem_path("ferry.txt"));
  auto result = run({part_program("08", "get-poetry"), "--reactor", backend,
                     std::to_string(river.port), std::to_string(ferry.port)},
                    20s);
  INFO(backend << ":\n" << result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  // Client 4.0 prints the poems in the order they finished: either order is right here.
  auto printed = [](const std::string& text) {
    return text + (text.empty() || text.back() == '\n' ? "" : "\n") + "\n";
  };
  const std::string river_text = printed(poem("slow_river.txt"));
  const std::string ferry_text = printed(poem("ferry.txt"));
  const bool both = result.out == river_text + ferry_text || result.out == ferry_text + river_text;
  CHECK(both);
}

TEST_CASE("netcat gets the poem from fastpoetry", "[part11][server][clients][nc]") {
  const std::string netcat = find_netcat();
  if (netcat.empty()) {
    WARN("netcat (nc) is not installed: nothing to test");
    return;
  }
  Server server = fastpoetry("epoll", poem_path("lantern.txt"));
  // stdin is /dev/null: nc has nothing to send, and prints what arrives until the server closes.
  auto result = run({netcat, "127.0.0.1", std::to_string(server.port)}, 10s);
  INFO(result.err);
  CHECK(result.status == 0);
  CHECK(result.out == poem("lantern.txt"));
}

TEST_CASE("clients that hang up at once, politely or with a reset, do not hurt fastpoetry",
          "[part11][server][fastpoetry][errors]") {
  const std::string backend = GENERATE(from_range(backends()));
  INFO(backend);
  BigPoem big;  // big enough that the server is still writing when the client is gone
  Server server = fastpoetry(backend, big.path());
  for (int i = 0; i < 20; ++i) {
    pim::Fd polite = connect_to(server.port);  // closed at the end of the iteration: a FIN
    pim::Fd rude = connect_to(server.port);
    linger reset{1, 0};  // close() sends RST instead of FIN
    REQUIRE(::setsockopt(rude.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0);
  }
  // Still serving, to everyone.
  Server small = fastpoetry(backend, poem_path("lantern.txt"));
  check_several_clients_get_the_poem(small.port, 3);
  Received after = read_all(connect_to(server.port), 20s);
  CHECK(after.complete);
  CHECK((after.data == big.text()));
  CHECK(server.process.running());
  CHECK(server.process.err().find("Unhandled") == std::string::npos);
}

TEST_CASE("fastpoetry rejects bad arguments with exit status 2, before listening",
          "[part11][server][usage]") {
  const std::string directory = std::filesystem::temp_directory_path().string();
  const std::vector<std::vector<std::string>> cases{
      {},                                                  // no poem file
      {poem_path("no_such_poem.txt")},                     // missing
      {directory},                                         // a directory, not a poem
      {poem_path("lantern.txt"), poem_path("ferry.txt")},  // two poems
      {"--port", "70000", poem_path("lantern.txt")},       // beyond 65535
      {"--reactor", "kqueue", poem_path("lantern.txt")},   // not one of our backends
  };
  for (const auto& args : cases) {
    auto result = run(command(program("fastpoetry"), args), 10s);
    INFO((args.empty() ? "(no arguments)" : args.front()) << ": " << result.err);
    CHECK(result.status == 2);
    CHECK(result.err.find("fastpoetry: error: ") != std::string::npos);
    CHECK(result.out.empty());  // no "Serving" line: it never listened
  }
}

TEST_CASE("fastpoetry reports a port it cannot have and exits with status 1",
          "[part11][server][usage]") {
  Server first = fastpoetry("epoll", poem_path("lantern.txt"));
  auto result = run(
      {program("fastpoetry"), "--port", std::to_string(first.port), poem_path("ferry.txt")}, 10s);
  INFO(result.err);
  CHECK(result.status == 1);
  CHECK(result.err.rfind("fastpoetry: ", 0) == 0);
  CHECK(result.out.empty());
}
