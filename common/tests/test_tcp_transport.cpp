// TcpTransport (part 5): large writes through partial sends, lose_connection versus
// abort_connection, resets and clean closes, and protocols closing from inside their own
// callbacks. Real sockets on 127.0.0.1, every test on every reactor backend.
#include "pim/transport.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <regex>
#include <sstream>

#include "pim/error.hpp"
#include "pim/log.hpp"
#include "pim/socket.hpp"
#include "tcp_testing.hpp"

using pim::Failure;
using pim::Reactor;
using pim::testing::is_prefix;
using pim::testing::pattern;
using pim::testing::Recording;
using pim::testing::RecordingClient;
using pim::testing::RecordingServer;
using pim::testing::StopAfter;
using pim::testing::Watchdog;

namespace {

constexpr std::size_t big_size = 16 * 1024 * 1024;

// A client of `port` on this reactor whose protocols are set up by `setup`.
std::shared_ptr<RecordingClient> connect_client(Reactor& reactor, const pim::Port& port,
                                                std::function<void(Recording&)> setup = {}) {
  auto client = std::make_shared<RecordingClient>();
  client->setup = std::move(setup);
  pim::connect_tcp(reactor, "127.0.0.1", port.port(), client);
  return client;
}

// Closes `fd` with a reset (RST) instead of an orderly FIN.
void reset_close(pim::Fd& fd) {
  linger no_linger{1, 0};
  REQUIRE(::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger) == 0);
  fd.reset();
}

}  // namespace

TEST_CASE("16 MiB written in one call arrives intact through partial writes",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor, 30);
  StopAfter both_lost(reactor, 2);
  const std::string big = pattern(big_size);
  std::size_t queued_after_write = 0;
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording& self) {
      self.transport()->write(big);  // returns at once, whatever the socket could take
      queued_after_write = pim::testing::tcp_transport(self)->buffer_size();
    };
    protocol.on_lost = [&](Recording&) { both_lost.count(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  auto client = connect_client(reactor, *port, [&](Recording& protocol) {
    protocol.on_data = [&](Recording& self, std::string_view) {
      if (self.data.size() == big.size()) self.transport()->lose_connection();
    };
    protocol.on_lost = [&](Recording&) { both_lost.count(); };
  });
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(queued_after_write > 0);  // the socket did not take it all: the rest was buffered
  REQUIRE(client->protocols.size() == 1);
  const Recording& received = *client->protocols[0];
  CHECK(received.data.size() == big.size());
  const bool intact = received.data == big;
  CHECK(intact);
  CHECK(received.chunks > 1);
  CHECK(received.reason_type() == "pim::ConnectionDone");
  REQUIRE(server->protocols.size() == 1);
  CHECK(server->protocols[0]->reason_type() == "pim::ConnectionDone");
  CHECK(server->protocols[0]->losses == 1);
}

TEST_CASE("lose_connection right after a large write still delivers everything",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor, 30);
  StopAfter both_lost(reactor, 2);
  const std::string big = pattern(big_size);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording& self) {
      self.transport()->write(big);
      self.transport()->lose_connection();
      CHECK_FALSE(self.connected());  // closing has begun...
      CHECK(self.losses == 0);        // ...but the end is reported later, from the loop
    };
    protocol.on_lost = [&](Recording&) { both_lost.count(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  auto client = connect_client(reactor, *port, [&](Recording& protocol) {
    protocol.on_lost = [&](Recording&) { both_lost.count(); };
  });
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  REQUIRE(client->protocols.size() == 1);
  CHECK(client->protocols[0]->data.size() == big.size());
  const bool intact = client->protocols[0]->data == big;
  CHECK(intact);
  CHECK(client->protocols[0]->reason_type() == "pim::ConnectionDone");
  CHECK(server->protocols[0]->reason_type() == "pim::ConnectionDone");
  CHECK(client->lost == 1);
}

TEST_CASE("abort_connection after a large write closes at once and drops the unsent data",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor, 30);
  StopAfter both_lost(reactor, 2);
  const std::string big = pattern(big_size);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    // Started by the client's request, so that the client is surely connected by then (a
    // reset during the handshake would make its attempt fail instead).
    protocol.on_data = [&](Recording& self, std::string_view) {
      self.transport()->write(big);
      self.transport()->abort_connection();
      CHECK(pim::testing::tcp_transport(self)->fileno() == -1);  // closed now
      CHECK(self.losses == 0);  // reported on a later turn, not from inside abort
      self.transport()->write("ignored");
    };
    protocol.on_lost = [&](Recording&) { both_lost.count(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  auto client = connect_client(reactor, *port, [&](Recording& protocol) {
    protocol.on_made = [](Recording& self) { self.transport()->write("send me a poem"); };
    protocol.on_lost = [&](Recording&) { both_lost.count(); };
  });
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  const Recording& aborted = *server->protocols.at(0);
  CHECK(aborted.losses == 1);
  REQUIRE(aborted.reason);
  CHECK(aborted.reason->check<pim::ConnectionAborted>());
  const Recording& peer = *client->protocols.at(0);
  CHECK(peer.data.size() < big.size());
  CHECK(is_prefix(peer.data, big));
  CHECK(peer.reason_type() == "pim::ConnectionLost");  // the reset reached the peer
}

TEST_CASE("a peer that resets while we write gives ConnectionLost",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor, 30);
  pim::Fd peer;
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording& self) {
      self.transport()->write(pattern(big_size));
      // The peer reads a little, then resets, while most of the data is still queued here.
      reactor.call_later(0, [&] {
        char some[1024];
        CHECK(::read(peer.get(), some, sizeof some) > 0);
        reset_close(peer);
      });
    };
    protocol.on_lost = [&](Recording&) { reactor.stop(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  peer = pim::connect_blocking(pim::Address{"127.0.0.1", static_cast<std::uint16_t>(port->port())});
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  const Recording& writer = *server->protocols.at(0);
  CHECK(writer.losses == 1);
  REQUIRE(writer.reason);
  REQUIRE(writer.reason->check<pim::ConnectionLost>());
  const int error = writer.reason->value<pim::ConnectionLost>()->error_number();
  CHECK((error == ECONNRESET || error == EPIPE));
  CHECK_FALSE(writer.reason->has_frames());
}

TEST_CASE("a send that fails with EPIPE gives ConnectionLost and never raises SIGPIPE",
          "[common][part05][transport][tcp][sigpipe]") {
  std::string backend = EACH_BACKEND();
  // The default action of SIGPIPE kills the process: make sure that is what is in force, so a
  // send without MSG_NOSIGNAL would end this test run instead of passing by luck.
  struct DefaultSigpipe {
    void (*previous)(int) = ::signal(SIGPIPE, SIG_DFL);
    ~DefaultSigpipe() { ::signal(SIGPIPE, previous); }
  } default_sigpipe;
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [](Recording& self) {
      // Shutting our own sending side makes every later send() fail with EPIPE, the errno
      // that raises SIGPIPE (a reset peer usually gives ECONNRESET first, which does not).
      REQUIRE(::shutdown(pim::testing::tcp_transport(self)->fileno(), SHUT_WR) == 0);
      self.transport()->write("into the void");
      CHECK(self.losses == 0);  // reported from the loop, not from inside write()
    };
    protocol.on_lost = [&](Recording&) { reactor.stop(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  pim::Fd peer =
      pim::connect_blocking(pim::Address{"127.0.0.1", static_cast<std::uint16_t>(port->port())});
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  const Recording& writer = *server->protocols.at(0);
  CHECK(writer.losses == 1);
  REQUIRE(writer.reason);
  REQUIRE(writer.reason->check<pim::ConnectionLost>());
  CHECK(writer.reason->value<pim::ConnectionLost>()->error_number() == EPIPE);
}

TEST_CASE("a peer that resets while we read gives ConnectionLost with the system's reason",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  pim::Fd listener = pim::listen_blocking("127.0.0.1", 0);
  auto client = std::make_shared<RecordingClient>();
  client->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) {
      pim::Fd accepted(::accept(listener.get(), nullptr, nullptr));
      REQUIRE(accepted);
      const std::string partial = "Half a poe";
      REQUIRE(::write(accepted.get(), partial.data(), partial.size()) == 10);
      reset_close(accepted);
    };
  };
  client->on_lost = [&](pim::Connector&) { reactor.stop(); };
  pim::connect_tcp(reactor, "127.0.0.1", pim::local_port(listener.get()), client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  const Recording& reader = *client->protocols.at(0);
  CHECK(reader.losses == 1);
  REQUIRE(reader.reason);
  CHECK(reader.reason->check<pim::ConnectionLost>());
  CHECK(reader.reason->to_string() ==
        "[Failure: ConnectionLost: Connection lost: Connection reset by peer]");
  CHECK(is_prefix(reader.data, "Half a poe"));
  CHECK(client->lost == 1);
  CHECK(client->reason->check<pim::ConnectionLost>());
}

TEST_CASE("a peer that closes cleanly gives ConnectionDone after all its data",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  pim::Fd listener = pim::listen_blocking("127.0.0.1", 0);
  auto client = std::make_shared<RecordingClient>();
  client->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) {
      pim::Fd accepted(::accept(listener.get(), nullptr, nullptr));
      const std::string poem = "A whole poem.";
      REQUIRE(::write(accepted.get(), poem.data(), poem.size()) == ssize_t(poem.size()));
    };  // `accepted` closes normally here
  };
  client->on_lost = [&](pim::Connector&) { reactor.stop(); };
  pim::connect_tcp(reactor, "127.0.0.1", pim::local_port(listener.get()), client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  const Recording& reader = *client->protocols.at(0);
  CHECK(reader.data == "A whole poem.");
  CHECK(reader.losses == 1);
  CHECK(reader.reason->to_string() == "[Failure: ConnectionDone: Connection was closed cleanly.]");
  CHECK(client->lost == 1);
  CHECK(client->failed == 0);
}

TEST_CASE("a protocol may abort from data_received; the end is reported once, afterwards",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  StopAfter both_lost(reactor, 2);
  std::weak_ptr<pim::Transport> client_transport;
  std::weak_ptr<pim::Protocol> client_protocol;
  {
    auto server = std::make_shared<RecordingServer>();
    server->setup = [&](Recording& protocol) {
      protocol.on_made = [](Recording& self) { self.transport()->write("first verse"); };
      protocol.on_lost = [&](Recording&) { both_lost.count(); };
    };
    auto port = pim::listen_tcp(reactor, 0, server);
    auto client = connect_client(reactor, *port, [&](Recording& protocol) {
      protocol.on_data = [&](Recording& self, std::string_view) {
        client_transport = self.transport();
        self.transport()->abort_connection();
        self.transport()->abort_connection();  // twice: no effect
        CHECK(self.losses == 0);
        CHECK_FALSE(self.connected());
      };
      protocol.on_lost = [&](Recording& self) {
        CHECK(self.reason->check<pim::ConnectionAborted>());
        both_lost.count();
      };
    });
    reactor.run();
    REQUIRE_FALSE(watchdog.fired);
    CHECK(client->protocols.at(0)->losses == 1);
    CHECK(server->protocols.at(0)->losses == 1);
    CHECK(server->protocols.at(0)->reason->check<pim::ConnectionLost>());
    client_protocol = client->protocols.at(0);
    port->stop_listening();
  }
  // Nothing holds the connection any more: transport and protocol are freed.
  CHECK(client_transport.expired());
  CHECK(client_protocol.expired());
}

TEST_CASE("a protocol may lose the connection from connection_made; later writes are ignored",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  StopAfter both_lost(reactor, 2);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [](Recording& self) {
      self.transport()->write("Goodbye");
      self.transport()->lose_connection();
      self.transport()->lose_connection();  // twice: no effect
      self.transport()->write(", and more");
      self.transport()->write_sequence({"and ", "more"});
    };
    protocol.on_lost = [&](Recording&) { both_lost.count(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  auto client = connect_client(reactor, *port, [&](Recording& protocol) {
    protocol.on_lost = [&](Recording&) { both_lost.count(); };
  });
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->protocols.at(0)->data == "Goodbye");
  CHECK(client->protocols.at(0)->reason_type() == "pim::ConnectionDone");
  CHECK(server->protocols.at(0)->reason_type() == "pim::ConnectionDone");
  CHECK(server->protocols.at(0)->losses == 1);
}

TEST_CASE("write and write_sequence send everything in the order it was written",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  const std::string middle = pattern(1 << 20);
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording& self) {
      auto transport = self.transport();
      transport->write("<");
      transport->write_sequence({"a", "b"});
      transport->write(middle);  // queued behind nothing, or behind the socket's refusal
      transport->write_sequence(std::vector<std::string>{"c", "d"});
      for (char c = 'e'; c <= 'z'; ++c) {
        transport->write(std::string(1, c));  // small writes after a big one: still in order
      }
      transport->write(">");
      transport->lose_connection();
    };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  auto client = connect_client(reactor, *port);
  client->on_lost = [&](pim::Connector&) { reactor.stop(); };
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  std::string expected = "<ab" + middle + "cd";
  for (char c = 'e'; c <= 'z'; ++c) {
    expected += c;
  }
  expected += ">";
  const bool in_order = client->protocols.at(0)->data == expected;
  CHECK(in_order);
}

TEST_CASE("get_host and get_peer name the two ends as HOST:PORT",
          "[common][part05][transport][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  StopAfter both_made(reactor, 2);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) { both_made.count(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  auto client = connect_client(reactor, *port, [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) { both_made.count(); };
  });
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  auto client_side = client->protocols.at(0)->transport();
  auto server_side = server->protocols.at(0)->transport();
  CHECK(client_side->get_peer() == port->get_host());
  CHECK(server_side->get_host() == port->get_host());
  CHECK(server_side->get_peer() == client_side->get_host());
  CHECK(std::regex_match(client_side->get_host(), std::regex(R"(127\.0\.0\.1:\d+)")));
  CHECK(server->addresses.at(0) == client_side->get_host());  // what build_protocol was told
  CHECK(pim::testing::tcp_transport(*client->protocols.at(0))->log_prefix() ==
        "pim::testing::Recording," + port->get_host());
  reactor.remove_all();
}

TEST_CASE("an exception from data_received is logged and ends the connection with it as reason",
          "[common][part05][transport][tcp][log]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [](Recording& protocol) {
    protocol.on_made = [](Recording& self) { self.transport()->write("verse"); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  auto client = connect_client(reactor, *port, [](Recording& protocol) {
    protocol.on_data = [](Recording&, std::string_view) {
      throw std::runtime_error("unscannable verse");
    };
  });
  client->on_lost = [&](pim::Connector&) { reactor.stop(); };
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  const Recording& broken = *client->protocols.at(0);
  CHECK(broken.losses == 1);
  CHECK(broken.reason->to_string() == "[Failure: std::runtime_error: unscannable verse]");
  CHECK(client->lost == 1);
  CHECK(log.str().find("[pim::testing::Recording," + port->get_host() +
                       "] Unhandled error in do_read; disconnecting\n"
                       "\tstd::runtime_error: unscannable verse") != std::string::npos);
}

TEST_CASE("an exception from connection_made is logged and aborts the connection",
          "[common][part05][transport][tcp][log]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [](Recording&) { throw std::logic_error("no greeting"); };
    protocol.on_lost = [&](Recording&) { reactor.stop(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  auto client = connect_client(reactor, *port);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(server->protocols.at(0)->reason->to_string() == "[Failure: std::logic_error: no greeting]");
  CHECK(log.str().find("Unhandled error in connection_made; aborting the connection\n"
                       "\tstd::logic_error: no greeting") != std::string::npos);
  CHECK(port->listening());  // one bad connection does not stop the server
  reactor.remove_all();
}
