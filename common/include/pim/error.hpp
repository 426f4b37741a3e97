/// \file
/// \brief The named errors of the reactor, its timers and its connections.
///
/// Introduced in part 3 (reactor and timer errors) and part 4 (connection errors); part 5 adds
/// the errors of connection attempts (ConnectError and its kin) and of listening. The C++
/// counterpart of `twisted.internet.error`. Each misuse gets its own type so a test, or a
/// learner's `catch`, can tell "stopped twice" from "cancelled twice" without reading messages.
/// Tests: common/tests/test_reactor.cpp, test_timers.cpp, test_reactor_descriptors.cpp and
/// test_tcp_*.cpp.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace pim {

/// \name Reactor life cycle (a reactor runs at most once; see Reactor::run()).
///@{

/// stop() was called on a reactor that is not running, or that is already stopping.
class ReactorNotRunning : public std::runtime_error {
 public:
  ReactorNotRunning() : std::runtime_error("Can't stop a reactor that isn't running.") {}
};

/// run() was called from inside the running reactor's own callbacks.
class ReactorAlreadyRunning : public std::runtime_error {
 public:
  ReactorAlreadyRunning() : std::runtime_error("The reactor is already running.") {}
};

/// run() (or call_when_running()) on a reactor that has already run and stopped.
class ReactorNotRestartable : public std::runtime_error {
 public:
  ReactorNotRestartable() : std::runtime_error("A reactor that has stopped can't run again.") {}
};
///@}

/// \name Timed calls (see DelayedCall).
///@{

/// cancel(), reset() or delay() on a timed call that has already run (or is running now).
class AlreadyCalled : public std::logic_error {
 public:
  AlreadyCalled() : std::logic_error("Tried to change a timed call that has already run.") {}
};

/// cancel(), reset() or delay() on a timed call that was cancelled.
class AlreadyCancelled : public std::logic_error {
 public:
  AlreadyCancelled() : std::logic_error("Tried to change a timed call that was cancelled.") {}
};
///@}

/// \name Why a connection ended (the `reason` handed to connection_lost()).
///@{

/// Base of the two ways a connection can end, so code can catch "the connection is over".
class ConnectionClosed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The other side closed the connection in the ordinary way (we read end-of-file).
class ConnectionDone : public ConnectionClosed {
 public:
  ConnectionDone() : ConnectionClosed("Connection was closed cleanly.") {}
};

/// The connection broke: a system call failed with \p error_number (ECONNRESET, EPIPE, ...).
class ConnectionLost : public ConnectionClosed {
 public:
  /// \param error_number the `errno` value; what() reads "Connection lost: Connection reset by
  ///        peer"
  explicit ConnectionLost(int error_number);
  /// \param message for losses with no errno, e.g. a descriptor that vanished
  explicit ConnectionLost(const std::string& message);
  /// The errno value, or 0 when there was none.
  int error_number() const noexcept { return error_number_; }

 private:
  int error_number_ = 0;
};

/// We closed the connection ourselves with Transport::abort_connection(): unsent data was
/// thrown away and the peer saw a reset (part 5).
class ConnectionAborted : public ConnectionLost {
 public:
  ConnectionAborted() : ConnectionLost(std::string("the connection was aborted")) {}
};
///@}

/// \name Why a connection attempt failed (part 5: the reason client_connection_failed() gets).
///
/// They share the base ConnectError, so code that only cares whether it got connected can
/// `check<ConnectError>()` and code that cares why can ask for the precise type.
///@{

/// Base of every failed connection attempt; used as is for errors without a more precise type
/// (e.g. "Network is unreachable").
class ConnectError : public std::runtime_error {
 public:
  /// \param message the complete what() text
  /// \param error_number the errno behind it, or 0
  explicit ConnectError(const std::string& message, int error_number = 0)
      : std::runtime_error(message), error_number_(error_number) {}
  /// what() reads "An error occurred while connecting: Network is unreachable".
  static ConnectError from_errno(int error_number);
  /// The errno value, or 0 when there was none.
  int error_number() const noexcept { return error_number_; }

 private:
  int error_number_ = 0;
};

/// Nothing listens at the destination: the peer answered our SYN with a reset (ECONNREFUSED).
class ConnectionRefusedError : public ConnectError {
 public:
  ConnectionRefusedError();
};

/// The attempt did not complete in time: connect_tcp()'s own timeout ran out, or the kernel gave
/// up (ETIMEDOUT).
class TimeoutError : public ConnectError {
 public:
  /// \param message the complete what() text
  explicit TimeoutError(const std::string& message = "Connection attempt timed out");
  /// what() reads "Connection attempt timed out after 30 seconds".
  static TimeoutError after(double seconds);
};

/// The host name could not be turned into an address.
class DNSLookupError : public ConnectError {
 public:
  /// \param host the name that was looked up
  /// \param reason the resolver's explanation ("Name or service not known")
  DNSLookupError(const std::string& host, const std::string& reason);
};

/// The attempt was called off by Connector::stop_connecting() (or disconnect()).
class ConnectCancelledError : public ConnectError {
 public:
  ConnectCancelledError() : ConnectError("The connection attempt was cancelled") {}
};

/// Connector::stop_connecting() on a connector that is not connecting.
class NotConnectingError : public std::logic_error {
 public:
  NotConnectingError() : std::logic_error("The connector is not trying to connect.") {}
};

/// listen_tcp() could not open its port (taken, no permission, unknown interface). It keeps the
/// system error: what() reads "cannot listen on 127.0.0.1:10000: Address already in use".
class CannotListenError : public std::system_error {
 public:
  /// \param interface, port where the program tried to listen
  /// \param cause the error from binding or listening, whose code and text are kept
  CannotListenError(std::string interface, int port, const std::system_error& cause)
      : std::system_error(cause), interface_(std::move(interface)), port_(port) {}
  const std::string& interface() const noexcept { return interface_; }
  int port() const noexcept { return port_; }

 private:
  std::string interface_;
  int port_;
};
///@}

/// The demangled type of the exception held by \p error (`std::runtime_error`), or
/// `unknown exception` when it cannot be told.
/// \pre \p error is not null
std::string exception_type_name(const std::exception_ptr& error);

/// `TYPE: MESSAGE` for any exception (`pim::ConnectionDone: Connection was closed cleanly.`);
/// exceptions not derived from std::exception print their type alone.
/// \pre \p error is not null
std::string describe_exception(const std::exception_ptr& error);

}  // namespace pim
