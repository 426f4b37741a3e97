#include "pim/address.hpp"

#include "pim/options.hpp"

#include <charconv>

namespace pim {

namespace {

std::uint16_t parse_port(std::string_view digits, std::string_view whole) {
  auto fail = [&](std::string_view why) -> std::uint16_t {
    throw AddressError("bad address '" + std::string(whole) + "': " + std::string(why));
  };
  if (digits.empty()) fail("the port is missing");
  unsigned value = 0;
  // from_chars accepts no sign, no spaces and no base prefix, which is exactly "all digits";
  // it must also consume every character, or "10000x" would pass as 10000.
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error == std::errc::result_out_of_range) fail("the port must be from 1 to 65535");
  if (error != std::errc{} || end != digits.data() + digits.size()) {
    fail("the port must be a number");
  }
  if (value < 1 || value > 65535) fail("the port must be from 1 to 65535");
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string Address::to_string() const {
  bool ipv6_literal = host.find(':') != std::string::npos;
  std::string shown = ipv6_literal ? "[" + host + "]" : host;
  return shown + ":" + std::to_string(port);
}

Address parse_address(std::string_view text) {
  if (text.empty()) throw AddressError("bad address '': expected [host:]port");
  if (text.front() == '[') {
    // An IPv6 literal has colons of its own, so it must be bracketed: [::1]:10000.
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      throw AddressError("bad address '" + std::string(text) + "': expected [IPV6]:port");
    }
    auto host = text.substr(1, close - 1);
    if (host.empty()) throw AddressError("bad address '" + std::string(text) + "': empty host");
    return {std::string(host), parse_port(text.substr(close + 2), text)};
  }
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return {std::string(default_host), parse_port(text, text)};
  }
  auto host = text.substr(0, colon);
  if (host.empty()) throw AddressError("bad address '" + std::string(text) + "': empty host");
  return {std::string(host), parse_port(text.substr(colon + 1), text)};
}

std::vector<Address> parse_addresses_or_exit(const Options& options, int argc, char** argv) {
  std::vector<std::string> arguments = options.parse_or_exit(argc, argv);
  if (arguments.empty()) options.usage_error("give at least one server address ([host:]port)");
  std::vector<Address> addresses;
  for (const std::string& argument : arguments) {
    try {
      addresses.push_back(parse_address(argument));
    } catch (const AddressError& error) {
      options.usage_error(error.what());
    }
  }
  return addresses;
}

}  // namespace pim
