/// \file
/// \brief The named errors of the reactor, its timers and its connections.
///
/// Introduced in part 3 (reactor and timer errors) and part 4 (connection errors); the C++
/// counterpart of `twisted.internet.error`. Each misuse gets its own type so a test, or a
/// learner's `catch`, can tell "stopped twice" from "cancelled twice" without reading messages.
/// Tests: common/tests/test_reactor.cpp, test_timers.cpp and test_reactor_descriptors.cpp.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

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
