#include "pim/error.hpp"

#include <cxxabi.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <typeinfo>

#include "pim/stack.hpp"

namespace pim {

ConnectionLost::ConnectionLost(int error_number)
    : ConnectionClosed(std::string("Connection lost: ") + std::strerror(error_number)),
      error_number_(error_number) {}

ConnectionLost::ConnectionLost(const std::string& message)
    : ConnectionClosed("Connection lost: " + message) {}

ConnectError ConnectError::from_errno(int error_number) {
  return ConnectError(
      std::string("An error occurred while connecting: ") + std::strerror(error_number),
      error_number);
}

ConnectionRefusedError::ConnectionRefusedError()
    : ConnectError("Connection was refused", ECONNREFUSED) {}

TimeoutError::TimeoutError(const std::string& message) : ConnectError(message, ETIMEDOUT) {}

TimeoutError TimeoutError::after(double seconds) {
  // Default stream formatting prints 30 as "30" and 0.25 as "0.25", not "30.000000".
  std::ostringstream text;
  text << "Connection attempt timed out after " << seconds << " seconds";
  return TimeoutError(text.str());
}

DNSLookupError::DNSLookupError(const std::string& host, const std::string& reason)
    : ConnectError("DNS lookup failed: no address for " + host + " (" + reason + ")") {}

std::string exception_type_name(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (...) {
    // The Itanium C++ ABI (g++ and clang on Linux) can name the type of *any* exception in
    // flight, including ones not derived from std::exception (a thrown int or string).
    const std::type_info* type = abi::__cxa_current_exception_type();
    return type ? demangle(type->name()) : "unknown exception";
  }
}

std::string describe_exception(const std::exception_ptr& error) {
  std::string type = exception_type_name(error);
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return type + ": " + e.what();
  } catch (...) {
    return type;
  }
}

}  // namespace pim
