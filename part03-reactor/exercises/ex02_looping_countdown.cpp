// Exercise 2 of part 3: the countdown with LoopingCall (easy).
//
// countdown.cpp schedules its own next step with call_later every time it runs. pim::LoopingCall
// (common/include/pim/looping_call.hpp) does that rescheduling for you: you give it a function,
// start() it with an interval, and stop() it when you are done. Rewrite the countdown with it,
// using only start() and stop() and no call_later at all (the check looks for that). The exact
// output is in part03-reactor/countdowns.hpp: Start!, 5 ... down to 1 ..., one every `interval`
// seconds starting at once, then, one interval after 1 ..., the reactor stops and Stop! is printed.
//
// As shipped, the reactor stops as soon as it starts: the check fails. Try it, change it, check it:
//   cmake --build build --target p03_looping_countdown_exercise && build/bin/part03/exercises/looping-countdown
//   ./tutorial check 3
#include <ostream>

#include "../countdowns.hpp"
#include "pim/looping_call.hpp"

void part03::run_looping_countdown(pim::Reactor& reactor, double interval, std::ostream& out) {
  // TODO: make a pim::LoopingCall on this reactor whose function prints "N ..." and counts down
  //       from 5; when the count has reached 0 it stops the LoopingCall, then the reactor.
  //       (A small class holding the counter and the LoopingCall, like countdown.cpp's Countdown,
  //       keeps this tidy.)
  // TODO: start it every `interval` seconds once the reactor is running (call_when_running).
  (void)interval;
  (void)out;
  reactor.call_when_running([&reactor] { reactor.stop(); });  // TODO: replace this placeholder
  out << "Start!" << std::endl;
  reactor.run();
  out << "Stop!" << std::endl;
}
