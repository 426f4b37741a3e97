// What part 11's tests and checks share: starting a server program and learning its port,
// fetching a poem over a plain blocking socket, a poem far bigger than the kernel's socket
// buffers, and the test every server of this part must pass: a client that connects and never
// reads does not stop anybody else from getting the poem.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "pim/socket.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

namespace part11 {

using namespace std::chrono_literals;
using pim::testing::poem;
using pim::testing::poem_path;

/// A server program of this part, started with \p argv, whose first line names its port.
struct Server {
  pim::testing::Process process;
  int port;
  explicit Server(std::vector<std::string> argv)
      : process(std::move(argv)), port(pim::testing::wait_for_port(process)) {}
};

/// A blocking TCP connection to 127.0.0.1:\p port. \p receive_buffer, if not 0, is set before
/// connecting (a small one keeps the server's data from piling up on our side).
inline pim::Fd connect_to(int port, int receive_buffer = 0) {
  pim::Fd socket(::socket(AF_INET, SOCK_STREAM, 0));
  REQUIRE(socket);
  if (receive_buffer > 0) {
    REQUIRE(::setsockopt(socket.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                         sizeof receive_buffer) == 0);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return socket;
}

/// What a client read: the bytes, and whether the server ended the stream in time.
struct Received {
  std::string data;
  bool complete = false;  // end of file before the deadline
};

/// Reads from \p socket until end of file or until \p timeout has passed.
inline Received read_all(const pim::Fd& socket, std::chrono::milliseconds timeout = 10s) {
  Received received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return received;
    pollfd waiting{socket.get(), POLLIN, 0};
    int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return received;
    ssize_t got = ::recv(socket.get(), buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      received.complete = got == 0;
      return received;
    }
    received.data.append(buffer, std::size_t(got));
  }
}

/// Connects to \p port and reads everything the server sends.
inline Received fetch(int port, std::chrono::milliseconds timeout = 10s) {
  return read_all(connect_to(port), timeout);
}

/// The receive buffer of a client that reads nothing. Setting it fixes its size (no
/// autotuning), which keeps what the kernel holds for that client small and known.
inline constexpr int stalled_receive_buffer = 65536;

/// More bytes than the kernel may hold for a connection whose client reads nothing: the largest
/// send buffer (the third number of tcp_wmem) plus the client's receive buffer (which the
/// kernel doubles for its bookkeeping), with a margin.
inline std::size_t kernel_buffering() {
  std::ifstream file("/proc/sys/net/ipv4/tcp_wmem");
  std::size_t smallest = 0, usual = 0, largest = 0;
  if (!(file >> smallest >> usual >> largest)) largest = std::size_t(4) << 20;
  return largest + 4 * std::size_t(stalled_receive_buffer) + (std::size_t(1) << 20);
}

/// A temporary poem bigger than the kernel can buffer for a client that does not read, removed when
/// the test ends. A server that writes it to a client who does not read must stop and wait: a
/// blocking send() waits right there, and everybody else waits with it.
class BigPoem {
 public:
  BigPoem() {
    char name[] = "/tmp/pim-part11-big-poem-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path_ = name;
    const std::string line = "an endless river of a poem, too long for any socket buffer\n";
    while (text_.size() < kernel_buffering())
      text_ += line;
    std::ofstream(path_, std::ios::binary) << text_;
  }
  ~BigPoem() { ::unlink(path_.c_str()); }
  BigPoem(const BigPoem&) = delete;
  BigPoem& operator=(const BigPoem&) = delete;

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

 private:
  std::string path_;
  std::string text_;
};

/// The test of "serves several clients at once": a first client connects and reads nothing,
/// so the server cannot finish sending it the big poem; two more clients must still receive
/// the whole poem, promptly; then the first reads, and gets all of it too.
inline void check_a_stalled_client_blocks_nobody(int port, const BigPoem& big) {
  pim::Fd stalled = connect_to(port, stalled_receive_buffer);
  pim::Fd second = connect_to(port);
  pim::Fd third = connect_to(port);
  Received second_got = read_all(second, 5s);
  Received third_got = read_all(third, 5s);
  INFO("second client: " << second_got.data.size() << " bytes, third: " << third_got.data.size()
                         << " of " << big.text().size());
  CHECK(second_got.complete);
  CHECK(third_got.complete);
  CHECK((second_got.data == big.text()));
  CHECK((third_got.data == big.text()));
  Received stalled_got = read_all(stalled, 20s);
  INFO("stalled client: " << stalled_got.data.size() << " bytes");
  CHECK(stalled_got.complete);
  CHECK((stalled_got.data == big.text()));
}

/// Several clients connected at the same time each receive the whole of poetry/lantern.txt.
inline void check_several_clients_get_the_poem(int port, int clients = 5) {
  std::vector<pim::Fd> sockets;
  for (int i = 0; i < clients; ++i)
    sockets.push_back(connect_to(port));
  const std::string lantern = poem("lantern.txt");
  for (const pim::Fd& socket : sockets) {
    Received got = read_all(socket, 10s);
    CHECK(got.complete);
    CHECK(got.data == lantern);
  }
}

}  // namespace part11
