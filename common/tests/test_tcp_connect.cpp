// connect_tcp() and Connector (part 5): refused, timed-out and unresolvable destinations each
// reach client_connection_failed exactly once; names are looked up off the loop; connectors
// reconnect, disconnect and stop; a reactor may die while a look-up is in flight. Every test
// runs on every reactor backend.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "pim/detail/resolver.hpp"
#include "pim/error.hpp"
#include "pim/tcp.hpp"
#include "pim/testing/process.hpp"
#include "pim/thread_link.hpp"
#include "tcp_testing.hpp"

using namespace std::chrono_literals;
using pim::Connector;
using pim::Reactor;
using pim::testing::Recording;
using pim::testing::RecordingClient;
using pim::testing::RecordingServer;
using pim::testing::StopAfter;
using pim::testing::Watchdog;

namespace {

// True when nothing is left that could report anything: no descriptor registered, and no timed
// call pending beyond `timers` (the test's watchdog). Checked from client_connection_failed,
// it shows the failure is the attempt's last word, not just its first.
bool nothing_left(Reactor& reactor, std::size_t timers = 1) {
  return reactor.readers().empty() && reactor.writers().empty() &&
         reactor.delayed_calls().size() <= timers;
}

// Stops the reactor on its next turn (after the current callback has fully returned).
void stop_soon(Reactor& reactor) {
  reactor.call_later(0, [&reactor] {
    if (reactor.running()) reactor.stop();
  });
}

// A listening socket whose accept queue is full and that never accepts. Linux (and gVisor)
// then drop further SYNs, so a new connection attempt gets no answer and stays in progress:
// a slow connect without leaving the machine. `ok` is false where the kernel behaves otherwise.
struct FullBacklog {
  pim::Fd listener = pim::listen_blocking("127.0.0.1", 0, 0);
  int port = pim::local_port(listener.get());
  std::vector<pim::Fd> fillers;
  bool ok = false;

  FullBacklog() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    for (int i = 0; i < 16 && !ok; ++i) {
      pim::Fd filler(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      REQUIRE(filler);
      ::connect(filler.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
      pollfd wait{filler.get(), POLLOUT, 0};
      ok = ::poll(&wait, 1, 200) == 0;  // no answer within 200 ms: the queue is full
      fillers.push_back(std::move(filler));
    }
  }
};

// A name look-up the test controls: it waits at `release` after signalling `entered`, then
// answers 127.0.0.1. Shared, because the resolver thread may outlive a failing test's frame.
struct Gate {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> lookups{0};
  std::atomic<bool> off_loop{true};
};

// Installs a controlled resolver for one test; the system resolver comes back afterwards.
class ResolverOverride {
 public:
  explicit ResolverOverride(std::shared_ptr<Gate> gate, std::thread::id loop_thread) {
    pim::detail::set_name_resolver_for_testing([gate, loop_thread](const std::string&, int port) {
      if (std::this_thread::get_id() == loop_thread) gate->off_loop = false;
      if (gate->lookups++ == 0) gate->entered.set_value();
      gate->released.wait_for(10s);
      return pim::detail::resolve_numeric("127.0.0.1", port).value();
    });
  }
  ~ResolverOverride() { pim::detail::set_name_resolver_for_testing(nullptr); }
  ResolverOverride(const ResolverOverride&) = delete;
  ResolverOverride& operator=(const ResolverOverride&) = delete;
};

std::shared_ptr<pim::Port> serve(Reactor& reactor, std::shared_ptr<RecordingServer> server,
                                 const std::string& interface = "127.0.0.1") {
  return pim::listen_tcp(reactor, 0, std::move(server), 50, interface);
}

}  // namespace

TEST_CASE("a refused connection reaches client_connection_failed once, from the loop",
          "[common][part05][connect][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  pim::testing::RefusingPort refusing;
  auto client = std::make_shared<RecordingClient>();
  bool quiet = false;
  client->on_failed = [&](Connector& connector) {
    quiet = nothing_left(reactor);
    CHECK(connector.state() == Connector::State::disconnected);
    stop_soon(reactor);
  };
  auto connector = pim::connect_tcp(reactor, "127.0.0.1", refusing.port(), client);
  // Reported later, never from inside connect_tcp(): only started_connecting has run.
  CHECK(client->started == 1);
  CHECK(client->failed == 0);
  CHECK(connector->state() == Connector::State::connecting);
  CHECK(connector->get_destination() == "127.0.0.1:" + std::to_string(refusing.port()));
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->failed == 1);
  CHECK(quiet);
  CHECK(client->lost == 0);
  CHECK(client->addresses.empty());  // no protocol was ever built
  REQUIRE(client->reason);
  CHECK(client->reason->check<pim::ConnectionRefusedError>());
  CHECK(client->reason->check<pim::ConnectError>());
  CHECK_FALSE(client->reason->has_frames());
  CHECK(client->reason->to_string() == "[Failure: ConnectionRefusedError: Connection was refused]");
  CHECK(client->starts == 1);
  CHECK(client->stops == 1);
}

TEST_CASE("a connection attempt that gets no answer fails with TimeoutError once",
          "[common][part05][connect][tcp]") {
  std::string backend = EACH_BACKEND();
  FullBacklog full;
  if (!full.ok) PIM_SKIP("this kernel answers connections to a full accept queue");
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto client = std::make_shared<RecordingClient>();
  bool quiet = false;
  double failed_after = 0;
  const double started = reactor.seconds();
  client->on_failed = [&](Connector&) {
    failed_after = reactor.seconds() - started;
    quiet = nothing_left(reactor);
    stop_soon(reactor);
  };
  pim::connect_tcp(reactor, "127.0.0.1", full.port, client, 0.2);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->failed == 1);
  CHECK(quiet);
  CHECK(client->addresses.empty());
  REQUIRE(client->reason);
  CHECK(client->reason->check<pim::TimeoutError>());
  CHECK(client->reason->to_string() ==
        "[Failure: TimeoutError: Connection attempt timed out after 0.2 seconds]");
  CHECK(failed_after >= 0.2);
  CHECK(failed_after < 2.0);
}

TEST_CASE("an unresolvable host name fails with DNSLookupError once",
          "[common][part05][connect][tcp][dns]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor, 20);
  auto client = std::make_shared<RecordingClient>();
  bool quiet = false;
  client->on_failed = [&](Connector&) {
    quiet = nothing_left(reactor);
    stop_soon(reactor);
  };
  // .invalid is reserved (RFC 2606): no resolver anywhere may answer it.
  pim::connect_tcp(reactor, "no-such-poet.invalid", 10000, client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->failed == 1);
  CHECK(quiet);
  REQUIRE(client->reason);
  CHECK(client->reason->check<pim::DNSLookupError>());
  CHECK(client->reason->what().rfind("DNS lookup failed: no address for no-such-poet.invalid (",
                                     0) == 0);
}

TEST_CASE("a host name is looked up on another thread while the loop carries on",
          "[common][part05][connect][tcp][dns]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto gate = std::make_shared<Gate>();
  ResolverOverride resolver(gate, std::this_thread::get_id());
  auto server = std::make_shared<RecordingServer>();
  auto port = serve(reactor, server);
  auto client = std::make_shared<RecordingClient>();
  client->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) { reactor.stop(); };
  };
  // The look-up is held until this timer runs: if it blocked the loop, the timer never would.
  bool timer_ran_during_lookup = false;
  reactor.call_later(0.01, [&] {
    timer_ran_during_lookup = client->protocols.empty();
    gate->release.set_value();
  });
  pim::connect_tcp(reactor, "poetry.test", port->port(), client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(timer_ran_during_lookup);
  CHECK(gate->off_loop);
  CHECK(client->protocols.size() == 1);
  reactor.remove_all();
}

TEST_CASE("localhost is resolved by the system and connects",
          "[common][part05][connect][tcp][dns]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  auto port = serve(reactor, server);
  auto client = std::make_shared<RecordingClient>();
  client->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) { reactor.stop(); };
  };
  auto connector = pim::connect_tcp(reactor, "localhost", port->port(), client);
  CHECK(connector->get_destination() == "localhost:" + std::to_string(port->port()));
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->failed == 0);
  CHECK(client->protocols.size() == 1);
  CHECK(connector->state() == Connector::State::connected);
  CHECK(connector->transport()->get_peer() == port->get_host());
  reactor.remove_all();
}

TEST_CASE("IPv6 addresses connect like IPv4 ones", "[common][part05][connect][tcp][ipv6]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  std::shared_ptr<pim::Port> port;
  try {
    port = serve(reactor, server, "::1");
  } catch (const pim::CannotListenError&) {
    PIM_SKIP("no IPv6 loopback on this machine");
  }
  CHECK(port->get_host() == "[::1]:" + std::to_string(port->port()));
  auto client = std::make_shared<RecordingClient>();
  StopAfter both(reactor, 2);
  client->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) { both.count(); };
  };
  auto plain = pim::connect_tcp(reactor, "::1", port->port(), client);
  auto bracketed = pim::connect_tcp(reactor, "[::1]", port->port(), client);
  CHECK(bracketed->get_destination() == "[::1]:" + std::to_string(port->port()));
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  REQUIRE(client->protocols.size() == 2);
  CHECK(client->protocols[0]->transport()->get_peer() == port->get_host());
  CHECK(client->protocols[1]->transport()->get_host().rfind("[::1]:", 0) == 0);
  reactor.remove_all();
}

TEST_CASE("client_connection_lost follows the protocol's connection_lost when a connection ends",
          "[common][part05][connect][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [](Recording& protocol) {
    protocol.on_made = [](Recording& self) {
      self.transport()->write("A short poem.");
      self.transport()->lose_connection();
    };
  };
  auto port = serve(reactor, server);
  std::vector<std::string> events;
  auto client = std::make_shared<RecordingClient>();
  client->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) { events.push_back("connection_made"); };
    protocol.on_lost = [&](Recording&) { events.push_back("connection_lost"); };
  };
  client->on_lost = [&](Connector& connector) {
    events.push_back("client_connection_lost");
    CHECK(connector.state() == Connector::State::disconnected);
    CHECK(connector.transport() == nullptr);
    stop_soon(reactor);
  };
  auto connector = pim::connect_tcp(reactor, "127.0.0.1", port->port(), client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(events ==
        std::vector<std::string>{"connection_made", "connection_lost", "client_connection_lost"});
  CHECK(client->protocols.at(0)->data == "A short poem.");
  CHECK(client->lost == 1);
  CHECK(client->failed == 0);
  CHECK(client->reason->check<pim::ConnectionDone>());
  CHECK(client->starts == 1);
  CHECK(client->stops == 1);
}

TEST_CASE("disconnect closes a made connection cleanly", "[common][part05][connect][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  auto port = serve(reactor, server);
  auto client = std::make_shared<RecordingClient>();
  std::shared_ptr<Connector> connector;
  client->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) {
      CHECK(connector->state() == Connector::State::connected);
      connector->disconnect();
    };
  };
  client->on_lost = [&](Connector&) { stop_soon(reactor); };
  connector = pim::connect_tcp(reactor, "127.0.0.1", port->port(), client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->lost == 1);
  CHECK(client->reason->check<pim::ConnectionDone>());
  CHECK(connector->state() == Connector::State::disconnected);
  connector->disconnect();  // nothing to do: no effect
  reactor.remove_all();
}

TEST_CASE("stop_connecting abandons an attempt at once, and its late look-up is ignored",
          "[common][part05][connect][tcp][dns]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto gate = std::make_shared<Gate>();
  ResolverOverride resolver(gate, std::this_thread::get_id());
  auto server = std::make_shared<RecordingServer>();
  auto port = serve(reactor, server);  // the late answer points here: it must not connect
  auto client = std::make_shared<RecordingClient>();
  std::shared_ptr<Connector> connector =
      pim::connect_tcp(reactor, "poetry.test", port->port(), client);
  reactor.call_when_running([&] {
    REQUIRE(gate->entered.get_future().wait_for(10s) == std::future_status::ready);
    connector->stop_connecting();
    CHECK(client->failed == 1);  // synchronously, as in Twisted
    CHECK(client->reason->check<pim::ConnectCancelledError>());
    CHECK(connector->state() == Connector::State::disconnected);
    CHECK_THROWS_AS(connector->stop_connecting(), pim::NotConnectingError);
    gate->release.set_value();
  });
  // The worker keeps the connector until its answer has been delivered (and dropped).
  std::function<void()> poll_until_answered = [&] {
    if (connector.use_count() == 1) {
      stop_soon(reactor);
    } else {
      reactor.call_later(0.001, poll_until_answered);
    }
  };
  reactor.call_later(0.001, poll_until_answered);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->failed == 1);
  CHECK(client->addresses.empty());
  CHECK(server->protocols.empty());
  CHECK(connector->state() == Connector::State::disconnected);
}

TEST_CASE("the reactor may be destroyed while a name is being looked up",
          "[common][part05][connect][tcp][dns]") {
  std::string backend = EACH_BACKEND();
  auto gate = std::make_shared<Gate>();
  ResolverOverride resolver(gate, std::this_thread::get_id());
  auto client = std::make_shared<RecordingClient>();
  std::weak_ptr<Connector> connector;
  std::shared_ptr<pim::ThreadLink> link;
  {
    Reactor reactor(backend);
    connector = pim::connect_tcp(reactor, "slow.test", 10000, client);
    link = reactor.thread_link();
    REQUIRE(gate->entered.get_future().wait_for(10s) == std::future_status::ready);
    CHECK(link->open());
  }  // destroyed with the look-up in flight
  CHECK_FALSE(link->open());
  CHECK_FALSE(link->call_from_thread([] {}));
  gate->release.set_value();
  // The worker's answer is dropped, and with it the last reference to the connector.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!connector.expired() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  CHECK(connector.expired());
  CHECK(client->failed == 0);
  CHECK(client->addresses.empty());
}

TEST_CASE("a client factory may reconnect from client_connection_failed",
          "[common][part05][connect][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  pim::testing::RefusingPort refusing;
  auto client = std::make_shared<RecordingClient>();
  client->on_failed = [&](Connector& connector) {
    if (client->failed < 3) {
      connector.connect();
    } else {
      stop_soon(reactor);
    }
  };
  pim::connect_tcp(reactor, "127.0.0.1", refusing.port(), client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->started == 3);
  CHECK(client->failed == 3);
  CHECK(client->starts == 1);  // the factory stayed started across the retries
  CHECK(client->stops == 1);
}

TEST_CASE("a factory that builds no protocol fails the attempt", "[common][part05][connect][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  auto port = serve(reactor, server);
  auto client = std::make_shared<RecordingClient>();
  client->refuse = true;
  client->on_failed = [&](Connector&) { stop_soon(reactor); };
  pim::connect_tcp(reactor, "127.0.0.1", port->port(), client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(client->failed == 1);
  CHECK(client->addresses.size() == 1);
  CHECK(client->reason->to_string() ==
        "[Failure: ConnectError: the factory built no protocol for " + port->get_host() + "]");
  reactor.remove_all();
}

TEST_CASE("connect_tcp rejects arguments that cannot work", "[common][part05][connect][tcp]") {
  Reactor reactor("poll");
  auto client = std::make_shared<RecordingClient>();
  CHECK_THROWS_AS(pim::connect_tcp(reactor, "", 10000, client), std::invalid_argument);
  CHECK_THROWS_AS(pim::connect_tcp(reactor, "127.0.0.1", 0, client), std::invalid_argument);
  CHECK_THROWS_AS(pim::connect_tcp(reactor, "127.0.0.1", 65536, client), std::invalid_argument);
  CHECK_THROWS_AS(pim::connect_tcp(reactor, "127.0.0.1", 10000, nullptr), std::invalid_argument);
  CHECK_THROWS_AS(pim::connect_tcp(reactor, "127.0.0.1", 10000, client, -1.0),
                  std::invalid_argument);
  CHECK(client->started == 0);
}
