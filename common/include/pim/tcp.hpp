/// \file
/// \brief Making and accepting TCP connections: connect_tcp() with its Connector, listen_tcp()
/// with its Port.
///
/// Introduced in part 5 (the poetry clients hand connect_tcp() a factory instead of opening
/// sockets themselves); part 11's servers use listen_tcp(). The C++ counterparts of Twisted's
/// `reactor.connectTCP` and `reactor.listenTCP`. Tests: common/tests/test_tcp_connect.cpp and
/// test_tcp_listen.cpp, every one run against all three reactor backends.
///
/// \code
/// auto factory = std::make_shared<PoetryClientFactory>();
/// pim::connect_tcp(reactor, "localhost", 10000, factory);  // returns at once
/// reactor.run();  // factory and protocol callbacks happen in here
///
/// auto port = pim::listen_tcp(reactor, 0, std::make_shared<PoetryServerFactory>());
/// std::cout << "Serving on " << port->get_host() << '\n';  // 127.0.0.1:PORT
/// \endcode
///
/// Nothing here blocks the loop. Connecting uses a non-blocking connect() and waits for the
/// socket to become writable. Host names are looked up on a short-lived worker thread, because
/// the system resolver (getaddrinfo) blocks, for seconds if a DNS server is slow; the answer
/// comes back through Reactor::thread_link() (call_from_thread). Numeric addresses (`127.0.0.1`,
/// `::1`) need no look-up and skip the thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pim/descriptor.hpp"
#include "pim/detail/resolver.hpp"
#include "pim/factory.hpp"
#include "pim/socket.hpp"
#include "pim/timers.hpp"

namespace pim {

class Reactor;
class Transport;
class TcpTransport;

namespace detail {
class ConnectingSocket;
}

/// One client connection's attempts and life (Twisted's IConnector), returned by connect_tcp().
///
/// It exists for as long as anything needs it (an attempt in progress, an open connection, or a
/// `shared_ptr` you keep), and may be reused: connect() starts a new attempt once the previous
/// connection has ended or failed, which is how a client reconnects. Reactor thread only.
///
/// \pre the reactor it was made with outlives every call to its methods
class Connector : public std::enable_shared_from_this<Connector> {
 public:
  enum class State {
    disconnected,  ///< no attempt and no connection
    connecting,    ///< looking up the name or waiting for the connect() to complete
    connected,     ///< a transport and protocol exist
  };

  ~Connector();
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  /// Starts a new attempt: factory do_start() (first time), the timeout, the look-up and
  /// connect(), then the factory's started_connecting(). The outcome is reported later, from the
  /// loop (ClientFactory explains the order).
  /// \throws std::logic_error unless state() is disconnected
  void connect();

  /// Ends whatever is going on: stops an attempt (stop_connecting()) or closes the connection
  /// after a flush (the transport's lose_connection()); nothing when disconnected.
  void disconnect();

  /// Abandons the attempt in progress: client_connection_failed() is called with
  /// ConnectCancelledError before this returns.
  /// \throws NotConnectingError unless state() is connecting
  void stop_connecting();

  /// Where this connector connects, as given to connect_tcp(): `HOST:PORT` (`[::1]:10000`).
  std::string get_destination() const;

  State state() const noexcept { return state_; }

  /// The factory this connector reports to.
  const std::shared_ptr<ClientFactory>& factory() const noexcept { return factory_; }

  /// The connection's transport while connected, else null.
  std::shared_ptr<Transport> transport() const;

 private:
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  /// Use connect_tcp(). (Public only so that std::make_shared can reach it.)
  Connector(Passkey, Reactor& reactor, std::string host, int port,
            std::shared_ptr<ClientFactory> factory, std::optional<double> timeout);

 private:
  friend std::shared_ptr<Connector> connect_tcp(Reactor& reactor, const std::string& host, int port,
                                                std::shared_ptr<ClientFactory> factory,
                                                std::optional<double> timeout);
  friend class detail::ConnectingSocket;

  void start_lookup();
  void resolved(std::uint64_t attempt, detail::Resolution result);
  void try_next_address();
  void connect_done(std::uint64_t attempt, Fd socket, int error);
  void connected(Fd socket);
  void connection_ended(const Failure& reason);
  void fail(std::exception_ptr reason);
  void timed_out(std::uint64_t attempt);
  void stop_watching();
  void stop_factory_if_idle();

  Reactor& reactor_;
  std::string host_;
  int port_;
  std::shared_ptr<ClientFactory> factory_;
  std::optional<double> timeout_;

  State state_ = State::disconnected;
  bool factory_started_ = false;
  std::uint64_t attempt_ = 0;  // bumped by every connect() and every end of an attempt, so
                               // late news about an abandoned attempt is recognised and dropped
  DelayedCall timeout_call_;
  std::vector<detail::ResolvedAddress> addresses_;  // from the look-up, tried in order
  std::size_t next_address_ = 0;
  int last_errno_ = 0;
  std::weak_ptr<detail::ConnectingSocket> connecting_;  // the socket being connected
  std::weak_ptr<TcpTransport> transport_;
};

/// Connects to \p host : \p port over TCP, and lets \p factory build the protocol once connected
/// (Twisted's connectTCP). Returns at once; see ClientFactory for what is called afterwards.
///
/// Every address the name resolves to is tried in order (IPv6 and IPv4 alike) until one
/// accepts; if none does, the last error is reported. `localhost` therefore reaches a server
/// listening on 127.0.0.1 even where it resolves to ::1 first.
/// \param reactor the loop that runs the connection
/// \param host a name, an IPv4 address or an IPv6 address (brackets optional: `[::1]`)
/// \param port 1 to 65535
/// \param factory builds the protocol and hears how each attempt ends
/// \param timeout seconds for the whole attempt, look-up included, before it fails with
///        TimeoutError; std::nullopt waits as long as the system does
/// \returns the connector (keeping it is optional: the library keeps it while it is needed)
/// \throws std::invalid_argument for an empty host, a port out of range, a null factory or a
///         negative timeout; whatever started_connecting() throws
std::shared_ptr<Connector> connect_tcp(Reactor& reactor, const std::string& host, int port,
                                       std::shared_ptr<ClientFactory> factory,
                                       std::optional<double> timeout = 30.0);

/// A listening TCP socket that accepts connections for a factory (Twisted's IListeningPort),
/// returned by listen_tcp(). It is the ReadDescriptor the reactor watches: readable means "a
/// connection is waiting".
///
/// Accepting: each readable event accepts in a loop until the kernel has no more (EAGAIN), and
/// each accepted socket becomes a TcpTransport with a protocol from the factory. When the
/// process runs out of file descriptors (EMFILE, ENFILE) the waiting connection cannot be
/// accepted, and the socket stays readable: retrying at once would spin the CPU at 100% without
/// progress. The port logs the problem, stops watching itself for 0.1 s (a timer), and tries
/// again, so connections resume as soon as descriptors are freed, with no busy loop and no crash.
class Port final : public ReadDescriptor, public std::enable_shared_from_this<Port> {
 public:
  ~Port() override;

  /// The address listened on, `HOST:PORT`, with the real port when 0 was asked for.
  std::string get_host() const { return host_; }

  /// The port number listened on.
  int port() const noexcept { return port_; }

  /// Stops accepting and closes the socket (connections already accepted carry on); the
  /// factory's do_stop() follows. Doing it twice does nothing.
  void stop_listening();

  /// True until stop_listening() (or a fatal error on the socket).
  bool listening() const noexcept { return listening_; }

  const std::shared_ptr<Factory>& factory() const noexcept { return factory_; }

  /// \name The descriptor the reactor sees
  ///@{
  int fileno() const override { return socket_.get(); }
  std::exception_ptr do_read() override;
  void connection_lost(std::exception_ptr reason) override;
  /// The factory's class name: accepted connections' build_protocol() logs under it.
  std::string log_prefix() const override;
  ///@}

 private:
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  /// Use listen_tcp(). (Public only so that std::make_shared can reach it.)
  Port(Passkey, Reactor& reactor, Fd socket, std::shared_ptr<Factory> factory);

 private:
  friend std::shared_ptr<Port> listen_tcp(Reactor& reactor, int port,
                                          std::shared_ptr<Factory> factory, int backlog,
                                          const std::string& interface);

  void start();
  void accepted(Fd socket, const std::string& peer);
  void pause_accepting(int error_number);
  void resume_accepting();

  Reactor& reactor_;
  Fd socket_;
  std::shared_ptr<Factory> factory_;
  std::string host_;
  int port_ = 0;
  bool listening_ = false;
  bool paused_ = false;  // out of descriptors: not registered until the retry timer fires
};

/// The delay before a Port retries accepting after running out of file descriptors.
inline constexpr double accept_retry_seconds = 0.1;

/// Listens for TCP connections on \p interface : \p port and serves each with a protocol from
/// \p factory (Twisted's listenTCP). The factory's do_start() is called.
/// \param reactor the loop that accepts and runs the connections
/// \param port 0 picks a free port (read it back with Port::port() or get_host())
/// \param factory builds one protocol per accepted connection
/// \param backlog how many connections the kernel may hold ready until they are accepted
/// \param interface the local address to listen on; "127.0.0.1" (the default) accepts only
///        connections from this machine, "0.0.0.0" or "::" from anywhere
/// \throws CannotListenError if the port cannot be opened (in use, no permission, no such
///         interface); std::invalid_argument for a port out of range or a null factory
std::shared_ptr<Port> listen_tcp(Reactor& reactor, int port, std::shared_ptr<Factory> factory,
                                 int backlog = 50, const std::string& interface = "127.0.0.1");

}  // namespace pim
