// Exercise 2 of part 3: the countdown with LoopingCall (easy). Reference answer.
//
// countdown.cpp schedules its own next step with call_later every time it runs. pim::LoopingCall
// (common/include/pim/looping_call.hpp) does that rescheduling for you: you give it a function,
// start() it with an interval, and stop() it when you are done. Rewrite the countdown with it,
// using only start() and stop() and no call_later at all (the check looks for that). The exact
// output is in part03-reactor/countdowns.hpp: Start!, 5 ... down to 1 ..., one every `interval`
// seconds starting at once, then, one interval after 1 ..., the reactor stops and Stop! is printed.
//
// The tick no longer mentions time at all: it only counts. When to call it again is the
// LoopingCall's business, and its schedule is anchored at start(), so it does not drift.
//   cmake --build build --target p03_looping_countdown_exercise && build/bin/part03/exercises/looping-countdown
//   ./tutorial check 3
#include <ostream>

#include "../countdowns.hpp"
#include "pim/looping_call.hpp"

namespace {

class Countdown {
 public:
  Countdown(pim::Reactor& reactor, std::ostream& out) : reactor_(reactor), out_(out) {}

  void start(double interval) { loop_.start(interval); }  // the first tick happens right away

 private:
  void tick() {
    if (counter_ == 0) {
      loop_.stop();
      reactor_.stop();
      return;
    }
    out_ << counter_ << " ..." << std::endl;
    --counter_;
  }

  pim::Reactor& reactor_;
  std::ostream& out_;
  int counter_ = 5;
  pim::LoopingCall loop_{reactor_, &Countdown::tick, this};  // declared last: uses the others
};

}  // namespace

void part03::run_looping_countdown(pim::Reactor& reactor, double interval, std::ostream& out) {
  Countdown countdown(reactor, out);
  reactor.call_when_running([&countdown, interval] { countdown.start(interval); });
  out << "Start!" << std::endl;
  reactor.run();
  out << "Stop!" << std::endl;
}
