// The simulator's one contact with the library: a real pim::Deferred, fired once per diagram.
// Nothing here decides which side of a pair runs or where a result goes next: the Deferred
// does, and the stages only write down that they ran.
#include "firing.hpp"

#include <stdexcept>
#include <utility>

namespace sim {

namespace {

//! [recording-stage]
// One side of one pair of the chain. The Deferred calls it with a std::string when it runs as
// the callback, with a pim::Failure when it runs as the errback; both convert to the Outcome it
// takes. It does what the user typed and notes that it ran, with what, and what it returned.
struct RecordingStage {
  Action action;
  std::size_t stage;
  Side side;
  Firing* firing;

  pim::Outcome<std::string> operator()(pim::Outcome<std::string> input) const {
    pim::Outcome<std::string> output = action.perform(input);
    firing->steps.push_back(Step{stage, side, show(input), show(output)});
    return output;
  }
};
//! [recording-stage]

}  // namespace

Shown show(pim::Outcome<std::string> outcome) {
  if (outcome.ok()) return Shown{outcome.value(), false};
  return Shown{outcome.failure().what(), true};
}

//! [fire]
Firing fire(const std::vector<Pair>& pairs, Fire how) {
  Firing firing;
  pim::Deferred<std::string> d;
  for (std::size_t stage = 0; stage < pairs.size(); ++stage) {
    d.add_callbacks(RecordingStage{pairs[stage].callback, stage, Side::callback, &firing},
                    RecordingStage{pairs[stage].errback, stage, Side::errback, &firing});
  }
  // One more stage, not drawn as a box: it notes how the chain ended. Because it handles the
  // result, a chain ending in a Failure is not reported as an unhandled error when `d` goes.
  d.add_both([&firing](pim::Outcome<std::string> result) { firing.result = show(result); });

  if (how == Fire::callback) {
    firing.fired_with = Shown{"initial", false};
    d.callback("initial");
  } else {
    firing.fired_with = Shown{"initial", true};
    d.errback(pim::Failure(std::runtime_error("initial")));
  }
  return firing;
}
//! [fire]

}  // namespace sim
