// Protocols and factories on their own (part 5), with an in-memory transport: make_connection,
// the weak links to transport and factory, build_protocol, and the start/stop hooks.
#include "pim/protocol.hpp"

#include <sstream>

#include "pim/factory.hpp"
#include "pim/log.hpp"
#include "pim/testing/catch.hpp"
#include "pim/transport.hpp"
#include "tcp_testing.hpp"

namespace {

// A transport that keeps what is written in a string (Twisted's StringTransport, in brief).
class StringTransport : public pim::Transport {
 public:
  void write(std::string_view data) override {
    if (open) written.append(data);
  }
  void lose_connection() override { open = false; }
  void abort_connection() override { open = false; }
  std::string get_host() const override { return "127.0.0.1:1"; }
  std::string get_peer() const override { return "127.0.0.1:2"; }
  bool connected() const override { return open; }

  std::string written;
  bool open = true;
};

class Greeter : public pim::Protocol {
 public:
  void connection_made() override { transport()->write("hello from " + transport()->get_host()); }
};

class GreeterFactory : public pim::ServerFactory {
 public:
  GreeterFactory() { set_protocol<Greeter>(); }
};

class OtherFactory : public pim::ServerFactory {};

}  // namespace

TEST_CASE("make_connection stores the transport and calls connection_made",
          "[common][part05][protocol]") {
  Greeter greeter;
  CHECK_FALSE(greeter.connected());
  CHECK_THROWS_AS(greeter.transport(), pim::NotConnectedError);
  auto transport = std::make_shared<StringTransport>();
  greeter.make_connection(transport);
  CHECK(greeter.connected());
  CHECK(greeter.transport() == transport);
  CHECK(transport->written == "hello from 127.0.0.1:1");
  transport->lose_connection();
  CHECK_FALSE(greeter.connected());
}

TEST_CASE("a protocol does not keep its transport alive, and says so when it is gone",
          "[common][part05][protocol]") {
  Greeter greeter;
  auto transport = std::make_shared<StringTransport>();
  greeter.make_connection(transport);
  transport.reset();
  CHECK_FALSE(greeter.connected());
  CHECK(pim::testing::thrown_message([&] { greeter.transport(); }).find("no transport") !=
        std::string::npos);
}

TEST_CASE("build_protocol makes the chosen class and links it to its factory",
          "[common][part05][factory]") {
  auto factory = std::make_shared<GreeterFactory>();
  std::shared_ptr<pim::Protocol> protocol = factory->build_protocol("127.0.0.1:5000");
  REQUIRE(protocol);
  CHECK(dynamic_cast<Greeter*>(protocol.get()) != nullptr);
  CHECK(protocol->factory() == factory);
  CHECK(protocol->factory<GreeterFactory>() == factory);
  CHECK(pim::testing::thrown_message([&] { protocol->factory<OtherFactory>(); }) ==
        "(anonymous namespace)::Greeter: its factory is a (anonymous namespace)::GreeterFactory, "
        "not a (anonymous namespace)::OtherFactory");
  // Each call makes a new protocol: one per connection.
  CHECK(factory->build_protocol("127.0.0.1:5001") != protocol);
}

TEST_CASE("a protocol does not keep its factory alive, and says so when it is gone",
          "[common][part05][factory]") {
  auto factory = std::make_shared<GreeterFactory>();
  std::shared_ptr<pim::Protocol> protocol = factory->build_protocol("127.0.0.1:5000");
  factory.reset();
  CHECK_THROWS_AS(protocol->factory(), pim::NotConnectedError);
}

TEST_CASE("a factory without a protocol class refuses to build one, naming itself",
          "[common][part05][factory]") {
  auto factory = std::make_shared<OtherFactory>();
  CHECK(pim::testing::thrown_message([&] { factory->build_protocol("x"); }) ==
        "(anonymous namespace)::OtherFactory has no protocol class: call set_protocol<P>() or "
        "override build_protocol()");
}

TEST_CASE("start_factory runs on the first do_start and stop_factory on the last do_stop",
          "[common][part05][factory]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  pim::testing::RecordingServer factory;
  factory.do_start();
  factory.do_start();
  CHECK(factory.starts == 1);
  CHECK(factory.users() == 2);
  factory.do_stop();
  CHECK(factory.stops == 0);
  factory.do_stop();
  CHECK(factory.stops == 1);
  factory.do_stop();  // unmatched: ignored
  CHECK(factory.stops == 1);
  CHECK(factory.users() == 0);
  CHECK(log.str().empty());  // not noisy by default
  factory.set_noisy(true);
  factory.do_start();
  factory.do_stop();
  CHECK(log.str().find("[-] Starting factory pim::testing::RecordingServer\n") !=
        std::string::npos);
  CHECK(log.str().find("[-] Stopping factory pim::testing::RecordingServer\n") !=
        std::string::npos);
}

TEST_CASE("write_sequence writes the pieces in order through write()",
          "[common][part05][transport]") {
  StringTransport transport;
  transport.write("a");
  transport.write_sequence({"b", "c"});
  transport.write_sequence(std::vector<std::string>{"d", "e"});
  CHECK(transport.written == "abcde");
}
