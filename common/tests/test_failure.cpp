// Failure (part 6): wrapping caught and unthrown exceptions, check, trap, rethrow, value, the
// traceback and the one-line form. The executable exports its symbols (ENABLE_EXPORTS), so the
// probe functions below have names in tracebacks.
#include "pim/failure.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "pim/error.hpp"
#include "pim/testing/catch.hpp"

namespace {

class RhymeSchemeViolation : public std::runtime_error {
 public:
  explicit RhymeSchemeViolation(int line)
      : std::runtime_error("line " + std::to_string(line) + " does not rhyme"), line(line) {}
  int line;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

// Exported and never inlined, so they appear by name in captured stacks.
[[gnu::noinline]] void pim_failure_probe_throw() {
  throw std::runtime_error("I have failed.");
}

[[gnu::noinline]] pim::Failure pim_failure_probe_catch() {
  try {
    pim_failure_probe_throw();
  } catch (...) {
    return pim::Failure();
  }
  return pim::Failure(std::runtime_error("unreachable"));
}

[[gnu::noinline]] pim::Failure pim_failure_probe_current() {
  try {
    throw RhymeSchemeViolation(3);
  } catch (...) {
    return pim::Failure::current();
  }
}

TEST_CASE("a Failure made in a catch block wraps the exception and the stack where it was caught",
          "[common][part06][failure]") {
  pim::Failure failure = pim_failure_probe_catch();
  CHECK(failure.type_name() == "std::runtime_error");
  CHECK(failure.what() == "I have failed.");
  REQUIRE(failure.has_frames());
  std::vector<std::string> frames = failure.frames();
  INFO(failure.traceback());
  REQUIRE_FALSE(frames.empty());
  CHECK(frames.front() == "main");
  // Innermost is the function that made the Failure, not Failure's own constructor.
  CHECK(frames.back().rfind("pim_failure_probe_catch()", 0) == 0);
  const std::string traceback = failure.traceback();
  CHECK(traceback.rfind("Traceback (most recent call last):\n  main\n", 0) == 0);
  CHECK(contains(traceback,
                 "  pim_failure_probe_catch()\n"
                 "--- <exception caught here> ---\n"
                 "std::runtime_error: I have failed.\n"));
  CHECK_FALSE(contains(traceback, "pim::Failure::"));
}

TEST_CASE("Failure::current() is Failure() by name, trimmed of Failure's own frames",
          "[common][part06][failure]") {
  pim::Failure failure = pim_failure_probe_current();
  REQUIRE(failure.has_frames());
  CHECK(failure.frames().back().rfind("pim_failure_probe_current()", 0) == 0);
  CHECK(failure.value<RhymeSchemeViolation>()->line == 3);
}

TEST_CASE("a Failure made from an exception that was never thrown has no frames",
          "[common][part06][failure]") {
  pim::Failure failure(pim::ConnectionRefusedError{});
  CHECK_FALSE(failure.has_frames());
  CHECK(failure.frames().empty());
  CHECK(failure.traceback() ==
        "Traceback (failure with no frames): pim::ConnectionRefusedError: Connection was "
        "refused\n");
  CHECK(failure.type_name() == "pim::ConnectionRefusedError");
  CHECK(pim::Failure::from(RhymeSchemeViolation(7)).has_frames() == false);
}

TEST_CASE("to_string and operator<< give the one-line form, without our namespace",
          "[common][part06][failure]") {
  pim::Failure refused(pim::ConnectionRefusedError{});
  CHECK(refused.to_string() == "[Failure: ConnectionRefusedError: Connection was refused]");
  std::ostringstream out;
  out << "Poem failed: " << refused;
  CHECK(out.str() == "Poem failed: [Failure: ConnectionRefusedError: Connection was refused]");
  CHECK(pim::Failure(std::logic_error("bad")).to_string() == "[Failure: std::logic_error: bad]");
}

TEST_CASE("check tells which of the given types matched, bases included, or none",
          "[common][part06][failure]") {
  pim::Failure refused(pim::ConnectionRefusedError{});
  CHECK(refused.check<pim::ConnectionRefusedError>() == &typeid(pim::ConnectionRefusedError));
  // Tried in order: the first that matches wins, even a base class.
  CHECK(refused.check<pim::TimeoutError, pim::ConnectError>() == &typeid(pim::ConnectError));
  CHECK(refused.check<std::exception, pim::ConnectionRefusedError>() == &typeid(std::exception));
  CHECK(refused.check<pim::TimeoutError>() == nullptr);
  CHECK(refused.check<std::logic_error, pim::DNSLookupError>() == nullptr);
  CHECK(pim::Failure::from(42).check<int>() == &typeid(int));
}

TEST_CASE("trap returns the matching type and rethrows the original exception otherwise",
          "[common][part06][failure]") {
  pim::Failure timeout(pim::TimeoutError::after(0.5));
  CHECK(timeout.trap<pim::ConnectError>() == &typeid(pim::ConnectError));
  CHECK(timeout.trap<pim::DNSLookupError, pim::TimeoutError>() == &typeid(pim::TimeoutError));
  try {
    timeout.trap<pim::ConnectionRefusedError, std::logic_error>();
    FAIL("trap did not rethrow");
  } catch (const pim::TimeoutError& e) {
    CHECK(std::string(e.what()) == "Connection attempt timed out after 0.5 seconds");
  }
}

TEST_CASE("rethrow throws the exception with its real type, and value reads its fields",
          "[common][part06][failure]") {
  pim::Failure failure(RhymeSchemeViolation(12));
  CHECK_THROWS_AS(failure.rethrow(), RhymeSchemeViolation);
  const RhymeSchemeViolation* value = failure.value<RhymeSchemeViolation>();
  REQUIRE(value != nullptr);
  CHECK(value->line == 12);
  CHECK(failure.value<std::runtime_error>() == value);  // the same object, seen as a base
  CHECK(failure.value<pim::ConnectError>() == nullptr);
  pim::Failure lost(pim::ConnectionLost(ECONNRESET));
  CHECK(lost.value<pim::ConnectionLost>()->error_number() == ECONNRESET);
  CHECK(lost.what() == "Connection lost: Connection reset by peer");
}

TEST_CASE("copies of a Failure share the exception", "[common][part06][failure]") {
  pim::Failure original = pim_failure_probe_catch();
  pim::Failure copy = original;
  CHECK(copy.exception() == original.exception());
  CHECK(copy.traceback() == original.traceback());
}

TEST_CASE("Failure() outside a catch block throws NoCurrentExceptionError",
          "[common][part06][failure]") {
  CHECK_THROWS_AS(pim::Failure(), pim::NoCurrentExceptionError);
  CHECK_THROWS_AS(pim::Failure::current(), pim::NoCurrentExceptionError);
  CHECK_THROWS_AS(pim::Failure(std::exception_ptr()), std::invalid_argument);
  CHECK_THROWS_AS(pim::Failure::without_frames(nullptr), std::invalid_argument);
}

TEST_CASE("Failure(exception_ptr) captures the stack; without_frames does not",
          "[common][part06][failure]") {
  std::exception_ptr error = std::make_exception_ptr(std::runtime_error("x"));
  CHECK(pim::Failure(error).has_frames());
  pim::Failure bare = pim::Failure::without_frames(error);
  CHECK_FALSE(bare.has_frames());
  CHECK(bare.exception() == error);
  CHECK(bare.to_string() == "[Failure: std::runtime_error: x]");
}

TEST_CASE(
    "a base-class reference is wrapped with its real type when it is the exception being "
    "handled, and refused otherwise",
    "[common][part06][failure]") {
  try {
    throw RhymeSchemeViolation(5);
  } catch (const std::exception& e) {
    pim::Failure failure(e);  // not a sliced std::exception: the real one
    CHECK(failure.type_name() == "(anonymous namespace)::RhymeSchemeViolation");
    CHECK(failure.value<RhymeSchemeViolation>()->line == 5);
    CHECK(failure.has_frames());
  }
  RhymeSchemeViolation unthrown(6);
  const std::runtime_error& base = unthrown;
  CHECK_THROWS_AS(pim::Failure(base), std::invalid_argument);
}

TEST_CASE("exceptions that are not std::exceptions are wrapped too", "[common][part06][failure]") {
  pim::Failure number = pim::Failure::from(42);
  CHECK(number.type_name() == "int");
  CHECK(number.what().empty());
  CHECK(number.to_string() == "[Failure: int]");
  try {
    throw std::string("thrown text");
  } catch (...) {
    pim::Failure text;
    CHECK(text.type_name() ==
          "std::__cxx11::basic_string<char, std::char_traits<char>, "
          "std::allocator<char> >");
    CHECK(*text.value<std::string>() == "thrown text");
  }
}
