/// \file
/// \brief Parsing the `[host:]port` arguments every poetry client takes.
///
/// Introduced in part 2 (the blocking and select clients); every later client uses it.
/// Tests: common/tests/test_address.cpp.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pim {

class Options;

/// A server to talk to: a host name or numeric address, and a TCP port.
struct Address {
  std::string host;    ///< as the user typed it ("127.0.0.1" when they gave only a port)
  std::uint16_t port;  ///< 1 to 65535

  /// `HOST:PORT`, with IPv6 literals in brackets (`[::1]:10000`) so the text parses back.
  std::string to_string() const;

  friend bool operator==(const Address&, const Address&) = default;
};

/// Thrown by parse_address(); what() says which argument was wrong and why.
class AddressError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The host used when an argument names only a port.
inline constexpr std::string_view default_host = "127.0.0.1";

/// Parses `PORT`, `HOST:PORT` or `[IPV6]:PORT`.
///
/// A bare port means 127.0.0.1, as in the tutorial. The port must be all digits and from 1 to
/// 65535 (port 0 means "any port" to a server, which is meaningless to a client).
/// \param text one command-line argument
/// \returns the host and port it names
/// \throws AddressError naming the argument and the problem (empty host, bad or missing port)
Address parse_address(std::string_view text);

/// What the poetry clients of parts 5 onwards do with their command line: parse the options,
/// then read every remaining argument as an address.
/// \returns at least one address
/// \post on a bad option, a bad address or no address at all, \p options has printed a usage
///       error and exited with status 2 (Options::usage_error)
std::vector<Address> parse_addresses_or_exit(const Options& options, int argc, char** argv);

}  // namespace pim
