/// \file
/// \brief Move-only callables, optionally remembering where they were created.
///
/// Introduced in part 3, for the reactor's callbacks. Tests: common/tests/test_reactor.cpp and
/// common/tests/test_timers.cpp exercise them through the reactor.
///
/// `std::function` needs a copyable target, so a lambda that owns a `std::unique_ptr` or a
/// `std::promise` could not be scheduled. C++23 has `std::move_only_function`; until then this is
/// the few lines we need. The cost is the same as `std::function` without its small-object buffer:
/// one allocation when a callable is wrapped, none when it is called.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include "pim/where.hpp"

namespace pim {

template <class Signature>
class UniqueFunction;

/// A move-only, type-erased callable with the signature `R(Args...)`.
template <class R, class... Args>
class UniqueFunction<R(Args...)> {
 public:
  UniqueFunction() = default;
  UniqueFunction(std::nullptr_t) noexcept {}

  /// Wraps any callable that can be invoked with `Args...` (functions, lambdas, member function
  /// pointers with the object as first argument: anything `std::invoke` accepts).
  template <class F>
  requires(!std::same_as<std::remove_cvref_t<F>, UniqueFunction> &&
           std::is_invocable_r_v<R, std::decay_t<F>&, Args...>) UniqueFunction(F&& f)
      : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(f))) {}

  /// \pre the function is not empty
  R operator()(Args... args) { return impl_->call(std::forward<Args>(args)...); }

  explicit operator bool() const noexcept { return impl_ != nullptr; }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual R call(Args... args) = 0;
  };
  template <class F>
  struct Impl final : Base {
    template <class G>
    explicit Impl(G&& g) : f(std::forward<G>(g)) {}
    R call(Args... args) override {
      if constexpr (std::is_void_v<R>) {
        std::invoke(f, std::forward<Args>(args)...);
      } else {
        return std::invoke(f, std::forward<Args>(args)...);
      }
    }
    F f;
  };
  std::unique_ptr<Base> impl_;
};

template <class Signature>
class LocatedFunction;

/// A UniqueFunction that also remembers the source line that created it.
///
/// Its converting constructor takes the caller's file and line as defaulted arguments, so a
/// lambda passed where a LocatedFunction is expected is tagged with the line of that call. The
/// reactor uses it for `call_when_running` and `call_from_thread`, so errors can say where the
/// failing callback came from.
template <class R, class... Args>
class LocatedFunction<R(Args...)> {
 public:
  LocatedFunction() = default;

  /// Wraps \p f, recording where this conversion happened (leave \p file and \p line alone).
  template <class F>
  requires(!std::same_as<std::remove_cvref_t<F>, LocatedFunction> &&
           std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
      LocatedFunction(F&& f, const char* file = __builtin_FILE(), int line = __builtin_LINE())
      : function_(std::forward<F>(f)), where_(file, line) {}

  /// Wraps \p f with an explicit origin (used when one library call forwards another's).
  LocatedFunction(UniqueFunction<R(Args...)> f, Where where)
      : function_(std::move(f)), where_(where) {}

  /// \pre the function is not empty
  R operator()(Args... args) { return function_(std::forward<Args>(args)...); }

  explicit operator bool() const noexcept { return bool(function_); }
  Where where() const noexcept { return where_; }

 private:
  UniqueFunction<R(Args...)> function_;
  Where where_{nullptr, 0};
};

}  // namespace pim
