/// \file
/// \brief Internal: turning a host name and port into socket addresses, for connect_tcp().
///
/// Part of the TCP support introduced in part 5 (tcp.hpp). Tests:
/// common/tests/test_tcp_connect.cpp.
///
/// Two functions because there are two costs. A numeric address (`127.0.0.1`, `::1`) is only
/// parsed: resolve_numeric() never waits and runs on the reactor's thread. A name needs the
/// system resolver (files, DNS...), which blocks: resolve_name() is for a worker thread.
#pragma once

#include <sys/socket.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pim::detail {

/// One address a name resolved to, ready for socket() and connect().
struct ResolvedAddress {
  int family = AF_UNSPEC;
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

/// The outcome of a look-up: addresses in the resolver's order of preference, or an error.
struct Resolution {
  std::vector<ResolvedAddress> addresses;
  std::string error;  ///< the resolver's message when there are no addresses, else empty
};

/// Resolves \p host if it is a numeric IPv4 or IPv6 address (brackets allowed), without waiting.
/// \returns nothing if \p host is a name, which needs resolve_name()
std::optional<Resolution> resolve_numeric(const std::string& host, int port);

/// Resolves any host name for a TCP connection. Blocks (for seconds, with a slow DNS server),
/// so call it on a worker thread. Thread-safe.
Resolution resolve_name(const std::string& host, int port);

/// Replaces what resolve_name() does, for tests that need a look-up that is slow or fails on
/// demand; an empty function restores the system resolver. Thread-safe.
void set_name_resolver_for_testing(std::function<Resolution(const std::string&, int)> resolver);

}  // namespace pim::detail
