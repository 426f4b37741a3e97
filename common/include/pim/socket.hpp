/// \file
/// \brief File descriptor ownership and the blocking socket calls of part 2.
///
/// Part 2's programs are written on plain system calls so the learner sees every step; this
/// header keeps only the repetitive parts (resolving a name, opening, binding, error text) in one
/// place. `Fd` is used by every later part. Tests: common/tests/test_socket.cpp.
#pragma once

#include <sys/socket.h>

#include <string>
#include <system_error>
#include <utility>

#include "pim/address.hpp"

namespace pim {

/// Owns one file descriptor and closes it exactly once (RAII). Movable, not copyable, so a
/// descriptor can never be closed twice or leaked on an early return or exception.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  /// Gives up ownership without closing.
  int release() { return std::exchange(fd_, -1); }
  /// Closes the descriptor now (if any).
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

/// The error an unsuccessful system call left in errno, as an exception whose what() reads
/// "WHAT: Connection refused".
std::system_error errno_error(const std::string& what);

/// Connects a blocking TCP socket to \p address, trying each address the host resolves to.
/// \throws std::system_error naming the address and the reason (refused, unresolvable, ...)
Fd connect_blocking(const Address& address);

/// Opens a listening TCP socket on \p interface (a name or numeric address) and \p port (0 picks
/// a free port), with SO_REUSEADDR so a restarted server can take its port back at once.
/// \throws std::system_error naming the interface and port on failure
Fd listen_blocking(const std::string& interface, int port, int backlog = 5);

/// The port a bound socket actually got (useful after binding port 0).
int local_port(int fd);

/// `HOST:PORT` of a socket address, numeric (no DNS look-up).
std::string format_sockaddr(const sockaddr* address, socklen_t length);

/// `HOST:PORT` of the peer of a connected socket.
std::string peer_name(int fd);

/// Puts a descriptor in non-blocking mode: reads and writes that would wait fail with EAGAIN.
void set_nonblocking(int fd);

}  // namespace pim
