// Part 11: a thousand clients at once. The test process plays them all on non-blocking sockets
// in one poll() loop of its own, against fastpoetry running as a separate process, and checks
// that every one of them receives the whole poem before a deadline.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"

using namespace part11;
using pim::testing::program;

namespace {

constexpr int clients = 1000;

// Each client needs a descriptor here and one in the server (which inherits our limit), so the
// usual soft limit of 1024 is too tight: raise it towards the hard limit. \returns the limit.
rlim_t raise_descriptor_limit(rlim_t wanted) {
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
  }
  return limit.rlim_cur;
}

struct Client {
  pim::Fd socket;
  std::string data;
  bool finished = false;  // end of file (or an error)
};

// Starts a non-blocking connection to 127.0.0.1:port; it completes (or fails) in the background.
pim::Fd start_connecting(int port) {
  pim::Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  REQUIRE(socket);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int result = ::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
  REQUIRE((result == 0 || errno == EINPROGRESS));
  return socket;
}

// Reads what is there; marks the client finished at end of file or on an error.
void read_some(Client& client) {
  char buffer[16384];
  for (;;) {
    ssize_t got = ::recv(client.socket.get(), buffer, sizeof buffer, 0);
    if (got > 0) {
      client.data.append(buffer, std::size_t(got));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    client.finished = true;
    client.socket.reset();
    return;
  }
}

// Runs `clients` downloads, with at most \p window sockets open at any moment, until all have
// finished or the deadline passes. \returns how many received exactly \p expected.
int download_all(int port, std::size_t window, const std::string& expected,
                 std::chrono::seconds patience) {
  std::vector<Client> all(clients);
  std::size_t started = 0;
  std::size_t open = 0;
  const auto deadline = std::chrono::steady_clock::now() + patience;
  std::vector<pollfd> waiting;
  std::vector<std::size_t> which;
  while (std::chrono::steady_clock::now() < deadline) {
    for (; started < all.size() && open < window; ++started, ++open)
      all[started].socket = start_connecting(port);
    if (open == 0) break;  // every client has finished
    waiting.clear();
    which.clear();
    for (std::size_t i = 0; i < started; ++i) {
      if (all[i].finished) continue;
      waiting.push_back({all[i].socket.get(), POLLIN, 0});
      which.push_back(i);
    }
    int ready = ::poll(waiting.data(), waiting.size(), 100);
    if (ready < 0 && errno != EINTR) FAIL("poll: " << std::strerror(errno));
    for (std::size_t k = 0; ready > 0 && k < waiting.size(); ++k) {
      if (waiting[k].revents == 0) continue;
      Client& client = all[which[k]];
      read_some(client);
      if (client.finished) --open;
    }
  }
  return static_cast<int>(std::count_if(all.begin(), all.end(), [&](const Client& client) {
    return client.finished && client.data == expected;
  }));
}

}  // namespace

TEST_CASE("a thousand clients connected at once all get the whole poem from fastpoetry",
          "[part11][server][fastpoetry][load]") {
  // select cannot watch descriptor numbers from FD_SETSIZE (1024) up, and a server with a
  // thousand clients at once needs some: on select the same thousand clients come at most 200
  // at a time. poll and epoll take all of them at once.
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  std::size_t window = backend == "select" ? 200 : std::size_t(clients);
  const rlim_t limit = raise_descriptor_limit(clients + 64);
  if (limit < rlim_t(window + 64)) {
    window = std::size_t(limit) - 64;
    WARN("the descriptor limit is " << limit << ": at most " << window << " clients at once");
  }
  Server server({program("fastpoetry"), "--reactor", backend, poem_path("slow_river.txt")});
  const auto started = std::chrono::steady_clock::now();
  const int served = download_all(server.port, window, poem("slow_river.txt"), 20s);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  INFO(backend << ": " << served << " of " << clients << " clients got the poem in " << took.count()
               << " s, " << window << " at a time");
  CHECK(served == clients);
  CHECK(server.process.running());
}
