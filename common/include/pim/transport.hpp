/// \file
/// \brief Transports: one connection that sends and receives bytes, without ever blocking.
///
/// Introduced in part 5: the Transport interface (Twisted's ITransport) that protocols write
/// to, and TcpTransport, the TCP connection connect_tcp() and listen_tcp() create. Tests:
/// common/tests/test_tcp_transport.cpp, every one run against all three reactor backends.
///
/// A transport has no method for reading: it reads by itself, whenever the reactor says the
/// socket is readable, and hands the bytes to its protocol's data_received(). Writing never
/// waits either: write() sends what the socket accepts right now and keeps the rest in a buffer
/// that is flushed, in order, whenever the socket becomes writable again.
///
/// TcpTransport is the part 4 descriptor grown up: it *is* the ReadDescriptor and
/// WriteDescriptor the reactor watches. The stack of a data_received() call shows it:
///
///     pim::Reactor::run()
///     ...
///     pim::TcpTransport::do_read()
///     PoetryProtocol::data_received(std::basic_string_view<char, ...>)
#pragma once

#include <cstddef>
#include <deque>
#include <exception>
#include <initializer_list>
#include <memory>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pim/descriptor.hpp"
#include "pim/failure.hpp"
#include "pim/function.hpp"
#include "pim/socket.hpp"

namespace pim {

class Protocol;
class Reactor;

/// One connection, seen from the protocol that uses it (Twisted's ITransport).
///
/// Methods are for the reactor's thread only, like everything that touches the loop.
class Transport {
 public:
  virtual ~Transport();

  /// Sends \p data as soon as possible without blocking; data from successive calls goes out in
  /// order. Copies what cannot be sent at once, so \p data need not outlive the call. Ignored
  /// once the transport is closing or closed (after lose_connection() or abort_connection(), or
  /// when the connection is lost): there is nobody left to send it to.
  virtual void write(std::string_view data) = 0;

  /// Writes several pieces as if concatenated: `write_sequence({header, body})`.
  void write_sequence(std::initializer_list<std::string_view> pieces) {
    write_pieces(std::span<const std::string_view>(pieces.begin(), pieces.size()));
  }

  /// Writes each element of a range of strings (`std::vector<std::string>`...), in order.
  template <std::ranges::input_range Range>
  requires std::convertible_to<std::ranges::range_reference_t<const Range&>, std::string_view>
  void write_sequence(const Range& pieces) {
    std::vector<std::string_view> views;
    for (auto&& piece : pieces) {
      views.emplace_back(piece);
    }
    write_pieces(views);
  }

  /// Closes the connection once everything written so far has been sent (Twisted's
  /// loseConnection). Stops reading at once: data arriving meanwhile is discarded. The protocol's
  /// connection_lost() follows, with ConnectionDone if the flush succeeded. Calling it again,
  /// or on a closed transport, does nothing.
  virtual void lose_connection() = 0;

  /// Closes the connection now: unsent data is thrown away and the peer sees a reset. The
  /// protocol's connection_lost() follows on a later turn of the loop, with ConnectionAborted.
  /// Does nothing if the transport is already closed.
  virtual void abort_connection() = 0;

  /// This end's address, `HOST:PORT` (`127.0.0.1:50123`, `[::1]:10000`).
  virtual std::string get_host() const = 0;

  /// The other end's address, `HOST:PORT`.
  virtual std::string get_peer() const = 0;

  /// True until the transport starts closing (lose_connection(), abort_connection()) or the
  /// connection is lost.
  virtual bool connected() const = 0;

 protected:
  Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// Writes \p pieces in order. The default writes each one; TcpTransport queues them all and
  /// then sends once.
  virtual void write_pieces(std::span<const std::string_view> pieces);
};

/// A TCP connection: the Transport protocols see, and the descriptor the reactor watches.
///
/// Made by connect_tcp() and listen_tcp(); you rarely construct one yourself. Owned by the
/// reactor while registered, and by the loop's pending calls while its end is being reported;
/// it owns its protocol.
///
/// Reading: one `recv()` of up to 64 KiB per readable event, handed straight to the protocol.
/// One read per event (rather than reading until EAGAIN) keeps one busy connection from
/// starving the others; the reactor comes back at once if more is waiting.
///
/// Writing: bytes that do not fit in the socket wait in a queue of chunks with an offset into
/// the first one, so a 16 MiB write flushed in a thousand pieces is copied once (into the queue,
/// and only the part the socket did not take at once), never shifted. Small writes are appended
/// to the last chunk, so a protocol writing a byte at a time does not make a chunk per byte.
/// Sends use MSG_NOSIGNAL: a peer that has gone away makes `send()` fail with EPIPE, which
/// becomes ConnectionLost, instead of raising SIGPIPE, whose default action kills the process.
class TcpTransport final : public Transport,
                           public ReadDescriptor,
                           public WriteDescriptor,
                           public std::enable_shared_from_this<TcpTransport> {
 public:
  /// Called after the protocol's connection_lost(), with the same reason. Connectors use it to
  /// tell their ClientFactory (client_connection_lost); it also keeps alive whatever it captures
  /// (a server's factory) for as long as the connection exists.
  using LostHook = UniqueFunction<void(const Failure&)>;

  /// Takes over \p socket, a connected non-blocking TCP socket. Nothing happens until start().
  /// \pre \p protocol is not null
  TcpTransport(Reactor& reactor, Fd socket, std::shared_ptr<Protocol> protocol,
               LostHook on_lost = nullptr);
  ~TcpTransport() override;

  /// Starts reading and calls `protocol->make_connection(this)`. If connection_made() throws,
  /// the error is logged and the connection aborted, with that exception as the reason given to
  /// connection_lost().
  /// \pre the object is owned by a std::shared_ptr; start() is called once
  /// \throws whatever Reactor::add_reader() throws (select: fd >= FD_SETSIZE); nothing was
  ///         started then
  void start();

  /// \name Transport
  ///@{
  void write(std::string_view data) override;
  void lose_connection() override;
  void abort_connection() override;
  std::string get_host() const override { return host_; }
  std::string get_peer() const override { return peer_; }
  bool connected() const override { return state_ == State::open; }
  ///@}

  /// Bytes written but not yet accepted by the socket (tests use it to see partial writes).
  std::size_t buffer_size() const noexcept { return buffered_; }

  /// The protocol this transport feeds.
  const std::shared_ptr<Protocol>& protocol() const noexcept { return protocol_; }

  /// \name The descriptor the reactor sees (part 4's interfaces)
  ///@{
  /// The socket, or -1 once closed.
  int fileno() const override { return socket_.get(); }
  /// Reads once and passes the bytes to data_received(); end-of-file is ConnectionDone, a
  /// failed read ConnectionLost.
  std::exception_ptr do_read() override;
  /// Sends queued bytes until the socket is full or the queue empty. An empty queue stops
  /// write events, or, after lose_connection(), ends the connection with ConnectionDone.
  std::exception_ptr do_write() override;
  /// Closes the socket and tells the protocol (then the LostHook) why.
  void connection_lost(std::exception_ptr reason) override;
  /// `ProtocolType,PEER`, e.g. `PoetryProtocol,127.0.0.1:10000`.
  std::string log_prefix() const override;
  ///@}

 protected:
  void write_pieces(std::span<const std::string_view> pieces) override;

 private:
  enum class State {
    open,           // reading and writing
    disconnecting,  // lose_connection(): flushing, then closing
    aborting,       // abort_connection(): closed, connection_lost() not reported yet
    closed,         // connection_lost() reported
  };

  std::size_t send_some(std::string_view data);
  void enqueue(std::string_view data);
  void start_writing();
  void abort_with(std::exception_ptr reason);
  void finish(std::exception_ptr reason);

  Reactor& reactor_;
  Fd socket_;
  std::shared_ptr<Protocol> protocol_;
  LostHook on_lost_;
  std::string host_;
  std::string peer_;
  State state_ = State::open;
  bool writing_ = false;  // registered with add_writer()

  std::deque<std::string> chunks_;  // unsent data, oldest first
  std::size_t offset_ = 0;          // bytes of chunks_.front() already sent
  std::size_t buffered_ = 0;        // unsent bytes in all chunks
  std::exception_ptr write_error_;  // a send() inside write() failed; do_write() reports it
};

}  // namespace pim
