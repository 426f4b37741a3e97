// Shared by part 2's tests: starting slow poetry servers and talking to them as a raw client.
#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "pim/file.hpp"
#include "pim/socket.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

namespace part02 {

using namespace std::chrono_literals;

using pim::testing::poem_path;
using pim::testing::program;  // bin/partNN/NAME of this part
inline std::string poem_bytes(const std::string& name) {
  return pim::testing::poem(name);
}

/// Part 2's slowpoetry on a free port (pim/testing/parts.hpp).
using Server = pim::testing::SlowServer;

inline pim::Fd connect_to(int port) {
  return pim::connect_blocking({"127.0.0.1", static_cast<std::uint16_t>(port)});
}

/// Reads from a blocking socket until end of file, or until at least \p limit bytes arrived.
/// \throws std::runtime_error if neither happens before the deadline
inline std::string read_from(int fd, std::size_t limit = std::string::npos,
                             std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string bytes;
  char buffer[4096];
  while (bytes.size() < limit) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd readable{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&readable, 1, int(left.count())) == 0) {
      throw std::runtime_error("no end of file in time; got " + std::to_string(bytes.size()) +
                               " bytes");
    }
    ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got < 0) throw pim::errno_error("recv");
    if (got == 0) break;
    bytes.append(buffer, std::size_t(got));
  }
  return bytes;
}

/// Polls \p condition every few milliseconds until it holds or \p timeout passes.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::poll(nullptr, 0, 5);
  }
  return true;
}

/// How many times \p needle occurs in \p text.
inline std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++found;
  }
  return found;
}

}  // namespace part02
