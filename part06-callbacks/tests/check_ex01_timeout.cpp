// Checks part 6, exercise 1: client 3.1's get_poetry() with a timeout (get_poetry_timeout.hpp).
// Calls your part06::get_poetry (exercises/ex01_timeout.cpp, compiled into this check) on a
// reactor of the check's own, against poetry servers running on that same reactor, so the check
// sees exactly what the client does: which of callback and errback it calls, when, how often,
// and whether it closed the connection itself (the client process cannot exit and close it
// implicitly: the client *is* this process). Every case runs on every backend.
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "../get_poetry_timeout.hpp"
#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/process.hpp"
#include "pim/testing/scripted_server.hpp"
#include "pim/timers.hpp"
#include "pim/transport.hpp"

namespace {

using pim::testing::first_half;
using pim::testing::Script;
using pim::testing::ScriptedPoetryFactory;
using pim::testing::second_half;

/// Everything get_poetry() called back with, and when.
struct Outcomes {
  explicit Outcomes(pim::Reactor& reactor) : reactor(reactor) {}

  part06::PoemCallback callback() {
    return [this](std::string poem) {
      poems.push_back(std::move(poem));
      record();
    };
  }
  part06::PoemErrback errback() {
    return [this](const pim::Failure& reason) {
      failures.push_back(reason);
      record();
    };
  }

  void record() {
    at.push_back(reactor.seconds());
    // Once the call that decided the outcome has returned (on the loop's next turn), the client
    // should have no timer of its own left.
    reactor.call_later(0, [this] { leftover_timers.push_back(client_timers()); });
    if (on_outcome) on_outcome();
  }

  /// Pending timed calls scheduled by the client's code: not by this check, not by the library.
  std::size_t client_timers() const {
    std::size_t count = 0;
    for (const pim::DelayedCall& call : reactor.delayed_calls()) {
      const std::string file = call.where().file;
      const bool ours = file.find("check_ex01_timeout.cpp") != std::string::npos;
      const bool library = file.find("common/src/") != std::string::npos ||
                           file.find("common/testing/") != std::string::npos ||
                           file.find("common/include/") != std::string::npos;
      if (!ours && !library) ++count;
    }
    return count;
  }

  pim::Reactor& reactor;
  pim::DelayedCall deadline;
  std::function<void()> on_outcome;  // called after each callback or errback, if set
  std::vector<std::string> poems;
  std::vector<pim::Failure> failures;
  std::vector<double> at;                    // reactor time of each call, in order
  std::vector<std::size_t> leftover_timers;  // client_timers() just after each call
};

/// A test: a reactor, a scripted server, and the client's outcomes.
struct Scene {
  explicit Scene(const std::string& backend) : reactor(backend), outcomes(reactor) {}

  /// Starts a server following \p script and returns its port.
  int serve(Script script) {
    server = std::make_shared<ScriptedPoetryFactory>(reactor, script);
    port = pim::listen_tcp(reactor, 0, server);
    return port->port();
  }

  /// Calls get_poetry() for 127.0.0.1:\p port, then runs the reactor until it is stopped or
  /// \p seconds have passed.
  void run(int client_port, std::optional<double> timeout, double seconds) {
    outcomes.deadline = reactor.call_later(seconds, [this] { stop(); });
    started = reactor.seconds();
    part06::get_poetry(reactor, "127.0.0.1", client_port, outcomes.callback(), outcomes.errback(),
                       timeout);
    reactor.run();
  }

  void stop() {
    if (reactor.running()) reactor.stop();
  }

  pim::Reactor reactor;
  Outcomes outcomes;
  std::shared_ptr<ScriptedPoetryFactory> server;
  std::shared_ptr<pim::Port> port;
  double started = 0;
};

bool is_poem_timeout(const pim::Failure& failure) {
  return std::regex_search(failure.type_name(), std::regex("(^|::)PoemTimeoutError$"));
}

std::string backend_generator() {
  return GENERATE(from_range(pim::reactor_backends()));
}

}  // namespace

TEST_CASE(
    "a poem not complete in time goes to the errback as a PoemTimeoutError, and the "
    "connection is closed",
    "[part06][exercise][errbacks][timers]") {
  Scene scene(backend_generator());
  const int port = scene.serve(Script::endless());  // sends half a poem, then nothing, forever
  // Once the server sees the client close, give a late second call 0.2 s to show up, then stop.
  scene.server->log.on_client_closed = [&] {
    scene.reactor.call_later(0.2, [&] { scene.stop(); });
  };
  scene.run(port, 0.2, 3.0);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK(outcomes.poems.empty());
  INFO(outcomes.failures.size() << " errback call(s) for a poem that never ends, 0.2 s timeout");
  REQUIRE(outcomes.failures.size() == 1);
  const pim::Failure& failure = outcomes.failures[0];
  INFO("the errback got " << failure);
  CHECK(is_poem_timeout(failure));
  CHECK(failure.check<std::runtime_error>() != nullptr);
  CHECK_FALSE(failure.what().empty());
  const double waited = outcomes.at[0] - scene.started;
  CHECK(waited >= 0.19);
  CHECK(waited < 2.0);
  INFO(
      "the server never saw the connection end: close it (the transport's lose_connection(), "
      "or the connector's disconnect()) before calling the errback");
  CHECK(scene.server->log.client_closed);
}

TEST_CASE("a poem that arrives in time goes to the callback and cancels its timeout",
          "[part06][exercise][callbacks][timers]") {
  Scene scene(backend_generator());
  const int port = scene.serve(Script::rest_after_seconds(0));  // the whole poem at once
  // Runs past the 0.3 s timeout, so that a timer left running would have fired.
  scene.run(port, 0.3, 0.5);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  REQUIRE(outcomes.poems.size() == 1);
  CHECK(outcomes.poems[0] == first_half + second_half);
  CHECK(outcomes.failures.empty());
  INFO("a timer was still pending after the callback: cancel it when the poem arrives");
  REQUIRE(outcomes.leftover_timers.size() == 1);
  CHECK(outcomes.leftover_timers[0] == 0);
}

TEST_CASE("a refused connection goes to the errback once, and no timeout follows",
          "[part06][exercise][errbacks][timers]") {
  Scene scene(backend_generator());
  pim::testing::RefusingPort refusing;
  scene.run(refusing.port(), 0.2, 0.5);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK(outcomes.poems.empty());
  REQUIRE(outcomes.failures.size() == 1);
  INFO("the errback got " << outcomes.failures[0]);
  CHECK(outcomes.failures[0].check<pim::ConnectionRefusedError>() != nullptr);
  INFO("a timer was still pending after the errback: cancel it when the download fails");
  REQUIRE(outcomes.leftover_timers.size() == 1);
  CHECK(outcomes.leftover_timers[0] == 0);
}

TEST_CASE("a connection that breaks goes to the errback once, and no timeout follows",
          "[part06][exercise][errbacks][timers]") {
  Scene scene(backend_generator());
  const int port = scene.serve(Script::abort_after_seconds(0.05));
  scene.run(port, 0.3, 0.5);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK(outcomes.poems.empty());
  REQUIRE(outcomes.failures.size() == 1);
  INFO("the errback got " << outcomes.failures[0]);
  CHECK_FALSE(is_poem_timeout(outcomes.failures[0]));
  CHECK(outcomes.failures[0].check<pim::ConnectionLost, pim::ConnectError>() != nullptr);
  INFO("a timer was still pending after the errback: cancel it when the download fails");
  REQUIRE(outcomes.leftover_timers.size() == 1);
  CHECK(outcomes.leftover_timers[0] == 0);
}

TEST_CASE("without a timeout a slow poem is waited for", "[part06][exercise][callbacks]") {
  Scene scene(backend_generator());
  const int port = scene.serve(Script::rest_after_seconds(0.3));
  // Stop as soon as something is called back; the deadline is only a safety net.
  scene.outcomes.on_outcome = [&] { scene.reactor.call_later(0, [&] { scene.stop(); }); };
  scene.run(port, std::nullopt, 5.0);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK(outcomes.failures.empty());
  REQUIRE(outcomes.poems.size() == 1);
  CHECK(outcomes.poems[0] == first_half + second_half);
}
