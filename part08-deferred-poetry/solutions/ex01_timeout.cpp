// Exercise 1 of part 8: client 4.0's get_poetry() with a timeout (medium). Reference answer.
//
// A poem that is not complete `timeout` seconds after get_poetry() was called fails the Deferred
// with a PoemTimeoutError, after the connection has been closed; whatever the connection reports
// afterwards does not fire the Deferred again, and a poem that makes it in time cancels its
// timer. part08-deferred-poetry/get_poetry_timeout.hpp has the exact contract.
//
// Try it, change it, check it:
//   cmake --build build --target check08 && build/bin/part08/exercises/get-poetry-timeout
//       --timeout 2 10000
//   ./tutorial check 8
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "../get_poetry_timeout.hpp"
#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/protocol.hpp"
#include "pim/tcp.hpp"
#include "pim/timers.hpp"

namespace part08 {

// The custom exception: an errback can tell it apart from connection errors by its type.
class PoemTimeoutError : public std::runtime_error {
 public:
  explicit PoemTimeoutError(double seconds) : std::runtime_error(message(seconds)) {}

 private:
  static std::string message(double seconds) {
    std::ostringstream text;
    text << "Poem not received after " << seconds << " seconds";
    return text.str();
  }
};

}  // namespace part08

namespace {

class PoetryProtocol : public pim::Protocol {
 public:
  void data_received(std::string_view data) override { poem_ += data; }
  void connection_lost(const pim::Failure& reason) override;

 private:
  std::string poem_;
};

class PoetryClientFactory : public pim::ClientFactory {
 public:
  explicit PoetryClientFactory(pim::Deferred<std::string> deferred)
      : deferred_(std::move(deferred)) {
    set_protocol<PoetryProtocol>();
  }

  void poem_finished(std::string poem) {
    if (auto d = take_deferred()) d->callback(std::move(poem));
  }
  void poem_failed(const pim::Failure& reason) {
    if (auto d = take_deferred()) d->errback(reason);
  }
  void client_connection_failed(pim::Connector&, const pim::Failure& reason) override {
    poem_failed(reason);
  }

  // Gives the download \p seconds to finish. \p connector is what closes it if it does not.
  void start_timer(pim::Reactor& reactor, double seconds,
                   const std::shared_ptr<pim::Connector>& connector) {
    connector_ = connector;
    // A weak pointer: the timer must not keep the factory alive, and finds out if it is gone.
    std::weak_ptr<PoetryClientFactory> self =
        std::static_pointer_cast<PoetryClientFactory>(shared_from_this());
    timer_ = reactor.call_later(seconds, [self, seconds] {
      if (auto factory = self.lock()) factory->timed_out(seconds);
    });
  }

 private:
  // Whoever takes the Deferred first decides the outcome; everyone after them finds nothing.
  // The timer has nothing left to do then (unless it is the one taking it: it is running).
  std::optional<pim::Deferred<std::string>> take_deferred() {
    if (timer_.active()) timer_.cancel();
    return std::exchange(deferred_, std::nullopt);
  }

  void timed_out(double seconds) {
    std::optional<pim::Deferred<std::string>> d = take_deferred();
    if (!d) return;
    // Close first, now that the Deferred is no longer here for what the closing reports:
    // disconnect() stops an attempt in progress (reported at once, as ConnectCancelledError) or
    // closes an open connection (reported later, as ConnectionDone with half a poem).
    if (auto connector = connector_.lock()) connector->disconnect();
    d->errback(part08::PoemTimeoutError(seconds));
  }

  std::optional<pim::Deferred<std::string>> deferred_;
  pim::DelayedCall timer_;
  std::weak_ptr<pim::Connector> connector_;
};

void PoetryProtocol::connection_lost(const pim::Failure& reason) {
  if (reason.check<pim::ConnectionDone>()) {
    factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
  } else {
    factory<PoetryClientFactory>()->poem_failed(reason);
  }
}

}  // namespace

pim::Deferred<std::string> part08::get_poetry(pim::Reactor& reactor, const std::string& host,
                                              int port, std::optional<double> timeout) {
  pim::Deferred<std::string> d;
  auto factory = std::make_shared<PoetryClientFactory>(d);
  std::shared_ptr<pim::Connector> connector = pim::connect_tcp(reactor, host, port, factory);
  if (timeout) factory->start_timer(reactor, *timeout, connector);
  return d;
}
