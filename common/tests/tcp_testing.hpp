// Helpers shared by the TCP tests (test_tcp_*.cpp): a protocol and factories that record what
// happens to them, a byte pattern that shows reordering, and a countdown that stops the reactor.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pim/factory.hpp"
#include "pim/failure.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/transport.hpp"
#include "reactor_testing.hpp"

namespace pim::testing {

// `size` bytes in which every position differs from its neighbours and the pattern does not
// repeat at any power of two: a lost, duplicated or reordered chunk shows.
inline std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>((i * 7 + i / 251) % 251);
  }
  return bytes;
}

// True if `data` is the first data.size() bytes of `whole` (checked without printing megabytes).
inline bool is_prefix(const std::string& data, const std::string& whole) {
  return data.size() <= whole.size() && whole.compare(0, data.size(), data) == 0;
}

// A protocol that records its callbacks; the hooks let a test act at each step.
class Recording : public Protocol {
 public:
  void connection_made() override {
    ++made;
    if (on_made) on_made(*this);
  }
  void data_received(std::string_view bytes) override {
    data.append(bytes);
    ++chunks;
    if (on_data) on_data(*this, bytes);
  }
  void connection_lost(const Failure& why) override {
    ++losses;
    reason = why;
    if (on_lost) on_lost(*this);
  }

  // The reason's exception type, e.g. "pim::ConnectionDone" ("(none)" before the loss).
  std::string reason_type() const { return reason ? reason->type_name() : "(none)"; }

  std::function<void(Recording&)> on_made;
  std::function<void(Recording&, std::string_view)> on_data;
  std::function<void(Recording&)> on_lost;
  std::string data;
  int made = 0;
  int chunks = 0;
  int losses = 0;
  std::optional<Failure> reason;
};

// The parts the two recording factories share: every protocol built is kept for inspection,
// `setup` prepares each one, and the start/stop hooks are counted.
template <class Base>
class RecordingFactory : public Base {
 public:
  std::shared_ptr<Protocol> build_protocol(const std::string& address) override {
    addresses.push_back(address);
    if (refuse) return nullptr;
    auto protocol = this->template make_protocol<Recording>();
    if (setup) setup(*protocol);
    protocols.push_back(protocol);
    return protocol;
  }
  void start_factory() override { ++starts; }
  void stop_factory() override { ++stops; }

  std::function<void(Recording&)> setup;
  bool refuse = false;  // build no protocol
  std::vector<std::shared_ptr<Recording>> protocols;
  std::vector<std::string> addresses;
  int starts = 0;
  int stops = 0;
};

class RecordingServer : public RecordingFactory<ServerFactory> {};

class RecordingClient : public RecordingFactory<ClientFactory> {
 public:
  void started_connecting(Connector&) override { ++started; }
  void client_connection_failed(Connector& connector, const Failure& why) override {
    ++failed;
    reason = why;
    if (on_failed) on_failed(connector);
  }
  void client_connection_lost(Connector& connector, const Failure& why) override {
    ++lost;
    reason = why;
    if (on_lost) on_lost(connector);
  }

  std::function<void(Connector&)> on_failed;
  std::function<void(Connector&)> on_lost;
  int started = 0;
  int failed = 0;
  int lost = 0;
  std::optional<Failure> reason;
};

// Stops the reactor once `count()` has been called `n` times: "wait for these n events".
class StopAfter {
 public:
  StopAfter(Reactor& reactor, int n) : reactor_(reactor), left_(n) {}
  void count() {
    if (--left_ == 0 && reactor_.running()) reactor_.stop();
  }
  int left() const { return left_; }

 private:
  Reactor& reactor_;
  int left_;
};

// The TcpTransport behind a protocol's transport(), for the test-only buffer_size().
inline std::shared_ptr<TcpTransport> tcp_transport(const Protocol& protocol) {
  return std::dynamic_pointer_cast<TcpTransport>(protocol.transport());
}

}  // namespace pim::testing
