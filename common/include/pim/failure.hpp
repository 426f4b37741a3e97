/// \file
/// \brief Failure: an exception turned into a value, so it can travel to an errback.
///
/// Introduced in part 6 (client 3.1 passes one to its errback; failure_examples shows how they
/// are made and read). Part 5's connection_lost() and client_connection_failed() already receive
/// one. The C++ counterpart of `twisted.python.failure.Failure`. Tests:
/// common/tests/test_failure.cpp.
///
/// Why not just pass `std::exception_ptr`? In asynchronous code an error is discovered in one
/// callback and handled in another, long after the `catch` block is gone. A Failure keeps what
/// the handler needs in one copyable value: the exception itself (its real type, not a sliced
/// copy), a readable type name and message, and the call stack at the moment it was caught. It
/// also offers the two questions handlers ask: check() ("is it one of these?") and trap() ("if it
/// is not one of these, it is not mine: pass it on"), the asynchronous form of a `catch` clause.
///
/// \code
/// try {
///   parse(poem);
/// } catch (...) {
///   errback(pim::Failure());  // captures the exception being handled, and the stack
/// }
/// ...
/// void poem_failed(const pim::Failure& failure) {
///   failure.trap<pim::ConnectError>();       // anything else is rethrown
///   std::cerr << "Poem failed: " << failure << '\n';
///   // Poem failed: [Failure: ConnectionRefusedError: Connection was refused]
/// }
/// \endcode
///
/// **Frames.** C++ unwinds the stack *before* a `catch` block runs, so the frames between the
/// `throw` and the `catch` are already gone when a Failure can be made (Python keeps them in the
/// traceback object; C++ has no equivalent without hooking the runtime). What a Failure records
/// is the other half: the callers above the place the exception was caught, outermost first,
/// which in a reactor program shows which callback was running (and below which library call).
/// A Failure made from an exception object that was never thrown (an error *reported* rather
/// than *raised*, like a refused connection) has no frames, and says so. The stack is captured as
/// raw addresses (cheap) and named only if frames() or traceback() is called; names need the
/// program linked with exported symbols, as stack.hpp explains. One more limit of naming: an
/// optimizing compiler often moves a `catch` block into a separate "cold" section with no
/// exported name, and a Failure made there shows its innermost frame as `?? (program+0x...)`.
#pragma once

#include <concepts>
#include <exception>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace pim {

/// Failure() (or Failure::current()) outside a `catch` block: there is no exception to wrap.
class NoCurrentExceptionError : public std::logic_error {
 public:
  NoCurrentExceptionError()
      : std::logic_error(
            "Failure() needs an exception being handled: call it inside a catch block") {}
};

/// An exception, its type name and message, and (if it was caught) the stack where it was caught.
///
/// Cheap to copy: copies share the exception and the captured stack, which never change.
/// Immutable, so copies may be read from several threads.
class Failure {
 public:
  /// Wraps the exception being handled, capturing the stack here. Use it inside `catch`.
  /// \throws NoCurrentExceptionError outside a catch block
  Failure();

  /// The same as Failure(), with a name that says what it takes.
  static Failure current();

  /// Wraps an exception someone caught, capturing the stack here.
  /// \throws std::invalid_argument if \p error is null
  explicit Failure(std::exception_ptr error);

  /// Wraps an exception object that was *not* thrown: the Failure has no frames.
  ///
  /// Pass the object itself (`Failure(ConnectionRefusedError())`). A base-class reference to a
  /// derived object would be copied as the base and lose its real type; that is refused, unless
  /// the object is the exception currently being handled, which is then wrapped as Failure() does.
  /// \throws std::invalid_argument for a sliced copy, as described
  template <class E>
  requires std::derived_from<std::remove_cvref_t<E>, std::exception>
  explicit Failure(E&& exception) : Failure(Unthrown{}, std::forward<E>(exception)) {}

  /// Failure(exception) for any exception type, including ones not derived from std::exception:
  /// `Failure::from(MyError{"x"})`. No frames.
  template <class E>
  static Failure from(E&& exception) {
    static_assert(!std::is_same_v<std::remove_cvref_t<E>, Failure> &&
                      !std::is_same_v<std::remove_cvref_t<E>, std::exception_ptr>,
                  "Failure::from wraps exception objects; copy a Failure, or use "
                  "Failure(exception_ptr) for a caught exception");
    return Failure(Unthrown{}, std::forward<E>(exception));
  }

  /// Wraps \p error without capturing a stack: for library code passing on an error whose
  /// frames would only show the library (the transports use it for connection_lost reasons).
  /// \throws std::invalid_argument if \p error is null
  static Failure without_frames(std::exception_ptr error);

  /// The wrapped exception, for code that wants to rethrow or store it as such.
  const std::exception_ptr& exception() const noexcept { return error_; }

  /// The demangled type of the exception: `pim::ConnectionRefusedError`, `std::runtime_error`.
  std::string type_name() const;

  /// The exception's message (its what()), or "" if it is not a std::exception.
  std::string what() const;

  /// Which of the types \p E... the exception is an instance of (exactly or by inheritance, as a
  /// `catch (const E&)` would decide), trying them in the order given.
  /// \returns `&typeid(E)` for the first matching E, or nullptr if none matches. The pointer is
  ///          usable as a truth value (`if (failure.check<ConnectError>())`) and comparable
  ///          (`== &typeid(TimeoutError)`).
  template <class... E>
  const std::type_info* check() const {
    static_assert(sizeof...(E) > 0, "check<E...>() needs at least one type");
    const std::type_info* found = nullptr;
    (void)((is<E>() ? (found = &typeid(E), true) : false) || ...);
    return found;
  }

  /// check<E...>(), except that when no type matches, the original exception is rethrown: an
  /// errback that traps only what it understands passes everything else on (part 6, exercise 2).
  /// \returns `&typeid(E)` for the first matching E (never null)
  /// \throws the wrapped exception itself if no E matches
  template <class... E>
  const std::type_info* trap() const {
    if (const std::type_info* found = check<E...>()) return found;
    rethrow();
  }

  /// The exception object as an E, if it is one (Twisted's `failure.value`): read the fields of
  /// a specific error, e.g. `failure.value<ConnectionLost>()->error_number()`.
  /// \returns a pointer into the wrapped exception (valid while any copy of this Failure lives),
  ///          or nullptr if it is not an E
  template <class E>
  const E* value() const {
    try {
      std::rethrow_exception(error_);
    } catch (const E& e) {
      // The Itanium C++ ABI (g++ and clang everywhere but Windows) rethrows the very object the
      // exception_ptr holds, so this address outlives the catch block.
      return &e;
    } catch (...) {
      return nullptr;
    }
  }

  /// Throws the wrapped exception (with its real type), so a `try`/`catch` can take over.
  [[noreturn]] void rethrow() const;

  /// False for failures made from an exception that was never thrown (see the file comment).
  bool has_frames() const noexcept { return stack_ != nullptr; }

  /// The captured stack, outermost first, ending with the function that made the Failure; empty
  /// if there are no frames.
  std::vector<std::string> frames() const;

  /// A multi-line report: the frames, then `TYPE: MESSAGE`. Without frames, a single line
  /// `Traceback (failure with no frames): TYPE: MESSAGE`.
  std::string traceback() const;

  /// The one-line form `[Failure: ConnectionRefusedError: Connection was refused]`. Types of
  /// this library are shown without their `pim::` (every reason a connection gets is ours);
  /// others keep their namespace (`[Failure: std::runtime_error: bad poem]`).
  std::string to_string() const;

  /// Prints to_string().
  friend std::ostream& operator<<(std::ostream& out, const Failure& failure);

 private:
  struct Unthrown {};
  struct Adopt {};

  Failure(Adopt, std::exception_ptr error) noexcept : error_(std::move(error)) {}

  template <class E>
  Failure(Unthrown, E&& exception) {
    using Stored = std::remove_cvref_t<E>;
    if constexpr (std::is_polymorphic_v<Stored>) {
      // A base-class reference would be copied as the base: catch the mistake instead.
      if (typeid(exception) != typeid(Stored)) {
        *this =
            from_reference(dynamic_cast<const void*>(std::addressof(exception)), typeid(exception));
        return;
      }
    }
    error_ = std::make_exception_ptr(std::forward<E>(exception));
  }

  // The sliced-copy case: the exception being handled if \p object (a most-derived address)
  // is that very exception, else std::invalid_argument naming \p dynamic_type.
  static Failure from_reference(const void* object, const std::type_info& dynamic_type);

  template <class E>
  bool is() const {
    try {
      std::rethrow_exception(error_);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }

  // Captures the caller's stack; the frames of Failure's own functions are trimmed when named.
  void capture();

  std::exception_ptr error_;
  std::shared_ptr<const std::vector<void*>> stack_;  // null: no frames
};

}  // namespace pim
