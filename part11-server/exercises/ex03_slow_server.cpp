// Exercise 3 of part 11: the slow poetry server on the reactor (medium).
//
// Part 2's slowpoetry sleeps between chunks, so it serves one client at a time. Write its
// factory for the reactor instead: part11::make_slow_poetry_factory() in
// part11-server/slow_poetry.hpp, whose comment is the exact contract. Each connection gets the
// first --num-bytes bytes at once, then another chunk every --delay seconds, scheduled with
// reactor.call_later() (or a pim::LoopingCall), then the connection is closed. Many clients are
// served at once, each at its own pace, because nobody sleeps: between chunks every connection
// is just a timer waiting in the reactor.
//
// And a client that hangs up half-way must take its timer with it: once the protocol's
// connection_lost() has run, none of that connection's timers may still be pending. The check
// runs your factory inside its own reactor and looks at what is left there.
//
// As shipped, every connection gets the whole poem at once, like fastpoetry: the check fails.
// Try it, change it, check it:
//   cmake --build build --target check11 &&
//       build/bin/part11/exercises/reactor-slowpoetry --port 10000 poetry/slow_river.txt
//   ./tutorial check 11
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "../slow_poetry.hpp"
#include "pim/factory.hpp"
#include "pim/failure.hpp"
#include "pim/log.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/timers.hpp"
#include "pim/transport.hpp"

namespace part11 {
namespace {

// The reactor and the settings every connection shares.
class SlowPoetryFactory : public pim::ServerFactory {
 public:
  SlowPoetryFactory(pim::Reactor& reactor, SlowPoem settings)
      : reactor_(reactor), settings_(std::move(settings)) {}

  std::shared_ptr<pim::Protocol> build_protocol(const std::string& address) override;

  pim::Reactor& reactor() const { return reactor_; }
  const SlowPoem& settings() const { return settings_; }

 private:
  pim::Reactor& reactor_;
  SlowPoem settings_;
};

//! [protocol]
// TODO: send the poem in chunks of settings.num_bytes bytes: the first at once, then one every
// settings.delay seconds (factory->reactor().call_later(...), or a pim::LoopingCall), and
// lose_connection() after the last. Keep the pending timer in the protocol, and in
// connection_lost() cancel it if it is still active(): a client may hang up half-way, and a
// timer left behind would call into a protocol that no longer exists.
class SlowPoetryProtocol : public pim::Protocol {
 public:
  void connection_made() override {
    const SlowPoem& settings = factory<SlowPoetryFactory>()->settings();
    transport()->write(settings.poem);
    transport()->lose_connection();
  }

  void connection_lost(const pim::Failure&) override {
    // TODO: cancel the next chunk's timer, if there is one.
  }
};
//! [protocol]

std::shared_ptr<pim::Protocol> SlowPoetryFactory::build_protocol(const std::string&) {
  return make_protocol<SlowPoetryProtocol>();
}

}  // namespace

std::shared_ptr<pim::ServerFactory> make_slow_poetry_factory(pim::Reactor& reactor,
                                                             SlowPoem settings) {
  return std::make_shared<SlowPoetryFactory>(reactor, std::move(settings));
}

}  // namespace part11
