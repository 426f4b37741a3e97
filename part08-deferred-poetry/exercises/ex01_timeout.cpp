// Exercise 1 of part 8: client 4.0's get_poetry() with a timeout (medium).
//
// A poem that is not complete `timeout` seconds after get_poetry() was called must fail the
// Deferred with a PoemTimeoutError (an exception class you define), after the connection has been
// closed; whatever the connection reports afterwards must not fire the Deferred again, and a poem
// that makes it in time must cancel its timer. part08-deferred-poetry/get_poetry_timeout.hpp has
// the exact contract.
//
// As shipped, this is client 4.0's get_poetry() and ignores the timeout: the check fails.
// Try it, change it, check it:
//   cmake --build build --target check08 && build/bin/part08/exercises/get-poetry-timeout
//       --timeout 2 10000
//   ./tutorial check 8
#include <memory>
#include <optional>
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

// TODO: define PoemTimeoutError, derived from std::runtime_error, whose message says how many
//       seconds the download was given.

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

  // TODO: a way to start the timer. When it fires: take the Deferred (if it is still here),
  //       close the connection (or stop the attempt), then fail the Deferred with a
  //       PoemTimeoutError.

 private:
  // TODO: once a timer exists, whoever takes the Deferred first has decided the outcome: the
  //       timer is no longer needed then.
  std::optional<pim::Deferred<std::string>> take_deferred() {
    return std::exchange(deferred_, std::nullopt);
  }

  std::optional<pim::Deferred<std::string>> deferred_;
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
                                              int port,
                                              [[maybe_unused]] std::optional<double> timeout) {
  pim::Deferred<std::string> d;
  auto factory = std::make_shared<PoetryClientFactory>(d);
  [[maybe_unused]] std::shared_ptr<pim::Connector> connector =
      pim::connect_tcp(reactor, host, port, factory);
  // TODO: if timeout has a value, start the factory's timer here.
  return d;
}
