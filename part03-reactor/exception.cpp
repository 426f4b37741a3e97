// What happens when a callback throws? The reactor logs the exception and carries on with the
// next callback. Part 3; read hello.cpp first.
//
// From the repository root:
//   build/bin/part03/exception
#include <iostream>
#include <stdexcept>
#include <string>

#include "pim/options.hpp"
#include "pim/reactor.hpp"

//! [callbacks]
void trip_over() {
  throw std::runtime_error("Tripped over a loose cable.");
}

void carry_on(pim::Reactor* reactor) {
  std::cout << "Back on my feet: the loop is still running." << std::endl;
  reactor->stop();  // without this, the program would wait for ever
}
//! [callbacks]

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"exception", "[options]",
                        "One reactor callback throws, the next one still runs (part 3). The "
                        "reactor\nlogs the exception on stderr and carries on.",
                        "build/bin/part03/exception"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [main]
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  reactor.call_when_running(trip_over);
  reactor.call_when_running(carry_on, &reactor);
  std::cout << "Starting the reactor." << std::endl;
  reactor.run();
  //! [main]
}
