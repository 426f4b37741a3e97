// A countdown that stops the reactor when it reaches zero: timed calls with call_later, and a
// program that ends by itself. Part 3; read hello.cpp first.
//
// From the repository root:
//   build/bin/part03/countdown
#include <iostream>
#include <string>

#include "pim/options.hpp"
#include "pim/reactor.hpp"

//! [countdown]
class Countdown {
 public:
  explicit Countdown(pim::Reactor& reactor) : reactor_(reactor) {}

  // Each call prints one number and asks the reactor to call it again a second later.
  void count() {
    if (counter_ == 0) {
      reactor_.stop();
      return;
    }
    std::cout << counter_ << " ..." << std::endl;
    --counter_;
    reactor_.call_later(1.0, &Countdown::count, this);
  }

 private:
  pim::Reactor& reactor_;
  int counter_ = 5;
};
//! [countdown]

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"countdown", "[options]",
                        "Counts down from 5, one number a second, with timed reactor calls "
                        "(part 3),\nthen stops the reactor and exits.",
                        "build/bin/part03/countdown"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [main]
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  Countdown countdown(reactor);
  reactor.call_when_running(&Countdown::count, &countdown);
  std::cout << "Start!" << std::endl;
  reactor.run();
  std::cout << "Stop!" << std::endl;  // run() has returned: the loop is over
  //! [main]
}
