// Exercise 1 of part 3: three independent counters at different rates (easy). Reference answer.
//
// countdown.cpp runs one countdown and stops the reactor when it reaches zero. Here, three
// counters run at the same time on the one reactor, each at its own rate, and the reactor stops
// only when the LAST of them has finished. part03-reactor/countdowns.hpp specifies the
// three counters and the exact lines; the order of the lines follows from their timing.
//
// Each counter is countdown.cpp's Countdown with a name, a start and an interval. Nothing
// coordinates their timing: each schedules its own next call, and the reactor interleaves them
// by deadline. What they do share is the knowledge of when to stop, in a Race.
//   cmake --build build --target p03_three_counters_exercise && build/bin/part03/exercises/three-counters --scale 0.5
//   ./tutorial check 3
#include <ostream>
#include <string>

#include "../countdowns.hpp"

namespace {

// What the counters share: the reactor, and how many of them are still counting. The one that
// brings the count to zero stops the reactor.
struct Race {
  pim::Reactor& reactor;
  int running = 0;

  void finished() {
    if (--running == 0) reactor.stop();
  }
};

class Counter {
 public:
  Counter(Race& race, std::ostream& out, std::string name, int start, double interval)
      : race_(race), out_(out), name_(std::move(name)), counter_(start), interval_(interval) {
    ++race_.running;
  }

  void count() {
    if (counter_ == 0) {
      out_ << name_ << ": done" << std::endl;
      race_.finished();
      return;
    }
    out_ << name_ << ": " << counter_ << " ..." << std::endl;
    --counter_;
    race_.reactor.call_later(interval_, &Counter::count, this);
  }

 private:
  Race& race_;
  std::ostream& out_;
  std::string name_;
  int counter_;
  double interval_;
};

}  // namespace

void part03::run_three_counters(pim::Reactor& reactor, double scale, std::ostream& out) {
  Race race{reactor};
  Counter fast(race, out, "fast", 3, 0.6 * scale);
  Counter medium(race, out, "medium", 4, 0.8 * scale);
  Counter slow(race, out, "slow", 5, 1.0 * scale);
  for (Counter* counter : {&fast, &medium, &slow}) {
    reactor.call_when_running(&Counter::count, counter);
  }
  out << "Start!" << std::endl;
  reactor.run();
  out << "Stop!" << std::endl;
}
