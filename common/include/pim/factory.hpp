/// \file
/// \brief Protocol factories: what makes a new protocol for each connection, and hears how
/// connection attempts end.
///
/// Introduced in part 5 (PoetryClientFactory counts task numbers in build_protocol() and stops
/// the reactor when every poem is done). The C++ counterparts of Twisted's Factory,
/// ClientFactory and ServerFactory. Tests: common/tests/test_protocol.cpp and test_tcp_*.cpp.
///
/// The library cannot know which protocol class your program needs, so connect_tcp() and
/// listen_tcp() take a factory and call its build_protocol() whenever a connection is made
/// (Figure 8). Say which class it builds with set_protocol<P>(), or override build_protocol()
/// to prepare each protocol:
///
/// \code
/// class PoetryClientFactory : public pim::ClientFactory {
///  public:
///   std::shared_ptr<pim::Protocol> build_protocol(const std::string& address) override {
///     auto protocol = make_protocol<PoetryProtocol>();  // made and linked to this factory
///     protocol->task_num = next_task_++;
///     return protocol;
///   }
///   void client_connection_failed(pim::Connector& connector, const pim::Failure&) override {
///     std::cout << "Failed to connect to: " << connector.get_destination() << '\n';
///   }
///  private:
///   int next_task_ = 1;
/// };
/// auto factory = std::make_shared<PoetryClientFactory>();
/// pim::connect_tcp(reactor, "127.0.0.1", 10000, factory);
/// \endcode
///
/// **Ownership.** Factories are shared: make them with `std::make_shared`. Connectors, ports and
/// open connections keep their factory alive, so a factory lives as long as anything uses it,
/// whoever else drops it. Protocols only refer to it weakly (protocol.hpp explains why).
/// Everything here runs on the reactor's thread.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <utility>

#include "pim/failure.hpp"
#include "pim/function.hpp"
#include "pim/protocol.hpp"

namespace pim {

class Connector;

/// Makes protocols (Twisted's Factory). Use ClientFactory or ServerFactory for their hooks, or
/// this class directly with set_protocol<P>().
class Factory : public std::enable_shared_from_this<Factory> {
 public:
  Factory() = default;
  virtual ~Factory();
  Factory(const Factory&) = delete;
  Factory& operator=(const Factory&) = delete;

  /// Makes the protocol for one new connection and links it to this factory, so that its
  /// factory() works (Figure 8). The default builds the class chosen with set_protocol().
  /// Connectors and ports call this; an exception from it is logged and the connection dropped.
  /// \param address the peer's address, `HOST:PORT`
  /// \returns the new protocol; or null to refuse the connection, which is then closed
  /// \throws std::logic_error if no protocol class was chosen and the method is not overridden
  virtual std::shared_ptr<Protocol> build_protocol(const std::string& address);

  /// Chooses the class the default build_protocol() makes (Twisted's `protocol = P`).
  template <class P>
  requires std::derived_from<P, Protocol> && std::default_initializable<P>
  void set_protocol() {
    maker_ = [] { return std::shared_ptr<Protocol>(std::make_shared<P>()); };
  }

  /// \name Start and stop hooks
  /// A factory may serve several ports and connectors. start_factory() runs when the first of
  /// them starts, stop_factory() when the last one stops: the place to open and close what
  /// every connection shares (a log file, a cache).
  ///@{
  virtual void start_factory() {}
  virtual void stop_factory() {}

  /// A port or connector starts using this factory: the first one calls start_factory().
  /// Called by listen_tcp() and Connector::connect(); you rarely call it yourself.
  void do_start();
  /// A port or connector stops using this factory: the last one calls stop_factory(). Calls
  /// without a matching do_start() are ignored.
  void do_stop();
  /// How many ports and connectors currently use this factory.
  int users() const noexcept { return users_; }
  ///@}

  /// When true, do_start() and do_stop() log `Starting factory NAME` and `Stopping factory
  /// NAME`, and listen_tcp() logs the port. Off by default, so clients print only what they
  /// choose to.
  void set_noisy(bool noisy) noexcept { noisy_ = noisy; }
  bool noisy() const noexcept { return noisy_; }

  /// The factory's class name, for log lines (`PoetryClientFactory`).
  std::string name() const;

 protected:
  /// Makes a \p P from \p args and links it to this factory: the building block of a
  /// build_protocol() override that needs to prepare each protocol.
  /// \pre this factory is owned by a std::shared_ptr (else the protocol's factory() throws)
  template <class P, class... Args>
  std::shared_ptr<P> make_protocol(Args&&... args) {
    static_assert(std::derived_from<P, Protocol>, "make_protocol<P>: P must derive from Protocol");
    std::shared_ptr<P> protocol = std::make_shared<P>(std::forward<Args>(args)...);
    link(*protocol);
    return protocol;
  }

  /// Links a protocol made some other way to this factory.
  void link(Protocol& protocol);

 private:
  UniqueFunction<std::shared_ptr<Protocol>()> maker_;
  int users_ = 0;
  bool noisy_ = false;
};

/// A factory for connect_tcp(): it also hears how each connection attempt ends (Twisted's
/// ClientFactory). Every hook does nothing by default.
///
/// For one attempt, the calls are: started_connecting(); then either
/// client_connection_failed() (refused, timed out, unresolvable, cancelled), or
/// build_protocol(), the protocol's life, and client_connection_lost(). Each attempt gets
/// exactly one of the last two, always from the reactor loop, never from inside connect_tcp().
/// A hook may call `connector.connect()` to try again.
class ClientFactory : public Factory {
 public:
  /// An attempt has begun (called from inside connect_tcp() or Connector::connect()).
  virtual void started_connecting(Connector& connector);

  /// The attempt failed; no protocol was built.
  /// \param connector the attempt's connector (call connector.connect() to try again)
  /// \param reason a ConnectError: ConnectionRefusedError, TimeoutError, DNSLookupError,
  ///        ConnectCancelledError, or a plain ConnectError with the system's text
  virtual void client_connection_failed(Connector& connector, const Failure& reason);

  /// A connection that was made has ended; the protocol's connection_lost() has already run.
  /// \param connector the attempt's connector (call connector.connect() to reconnect)
  /// \param reason the same reason the protocol got (ConnectionDone, ConnectionLost...)
  virtual void client_connection_lost(Connector& connector, const Failure& reason);
};

/// A factory for listen_tcp() (Twisted's ServerFactory): no hooks of its own; the name says
/// what it is for.
class ServerFactory : public Factory {};

}  // namespace pim
