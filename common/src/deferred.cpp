// The untyped machinery of pim::Deferred: firing, the loop that runs a chain, nesting, pausing,
// cancelling, and reporting failures nobody handled. See deferred.hpp for the contracts and
// docs/deferred-design.md for the design. The loop follows Twisted's Deferred._runCallbacks
// closely, because its one non-obvious idea is what makes deep nesting safe: when an inner
// chain finishes, the outer chain it feeds is pushed on an explicit stack and run by the *same*
// loop, instead of being called from the inner one. 100,000 Deferreds each waiting on the next
// unwind in a loop, with constant C++ stack.
#include "pim/deferred.hpp"

#include <string>
#include <vector>

#include "pim/log.hpp"
#include "pim/stack.hpp"

namespace pim::detail {

namespace {

// Type names as a reader writes them: `std::string`, not libstdc++'s full spelling.
std::string readable_name(const std::type_info& type) {
  std::string name = demangle(type.name());
  const std::string verbose =
      "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";
  for (std::size_t at = name.find(verbose); at != std::string::npos; at = name.find(verbose, at)) {
    name.replace(at, verbose.size(), "std::string");
  }
  return name;
}

std::string type_mismatch(const char* operation, const std::type_info& handle,
                          const std::type_info& chain, const char* what) {
  return std::string(operation) + " on a Deferred<" + readable_name(handle) + "> handle, but " +
         what + " " + readable_name(chain) +
         ". A handle is typed for the chain's end when it was returned; use the handle the last "
         "add_* call returned (a chain that handed its result to another Deferred carries void)";
}

// Stages hold the user's callables, which may hold handles to other Deferreds, whose stages may
// hold more: destroying a long chain of waiting Deferreds would recurse once per Deferred. So a
// dying state moves its stages here, and only the outermost destruction on the thread destroys
// them, one at a time, in a loop.
struct Graveyard {
  std::vector<Stage> stages;
  std::vector<DeferredState::Canceller> cancellers;
  bool burying = false;
};
thread_local Graveyard graveyard;

}  // namespace

DeferredState::~DeferredState() {
  report_unhandled();
  if (stages_.empty() && !canceller_) return;
  for (std::size_t i = next_stage_; i < stages_.size(); ++i) {
    graveyard.stages.push_back(std::move(stages_[i]));
  }
  if (canceller_) graveyard.cancellers.push_back(std::move(canceller_));
  if (graveyard.burying) return;  // an outer destructor's loop below will get to them
  graveyard.burying = true;
  while (!graveyard.stages.empty() || !graveyard.cancellers.empty()) {
    if (!graveyard.stages.empty()) {
      Stage last = std::move(graveyard.stages.back());
      graveyard.stages.pop_back();
    } else {
      DeferredState::Canceller last = std::move(graveyard.cancellers.back());
      graveyard.cancellers.pop_back();
    }  // `last` is destroyed here, possibly adding more to the graveyard
  }
  graveyard.burying = false;
}

void DeferredState::report_unhandled() noexcept {
  // A chain that ends in a Failure and that nobody can extend any more: the error would vanish
  // silently. Twisted reports it when the Deferred is garbage-collected; here that moment is
  // exact, the destruction of the last handle.
  if (!called_ || !result_.is_failure()) return;
  try {
    log::write("Unhandled error in Deferred:\n\n" + result_.failure->traceback());
  } catch (...) {
    // Reporting must not throw from a destructor; there is nowhere left to report to.
  }
}

void DeferredState::check_head(const std::type_info& type, const char* operation) const {
  if (type != *head_type_) {
    throw DeferredTypeError(type_mismatch(operation, type, *head_type_, "the chain starts with"));
  }
}

void DeferredState::check_tail(const std::type_info& type, const char* operation) const {
  if (type != *tail_type_) {
    throw DeferredTypeError(type_mismatch(operation, type, *tail_type_, "the chain now carries"));
  }
}

void DeferredState::fire(Result result) {
  if (called_) {
    if (swallow_next_fire_) {
      // Cancelled without a canceller: the producer did not know, and its one late result is
      // dropped quietly (Twisted's _suppressAlreadyCalled). A second one is a real bug.
      swallow_next_fire_ = false;
      return;
    }
    throw AlreadyCalledError();
  }
  called_ = true;
  canceller_ = nullptr;  // only an unfired Deferred can be cancelled
  result_ = std::move(result);
  run_callbacks();
}

void DeferredState::add_stage(StageFn stage, const std::type_info& output) {
  stages_.push_back(Stage{std::move(stage), nullptr});
  tail_type_ = &output;
  if (called_) run_callbacks();
}

void DeferredState::unpause() {
  if (pauses_ == 0) throw DeferredUsageError("Deferred::unpause() without a matching pause()");
  if (--pauses_ == 0 && called_) run_callbacks();
}

void DeferredState::cancel() noexcept {
  if (!called_) {
    if (Canceller canceller = std::move(canceller_)) {
      try {
        canceller(shared_from_this());
      } catch (...) {
        log::err(std::current_exception(), "Unhandled error in a Deferred's canceller");
      }
    } else {
      swallow_next_fire_ = true;
    }
    if (!called_) {
      Result cancelled;
      cancelled.set_failure(Failure(CancelledError()));
      try {
        fire(std::move(cancelled));
      } catch (...) {
        log::err(std::current_exception(), "Unhandled error while cancelling a Deferred");
      }
    }
  } else if (std::shared_ptr<DeferredState> inner = waiting_on_.lock()) {
    // Fired, but waiting for a Deferred one of its stages returned: that is the work still in
    // progress, so that is what gets cancelled. Its CancelledError then flows into this chain.
    inner->cancel();
  }
}

//! [run-loop]
void DeferredState::run_callbacks() {
  // A stage that adds stages to its own Deferred (or fires a Deferred that resumes this one)
  // must not start a second loop inside the first: the running loop picks the new stages up.
  if (running_) return;
  // The common case, a chain that feeds no other, needs no stack (and no allocation): the
  // caller's handle keeps this state alive while it runs.
  std::shared_ptr<DeferredState> outer = run_stages();
  if (!outer) return;
  std::vector<std::shared_ptr<DeferredState>> chain{shared_from_this(), std::move(outer)};
  while (!chain.empty()) {
    if (std::shared_ptr<DeferredState> outer = chain.back()->run_stages()) {
      chain.push_back(std::move(outer));
    } else {
      chain.pop_back();
    }
  }
}

// Never inlined, so stacks (and the tracebacks of failures it catches) name it.
[[gnu::noinline]] std::shared_ptr<DeferredState> DeferredState::run_stages() {
  while (runnable() && next_stage_ < stages_.size()) {
    Stage stage = std::move(stages_[next_stage_++]);
    if (stage.outer) {
      // The continuation: this chain was returned by one of `outer`'s stages, which has been
      // waiting for it. Hand over the result (moved, not copied: a Failure handed on is handled
      // here and must not be reported twice) and let the caller's loop run `outer` next.
      DeferredState& outer = *stage.outer;
      outer.result_ = std::move(result_);
      result_.set_nothing();
      outer.waiting_ = false;
      outer.waiting_on_.reset();
      return std::move(stage.outer);
    }
    running_ = true;
    try {
      stage.run(result_);
    } catch (...) {
      result_.set_failure(Failure::current());
    }
    running_ = false;
    if (result_.deferred) adopt_returned_deferred();
  }
  if (next_stage_ == stages_.size()) {
    // Everything ran: drop the spent stages (their captures were moved out and destroyed).
    stages_.clear();
    next_stage_ = 0;
  }
  return nullptr;
}
//! [run-loop]

void DeferredState::adopt_returned_deferred() {
  std::shared_ptr<DeferredState> inner = std::move(result_.deferred);
  const std::type_info& promised = *result_.deferred_type;
  result_.deferred_type = nullptr;
  if (inner.get() == this) {
    result_.set_failure(Failure(DeferredUsageError(
        "a stage returned the Deferred it is attached to; it would wait for itself forever")));
    return;
  }
  if (inner->tail_type() != promised) {
    result_.set_failure(Failure(DeferredTypeError(type_mismatch(
        "a stage returned", promised, inner->tail_type(), "that Deferred's chain carries"))));
    return;
  }
  if (inner->called_ && inner->runnable() && !inner->running_) {
    // It already has its result: take it now, no waiting (part 14's synchronous case).
    result_ = std::move(inner->result_);
    inner->result_.set_nothing();
    inner->tail_type_ = &typeid(void);
    return;
  }
  // Wait for it: the continuation goes at the end of the inner chain, after any stages it has,
  // so this chain receives what the inner chain produces.
  waiting_ = true;
  waiting_on_ = inner;
  inner->stages_.push_back(Stage{StageFn(), shared_from_this()});
  inner->tail_type_ = &typeid(void);
}

}  // namespace pim::detail
