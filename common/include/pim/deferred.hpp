/// \file
/// \brief Deferred: a promise of a result (or a Failure) with a chain of callbacks to run on it.
///
/// Introduced in part 7; part 8 returns one from get_poetry(), part 9 draws its firing rules,
/// part 10 puts a transformation stage in the chain, parts 13, 14 and 19 rely on nesting,
/// synchronous firing and cancellation, which are all here already. The C++ counterpart of
/// `twisted.internet.defer.Deferred`. Tests: common/tests/test_deferred.cpp (firing, routing,
/// types), test_deferred_nesting.cpp (pause, nesting, chain_deferred, long chains),
/// test_deferred_cancel.cpp and test_deferred_helpers.cpp (succeed, fail, maybe_deferred,
/// defer_later, defer_to_thread, unhandled errors).
///
/// A Deferred is one chain of *stages*; each stage is a (callback, errback) pair. When the
/// Deferred is fired, with callback(value) or errback(failure), the result travels down the
/// chain: at each stage the callback runs if the result is a value, the errback if it is a
/// Failure, and what that function returns (or throws) becomes the next result:
///
/// | the stage...                       | the next stage gets          |
/// |------------------------------------|------------------------------|
/// | returns a value (or nothing)       | that value, in its callback  |
/// | returns a Failure, or throws       | the Failure, in its errback  |
/// | returns an Outcome                 | its value or its Failure     |
/// | returns another Deferred           | whatever that one fires with, once it does (the chain
/// waits) |
///
/// \code
/// pim::Deferred<std::string> d = get_poetry(reactor, "127.0.0.1", 10000);
/// d.add_callback(cummingsify)                  // Deferred<std::string>: a transformed poem
///     .add_callbacks(print_poem, poem_failed)  // Deferred<void>: both return nothing
///     .add_both([&] { reactor.stop(); });      // runs whatever happened before
/// \endcode
///
/// **Types.** In Python any stage may return anything. Here each handle is typed by what the
/// chain carries at its end: `add_callback(f)` on a `Deferred<T>` calls `f(T)` and returns a
/// `Deferred<R>` handle *to the same chain*, where R is what f returns (void, a value, or the U of
/// an `Outcome<U>` or a `Deferred<U>`). So `got_poem` can return nothing and `poem_done` still
/// be added after it, and a wrong signature is a compile error, not a runtime surprise. The
/// chain itself is untyped (detail::DeferredState): one shared list of type-erased stages, with
/// values kept in a small inline buffer. docs/deferred-design.md explains why this design beat
/// typed chains linked by chain_deferred(). A handle whose type no longer matches (you kept the
/// `Deferred<std::string>` after adding a stage that returns `int`, and add to it again) is
/// refused with DeferredTypeError before anything runs: never undefined behaviour.
///
/// **Not thread-safe.** A Deferred's callbacks run in whichever thread fires it, synchronously,
/// inside callback()/errback(). Fire and extend a Deferred only on the reactor's thread; a
/// worker thread hands its result over with defer_to_thread() (threads.hpp) or
/// Reactor::call_from_thread().
///
/// **Lifetime.** Handles are shared references (copy them freely). The chain lives while any
/// handle, or a pending stage of a Deferred it waits on, refers to it. A stage's captures are
/// not inspected: a callback that captures a handle to its own Deferred keeps it alive until the
/// stage has run.
#pragma once

#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>

#include "pim/detail/deferred_state.hpp"
#include "pim/failure.hpp"
#include "pim/stack.hpp"
#include "pim/timers.hpp"

namespace pim {

/// \name Deferred errors
///@{

/// callback() or errback() on a Deferred that has already been fired (Twisted's name).
class AlreadyCalledError : public std::logic_error {
 public:
  AlreadyCalledError() : std::logic_error("Deferred has already been called") {}
};

/// What cancel() errbacks an unfired Deferred with, unless its canceller fired it.
class CancelledError : public std::runtime_error {
 public:
  CancelledError() : std::runtime_error("Deferred was cancelled") {}
};

/// A handle used with a type the chain no longer has (see the file comment), or callback() on a
/// handle that is not the producer's (its type is not the first stage's input).
class DeferredTypeError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Any other misuse: a moved-from handle, unpause() without pause(), a callback that returns
/// the very Deferred it is attached to.
class DeferredUsageError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};
///@}

template <class T>
class Deferred;

/// A value or a Failure: what a stage returns when it may do either (Twisted's "return the
/// result, or return the failure"). Constructs implicitly from both, so a stage can just
/// `return poem;` on one path and `return failure;` on another.
template <class T>
class Outcome {
 public:
  Outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Outcome(Failure failure) : state_(std::in_place_index<1>, std::move(failure)) {}

  bool ok() const noexcept { return state_.index() == 0; }
  /// \throws the Failure's exception if this is a Failure
  T& value() & {
    if (!ok()) failure().rethrow();
    return std::get<0>(state_);
  }
  T&& value() && { return std::move(value()); }
  /// \throws DeferredUsageError if this is a value
  const Failure& failure() const {
    if (ok()) throw DeferredUsageError("Outcome::failure() on an Outcome that holds a value");
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Failure> state_;
};

/// `Outcome<void>`: nothing, or a Failure.
template <>
class Outcome<void> {
 public:
  Outcome() = default;
  Outcome(Failure failure) : failure_(std::move(failure)) {}
  bool ok() const noexcept { return !failure_; }
  void value() const {
    if (failure_) failure_->rethrow();
  }
  const Failure& failure() const {
    if (!failure_) throw DeferredUsageError("Outcome::failure() on an Outcome that holds a value");
    return *failure_;
  }

 private:
  std::optional<Failure> failure_;
};

namespace detail {

template <class X>
inline constexpr bool is_deferred_v = false;
template <class U>
inline constexpr bool is_deferred_v<Deferred<U>> = true;
template <class X>
inline constexpr bool is_outcome_v = false;
template <class U>
inline constexpr bool is_outcome_v<Outcome<U>> = true;

/// What the next stage receives when a stage returns R (decayed): R itself, nothing (void), the
/// U inside `Outcome<U>` / `Deferred<U>`, or, for a Failure, Wildcard: a stage that always fails
/// fits a chain of any type.
struct Wildcard {};
template <class R>
struct output_of {
  using type = R;
};
template <>
struct output_of<Failure> {
  using type = Wildcard;
};
template <class U>
struct output_of<Outcome<U>> {
  using type = U;
};
template <class U>
struct output_of<Deferred<U>> {
  using type = U;
};
template <class R>
using output_t = typename output_of<std::decay_t<R>>::type;

/// Whether a stage returning R can feed a chain that carries N next.
template <class R, class N>
inline constexpr bool feeds_v = std::is_same_v<output_t<R>, Wildcard> ||
                                std::is_same_v<output_t<R>, N> ||
                                (!is_outcome_v<std::decay_t<R>> &&
                                 !is_deferred_v<std::decay_t<R>> && !std::is_void_v<N> &&
                                 !std::is_void_v<R> && std::is_convertible_v<R, N>);

/// The type after a pair whose callback returns Rc and errback returns Re, given input T.
template <class T, class Rc, class Re>
struct pair_output {
  using from_callback = output_t<Rc>;
  using type = std::conditional_t<
      std::is_same_v<from_callback, Wildcard>,
      std::conditional_t<std::is_same_v<output_t<Re>, Wildcard>, T, output_t<Re>>, from_callback>;
};

/// The types a Deferred may carry: plain values (or void), never a Failure, an Outcome or a
/// Deferred (those mean something else as stage results), a reference or a const type.
template <class T>
inline constexpr bool valid_value_v = std::is_void_v<T> ||
                                      (std::is_object_v<T> && !std::is_const_v<T> &&
                                       !std::is_volatile_v<T> && !std::is_array_v<T> &&
                                       !std::is_same_v<T, Failure> && !is_outcome_v<T> &&
                                       !is_deferred_v<T> && std::is_move_constructible_v<T>);

/// Markers for the side of a pair that passes the result on untouched.
struct PassValue {};
struct PassFailure {};

/// f with extra arguments bound after the result (Twisted's callbackArgs): `f(result, args...)`.
template <class F, class... Bound>
struct BoundCall {
  F f;
  std::tuple<Bound...> bound;
  template <class... In>
  auto operator()(In&&... in)
      -> decltype(std::invoke(f, std::forward<In>(in)..., std::declval<Bound&>()...)) {
    return std::apply(
        [&](Bound&... args) -> decltype(auto) {
          return std::invoke(f, std::forward<In>(in)..., args...);
        },
        bound);
  }
};

template <class F, class... Bound>
auto bind_after(F&& f, Bound&&... bound) {
  if constexpr (sizeof...(Bound) == 0) {
    return std::decay_t<F>(std::forward<F>(f));
  } else {
    return BoundCall<std::decay_t<F>, std::decay_t<Bound>...>{
        std::forward<F>(f), std::tuple<std::decay_t<Bound>...>(std::forward<Bound>(bound)...)};
  }
}

/// What calling f on a value of type T returns (T void: f()).
/// (`type` is void when f cannot be called that way, so asking is never a hard error.)
template <class T, class F>
struct value_call {
  static constexpr bool ok = std::is_invocable_v<F&, T&&>;
  using type =
      typename std::conditional_t<ok, std::invoke_result<F&, T&&>, std::type_identity<void>>::type;
};
template <class F>
struct value_call<void, F> {
  static constexpr bool ok = std::is_invocable_v<F&>;
  using type =
      typename std::conditional_t<ok, std::invoke_result<F&>, std::type_identity<void>>::type;
};

/// What the callback side of a pair returns: f's result, or T itself when it passes through.
template <class T, class OnValue>
struct callback_returns {
  using type = typename value_call<T, OnValue>::type;
};
template <class T>
struct callback_returns<T, PassValue> {
  using type = T;
};

/// What the errback side returns: f's result, or the Failure itself when it passes through.
template <class OnFailure, bool passes>
struct errback_returns {
  using type = std::invoke_result_t<OnFailure&, Failure&>;
};
template <class OnFailure>
struct errback_returns<OnFailure, true> {
  using type = Failure;
};

/// The errback side of add_both's pair is the callback side's own object.
struct UseValueSide {};

struct DeferredAccess;

/// Stores what a stage returned into \p result, as the table in the file comment says.
template <class N, class Call>
void store(Result& result, Call&& call);

/// The stage object: runs one side of the pair and stores its output as an N.
template <class T, class N, class OnValue, class OnFailure>
struct PairStage {
  [[no_unique_address]] OnValue on_value;
  [[no_unique_address]] OnFailure on_failure;

  // [pair-stage]
  void operator()(Result& result) {
    if (!result.is_failure()) {
      if constexpr (!std::is_same_v<OnValue, PassValue>) {
        if constexpr (std::is_void_v<T>) {
          store<N>(result, [&] { return std::invoke(on_value); });
        } else {
          T value = result.take_value<T>();
          store<N>(result, [&] { return std::invoke(on_value, std::move(value)); });
        }
      }
    } else if constexpr (std::is_same_v<OnFailure, UseValueSide>) {
      Failure failure = result.take_failure();
      store<N>(result, [&] { return std::invoke(on_value, failure); });
    } else if constexpr (!std::is_same_v<OnFailure, PassFailure>) {
      Failure failure = result.take_failure();
      store<N>(result, [&] { return std::invoke(on_failure, failure); });
    }
  }
  // [pair-stage]
};

/// add_both's adapters: one function for both sides of the pair.
template <class T, class F>
struct BothWithOutcome {  // f(Outcome<T>)
  F f;
  auto operator()(auto&&... value) { return std::invoke(f, Outcome<T>(std::move(value)...)); }
  auto operator()(Failure& failure) { return std::invoke(f, Outcome<T>(failure)); }
};
template <class F>
struct BothIgnoringResult {  // f(): Twisted's `addBoth(lambda _: reactor.stop())`
  F f;
  auto operator()(auto&&...) { return std::invoke(f); }
};

}  // namespace detail

/// A result that is not there yet, and what to do with it when it is. See the file comment.
///
/// \tparam T what the chain carries at this handle: the value the next added callback receives
///           (`void`: nothing). For the producer's handle, also what callback() takes.
template <class T>
class Deferred {
  static_assert(detail::valid_value_v<T>,
                "Deferred<T>: T must be void or a movable object type that is not const, a "
                "reference, a Failure, an Outcome or a Deferred");

 public:
  using value_type = T;

  /// A new, unfired Deferred with no stages.
  Deferred() : state_(std::make_shared<detail::DeferredState>(typeid(T))) {}

  /// A new Deferred that cancel() stops with \p canceller (part 19). The canceller is called
  /// with this Deferred (or with nothing, if it takes no argument) when cancel() is called
  /// before the Deferred fires; it should stop the work that would fire it, and may fire it
  /// itself (if it does not, cancel() errbacks with CancelledError). It is dropped unused once
  /// the Deferred fires.
  template <class F>
  requires(std::is_invocable_v<std::decay_t<F>&, Deferred&> ||
           std::is_invocable_v<std::decay_t<F>&>) explicit Deferred(F&& canceller)
      : Deferred() {
    state_->set_canceller([cancel = std::decay_t<F>(std::forward<F>(canceller))](
                              const std::shared_ptr<detail::DeferredState>& state) mutable {
      if constexpr (std::is_invocable_v<std::decay_t<F>&, Deferred&>) {
        Deferred self(state);
        std::invoke(cancel, self);
      } else {
        std::invoke(cancel);
      }
    });
  }

  /// \name Firing (the producer's side)
  /// Each Deferred fires once: callback() or errback(). The chain runs inside the call, and
  /// never throws into it: every exception a stage throws becomes the next Failure.
  ///@{

  /// Fires the chain with \p value.
  /// \throws AlreadyCalledError if it has already fired (once after a cancel() without a
  ///         canceller, the producer's fire is swallowed instead, as in Twisted)
  /// \throws DeferredTypeError on a handle that is not typed like the chain's input
  template <class V = T>
  requires(!std::is_void_v<T> && std::constructible_from<T, V&&>) void callback(V&& value) {
    detail::Result result;
    result.template set_value<T>(std::forward<V>(value));
    fire(std::move(result), "callback");
  }

  /// Fires a `Deferred<void>` (whose callbacks take nothing).
  void callback() requires std::is_void_v<T> { fire(detail::Result{}, "callback"); }

  /// Fires the chain with \p failure: the next errback receives it.
  /// \throws AlreadyCalledError as callback() does
  void errback(Failure failure) {
    detail::Result result;
    result.set_failure(std::move(failure));
    fire(std::move(result), "errback");
  }

  /// errback() with a caught exception, as a Failure (with the stack where errback is called).
  void errback(std::exception_ptr error) { errback(Failure(std::move(error))); }

  /// errback() with an exception object that was not thrown: `d.errback(PoemTimeoutError())`.
  template <class E>
  requires std::derived_from<std::remove_cvref_t<E>, std::exception>
  void errback(E&& exception) { errback(Failure(std::forward<E>(exception))); }

  /// errback() with the exception being handled: use inside a `catch` block.
  /// \throws NoCurrentExceptionError outside one
  void errback() { errback(Failure::current()); }
  ///@}

  /// \name Adding stages (the consumer's side)
  /// Each adds exactly one stage (a callback/errback pair) and returns a handle to the same
  /// chain typed for that stage's output. If the Deferred has already fired (and is not paused),
  /// the new stage runs at once, inside the call, on the current result. Extra arguments are
  /// copied and passed after the result: `add_callback(f, 1, "x")` calls `f(result, 1, "x")`.
  /// \throws DeferredTypeError if this handle's T is no longer what the chain carries
  ///@{

  /// Adds (callback, errback): exactly one of them runs, depending on the result that reaches
  /// this stage. Unlike add_callback(cb) followed by add_errback(eb), eb does *not* see a
  /// failure thrown by cb: that goes to the next stage.
  /// \param callback called with the value (nothing for `Deferred<void>`)
  /// \param errback called with the Failure (as `const pim::Failure&` or by value)
  template <class Cb, class Eb>
  auto add_callbacks(Cb&& callback, Eb&& errback) {
    return add_pair<std::decay_t<Cb>, std::decay_t<Eb>>(std::forward<Cb>(callback),
                                                        std::forward<Eb>(errback));
  }

  /// Adds (f, pass the failure on): `f(value, args...)`.
  template <class F, class... Args>
  auto add_callback(F&& f, Args&&... args) {
    auto bound = detail::bind_after(std::forward<F>(f), std::forward<Args>(args)...);
    return add_pair<decltype(bound), detail::PassFailure>(std::move(bound), detail::PassFailure{});
  }

  /// Adds (pass the value on, f): `f(failure, args...)`. f recovers by returning a T (or nothing,
  /// for `Deferred<void>`), passes the failure on by returning it (or another) or by throwing.
  template <class F, class... Args>
  auto add_errback(F&& f, Args&&... args) {
    auto bound = detail::bind_after(std::forward<F>(f), std::forward<Args>(args)...);
    return add_pair<detail::PassValue, decltype(bound)>(detail::PassValue{}, std::move(bound));
  }

  /// Adds (f, f): f runs whatever the result. f may take an `Outcome<T>`, or have overloads
  /// for the value and for `const Failure&`, or take no result at all (it then replaces it:
  /// returning nothing makes a failed chain a successful `Deferred<void>`, as in Twisted).
  /// The forms are tried in that order, so a generic lambda (`[](const auto& r) {...}`) is
  /// given an `Outcome<T>`: write its body for that, or use add_callbacks(f, f).
  template <class F, class... Args>
  auto add_both(F&& f, Args&&... args) {
    auto bound = detail::bind_after(std::forward<F>(f), std::forward<Args>(args)...);
    using Bound = decltype(bound);
    if constexpr (std::is_invocable_v<Bound&, Outcome<T>>) {
      return add_same(detail::BothWithOutcome<T, Bound>{std::move(bound)});
    } else if constexpr (detail::value_call<T, Bound>::ok &&
                         std::is_invocable_v<Bound&, Failure&>) {
      return add_same(std::move(bound));
    } else {
      static_assert(std::is_invocable_v<Bound&>,
                    "add_both(f): f must take an Outcome<T>, or both the value and a Failure, or "
                    "nothing (after the bound arguments)");
      return add_same(detail::BothIgnoringResult<Bound>{std::move(bound)});
    }
  }

  /// Fires \p other with this chain's result: exactly `add_callbacks(other.callback,
  /// other.errback)`. The result moves to \p other, so this chain then carries nothing.
  /// \returns the handle for this chain's new end (`Deferred<void>`)
  Deferred<void> chain_deferred(Deferred<T> other) {
    if constexpr (std::is_void_v<T>) {
      return add_callbacks([other]() mutable { other.callback(); },
                           [other](const Failure& failure) mutable { other.errback(failure); });
    } else {
      return add_callbacks([other](T value) mutable { other.callback(std::move(value)); },
                           [other](const Failure& failure) mutable { other.errback(failure); });
    }
  }
  ///@}

  /// \name Flow control
  ///@{

  /// Stops running stages until a matching unpause(); pauses nest (a counter).
  void pause() { state().pause(); }
  /// Undoes one pause(); at zero, runs the stages waiting for it if the Deferred has fired.
  /// \throws DeferredUsageError without a matching pause()
  void unpause() { state().unpause(); }

  /// Asks the producer to stop (part 19). If the Deferred has not fired: calls the canceller,
  /// then, unless the canceller fired it, errbacks with CancelledError. If it has fired and is
  /// waiting on a Deferred a stage returned, cancels that one instead. Otherwise does nothing.
  /// Never throws (a canceller that throws is logged); cancelling twice is harmless.
  void cancel() noexcept {
    if (state_) state_->cancel();
  }
  ///@}

  /// Whether callback() or errback() has been called (Twisted's `called`).
  bool called() const { return state().called(); }
  /// Whether stages are held back, by pause() or by waiting on an inner Deferred.
  bool paused() const { return state().paused(); }

  /// A description for printing, as Twisted's str(d): `<Deferred at 0x55d0c3a2f2b0>`, with
  /// ` current result: ...` once fired (the value if it can be streamed), or ` waiting on
  /// Deferred at 0x...` while its chain waits on another.
  std::string to_string() const;

  friend std::ostream& operator<<(std::ostream& out, const Deferred& d) {
    return out << d.to_string();
  }

  /// Two handles are equal if they refer to the same chain.
  template <class U>
  bool operator==(const Deferred<U>& other) const noexcept {
    return state_ == other.state_;
  }

 private:
  template <class U>
  friend class Deferred;
  friend struct detail::DeferredAccess;

  explicit Deferred(std::shared_ptr<detail::DeferredState> state) noexcept
      : state_(std::move(state)) {}

  detail::DeferredState& state() const {
    if (!state_) throw DeferredUsageError("use of a moved-from Deferred handle");
    return *state_;
  }

  void fire(detail::Result result, const char* operation) {
    state().check_head(typeid(T), operation);
    state_->fire(std::move(result));
  }

  template <class OnValue, class OnFailure, class A, class B>
  auto add_pair(A&& on_value, B&& on_failure);

  // add_both with one callable for both sides.
  template <class Both>
  auto add_same(Both both);

  std::shared_ptr<detail::DeferredState> state_;
};

namespace detail {

struct DeferredAccess {
  template <class U>
  static const std::shared_ptr<DeferredState>& state(const Deferred<U>& d) {
    return d.state_;
  }
};

// [stage-result]
template <class N, class Call>
void store(Result& result, Call&& call) {
  using R = std::invoke_result_t<Call&>;
  if constexpr (std::is_void_v<R>) {
    call();
    result.set_nothing();
  } else if constexpr (std::is_same_v<R, Failure>) {
    result.set_failure(call());
  } else if constexpr (is_outcome_v<R>) {
    R outcome = call();
    if (!outcome.ok()) {
      result.set_failure(outcome.failure());
    } else if constexpr (std::is_void_v<N>) {
      result.set_nothing();
    } else {
      result.template set_value<N>(std::move(outcome).value());
    }
  } else if constexpr (is_deferred_v<R>) {
    R inner = call();
    const std::shared_ptr<DeferredState>& state = DeferredAccess::state(inner);
    if (!state) throw DeferredUsageError("a stage returned a moved-from Deferred handle");
    result.set_deferred(state, typeid(typename R::value_type));
  } else {
    result.template set_value<N>(call());
  }
}
// [stage-result]

template <class X>
concept streamable = requires(std::ostream& out, const X& x) {
  out << x;
};

/// The " current result: ..." part of Deferred::to_string().
template <class T>
std::string describe_result(DeferredState& chain) {
  Result& result = chain.result();
  if (result.is_failure()) return result.failure->to_string();
  if (result.value.empty()) return chain.tail_type() == typeid(void) ? "nothing" : "(moved on)";
  if constexpr (!std::is_void_v<T> && streamable<T>) {
    if (chain.tail_type() == typeid(T) && result.value.type() == typeid(T)) {
      std::ostringstream text;
      text << result.value.template get<T>();
      return text.str();
    }
  }
  return "a value of type " + demangle(result.value.type().name());
}

}  // namespace detail

// [add-pair]
template <class T>
template <class OnValue, class OnFailure, class A, class B>
auto Deferred<T>::add_pair(A&& on_value, B&& on_failure) {
  constexpr bool passes_value = std::is_same_v<OnValue, detail::PassValue>;
  constexpr bool passes_failure = std::is_same_v<OnFailure, detail::PassFailure>;
  constexpr bool shared = std::is_same_v<OnFailure, detail::UseValueSide>;
  if constexpr (!passes_value) {
    static_assert(detail::value_call<T, OnValue>::ok,
                  "this callback cannot be called with the chain's value type T (for "
                  "Deferred<void>: with no argument), followed by any bound arguments");
  }
  using ErrbackSide = std::conditional_t<shared, OnValue, OnFailure>;
  if constexpr (!passes_failure) {
    static_assert(std::is_invocable_v<ErrbackSide&, Failure&>,
                  "this errback cannot be called with a pim::Failure (take `const pim::Failure&` "
                  "or a Failure by value), followed by any bound arguments");
  }
  // What each side returns; passing a side through "returns" the input (a value of T, or the
  // Failure, which fits anything).
  using FromCallback = typename detail::callback_returns<T, OnValue>::type;
  using FromErrback = typename detail::errback_returns<ErrbackSide, passes_failure>::type;
  using N = typename detail::pair_output<T, FromCallback, FromErrback>::type;
  static_assert(detail::feeds_v<FromCallback, N> && detail::feeds_v<FromErrback, N>,
                "the two sides of a stage must produce the same type: an errback recovers with "
                "the chain's type (or returns/throws a Failure to pass the error on); "
                "add_callbacks' callback and errback must agree");
  state().check_tail(typeid(T), passes_failure ? "add_callback" : "add_errback/add_callbacks");
  state_->add_stage(detail::StageFn(detail::PairStage<T, N, OnValue, OnFailure>{
                        std::forward<A>(on_value), std::forward<B>(on_failure)}),
                    typeid(N));
  return Deferred<N>(state_);
}
// [add-pair]

template <class T>
template <class Both>
auto Deferred<T>::add_same(Both both) {
  return add_pair<Both, detail::UseValueSide>(std::move(both), detail::UseValueSide{});
}

template <class T>
std::string Deferred<T>::to_string() const {
  std::ostringstream text;
  const detail::DeferredState& chain = state();
  text << "<Deferred at " << static_cast<const void*>(&chain);
  if (auto inner = chain.waiting_on()) {
    text << " waiting on Deferred at " << static_cast<const void*>(inner.get());
  } else if (chain.called()) {
    text << " current result: " << detail::describe_result<T>(*state_);
  }
  text << '>';
  return text.str();
}

/// \name Deferreds that have a result already, and functions that may or may not return one
///@{

/// An already-fired Deferred carrying \p value (Twisted's `succeed`): callbacks added to it run
/// at once. Useful where an API returns a Deferred but the answer is at hand (part 14's cache).
template <class V>
Deferred<std::decay_t<V>> succeed(V&& value) {
  Deferred<std::decay_t<V>> d;
  d.callback(std::forward<V>(value));
  return d;
}

/// An already-fired `Deferred<void>`.
inline Deferred<void> succeed() {
  Deferred<void> d;
  d.callback();
  return d;
}

/// An already-failed Deferred carrying \p failure: `pim::fail<std::string>(failure)`. If no
/// errback is ever added, it is reported as an unhandled error when dropped.
template <class T = void>
Deferred<T> fail(Failure failure) {
  Deferred<T> d;
  d.errback(std::move(failure));
  return d;
}

/// fail() with an exception object (not thrown: the Failure has no frames).
template <class T = void, class E>
requires std::derived_from<std::remove_cvref_t<E>, std::exception> Deferred<T> fail(E&& exception) {
  return fail<T>(Failure(std::forward<E>(exception)));
}

/// Calls `f(args...)` and always returns a Deferred (Twisted's `maybeDeferred`): f's Deferred
/// itself; or an already-fired one with f's value, nothing (void), the Failure it returned or
/// the exception it threw. Lets code treat synchronous and asynchronous results alike (part 14).
template <class F, class... Args>
auto maybe_deferred(F&& f, Args&&... args) {
  using R = std::decay_t<std::invoke_result_t<F&&, Args&&...>>;
  using N = std::conditional_t<std::is_same_v<detail::output_t<R>, detail::Wildcard>, void,
                               detail::output_t<R>>;
  if constexpr (detail::is_deferred_v<R>) {
    try {
      return R(std::invoke(std::forward<F>(f), std::forward<Args>(args)...));
    } catch (...) {
      return fail<N>(Failure::current());
    }
  } else {
    // One stage on an already-fired Deferred: the stage machinery already turns values,
    // Outcomes, Failures and exceptions into a result, exactly as it does in any chain.
    return succeed().add_callback(
        [&]() -> R { return std::invoke(std::forward<F>(f), std::forward<Args>(args)...); });
  }
}

/// A Deferred that fires with `f(args...)` (whatever that returns, as a stage would), \p delay
/// seconds from now on \p time (Twisted's `task.deferLater`). cancel() before then cancels the
/// timer, and the Deferred fails with CancelledError: f never runs.
template <class F, class... Args>
auto defer_later(ReactorTime& time, Delay delay, F&& f, Args&&... args) {
  // The timer is made after the Deferred (it fires it), so the canceller reaches it through a
  // shared slot. The timer holds the Deferred until it runs or is cancelled; the Deferred holds
  // the slot until it fires or is cancelled: no cycle survives either event.
  auto timer = std::make_shared<DelayedCall>();
  Deferred<void> d([timer] {
    if (timer->active()) timer->cancel();
  });
  *timer = time.call_later(delay, [d]() mutable { d.callback(); });
  return d.add_callback(std::forward<F>(f), std::forward<Args>(args)...);
}
///@}

}  // namespace pim
