// Checks part 8, exercise 1: client 4.0's get_poetry() with a timeout (get_poetry_timeout.hpp).
// Calls your part08::get_poetry (exercises/ex01_timeout.cpp, compiled into this check) on a
// reactor of the check's own, against poetry servers running on that same reactor, so the check
// sees exactly what the client does: how the Deferred fires, when, how often, whether it closed
// the connection itself, and whether anything went to the log (a Deferred fired twice raises
// AlreadyCalledError in whichever callback fired it, and the reactor logs that). Every case runs
// on every backend.
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../get_poetry_timeout.hpp"
#include "pim/deferred.hpp"
#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/log.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"
#include "pim/testing/scripted_server.hpp"
#include "pim/timers.hpp"
#include "pim/transport.hpp"

namespace {

using pim::testing::first_half;
using pim::testing::Script;
using pim::testing::ScriptedPoetryFactory;
using pim::testing::second_half;

/// Everything the Deferred fired with, and when.
struct Outcomes {
  explicit Outcomes(pim::Reactor& reactor) : reactor(reactor) {}

  /// Attaches the recording callback and errback to \p d.
  void watch(pim::Deferred<std::string> d) {
    fired_before_return = d.called();
    d.add_callbacks([this](std::string poem) { poems.push_back(std::move(poem)); },
                    [this](const pim::Failure& reason) { failures.push_back(reason); })
        .add_both([this] { record(); });
  }

  void record() {
    at.push_back(reactor.seconds());
    // Once the call that fired the Deferred has returned (on the loop's next turn), the client
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
  std::function<void()> on_outcome;  // called after each firing, if set
  bool fired_before_return = false;
  std::vector<std::string> poems;
  std::vector<pim::Failure> failures;
  std::vector<double> at;                    // reactor time of each firing, in order
  std::vector<std::size_t> leftover_timers;  // client_timers() just after each firing
};

/// A test: a reactor, a scripted server, the client's outcomes, and what was logged.
struct Scene {
  explicit Scene(const std::string& backend)
      : redirect(logged), reactor(backend), outcomes(reactor) {}

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
    outcomes.watch(part08::get_poetry(reactor, "127.0.0.1", client_port, timeout));
    reactor.run();
  }

  void stop() {
    if (reactor.running()) reactor.stop();
  }

  std::ostringstream logged;
  pim::log::Redirect redirect;  // everything the reactor logs ends up in `logged`
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
  return GENERATE(from_range(pim::testing::backends()));
}

const char* const fired_twice_hint =
    "something was logged: a Deferred fired a second time raises AlreadyCalledError in whichever "
    "callback fired it. Take the Deferred out of the factory before closing the connection, so "
    "that only the first outcome fires it";

}  // namespace

TEST_CASE(
    "a poem not complete in time fails the Deferred with a PoemTimeoutError, once, and the "
    "connection is closed",
    "[part08][exercise][deferred][timers]") {
  Scene scene(backend_generator());
  const int port = scene.serve(Script::endless());  // sends half a poem, then nothing, forever
  // Once the server sees the client close, give a late second firing 0.2 s to show up, then stop.
  scene.server->log.on_client_closed = [&] {
    scene.reactor.call_later(0.2, [&] { scene.stop(); });
  };
  scene.run(port, 0.2, 3.0);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK_FALSE(outcomes.fired_before_return);
  CHECK(outcomes.poems.empty());
  INFO(outcomes.failures.size() << " failure(s) for a poem that never ends, 0.2 s timeout");
  REQUIRE(outcomes.failures.size() == 1);
  const pim::Failure& failure = outcomes.failures[0];
  INFO("the Deferred failed with " << failure);
  CHECK(is_poem_timeout(failure));
  CHECK(failure.check<std::runtime_error>() != nullptr);
  CHECK_FALSE(failure.what().empty());
  const double waited = outcomes.at[0] - scene.started;
  CHECK(waited >= 0.19);
  CHECK(waited < 2.0);
  {
    INFO(
        "the server never saw the connection end: close it (the connector's disconnect(), or the "
        "transport's lose_connection()) when the time is up");
    CHECK(scene.server->log.client_closed);
  }
  INFO(fired_twice_hint << "\nthe log:\n" << scene.logged.str());
  CHECK(scene.logged.str().empty());
}

TEST_CASE("a poem that arrives in time fires the Deferred's callback and cancels its timeout",
          "[part08][exercise][deferred][timers]") {
  Scene scene(backend_generator());
  const int port = scene.serve(Script::rest_after_seconds(0));  // the whole poem at once
  // Runs past the 0.3 s timeout, so that a timer left running would have fired.
  scene.run(port, 0.3, 0.5);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK_FALSE(outcomes.fired_before_return);
  REQUIRE(outcomes.poems.size() == 1);
  CHECK(outcomes.poems[0] == first_half + second_half);
  CHECK(outcomes.failures.empty());
  {
    INFO("a timer was still pending after the poem arrived: cancel it when the Deferred fires");
    REQUIRE(outcomes.leftover_timers.size() == 1);
    CHECK(outcomes.leftover_timers[0] == 0);
  }
  INFO(fired_twice_hint << "\nthe log:\n" << scene.logged.str());
  CHECK(scene.logged.str().empty());
}

TEST_CASE("a refused connection fails the Deferred once, and no timeout follows",
          "[part08][exercise][deferred][timers]") {
  Scene scene(backend_generator());
  pim::testing::RefusingPort refusing;
  scene.run(refusing.port(), 0.2, 0.5);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK(outcomes.poems.empty());
  REQUIRE(outcomes.failures.size() == 1);
  INFO("the Deferred failed with " << outcomes.failures[0]);
  CHECK(outcomes.failures[0].check<pim::ConnectionRefusedError>() != nullptr);
  {
    INFO("a timer was still pending after the failure: cancel it when the Deferred fires");
    REQUIRE(outcomes.leftover_timers.size() == 1);
    CHECK(outcomes.leftover_timers[0] == 0);
  }
  INFO(fired_twice_hint << "\nthe log:\n" << scene.logged.str());
  CHECK(scene.logged.str().empty());
}

TEST_CASE("a connection that breaks fails the Deferred once, and no timeout follows",
          "[part08][exercise][deferred][timers]") {
  Scene scene(backend_generator());
  const int port = scene.serve(Script::abort_after_seconds(0.05));
  scene.run(port, 0.3, 0.5);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK(outcomes.poems.empty());
  REQUIRE(outcomes.failures.size() == 1);
  INFO("the Deferred failed with " << outcomes.failures[0]);
  CHECK_FALSE(is_poem_timeout(outcomes.failures[0]));
  CHECK(outcomes.failures[0].check<pim::ConnectionLost, pim::ConnectError>() != nullptr);
  {
    INFO("a timer was still pending after the failure: cancel it when the Deferred fires");
    REQUIRE(outcomes.leftover_timers.size() == 1);
    CHECK(outcomes.leftover_timers[0] == 0);
  }
  INFO(fired_twice_hint << "\nthe log:\n" << scene.logged.str());
  CHECK(scene.logged.str().empty());
}

TEST_CASE("without a timeout a slow poem is waited for", "[part08][exercise][deferred]") {
  Scene scene(backend_generator());
  const int port = scene.serve(Script::rest_after_seconds(0.3));
  // Stop as soon as the Deferred fires; the deadline is only a safety net.
  scene.outcomes.on_outcome = [&] { scene.reactor.call_later(0, [&] { scene.stop(); }); };
  scene.run(port, std::nullopt, 5.0);
  const Outcomes& outcomes = scene.outcomes;

  INFO("backend " << scene.reactor.backend());
  CHECK(outcomes.failures.empty());
  REQUIRE(outcomes.poems.size() == 1);
  CHECK(outcomes.poems[0] == first_half + second_half);
}
