/// \file
/// \brief Timestamped log lines (`log::msg`, `log::err`) and the logging context of a callback.
///
/// Introduced in part 3 (the reactor reports failed callbacks through it); part 16 extends it to
/// log files. The C++ counterpart of `twisted.python.log` in its classic format:
///
///     2024-05-01 09:30:00+0000 [-] Hello from the reactor loop.
///     2024-05-01 09:30:00+0000 [PoetrySocket] Unhandled error in do_read
///     	std::runtime_error: bad poem
///
/// The bracketed "system" is `-` unless the reactor is dispatching a descriptor, in which case it
/// is that descriptor's log_prefix(): a message written from inside `do_read` says which
/// connection it is about without the caller passing anything. Times are UTC, hence `+0000`.
/// Tests: common/tests/test_log.cpp.
#pragma once

#include <exception>
#include <iosfwd>
#include <sstream>
#include <string>
#include <string_view>

namespace pim {

/// Something that names itself in log lines: the analogue of Twisted's ILoggingContext.
/// Every file descriptor the reactor watches is one (see descriptor.hpp).
class LoggingContext {
 public:
  virtual ~LoggingContext() = default;
  /// \returns the text shown between brackets while this context is current, e.g.
  ///          `PoetrySocket` or `127.0.0.1:10000`
  virtual std::string log_prefix() const = 0;
};

namespace log {

/// Writes one log entry: timestamp, `[system]`, then \p text. A multi-line text continues on
/// tab-indented lines, so every entry starts with a timestamp and can be found by grep.
/// Thread-safe: entries from different threads never interleave.
void write(std::string_view text);

/// Logs its arguments, streamed with `<<` and separated by single spaces:
/// `log::msg("got", 10, "bytes")` writes `... [-] got 10 bytes`.
template <class... Parts>
void msg(const Parts&... parts) {
  std::ostringstream text;
  const char* separator = "";
  ((text << separator << parts, separator = " "), ...);
  write(text.str());
}

/// Logs an exception: \p why (default `Unhandled error`) on the first line, then its demangled
/// type and message on the next (`std::runtime_error: I fall down.`).
/// \param error the exception; by default the one being handled, so `catch (...) { log::err(); }`
///        works like Twisted's `log.err()` inside `except`
/// \param why what was going on when it happened
/// \pre \p error is not null (outside a catch block, pass one explicitly)
void err(std::exception_ptr error = std::current_exception(), std::string_view why = {});

/// Logs an exception object directly (its dynamic type is reported, not `std::exception`).
void err(const std::exception& error, std::string_view why = {});

/// Sends log entries to \p out (std::cerr until changed). The stream must outlive its use.
/// \returns the previous output, so callers can put it back
std::ostream& set_output(std::ostream& out);

/// Redirects the log to a stream for one scope, then restores the previous output (tests use it
/// to capture what the reactor logged).
class Redirect {
 public:
  explicit Redirect(std::ostream& out) : previous_(set_output(out)) {}
  ~Redirect() { set_output(previous_); }
  Redirect(const Redirect&) = delete;
  Redirect& operator=(const Redirect&) = delete;

 private:
  std::ostream& previous_;
};

/// Makes \p context the current logging context of this thread for one scope (nesting is fine:
/// the previous context comes back on destruction). The reactor wraps every descriptor callback
/// in one. It stores a pointer only: no allocation, and log_prefix() is called only if something
/// is actually logged.
class ContextScope {
 public:
  explicit ContextScope(const LoggingContext& context) noexcept;
  ~ContextScope();
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  const LoggingContext* previous_;
};

/// The system name a log entry written now by this thread would carry (`-` outside any context).
std::string current_system();

/// Formats seconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS+0000` (UTC).
std::string format_time(long long unix_seconds);

}  // namespace log
}  // namespace pim
