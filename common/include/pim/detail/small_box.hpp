/// \file
/// \brief SmallBox: holds one object of any type, inline when it is small (the Deferred's storage).
///
/// An internal of deferred.hpp. A Deferred stores values and callbacks whose types only its
/// typed handles know, so it needs type-erased storage; `std::any` and `std::function` would do,
/// but both allocate for anything bigger than a pointer or two, and a callback stage is meant to
/// cost tens of nanoseconds (issue 7's budget). SmallBox keeps objects up to `Capacity` bytes
/// (that are nothrow-movable) inside itself and only puts bigger ones on the heap. It is
/// move-only, and it never checks types on access: its owners (detail::Result and
/// detail::StageFn) only ever read back the type their typed handle wrote, which the Deferred
/// checks before anything is stored (DeferredTypeError). Tests: common/tests/test_deferred.cpp
/// reaches it through every Deferred test.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace pim::detail {

template <std::size_t Capacity>
class SmallBox {
 public:
  /// Whether an X is stored inline (no allocation).
  template <class X>
  static constexpr bool fits_inline =
      sizeof(X) <= Capacity &&
      alignof(X) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<X>;

  SmallBox() noexcept = default;
  SmallBox(SmallBox&& other) noexcept { take_from(other); }
  SmallBox& operator=(SmallBox&& other) noexcept {
    if (this != &other) {
      reset();
      take_from(other);
    }
    return *this;
  }
  SmallBox(const SmallBox&) = delete;
  SmallBox& operator=(const SmallBox&) = delete;
  ~SmallBox() { reset(); }

  /// Destroys what the box held and makes an X from \p args in it.
  template <class X, class... Args>
  X& emplace(Args&&... args) {
    reset();
    X* object;
    if constexpr (fits_inline<X>) {
      object = ::new (static_cast<void*>(bytes_)) X(std::forward<Args>(args)...);
    } else {
      object = new X(std::forward<Args>(args)...);
      ::new (static_cast<void*>(bytes_)) X*(object);
    }
    ops_ = &ops_for<X>;
    return *object;
  }

  /// The object, which must be an X (the caller's responsibility: see the file comment).
  template <class X>
  X& get() noexcept {
    if constexpr (fits_inline<X>) {
      return *std::launder(reinterpret_cast<X*>(bytes_));
    } else {
      return **std::launder(reinterpret_cast<X**>(bytes_));
    }
  }

  bool empty() const noexcept { return ops_ == nullptr; }

  /// The type of the object held, or `typeid(void)` when empty (for error messages and tests).
  const std::type_info& type() const noexcept { return ops_ ? ops_->type() : typeid(void); }

  void reset() noexcept {
    if (ops_ != nullptr) {
      const Ops* ops = std::exchange(ops_, nullptr);
      ops->destroy(bytes_);
    }
  }

 private:
  struct Ops {
    const std::type_info& (*type)() noexcept;
    void (*move)(unsigned char* from, unsigned char* to) noexcept;  // leaves `from` destroyed
    void (*destroy)(unsigned char* bytes) noexcept;
  };

  template <class X>
  static const std::type_info& type_of() noexcept {
    return typeid(X);
  }

  template <class X>
  static void move_object(unsigned char* from, unsigned char* to) noexcept {
    if constexpr (fits_inline<X>) {
      X* source = std::launder(reinterpret_cast<X*>(from));
      ::new (static_cast<void*>(to)) X(std::move(*source));
      source->~X();
    } else {
      // A heap object does not move at all: only the pointer to it changes hands.
      ::new (static_cast<void*>(to)) X*(*std::launder(reinterpret_cast<X**>(from)));
    }
  }

  template <class X>
  static void destroy_object(unsigned char* bytes) noexcept {
    if constexpr (fits_inline<X>) {
      std::launder(reinterpret_cast<X*>(bytes))->~X();
    } else {
      delete *std::launder(reinterpret_cast<X**>(bytes));
    }
  }

  template <class X>
  static constexpr Ops ops_for{&type_of<X>, &move_object<X>, &destroy_object<X>};

  void take_from(SmallBox& other) noexcept {
    if (other.ops_ != nullptr) {
      other.ops_->move(other.bytes_, bytes_);
      ops_ = std::exchange(other.ops_, nullptr);
    }
  }

  alignas(std::max_align_t) unsigned char bytes_[Capacity];
  const Ops* ops_ = nullptr;
};

}  // namespace pim::detail
