#include "pim/log.hpp"

#include <time.h>

#include <chrono>
#include <iostream>
#include <mutex>
#include <typeinfo>

#include "pim/error.hpp"
#include "pim/stack.hpp"

namespace pim::log {

namespace {

// One lock for the output pointer and the write itself, so a redirect never races a write and
// two threads' entries never interleave. Logging is not on any hot path; a mutex is fine.
std::mutex& output_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::ostream* output = &std::cerr;

// The context is per thread: a reactor runs in one thread, and a worker thread's log lines must
// not borrow the reactor's current connection.
thread_local const LoggingContext* current_context = nullptr;

std::string system_of(const LoggingContext* context) {
  if (context == nullptr) return "-";
  try {
    return context->log_prefix();
  } catch (...) {
    return "?";  // A broken log_prefix() must not turn a log call into a crash.
  }
}

}  // namespace

std::string format_time(long long unix_seconds) {
  std::time_t seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S+0000", &utc);
  return text;
}

std::string current_system() {
  return system_of(current_context);
}

void write(std::string_view text) {
  auto now = std::chrono::system_clock::now();
  std::string entry =
      format_time(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  entry += " [" + current_system() + "] ";
  for (char c : text) {
    entry += c;
    if (c == '\n') entry += '\t';
  }
  entry += '\n';
  std::lock_guard lock(output_mutex());
  *output << entry << std::flush;
}

void err(std::exception_ptr error, std::string_view why) {
  std::string text(why.empty() ? "Unhandled error" : why);
  text += '\n';
  text += error ? describe_exception(error) : "(no exception)";
  write(text);
}

void err(const std::exception& error, std::string_view why) {
  std::string text(why.empty() ? "Unhandled error" : why);
  text += '\n';
  text += demangle(typeid(error).name()) + ": " + error.what();
  write(text);
}

std::ostream& set_output(std::ostream& out) {
  std::lock_guard lock(output_mutex());
  std::ostream& previous = *output;
  output = &out;
  return previous;
}

ContextScope::ContextScope(const LoggingContext& context) noexcept : previous_(current_context) {
  current_context = &context;
}

ContextScope::~ContextScope() {
  current_context = previous_;
}

}  // namespace pim::log
