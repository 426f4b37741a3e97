// Shared by the Deferred tests: a log capture and a few recording callbacks.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pim/deferred.hpp"
#include "pim/log.hpp"

namespace deferred_testing {

/// Captures everything logged (unhandled errors included) while it lives.
class LogCapture {
 public:
  LogCapture() : redirect_(text_) {}
  std::string text() const { return text_.str(); }
  /// How many times "Unhandled error in Deferred:" was logged.
  int unhandled_reports() const {
    std::string all = text();
    int count = 0;
    for (std::size_t at = all.find("Unhandled error in Deferred:"); at != std::string::npos;
         at = all.find("Unhandled error in Deferred:", at + 1)) {
      ++count;
    }
    return count;
  }

 private:
  std::ostringstream text_;
  pim::log::Redirect redirect_;
};

/// An error type of the tests' own, so nothing else can be mistaken for it.
class PoemError : public std::runtime_error {
 public:
  explicit PoemError(const std::string& what) : std::runtime_error(what) {}
};

inline pim::Failure poem_failure(const std::string& what) {
  return pim::Failure(PoemError(what));
}

/// The message of the exception in \p failure.
inline std::string message(const pim::Failure& failure) {
  return failure.what();
}

}  // namespace deferred_testing
