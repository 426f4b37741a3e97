/// \file
/// \brief The untyped half of a Deferred: its result, its callback chain and the loop that runs it.
///
/// An internal of deferred.hpp, where the design is explained (and in docs/deferred-design.md).
/// Everything here is independent of the value type, so it is compiled once, in
/// common/src/deferred.cpp; the typed handles in deferred.hpp only wrap the user's callables into
/// StageFns and check types before anything is stored. Tests: common/tests/test_deferred*.cpp.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "pim/detail/small_box.hpp"
#include "pim/failure.hpp"
#include "pim/function.hpp"

namespace pim::detail {

class DeferredState;

/// The current result of a chain: a value (an empty box stands for "nothing", the result of a
/// `void` stage), or a Failure. Between a stage and the loop it may also be a Deferred the stage
/// returned, which the loop then waits on (part 13).
struct Result {
  SmallBox<32> value;
  std::optional<Failure> failure;
  std::shared_ptr<DeferredState> deferred;        // a returned Deferred, not yet waited on
  const std::type_info* deferred_type = nullptr;  // the type its handle promised

  bool is_failure() const noexcept { return failure.has_value(); }

  void set_nothing() noexcept {
    value.reset();
    failure.reset();
  }
  void set_failure(Failure reason) {
    value.reset();
    failure = std::move(reason);
  }
  template <class X, class V>
  void set_value(V&& new_value) {
    failure.reset();
    value.emplace<X>(std::forward<V>(new_value));
  }
  void set_deferred(std::shared_ptr<DeferredState> inner, const std::type_info& type) {
    set_nothing();
    deferred = std::move(inner);
    deferred_type = &type;
  }
  template <class X>
  X take_value() {
    X taken = std::move(value.get<X>());
    value.reset();
    return taken;
  }
  Failure take_failure() {
    Failure taken = std::move(*failure);
    failure.reset();
    return taken;
  }
};

/// One stage, type-erased: a callable that reads the current result and replaces it. The
/// callback/errback choice happens inside (see deferred.hpp's Stage), so a pair costs one object.
class StageFn {
 public:
  StageFn() noexcept = default;
  template <class F>
  explicit StageFn(F&& f) : call_(&call_object<std::decay_t<F>>) {
    box_.emplace<std::decay_t<F>>(std::forward<F>(f));
  }
  void operator()(Result& result) { call_(box_, result); }

 private:
  using Box = SmallBox<48>;  // room for a lambda with a few captures and bound arguments
  template <class F>
  static void call_object(Box& box, Result& result) {
    box.get<F>()(result);
  }
  Box box_;
  void (*call_)(Box&, Result&) = nullptr;
};

/// One element of the chain: a stage, or (when `outer` is set) the continuation that hands this
/// chain's result to the outer Deferred waiting for it.
struct Stage {
  StageFn run;
  std::shared_ptr<DeferredState> outer;
};

/// A chain's shared state. Handles (`Deferred<T>`) point at it; it is not thread-safe.
class DeferredState : public std::enable_shared_from_this<DeferredState> {
 public:
  using Canceller = UniqueFunction<void(const std::shared_ptr<DeferredState>&)>;

  explicit DeferredState(const std::type_info& type) noexcept
      : head_type_(&type), tail_type_(&type) {}
  ~DeferredState();
  DeferredState(const DeferredState&) = delete;
  DeferredState& operator=(const DeferredState&) = delete;

  /// callback()/errback(): stores \p result and runs the chain.
  /// \throws AlreadyCalledError if already fired (except the one fire a cancel() swallows)
  void fire(Result result);

  /// Appends a stage whose output type is \p output, and runs it now if the result is there.
  void add_stage(StageFn stage, const std::type_info& output);

  /// \throws DeferredTypeError unless \p type is the type callback() takes (the first stage's
  ///         input): a handle returned by add_callback() is not the producer's handle
  void check_head(const std::type_info& type, const char* operation) const;
  /// \throws DeferredTypeError unless \p type is the type the last stage produces
  void check_tail(const std::type_info& type, const char* operation) const;

  void pause() noexcept { ++pauses_; }
  /// \throws DeferredUsageError without a matching pause()
  void unpause();
  void cancel() noexcept;
  void set_canceller(Canceller canceller) { canceller_ = std::move(canceller); }

  bool called() const noexcept { return called_; }
  bool paused() const noexcept { return pauses_ > 0 || waiting_; }
  /// The inner Deferred this chain is waiting on, or null.
  std::shared_ptr<const DeferredState> waiting_on() const noexcept { return waiting_on_.lock(); }
  /// The current result (meaningful once called() and while not waiting).
  Result& result() noexcept { return result_; }
  const std::type_info& tail_type() const noexcept { return *tail_type_; }

 private:
  bool runnable() const noexcept { return pauses_ == 0 && !waiting_; }
  void run_callbacks();
  // Runs this state's stages until it pauses, ends, or hands its result to an outer state;
  // returns that outer state (pushed on the loop's stack) or null.
  std::shared_ptr<DeferredState> run_stages();
  // After a stage returned a Deferred: take its result now, or start waiting for it.
  void adopt_returned_deferred();
  void report_unhandled() noexcept;

  const std::type_info* head_type_;
  const std::type_info* tail_type_;
  std::vector<Stage> stages_;
  std::size_t next_stage_ = 0;  // stages before it have run (popping the front would be O(n))
  Result result_;
  Canceller canceller_;
  // The inner chain this one waits on (for cancel()). The inner's continuation stage owns this
  // state; this side is weak, so an inner chain that nothing can fire any more frees both.
  std::weak_ptr<DeferredState> waiting_on_;
  bool waiting_ = false;
  int pauses_ = 0;
  bool called_ = false;
  bool running_ = false;
  bool swallow_next_fire_ = false;  // set by cancel() without a canceller
};

}  // namespace pim::detail
