// Helpers only part 12's tests need: a blocking client that sends raw bytes to a server and
// collects whatever comes back until the server closes.
#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "pim/address.hpp"
#include "pim/socket.hpp"

namespace part12 {

using namespace std::chrono_literals;

/// What a server sent back on one connection.
struct Reply {
  std::string bytes;    ///< everything received
  bool closed = false;  ///< the server ended the connection (EOF or reset) before the timeout
};

inline pim::Fd connect_to(int port) {
  return pim::connect_blocking(pim::Address{"127.0.0.1", std::uint16_t(port)});
}

/// Sends all of \p data. \returns false if the server had already closed (that is allowed:
/// a server may hang up on a request it rejects before we finish sending it).
inline bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0) return false;
    data.remove_prefix(std::size_t(sent));
  }
  return true;
}

/// Reads until the server closes or \p timeout passes, whichever is first.
inline Reply read_until_closed(int fd, std::chrono::milliseconds timeout = 5s) {
  Reply reply;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd watch{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&watch, 1, int(left.count())) <= 0) return reply;
    char buffer[4096];
    ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) {  // 0: EOF; -1: reset, which a server closing on unread input may cause
      reply.closed = true;
      return reply;
    }
    reply.bytes.append(buffer, std::size_t(got));
  }
}

/// One whole exchange: connect, send \p request, read until closed.
inline Reply ask(int port, std::string_view request, std::chrono::milliseconds timeout = 5s) {
  pim::Fd fd = connect_to(port);
  send_all(fd.get(), request);
  return read_until_closed(fd.get(), timeout);
}

/// `LENGTH:DATA,` written out here, independently of the library's encoder.
inline std::string netstring(std::string_view data) {
  return std::to_string(data.size()) + ":" + std::string(data) + ",";
}

/// A server in a thread that answers one connection with fixed bytes: it sends \p bytes, shuts
/// down its sending side, then reads (and ignores) whatever the client sends until the client
/// closes, so the client never sees a reset. For clients' reactions to replies no real server
/// would send, such as a cut-off netstring.
class OneShotServer {
 public:
  explicit OneShotServer(std::string bytes)
      : listener_(pim::listen_blocking("127.0.0.1", 0)),
        port_(pim::local_port(listener_.get())),
        thread_([this, bytes = std::move(bytes)] { serve(bytes); }) {}
  ~OneShotServer() {
    ::shutdown(listener_.get(), SHUT_RDWR);  // wakes accept() if nobody ever connected
    thread_.join();
  }
  OneShotServer(const OneShotServer&) = delete;
  OneShotServer& operator=(const OneShotServer&) = delete;

  int port() const { return port_; }

 private:
  void serve(const std::string& bytes) {
    int fd = ::accept(listener_.get(), nullptr, nullptr);
    if (fd < 0) return;
    pim::Fd client(fd);
    send_all(client.get(), bytes);
    ::shutdown(client.get(), SHUT_WR);
    read_until_closed(client.get(), 10s);
  }

  pim::Fd listener_;
  int port_;
  std::thread thread_;
};

}  // namespace part12
