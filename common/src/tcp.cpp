// connect_tcp() and its Connector, listen_tcp() and its Port (tcp.hpp).
#include "pim/tcp.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "pim/address.hpp"
#include "pim/error.hpp"
#include "pim/log.hpp"
#include "pim/reactor.hpp"
#include "pim/thread_link.hpp"
#include "pim/transport.hpp"

namespace pim {

namespace {

std::string without_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// The reason client_connection_failed() gets for a connect() that failed with \p error_number.
std::exception_ptr connect_error(int error_number) {
  if (error_number == ECONNREFUSED) return std::make_exception_ptr(ConnectionRefusedError());
  if (error_number == ETIMEDOUT) {
    return std::make_exception_ptr(
        TimeoutError(std::string("Connection attempt timed out: ") + std::strerror(error_number)));
  }
  return std::make_exception_ptr(ConnectError::from_errno(error_number));
}

std::string local_name(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "?:?";
  return format_sockaddr(reinterpret_cast<sockaddr*>(&address), length);
}

}  // namespace

namespace detail {

// The socket of one connection attempt, watched for writability until connect() completes.
//
// It keeps its Connector alive (the reactor keeps it, it keeps the connector), so a program may
// drop the connector connect_tcp() returned and still hear how the attempt ends.
class ConnectingSocket final : public WriteDescriptor {
 public:
  ConnectingSocket(Reactor& reactor, Fd socket, const ResolvedAddress& address,
                   std::shared_ptr<Connector> connector, std::uint64_t attempt)
      : reactor_(reactor),
        socket_(std::move(socket)),
        address_(address),
        connector_(std::move(connector)),
        attempt_(attempt) {}

  int fileno() const override { return socket_.get(); }

  std::string log_prefix() const override { return "Connector," + connector_->get_destination(); }

  std::exception_ptr do_write() override {
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(socket_.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error == 0 && ::connect(socket_.get(), address_.get(), address_.length) != 0) {
      // Writable without an error means connected on Linux; asking connect() again confirms
      // it portably: EISCONN is success, EALREADY means "still in progress, keep waiting".
      if (errno == EALREADY || errno == EINPROGRESS || errno == EINTR) return nullptr;
      if (errno != EISCONN) error = errno;
    }
    hand_back(error);
    return nullptr;
  }

  void connection_lost(std::exception_ptr) override {
    // Only reached if the fd was closed behind the reactor's back (select/poll notice that).
    hand_back(EBADF);
  }

 private:
  void hand_back(int error) {
    std::shared_ptr<Connector> connector = connector_;  // outlive our own removal
    reactor_.remove_writer(*this);
    connector->connect_done(attempt_, std::move(socket_), error);
  }

  Reactor& reactor_;
  Fd socket_;
  ResolvedAddress address_;
  std::shared_ptr<Connector> connector_;
  std::uint64_t attempt_;
};

}  // namespace detail

// --- Connector --------------------------------------------------------------------------------

Connector::Connector(Passkey, Reactor& reactor, std::string host, int port,
                     std::shared_ptr<ClientFactory> factory, std::optional<double> timeout)
    : reactor_(reactor),
      host_(without_brackets(host)),
      port_(port),
      factory_(std::move(factory)),
      timeout_(timeout) {}

Connector::~Connector() = default;

std::string Connector::get_destination() const {
  return Address{host_, static_cast<std::uint16_t>(port_)}.to_string();
}

std::shared_ptr<Transport> Connector::transport() const {
  return transport_.lock();
}

void Connector::connect() {
  if (state_ != State::disconnected) {
    throw std::logic_error(
        "Connector::connect(): already " +
        std::string(state_ == State::connecting ? "connecting to " : "connected to ") +
        get_destination());
  }
  state_ = State::connecting;
  const std::uint64_t attempt = ++attempt_;
  if (!factory_started_) {
    factory_started_ = true;
    factory_->do_start();
  }
  if (timeout_) {
    // A weak reference: the timer must not keep a finished connector alive for 30 seconds.
    timeout_call_ = reactor_.call_later(*timeout_, [weak = weak_from_this(), attempt] {
      if (std::shared_ptr<Connector> self = weak.lock()) self->timed_out(attempt);
    });
  }
  start_lookup();
  factory_->started_connecting(*this);
}

//! [lookup]
void Connector::start_lookup() {
  const std::uint64_t attempt = attempt_;
  if (std::optional<detail::Resolution> numeric = detail::resolve_numeric(host_, port_)) {
    // Nothing to wait for, but the outcome must still be reported from the loop, never from
    // inside connect_tcp(): callers may not be ready for callbacks yet.
    reactor_.call_later(
        0, [self = shared_from_this(), attempt, result = std::move(*numeric)]() mutable {
          self->resolved(attempt, std::move(result));
        });
    return;
  }
  // getaddrinfo() blocks, so it runs on a thread of its own. The thread holds the connector
  // (an attempt must not vanish while its name is looked up) and the reactor's ThreadLink,
  // never the reactor itself: if the program destroys its reactor before the answer comes, the
  // link drops the answer instead of touching a dead reactor. Detached, because nobody should
  // wait for a slow DNS server: the thread ends on its own when the resolver returns.
  std::shared_ptr<ThreadLink> link = reactor_.thread_link();
  try {
    std::thread([link, self = shared_from_this(), attempt, host = host_, port = port_]() mutable {
      detail::Resolution result = detail::resolve_name(host, port);
      link->call_from_thread(
          [self = std::move(self), attempt, result = std::move(result)]() mutable {
            self->resolved(attempt, std::move(result));
          });
    }).detach();
  } catch (const std::system_error& error) {
    std::exception_ptr reason = std::make_exception_ptr(
        ConnectError(std::string("cannot start a thread to look up the name: ") + error.what()));
    reactor_.call_later(0, [self = shared_from_this(), attempt, reason] {
      if (attempt == self->attempt_ && self->state_ == State::connecting) self->fail(reason);
    });
  }
}
//! [lookup]

void Connector::resolved(std::uint64_t attempt, detail::Resolution result) {
  // A timeout or stop_connecting() may have ended this attempt (and connect() started another)
  // while the look-up ran: its answer is then of no use.
  if (attempt != attempt_ || state_ != State::connecting) return;
  if (result.addresses.empty()) {
    fail(std::make_exception_ptr(DNSLookupError(host_, result.error)));
    return;
  }
  addresses_ = std::move(result.addresses);
  next_address_ = 0;
  last_errno_ = 0;
  try_next_address();
}

void Connector::try_next_address() {
  while (next_address_ < addresses_.size()) {
    const detail::ResolvedAddress address = addresses_[next_address_++];
    Fd socket(::socket(address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket) {
      last_errno_ = errno;  // e.g. no IPv6 on this machine: try the next address
      continue;
    }
    if (::connect(socket.get(), address.get(), address.length) == 0) {
      connected(std::move(socket));  // possible on loopback: no need to wait
      return;
    }
    if (errno == EINPROGRESS || errno == EINTR) {
      // The handshake goes on in the kernel; the socket turns writable when it is over.
      auto waiting = std::make_shared<detail::ConnectingSocket>(
          reactor_, std::move(socket), address, shared_from_this(), attempt_);
      try {
        reactor_.add_writer(waiting);
      } catch (const std::exception& error) {
        fail(std::make_exception_ptr(ConnectError(error.what())));  // select: fd too large
        return;
      }
      connecting_ = waiting;
      return;
    }
    last_errno_ = errno;
  }
  fail(connect_error(last_errno_ != 0 ? last_errno_ : ECONNREFUSED));
}

void Connector::connect_done(std::uint64_t attempt, Fd socket, int error) {
  connecting_.reset();
  if (attempt != attempt_ || state_ != State::connecting) return;  // `socket` closes here
  if (error == 0) {
    connected(std::move(socket));
    return;
  }
  last_errno_ = error;
  socket.reset();
  try_next_address();
}

//! [connected]
void Connector::connected(Fd socket) {
  std::shared_ptr<Connector> self = shared_from_this();
  if (timeout_call_.active()) timeout_call_.cancel();
  addresses_.clear();
  const std::string peer = peer_name(socket.get());
  std::shared_ptr<Protocol> protocol;
  try {
    protocol = factory_->build_protocol(peer);
  } catch (...) {
    log::err(std::current_exception(), "Unhandled error in build_protocol");
    fail(std::current_exception());
    return;
  }
  if (!protocol) {
    fail(std::make_exception_ptr(ConnectError("the factory built no protocol for " + peer)));
    return;
  }
  auto transport = std::make_shared<TcpTransport>(
      reactor_, std::move(socket), std::move(protocol),
      [self](const Failure& reason) { self->connection_ended(reason); });
  // Connected before start(): connection_made() may already call disconnect().
  state_ = State::connected;
  transport_ = transport;
  try {
    transport->start();
  } catch (...) {
    // The reactor refused the socket (select: fd >= FD_SETSIZE); nothing has started.
    transport_.reset();
    state_ = State::connecting;
    fail(std::current_exception());
  }
}
//! [connected]

void Connector::connection_ended(const Failure& reason) {
  transport_.reset();
  state_ = State::disconnected;
  ++attempt_;
  factory_->client_connection_lost(*this, reason);
  stop_factory_if_idle();  // unless the factory reconnected
}

void Connector::fail(std::exception_ptr reason) {
  std::shared_ptr<Connector> self = shared_from_this();  // stop_watching() may drop the last owner
  if (timeout_call_.active()) timeout_call_.cancel();
  stop_watching();
  addresses_.clear();
  ++attempt_;  // whatever is still under way for this attempt is now stale
  state_ = State::disconnected;
  factory_->client_connection_failed(*this, Failure::without_frames(std::move(reason)));
  stop_factory_if_idle();  // unless the factory tried again
}

void Connector::timed_out(std::uint64_t attempt) {
  if (attempt != attempt_ || state_ != State::connecting) return;
  fail(std::make_exception_ptr(TimeoutError::after(*timeout_)));
}

void Connector::stop_connecting() {
  if (state_ != State::connecting) throw NotConnectingError();
  fail(std::make_exception_ptr(ConnectCancelledError()));
}

void Connector::disconnect() {
  if (state_ == State::connecting) {
    stop_connecting();
  } else if (state_ == State::connected) {
    if (std::shared_ptr<TcpTransport> transport = transport_.lock()) transport->lose_connection();
  }
}

void Connector::stop_watching() {
  if (std::shared_ptr<detail::ConnectingSocket> waiting = connecting_.lock()) {
    reactor_.remove_writer(*waiting);  // its socket closes as `waiting` goes out of scope
  }
  connecting_.reset();
}

void Connector::stop_factory_if_idle() {
  if (state_ == State::disconnected && factory_started_) {
    factory_started_ = false;
    factory_->do_stop();
  }
}

std::shared_ptr<Connector> connect_tcp(Reactor& reactor, const std::string& host, int port,
                                       std::shared_ptr<ClientFactory> factory,
                                       std::optional<double> timeout) {
  if (host.empty()) throw std::invalid_argument("connect_tcp: the host is empty");
  if (port < 1 || port > 65535) {
    throw std::invalid_argument("connect_tcp: port " + std::to_string(port) +
                                " is not from 1 to 65535");
  }
  if (!factory) throw std::invalid_argument("connect_tcp: the factory is null");
  if (timeout && !(*timeout >= 0)) {
    throw std::invalid_argument("connect_tcp: the timeout must be a number of seconds >= 0");
  }
  auto connector = std::make_shared<Connector>(Connector::Passkey{}, reactor, host, port,
                                               std::move(factory), timeout);
  connector->connect();
  return connector;
}

// --- Port -------------------------------------------------------------------------------------

Port::Port(Passkey, Reactor& reactor, Fd socket, std::shared_ptr<Factory> factory)
    : reactor_(reactor),
      socket_(std::move(socket)),
      factory_(std::move(factory)),
      host_(local_name(socket_.get())),
      port_(local_port(socket_.get())) {}

Port::~Port() = default;

std::string Port::log_prefix() const {
  return factory_->name();
}

void Port::start() {
  reactor_.add_reader(shared_from_this());  // first: if it throws, nothing was started
  listening_ = true;
  factory_->do_start();
  if (factory_->noisy()) log::msg(factory_->name(), "starting on", port_);
}

//! [accept]
std::exception_ptr Port::do_read() {
  // Several clients may be waiting: take them all now rather than one per turn of the loop.
  while (listening_ && !paused_) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    int fd = ::accept4(socket_.get(), reinterpret_cast<sockaddr*>(&address), &length,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      accepted(Fd(fd), format_sockaddr(reinterpret_cast<sockaddr*>(&address), length));
      continue;
    }
    switch (errno) {
      case EAGAIN:
        return nullptr;  // nobody else is waiting
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
        pause_accepting(errno);  // out of resources: retrying now would only spin
        return nullptr;
      case EINTR:
      case ECONNABORTED:  // the client gave up while queued
      case EPROTO:
      case EPERM:  // refused by a firewall rule
      case ENETDOWN:
      case ENETUNREACH:
      case EHOSTDOWN:
      case EHOSTUNREACH:
      case ENONET:
      case ENOPROTOOPT:
      case EOPNOTSUPP:
      case ETIMEDOUT:
        // Linux reports some errors of a queued connection from accept() itself; each one
        // consumed that connection, so the next accept() moves on (see accept(2), NOTES).
        continue;
      default:
        // EBADF, EINVAL...: the listening socket itself is broken. Give up on it.
        return std::make_exception_ptr(ConnectionLost(errno));
    }
  }
  return nullptr;
}
//! [accept]

void Port::accepted(Fd socket, const std::string& peer) {
  std::shared_ptr<Protocol> protocol;
  try {
    protocol = factory_->build_protocol(peer);
  } catch (...) {
    log::err(std::current_exception(),
             "Unhandled error in build_protocol; closing the connection from " + peer);
    return;
  }
  if (!protocol) return;  // the factory refused: closing `socket` drops the connection
  // The hook does nothing but keep the factory alive for as long as this connection lives,
  // even if the port is stopped and dropped: the protocol's factory() must keep working.
  auto transport =
      std::make_shared<TcpTransport>(reactor_, std::move(socket), std::move(protocol),
                                     [factory = factory_](const Failure&) { (void)factory; });
  try {
    transport->start();
  } catch (...) {
    log::err(std::current_exception(), "Cannot watch the connection from " + peer);
  }
}

void Port::pause_accepting(int error_number) {
  log::msg(std::string("Cannot accept connections (") + std::strerror(error_number) +
           "): pausing for " + std::to_string(std::lround(accept_retry_seconds * 1000)) + " ms");
  paused_ = true;
  reactor_.remove_reader(*this);
  // The timer owns the port meanwhile, since nothing else may: a server that dropped the Port
  // listen_tcp() returned must not stop listening because it once ran out of descriptors.
  reactor_.call_later(accept_retry_seconds,
                      [self = shared_from_this()] { self->resume_accepting(); });
}

void Port::resume_accepting() {
  if (!paused_) return;
  paused_ = false;
  if (!listening_) return;
  // Waiting connections make the socket readable at once, and do_read() tries again.
  reactor_.add_reader(shared_from_this());
}

void Port::stop_listening() {
  if (!listening_) return;
  listening_ = false;
  if (!paused_) reactor_.remove_reader(*this);
  paused_ = false;
  socket_.reset();
  if (factory_->noisy()) log::msg("Stopped listening on", host_);
  factory_->do_stop();
}

void Port::connection_lost(std::exception_ptr reason) {
  log::err(reason, "The listening socket failed; no longer accepting connections");
  listening_ = false;
  socket_.reset();
  factory_->do_stop();
}

std::shared_ptr<Port> listen_tcp(Reactor& reactor, int port, std::shared_ptr<Factory> factory,
                                 int backlog, const std::string& interface) {
  if (!factory) throw std::invalid_argument("listen_tcp: the factory is null");
  if (port < 0 || port > 65535) {
    throw std::invalid_argument("listen_tcp: port " + std::to_string(port) +
                                " is not from 0 to 65535");
  }
  const std::string where = interface.empty() ? "0.0.0.0" : without_brackets(interface);
  Fd socket;
  try {
    socket = listen_blocking(where, port, backlog);
  } catch (const std::system_error& error) {
    throw CannotListenError(where, port, error);
  }
  set_nonblocking(socket.get());  // accept() must never wait: do_read() loops until EAGAIN
  auto listening =
      std::make_shared<Port>(Port::Passkey{}, reactor, std::move(socket), std::move(factory));
  listening->start();
  return listening;
}

}  // namespace pim
