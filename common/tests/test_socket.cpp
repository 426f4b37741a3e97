#include "pim/socket.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "pim/testing/catch.hpp"
#include "pim/testing/process.hpp"

TEST_CASE("a listening socket on port 0 gets a real port and accepts", "[common][socket]") {
  pim::Fd listener = pim::listen_blocking("127.0.0.1", 0);
  int port = pim::local_port(listener.get());
  REQUIRE(port > 0);
  pim::Fd client = pim::connect_blocking({"127.0.0.1", std::uint16_t(port)});
  pim::Fd accepted(::accept(listener.get(), nullptr, nullptr));
  REQUIRE(accepted);
  CHECK(pim::peer_name(accepted.get()).rfind("127.0.0.1:", 0) == 0);
  CHECK(pim::peer_name(client.get()) == "127.0.0.1:" + std::to_string(port));
}

TEST_CASE("connecting to a closed port throws 'Connection refused'", "[common][socket]") {
  pim::testing::RefusingPort closed;
  pim::Address address{"127.0.0.1", std::uint16_t(closed.port())};
  CHECK_THROWS_WITH(pim::connect_blocking(address),
                    "cannot connect to " + address.to_string() + ": Connection refused");
}

TEST_CASE("an unresolvable host is reported, not crashed on", "[common][socket]") {
  CHECK_THROWS_AS(pim::connect_blocking({"no-such-host.invalid", 80}), std::system_error);
}

TEST_CASE("Fd closes its descriptor exactly once, and moves ownership", "[common][socket]") {
  int raw = ::dup(0);
  REQUIRE(raw >= 0);
  {
    pim::Fd first(raw);
    pim::Fd second = std::move(first);
    CHECK_FALSE(first);
    CHECK(second.get() == raw);
  }
  CHECK(::close(raw) == -1);  // already closed by `second`
}
