// The program around exercise 1 of part 3 (three counters at different rates): it parses the
// options, makes the reactor and calls part03::run_three_counters, which you write in
// part03-reactor/exercises/ex01_three_counters.cpp. You do not need to change this file.
//
// From the repository root (`./tutorial check 3` builds it):
//   build/bin/part03/exercises/three-counters
#include <iostream>
#include <string>

#include "countdowns.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

int main(int argc, char** argv) {
  std::string backend;
  double scale = 1.0;
  pim::Options options({"three-counters", "[options]",
                        "Exercise 1 of part 3: three countdowns at different rates on one "
                        "reactor.\nStops when all three have finished (5 seconds at --scale 1).",
                        "build/bin/part03/exercises/three-counters --scale 0.5"});
  options.seconds("scale", "X", "multiply every interval by X (default: 1)", scale);
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  if (scale <= 0) options.usage_error("--scale must be greater than 0");

  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  part03::run_three_counters(reactor, scale, std::cout);
}
