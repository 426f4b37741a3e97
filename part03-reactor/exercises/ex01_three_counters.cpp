// Exercise 1 of part 3: three independent counters at different rates (easy).
//
// countdown.cpp runs one countdown and stops the reactor when it reaches zero. Here, three
// counters run at the same time on the one reactor, each at its own rate, and the reactor stops
// only when the LAST of them has finished. part03-reactor/countdowns.hpp specifies the
// three counters and the exact lines; the order of the lines follows from their timing.
//
// As shipped, this runs one counter (the slow one) and stops when it finishes: the check fails.
// Try it, change it, check it:
//   cmake --build build --target p03_three_counters_exercise && build/bin/part03/exercises/three-counters --scale 0.5
//   ./tutorial check 3
#include <ostream>
#include <string>

#include "../countdowns.hpp"

namespace {

class Counter {
 public:
  Counter(pim::Reactor& reactor, std::ostream& out, double interval)
      : reactor_(reactor), out_(out), interval_(interval) {}

  void count() {
    if (counter_ == 0) {
      out_ << "slow: done" << std::endl;
      // TODO: stop the reactor only if this was the last counter still running. The counters
      //       need to share something that knows how many of them are still counting.
      reactor_.stop();
      return;
    }
    out_ << "slow: " << counter_ << " ..." << std::endl;
    --counter_;
    reactor_.call_later(interval_, &Counter::count, this);
  }

 private:
  pim::Reactor& reactor_;
  std::ostream& out_;
  double interval_;
  // TODO: give each counter its own name and starting number (the table in countdowns.hpp),
  //       instead of the slow counter's, written into count() above.
  int counter_ = 5;
};

}  // namespace

void part03::run_three_counters(pim::Reactor& reactor, double scale, std::ostream& out) {
  Counter slow(reactor, out, 1.0 * scale);
  // TODO: make the fast and the medium counter as well, and have the reactor start all three
  //       when it starts running, in the order fast, medium, slow.
  reactor.call_when_running(&Counter::count, &slow);
  out << "Start!" << std::endl;
  reactor.run();
  out << "Stop!" << std::endl;
}
