/// \file
/// \brief A poetry server on the test's own reactor that follows a script: half a poem, then
/// the rest after a while, never, or a broken connection.
///
/// For checks that must see exactly how a client reacts to a slow, endless or failing server
/// (the timeout exercises of parts 6 and 8), in-process, on every backend. Header-only; the test
/// target links `pim`.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "pim/factory.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/timers.hpp"
#include "pim/transport.hpp"

namespace pim::testing {

inline const std::string first_half = "The ferry waits for no one,\n";
inline const std::string second_half = "but the river waits for all.\n";

/// How a test poetry server behaves once it has sent the first half of its poem.
struct Script {
  /// Seconds until it sends the second half and closes; negative: never (an endless poem).
  double rest_after = -1;
  /// If set, seconds until it aborts the connection instead (a server that breaks down).
  std::optional<double> abort_after;

  static Script endless() { return Script{-1, std::nullopt}; }
  static Script rest_after_seconds(double seconds) { return Script{seconds, std::nullopt}; }
  static Script abort_after_seconds(double seconds) { return Script{-1, seconds}; }
};

/// What a test server saw, shared with the test.
struct ServerLog {
  int connections = 0;
  bool client_closed = false;  ///< the client ended the connection before the server did
  std::function<void()> on_client_closed;
};

class ScriptedPoetryProtocol : public pim::Protocol {
 public:
  void connection_made() override;
  void connection_lost(const pim::Failure& reason) override;

 private:
  bool ended_by_us_ = false;
  pim::DelayedCall next_;
};

class ScriptedPoetryFactory : public pim::ServerFactory {
 public:
  ScriptedPoetryFactory(pim::Reactor& reactor, Script script) : reactor(reactor), script(script) {
    set_protocol<ScriptedPoetryProtocol>();
  }
  pim::Reactor& reactor;
  Script script;
  ServerLog log;
};

inline void ScriptedPoetryProtocol::connection_made() {
  auto factory = this->factory<ScriptedPoetryFactory>();
  ++factory->log.connections;
  transport()->write(first_half);
  // The timer holds the transport weakly; while the transport exists, so does this protocol (it
  // is the transport's), and connection_lost() cancels the timer before either goes away.
  std::weak_ptr<pim::Transport> weak = transport();
  if (factory->script.abort_after) {
    next_ = factory->reactor.call_later(*factory->script.abort_after, [this, weak] {
      if (auto transport = weak.lock()) {
        ended_by_us_ = true;
        transport->abort_connection();
      }
    });
  } else if (factory->script.rest_after >= 0) {
    next_ = factory->reactor.call_later(factory->script.rest_after, [this, weak] {
      if (auto transport = weak.lock()) {
        ended_by_us_ = true;
        transport->write(second_half);
        transport->lose_connection();
      }
    });
  }
}

inline void ScriptedPoetryProtocol::connection_lost(const pim::Failure&) {
  if (next_.active()) next_.cancel();
  if (ended_by_us_) return;
  auto factory = this->factory<ScriptedPoetryFactory>();
  factory->log.client_closed = true;
  if (factory->log.on_client_closed) factory->log.on_client_closed();
}

}  // namespace pim::testing
