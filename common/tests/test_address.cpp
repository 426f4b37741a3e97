#include "pim/address.hpp"

#include "pim/testing/catch.hpp"

using pim::Address;
using pim::AddressError;
using pim::parse_address;

TEST_CASE("a bare port means 127.0.0.1", "[common][address]") {
  CHECK(parse_address("10000") == Address{"127.0.0.1", 10000});
}

TEST_CASE("host and port are split at the colon", "[common][address]") {
  CHECK(parse_address("localhost:10001") == Address{"localhost", 10001});
  CHECK(parse_address("192.168.1.5:80") == Address{"192.168.1.5", 80});
}

TEST_CASE("bracketed IPv6 literals parse and print back the same", "[common][address]") {
  Address address = parse_address("[::1]:10002");
  CHECK(address == Address{"::1", 10002});
  CHECK(address.to_string() == "[::1]:10002");
}

TEST_CASE("an address prints as HOST:PORT", "[common][address]") {
  CHECK(parse_address("10000").to_string() == "127.0.0.1:10000");
}

TEST_CASE("bad ports are refused with a message naming the argument", "[common][address]") {
  for (const char* bad : {"", "abc", "10000x", "-1", "+80", "0", "65536", "99999999999999999999",
                          "host:", ":80", "[::1]", "[::1]80", "[]:80", " 80"}) {
    INFO("argument: '" << bad << "'");
    CHECK_THROWS_AS(parse_address(bad), AddressError);
  }
  CHECK_THROWS_WITH(parse_address("x:abc"), "bad address 'x:abc': the port must be a number");
  CHECK_THROWS_WITH(parse_address("70000"),
                    "bad address '70000': the port must be from 1 to 65535");
}

TEST_CASE("the extreme valid ports are accepted", "[common][address]") {
  CHECK(parse_address("1").port == 1);
  CHECK(parse_address("65535").port == 65535);
}
