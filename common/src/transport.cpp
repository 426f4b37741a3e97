// Transport and TcpTransport (transport.hpp): non-blocking reads and buffered writes on a
// connected TCP socket, and the protocol callbacks they drive.
#include "pim/transport.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <typeinfo>

#include "pim/error.hpp"
#include "pim/log.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/stack.hpp"

namespace pim {

namespace {

// One recv() per readable event reads at most this much. 64 KiB is what Twisted reads too:
// large enough that a fast stream needs few system calls, small enough to stay fair.
constexpr std::size_t read_size = 64 * 1024;

// Writes up to this size join the last queued chunk instead of starting a new one.
constexpr std::size_t coalesce_limit = 64 * 1024;

bool would_block(int error_number) {
  return error_number == EAGAIN || error_number == EWOULDBLOCK;
}

std::string local_name(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "?:?";
  return format_sockaddr(reinterpret_cast<sockaddr*>(&address), length);
}

}  // namespace

// --- Transport --------------------------------------------------------------------------------

Transport::~Transport() = default;

void Transport::write_pieces(std::span<const std::string_view> pieces) {
  for (std::string_view piece : pieces) {
    write(piece);
  }
}

// --- TcpTransport: setting up -------------------------------------------------------------

TcpTransport::TcpTransport(Reactor& reactor, Fd socket, std::shared_ptr<Protocol> protocol,
                           LostHook on_lost)
    : reactor_(reactor),
      socket_(std::move(socket)),
      protocol_(std::move(protocol)),
      on_lost_(std::move(on_lost)),
      // Both addresses are read now: once the socket is closed they can no longer be asked for,
      // and a protocol's connection_lost() often wants to say who went away.
      host_(local_name(socket_.get())),
      peer_(peer_name(socket_.get())) {}

TcpTransport::~TcpTransport() = default;

void TcpTransport::start() {
  std::shared_ptr<TcpTransport> self = shared_from_this();
  reactor_.add_reader(self);
  // Log lines written by connection_made() carry this connection's name, as those written by
  // data_received() do (the reactor sets the context for its own callbacks).
  log::ContextScope context(*this);
  try {
    protocol_->make_connection(self);
  } catch (...) {
    std::exception_ptr error = std::current_exception();
    log::err(error, "Unhandled error in connection_made; aborting the connection");
    abort_with(error);
  }
}

std::string TcpTransport::log_prefix() const {
  const Protocol& protocol = *protocol_;  // typeid of a plain reference: no side effects
  return demangle(typeid(protocol).name()) + "," + peer_;
}

// --- Reading ----------------------------------------------------------------------------------

//! [do_read]
std::exception_ptr TcpTransport::do_read() {
  // One buffer per thread, shared by every connection: data_received() gets a view into it,
  // valid for the call, and no connection carries 64 KiB of its own.
  static thread_local char buffer[read_size];
  ssize_t count = ::recv(socket_.get(), buffer, sizeof buffer, 0);
  if (count > 0) {
    protocol_->data_received(std::string_view(buffer, static_cast<std::size_t>(count)));
    return nullptr;
  }
  if (count == 0) return std::make_exception_ptr(ConnectionDone());
  if (would_block(errno) || errno == EINTR) return nullptr;  // a spurious wake-up
  return std::make_exception_ptr(ConnectionLost(errno));
}
//! [do_read]

// --- Writing ----------------------------------------------------------------------------------

void TcpTransport::write(std::string_view data) {
  if (state_ != State::open || data.empty()) return;
  // Only when nothing is queued may we send directly: otherwise these bytes would overtake
  // the queued ones. Sending at once saves a trip round the loop for the common small write.
  if (buffered_ == 0 && !write_error_) data.remove_prefix(send_some(data));
  if (!data.empty() && !write_error_) enqueue(data);
  if (buffered_ > 0 || write_error_) start_writing();
}

void TcpTransport::write_pieces(std::span<const std::string_view> pieces) {
  if (state_ != State::open) return;
  // Queue everything, then let one flush send it: one system call for many small pieces.
  for (std::string_view piece : pieces) {
    enqueue(piece);
  }
  if (buffered_ > 0) start_writing();
}

std::size_t TcpTransport::send_some(std::string_view data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    // MSG_NOSIGNAL: a closed peer gives EPIPE here instead of a process-killing SIGPIPE.
    ssize_t count = ::send(socket_.get(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (count >= 0) {
      sent += static_cast<std::size_t>(count);
      continue;
    }
    if (errno == EINTR) continue;
    if (!would_block(errno)) {
      // We are inside the protocol's call to write(): reporting the loss now would run its
      // connection_lost() in the middle of its own code. Keep the error for do_write(), which
      // runs on the next turn of the loop.
      write_error_ = std::make_exception_ptr(ConnectionLost(errno));
    }
    break;
  }
  return sent;
}

void TcpTransport::enqueue(std::string_view data) {
  if (data.empty()) return;
  if (!chunks_.empty() && chunks_.back().size() + data.size() <= coalesce_limit) {
    chunks_.back().append(data);
  } else {
    chunks_.emplace_back(data);
  }
  buffered_ += data.size();
}

void TcpTransport::start_writing() {
  if (writing_) return;
  reactor_.add_writer(shared_from_this());
  writing_ = true;
}

//! [do_write]
std::exception_ptr TcpTransport::do_write() {
  if (write_error_) return write_error_;
  while (buffered_ > 0) {
    const std::string& front = chunks_.front();
    ssize_t count =
        ::send(socket_.get(), front.data() + offset_, front.size() - offset_, MSG_NOSIGNAL);
    if (count < 0) {
      if (errno == EINTR) continue;
      if (would_block(errno)) return nullptr;  // the socket is full: wait for the next event
      return std::make_exception_ptr(ConnectionLost(errno));
    }
    // Advance an offset rather than erasing the sent bytes: erasing the front of a 16 MiB
    // string after every partial send would copy the rest each time (quadratic).
    offset_ += static_cast<std::size_t>(count);
    buffered_ -= static_cast<std::size_t>(count);
    if (offset_ == front.size()) {
      chunks_.pop_front();
      offset_ = 0;
    }
  }
  // Everything is sent. After lose_connection() that is the end of the connection; otherwise
  // stop asking for write events (a socket is nearly always writable: the loop would spin).
  if (state_ == State::disconnecting) return std::make_exception_ptr(ConnectionDone());
  reactor_.remove_writer(*this);
  writing_ = false;
  return nullptr;
}
//! [do_write]

// --- Closing ----------------------------------------------------------------------------------

void TcpTransport::lose_connection() {
  if (state_ != State::open) return;
  state_ = State::disconnecting;
  // Stop reading now (what the peer sends from here on is not wanted) and let do_write() flush
  // the queue; with nothing queued it ends the connection on the loop's next turn. Either way
  // connection_lost() is reported from the loop, not from inside this call.
  reactor_.remove_reader(*this);
  start_writing();
}

void TcpTransport::abort_connection() {
  abort_with(std::make_exception_ptr(ConnectionAborted()));
}

void TcpTransport::abort_with(std::exception_ptr reason) {
  if (state_ == State::aborting || state_ == State::closed) return;
  state_ = State::aborting;
  // Remove before closing (the reactor's rule: epoll forgets closed fds on its own).
  reactor_.remove_reader(*this);
  if (writing_) reactor_.remove_writer(*this);
  writing_ = false;
  // A zero linger time makes close() discard unsent data and send a reset, instead of
  // delivering the kernel's buffer in the background: "abort" means stop now.
  linger no_linger{1, 0};
  ::setsockopt(socket_.get(), SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger);
  socket_.reset();
  chunks_.clear();
  buffered_ = offset_ = 0;
  // Report on a later turn, like every other end of a connection: the caller (perhaps the
  // protocol's own data_received) finishes first. The call keeps this object alive meanwhile.
  reactor_.call_later(0, [self = shared_from_this(), reason] { self->finish(reason); });
}

void TcpTransport::connection_lost(std::exception_ptr reason) {
  // The reactor has already stopped watching us (it does that before calling this).
  writing_ = false;
  finish(std::move(reason));
}

void TcpTransport::finish(std::exception_ptr reason) {
  if (state_ == State::closed) return;  // an abort raced with a failed read: report once
  state_ = State::closed;
  log::ContextScope context(*this);
  socket_.reset();
  chunks_.clear();
  buffered_ = offset_ = 0;
  // The reason was not thrown here, and the frames of this function would only show the
  // library: the Failure has none, as in Twisted.
  Failure failure = Failure::without_frames(std::move(reason));
  try {
    protocol_->connection_lost(failure);
  } catch (...) {
    // Log and carry on: the hook below (a client factory's client_connection_lost) must still
    // hear about the end, or a program waiting for it would wait forever.
    log::err(std::current_exception(), "Unhandled error in connection_lost");
  }
  if (on_lost_) {
    LostHook hook = std::move(on_lost_);
    on_lost_ = nullptr;
    hook(failure);
  }
}

}  // namespace pim
