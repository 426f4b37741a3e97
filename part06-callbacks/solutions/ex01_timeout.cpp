// Exercise 1 of part 6: client 3.1's get_poetry() with a timeout (medium). Reference answer.
//
// A poem that is not complete `timeout` seconds after get_poetry() was called goes to the
// errback as a PoemTimeoutError, after the connection has been closed; whatever happens to the
// connection afterwards is ignored, and a poem that makes it in time cancels its timer.
// part06-callbacks/get_poetry_timeout.hpp has the exact contract.
//
// Try it, change it, check it:
//   cmake --build build --target check06 && build/bin/part06/exercises/get-poetry-timeout
//       --timeout 2 10000
//   ./tutorial check 6
#include <memory>
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

namespace part06 {

// The custom exception: the errback can trap it by type, apart from connection errors.
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

}  // namespace part06

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
  PoetryClientFactory(part06::PoemCallback callback, part06::PoemErrback errback)
      : callback_(std::move(callback)), errback_(std::move(errback)) {
    set_protocol<PoetryProtocol>();
  }

  void poem_finished(std::string poem) {
    if (finish()) callback_(std::move(poem));
  }
  void poem_failed(const pim::Failure& reason) {
    if (finish()) errback_(reason);
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
  // The one place that decides the outcome: true the first time only, and then the timer (if
  // it is not the caller) is no longer needed.
  bool finish() {
    if (finished_) return false;
    finished_ = true;
    if (timer_.active()) timer_.cancel();
    return true;
  }

  void timed_out(double seconds) {
    if (!finish()) return;
    // Close first, while finished_ already makes us deaf to what the closing reports:
    // disconnect() stops an attempt in progress (reported at once as ConnectCancelledError) or
    // closes an open connection (reported later as ConnectionDone).
    if (auto connector = connector_.lock()) connector->disconnect();
    errback_(pim::Failure(part06::PoemTimeoutError(seconds)));
  }

  part06::PoemCallback callback_;
  part06::PoemErrback errback_;
  bool finished_ = false;
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

void part06::get_poetry(pim::Reactor& reactor, const std::string& host, int port,
                        PoemCallback callback, PoemErrback errback, std::optional<double> timeout) {
  auto factory = std::make_shared<PoetryClientFactory>(std::move(callback), std::move(errback));
  std::shared_ptr<pim::Connector> connector = pim::connect_tcp(reactor, host, port, factory);
  if (timeout) factory->start_timer(reactor, *timeout, connector);
}
