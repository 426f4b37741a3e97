// Exercise 3 of part 11: the slow poetry server on the reactor (medium). Reference answer.
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
// This is our answer: one DelayedCall per connection, cancelled in connection_lost().
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
class SlowPoetryProtocol : public pim::Protocol {
 public:
  void connection_made() override {
    peer_ = transport()->get_peer();
    send_next_chunk();
  }

  // The connection is over. If the poem was not, the next chunk is still scheduled, and its
  // function points at this protocol, which is about to be destroyed: cancel it.
  void connection_lost(const pim::Failure&) override {
    if (next_chunk_.active()) {
      next_chunk_.cancel();
      const auto& poem = factory<SlowPoetryFactory>()->settings().poem;
      pim::log::msg(peer_, "left after", sent_, "of", poem.size(), "bytes; next chunk cancelled");
    }
  }

 private:
  void send_next_chunk() {
    auto factory = this->factory<SlowPoetryFactory>();
    const SlowPoem& settings = factory->settings();
    std::string_view chunk = std::string_view(settings.poem).substr(sent_, settings.num_bytes);
    transport()->write(chunk);
    sent_ += chunk.size();
    if (sent_ >= settings.poem.size()) {
      transport()->lose_connection();  // after the last chunk has been flushed
      return;
    }
    next_chunk_ = factory->reactor().call_later(settings.delay, [this] { send_next_chunk(); });
  }

  std::string peer_;
  std::size_t sent_ = 0;
  pim::DelayedCall next_chunk_;  // the chunk after this one, while there is one
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
