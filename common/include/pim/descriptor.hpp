/// \file
/// \brief The interfaces an object implements to have the reactor watch its file descriptor.
///
/// Introduced in part 4, whose first client registers a `PoetrySocket` with
/// Reactor::add_reader(). The C++ counterparts of Twisted's IFileDescriptor, IReadDescriptor and
/// IWriteDescriptor. Tests: common/tests/test_reactor_descriptors.cpp.
///
/// Why objects and not (fd, callback) pairs? One object carries a set of related callbacks
/// (read, write, lost, name) plus the state they share, such as the bytes received so far.
///
/// How a descriptor tells the reactor it is finished: do_read() and do_write() return a
/// `std::exception_ptr`. Null means "carry on". Non-null means "this connection is over, and
/// here is why": the reactor then removes the descriptor from reading *and* writing and calls
/// connection_lost() with that reason, exactly once. Return ConnectionDone for an orderly end
/// (read() returned 0) and ConnectionLost for a broken one (read() failed with ECONNRESET):
///
/// \code
/// std::exception_ptr do_read() override {
///   ssize_t n = ::read(fd_, buffer, sizeof buffer);
///   if (n > 0) { consume(buffer, n); return nullptr; }
///   if (n == 0) return std::make_exception_ptr(pim::ConnectionDone());
///   if (errno == EAGAIN || errno == EINTR) return nullptr;  // nothing after all; try later
///   return std::make_exception_ptr(pim::ConnectionLost(errno));
/// }
/// \endcode
///
/// A do_read() or do_write() that *throws* is treated the same way, with the exception as the
/// reason, after the reactor has logged it: one broken connection never takes the loop down.
#pragma once

#include <exception>
#include <string>

#include "pim/log.hpp"

namespace pim {

/// Something with a file descriptor the reactor can watch (Twisted's IFileDescriptor).
///
/// ReadDescriptor and WriteDescriptor inherit it *virtually*, so a class that implements both
/// (a connection that reads and writes) has a single fileno() and a single connection_lost().
class FileDescriptor : public LoggingContext {
 public:
  /// \returns the descriptor to watch. It must stay the same while registered: the reactor
  ///          files the object under this number.
  virtual int fileno() const = 0;

  /// Called once when the reactor gives up on this descriptor because do_read()/do_write()
  /// reported (or threw) \p reason. The descriptor is already removed from reading and writing;
  /// closing the fd is up to the implementation.
  /// \param reason ConnectionDone, ConnectionLost, or whatever do_read()/do_write() threw
  virtual void connection_lost(std::exception_ptr reason) = 0;

  /// The name shown in log lines written while the reactor dispatches this descriptor; by
  /// default the class name (`PoetrySocket`).
  std::string log_prefix() const override;

 protected:
  FileDescriptor() = default;
  FileDescriptor(const FileDescriptor&) = default;
  FileDescriptor& operator=(const FileDescriptor&) = default;
};

/// A descriptor the reactor calls when it is readable (Twisted's IReadDescriptor).
class ReadDescriptor : public virtual FileDescriptor {
 public:
  /// Called when fileno() is readable (data, end-of-file, or an error waiting to be read).
  /// Read what is available *without blocking* and return: the whole program waits while this
  /// runs.
  /// \returns null to carry on; a reason (ConnectionDone, ConnectionLost...) to be removed
  virtual std::exception_ptr do_read() = 0;
};

/// A descriptor the reactor calls when it is writable (Twisted's IWriteDescriptor).
class WriteDescriptor : public virtual FileDescriptor {
 public:
  /// Called when fileno() can accept more data. Write what you can without blocking; when you
  /// have nothing left to write, remove_writer() (or the reactor keeps calling: a socket is
  /// almost always writable).
  /// \returns null to carry on; a reason to be removed
  virtual std::exception_ptr do_write() = 0;
};

}  // namespace pim
