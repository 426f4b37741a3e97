// Part 2: the blocking slow poetry server, run as a real process on 127.0.0.1.
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part02;
using pim::testing::Process;

TEST_CASE("slowpoetry announces its port once listening, then sends the poem in chunks",
          "[part02][server]") {
  const std::string path = poem_path("lantern.txt");
  Process server({program("slowpoetry"), "--port", "0", "--delay", "0", "--num-bytes", "7", path});
  auto line = server.next_line();
  REQUIRE(line);
  const std::string prefix = "Serving " + path + " on port ";
  REQUIRE(line->rfind(prefix, 0) == 0);
  REQUIRE(line->back() == '.');
  int port = std::stoi(line->substr(prefix.size()));

  // The line was printed after listen(), so connecting right away must work.
  pim::Fd client = connect_to(port);
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  REQUIRE(::getsockname(client.get(), reinterpret_cast<sockaddr*>(&local), &length) == 0);
  const std::string me = pim::format_sockaddr(reinterpret_cast<sockaddr*>(&local), length);

  const std::string poem = poem_bytes("lantern.txt");
  CHECK(read_from(client.get()) == poem);
  CHECK(server.wait_for_output("Somebody at " + me + " wants poetry!\n"));

  // 615 bytes in chunks of 7: 87 full chunks and a last one of 6.
  REQUIRE(poem.size() == 615);
  CHECK(server.wait_for_output("Sending 6 bytes\n"));
  CHECK(count(server.out(), "Sending 7 bytes\n") == 87);
  CHECK(count(server.out(), "Sending ") == 88);
}

TEST_CASE("slowpoetry closes the connection right after the last chunk, without a final pause",
          "[part02][server]") {
  // The whole poem fits in one chunk, so there is nothing to pause between: end of file must
  // come at once, not after the (long) delay.
  Server server({"--delay", "30", "--num-bytes", "100000", poem_path("ferry.txt")});
  pim::Fd client = connect_to(server.port);
  CHECK(read_from(client.get(), std::string::npos, 5s) == poem_bytes("ferry.txt"));
}

TEST_CASE("slowpoetry serves one client at a time and each gets the whole poem",
          "[part02][server]") {
  Server server({"--delay", "0.002", "--num-bytes", "10", poem_path("ferry.txt")});
  pim::Fd first = connect_to(server.port);
  pim::Fd second = connect_to(server.port);  // accepted by the kernel, queued for the server
  const std::string poem = poem_bytes("ferry.txt");

  // While the first client is only half-way through its poem, the server is busy sending to it,
  // so the second client cannot have received a single byte yet.
  std::string start = read_from(first.get(), poem.size() / 2);
  char byte = 0;
  CHECK(::recv(second.get(), &byte, 1, MSG_DONTWAIT) == -1);
  CHECK((errno == EAGAIN || errno == EWOULDBLOCK));

  CHECK(start + read_from(first.get()) == poem);
  CHECK(read_from(second.get()) == poem);
  CHECK(count(server.process.out(), "wants poetry!") == 2);
}

TEST_CASE("a client that hangs up early leaves slowpoetry serving the next client the full poem",
          "[part02][server]") {
  Server server({"--delay", "0.005", "--num-bytes", "10", poem_path("ferry.txt")});
  const std::string poem = poem_bytes("ferry.txt");
  {
    pim::Fd quitter = connect_to(server.port);
    read_from(quitter.get(), 1);
    SECTION("by closing the connection") {}
    SECTION("by resetting the connection (SO_LINGER with a zero timeout)") {
      linger abort{1, 0};
      REQUIRE(::setsockopt(quitter.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort) == 0);
    }
  }  // the quitter closes here, long before the poem's end

  // The server notices on a later send(), logs it and goes back to accepting.
  CHECK(eventually(
      [&] { return server.process.err().find("Lost 127.0.0.1:") != std::string::npos; }));
  pim::Fd next = connect_to(server.port);
  CHECK(read_from(next.get()) == poem);
  CHECK(server.process.running());
}

TEST_CASE("slowpoetry rejects bad arguments with exit status 2 before it listens",
          "[part02][server][usage]") {
  const std::string poem = poem_path("ferry.txt");
  const std::vector<std::vector<std::string>> cases{
      {},                               // no poem
      {poem, poem},                     // two poems
      {poem_path("no_such_poem.txt")},  // a missing file
      {std::string(PIM_POETRY_DIR)},    // a directory
      {"--num-bytes", "0", poem},       // empty chunks
      {"--num-bytes", "ten", poem},     // not a number
      {"--delay", "-1", poem},          // a negative delay
      {"--port", "70000", poem},        // not a port
      {"--colour", "blue", poem}};      // an unknown option
  for (const auto& args : cases) {
    std::vector<std::string> argv{program("slowpoetry")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = pim::testing::run(argv, 10s);
    INFO("arguments: " << (args.empty() ? "(none)" : args.front())
                       << " ...; stderr: " << result.err);
    CHECK(result.status == 2);
    CHECK(result.err.find("slowpoetry: error: ") != std::string::npos);
    CHECK(result.out.find("Serving") == std::string::npos);
  }
}
