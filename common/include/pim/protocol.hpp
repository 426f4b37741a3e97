/// \file
/// \brief Protocols: the per-connection objects that turn a stream of bytes into meaning.
///
/// Introduced in part 5, whose PoetryProtocol collects a poem in data_received() and reports it
/// from connection_lost(). The C++ counterparts of Twisted's IProtocol, BaseProtocol and
/// Protocol. Tests: common/tests/test_protocol.cpp and test_tcp_*.cpp.
///
/// One protocol object serves one connection, so it is the natural home for that connection's
/// state (the poem so far, a half-received message). The library creates it (through a Factory,
/// factory.hpp) when a connection is made, and drives it with three callbacks:
///
///  1. make_connection(transport): stores the transport and calls connection_made() (Figure 9);
///  2. data_received(bytes), any number of times, with the bytes cut at arbitrary places: a
///     message may arrive in pieces, or several in one call;
///  3. connection_lost(reason), exactly once, at the end. The reason is a Failure wrapping
///     ConnectionDone (the peer closed in the ordinary way, or we did), or ConnectionLost (the
///     connection broke; the Failure's message has the system's text, and
///     `reason.value<ConnectionLost>()->error_number()` the errno).
///
/// \code
/// class PoetryProtocol : public pim::Protocol {
///  public:
///   void data_received(std::string_view data) override { poem_ += data; }
///   void connection_lost(const pim::Failure&) override {
///     factory<PoetryClientFactory>()->poem_finished(poem_);
///   }
///  private:
///   std::string poem_;
/// };
/// \endcode
///
/// **Ownership.** The transport owns its protocol (a `shared_ptr`) and the reactor owns the
/// transport while the connection is open, so a protocol lives at least as long as its
/// connection without anyone holding it. The protocol refers back to its transport and its
/// factory through `weak_ptr`s: owning pointers both ways would form cycles that are never
/// freed. transport() and factory() hand out a `shared_ptr` for the expression that uses it, and
/// throw a clear error instead of dangling when the object is gone.
///
/// All callbacks run on the reactor's thread; each may call anything on its transport,
/// including lose_connection() and abort_connection(): the end of the connection is always
/// reported later, from the loop, never from inside the call that caused it.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "pim/failure.hpp"

namespace pim {

class Factory;
class Transport;

/// transport() on a protocol without a transport (not connected yet, or its transport is gone),
/// or factory() on a protocol without a factory.
class NotConnectedError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// What every protocol has: a transport, and the make_connection()/connection_made() start
/// (Twisted's BaseProtocol). Derive from Protocol, below, unless you need nothing else.
class BaseProtocol {
 public:
  virtual ~BaseProtocol();

  /// Connects this protocol to \p transport: remembers it (without owning it), then calls
  /// connection_made(). Transports call this once, when the connection is ready; override
  /// connection_made() rather than this.
  /// \pre \p transport is not null
  virtual void make_connection(std::shared_ptr<Transport> transport);

  /// Called once the connection is made and transport() works: the place to send a greeting,
  /// start a timeout, or note the peer's address. Does nothing by default.
  virtual void connection_made() {}

  /// The transport this protocol talks through (to write, close, or ask for addresses). After
  /// the connection is lost it still answers, while it exists, but writes are ignored.
  /// \throws NotConnectedError before make_connection(), or once the transport is destroyed
  std::shared_ptr<Transport> transport() const;

  /// True from make_connection() until the transport is closed (after lose_connection() or
  /// abort_connection(), and when the connection is lost).
  bool connected() const;

 protected:
  BaseProtocol() = default;
  BaseProtocol(const BaseProtocol&) = delete;
  BaseProtocol& operator=(const BaseProtocol&) = delete;

 private:
  std::weak_ptr<Transport> transport_;
};

/// The base class of stream protocols (Twisted's Protocol): data in, end of connection, and a
/// link to the factory that made it.
class Protocol : public BaseProtocol {
 public:
  /// Called with each piece of data received, in order. \p data is only valid during the call
  /// (it points into the transport's read buffer): copy what you keep. Does nothing by default.
  virtual void data_received(std::string_view data);

  /// Called once when the connection has ended, for whatever reason; nothing is called after
  /// it. Does nothing by default.
  /// \param reason ConnectionDone for an orderly close, ConnectionLost (or ConnectionAborted)
  ///        for a broken one, or the exception a callback of this protocol threw
  virtual void connection_lost(const Failure& reason);

  /// The factory that built this protocol (Figure 8), so protocols of one factory can share
  /// state and report results. Set by Factory::build_protocol().
  /// \throws NotConnectedError if no factory built it, or the factory is gone
  std::shared_ptr<Factory> factory() const;

  /// factory() as the concrete factory type: `factory<PoetryClientFactory>()->poem_done(...)`.
  /// \throws NotConnectedError as factory(); std::logic_error if the factory is not an \p F
  template <class F>
  std::shared_ptr<F> factory() const {
    std::shared_ptr<F> typed = std::dynamic_pointer_cast<F>(factory());
    if (!typed) throw_wrong_factory(typeid(F));
    return typed;
  }

 private:
  friend class Factory;  // sets factory_ when it builds the protocol
  [[noreturn]] void throw_wrong_factory(const std::type_info& wanted) const;
  std::weak_ptr<Factory> factory_;
};

}  // namespace pim
