// Failure (failure.hpp): wrapping, describing and rethrowing exceptions.
#include "pim/failure.hpp"

#include <ostream>

#include "pim/error.hpp"
#include "pim/stack.hpp"

namespace pim {

namespace {

// Our own types print without the namespace in the one-line form; see Failure::to_string().
std::string short_type_name(std::string name) {
  constexpr std::string_view ours = "pim::";
  if (name.compare(0, ours.size(), ours) == 0) name.erase(0, ours.size());
  return name;
}

bool is_failure_frame(const std::string& frame) {
  return frame.rfind("pim::Failure::", 0) == 0;
}

}  // namespace

// noinline on every constructor that captures: each must be a real frame, so that the frames
// trimmed from the end of the stack (Failure's own) are always the same kind of thing.
[[gnu::noinline]] Failure::Failure() : error_(std::current_exception()) {
  if (!error_) throw NoCurrentExceptionError();
  capture();
}

[[gnu::noinline]] Failure Failure::current() {
  std::exception_ptr error = std::current_exception();
  if (!error) throw NoCurrentExceptionError();
  return Failure(std::move(error));
}

[[gnu::noinline]] Failure::Failure(std::exception_ptr error) : error_(std::move(error)) {
  if (!error_) throw std::invalid_argument("Failure: the exception_ptr is null");
  capture();
}

Failure Failure::without_frames(std::exception_ptr error) {
  if (!error) throw std::invalid_argument("Failure::without_frames: the exception_ptr is null");
  return Failure(Adopt{}, std::move(error));
}

Failure Failure::from_reference(const void* object, const std::type_info& dynamic_type) {
  // `catch (const std::exception& e) { Failure(e); }` is a natural thing to write, and copying
  // `e` would keep only its std::exception part. When `e` is the exception being handled, what
  // was meant is clear: wrap that exception.
  if (std::exception_ptr current = std::current_exception()) {
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& handled) {
      if (dynamic_cast<const void*>(&handled) == object) return Failure(current);
    } catch (...) {
    }
  }
  throw std::invalid_argument(
      "Failure(e): e is a base-class reference to a " + demangle(dynamic_type.name()) +
      ", and copying it would lose its type; inside its catch block use Failure() instead");
}

[[gnu::noinline]] void Failure::capture() {
  stack_ = std::make_shared<const std::vector<void*>>(capture_stack());
}

std::string Failure::type_name() const {
  return exception_type_name(error_);
}

std::string Failure::what() const {
  try {
    std::rethrow_exception(error_);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "";
  }
}

void Failure::rethrow() const {
  std::rethrow_exception(error_);
}

std::vector<std::string> Failure::frames() const {
  if (!stack_) return {};
  std::vector<std::string> named = describe_stack(*stack_);
  // The innermost frames are Failure's own constructors and capture(); the caller's is next.
  while (!named.empty() && is_failure_frame(named.back())) {
    named.pop_back();
  }
  return named;
}

std::string Failure::traceback() const {
  std::string message = what();
  std::string last = type_name() + (message.empty() ? "" : ": " + message);
  if (!stack_) return "Traceback (failure with no frames): " + last + "\n";
  std::string text = "Traceback (most recent call last):\n";
  for (const std::string& frame : frames()) {
    text += "  " + frame + "\n";
  }
  // Everything listed is *above* the catch; what ran between the throw and the catch was
  // unwound before the Failure could be made (see the header).
  text += "--- <exception caught here> ---\n";
  text += last + "\n";
  return text;
}

std::string Failure::to_string() const {
  std::string message = what();
  return "[Failure: " + short_type_name(type_name()) + (message.empty() ? "" : ": " + message) +
         "]";
}

std::ostream& operator<<(std::ostream& out, const Failure& failure) {
  return out << failure.to_string();
}

}  // namespace pim
