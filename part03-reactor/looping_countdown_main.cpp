// The program around exercise 2 of part 3 (the countdown with LoopingCall): it parses the
// options, makes the reactor and calls part03::run_looping_countdown, which you write in
// part03-reactor/exercises/ex02_looping_countdown.cpp. You do not need to change this file.
//
// From the repository root (`./tutorial check 3` builds it):
//   build/bin/part03/exercises/looping-countdown
#include <iostream>
#include <string>

#include "countdowns.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

int main(int argc, char** argv) {
  std::string backend;
  double interval = 1.0;
  pim::Options options({"looping-countdown", "[options]",
                        "Exercise 2 of part 3: countdown, rewritten with a LoopingCall.",
                        "build/bin/part03/exercises/looping-countdown --interval 0.5"});
  options.seconds("interval", "S", "seconds between numbers (default: 1)", interval);
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  if (interval <= 0) options.usage_error("--interval must be greater than 0");

  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  part03::run_looping_countdown(reactor, interval, std::cout);
}
