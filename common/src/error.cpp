#include "pim/error.hpp"

#include <cxxabi.h>

#include <cstring>
#include <typeinfo>

#include "pim/stack.hpp"

namespace pim {

ConnectionLost::ConnectionLost(int error_number)
    : ConnectionClosed(std::string("Connection lost: ") + std::strerror(error_number)),
      error_number_(error_number) {}

ConnectionLost::ConnectionLost(const std::string& message)
    : ConnectionClosed("Connection lost: " + message) {}

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
