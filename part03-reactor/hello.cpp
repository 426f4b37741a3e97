// Hello from the reactor: a callback that the loop calls once it has started. Part 3; read
// simple.cpp first. After greeting, the loop has nothing left to do, so it waits for ever, like
// simple. Press Ctrl-C to stop it.
//
// From the repository root:
//   build/bin/part03/hello
#include <iostream>
#include <string>

#include "pim/options.hpp"
#include "pim/reactor.hpp"

//! [hello]
void hello() {
  std::cout << "Hello from inside the reactor loop!" << std::endl;
  std::cout << "That was my only job; now the loop waits for ever." << std::endl;
}
//! [hello]

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"hello", "[options]",
                        "Prints a greeting from a callback once the reactor is running (part 3), "
                        "then\nwaits for ever. Press Ctrl-C to stop it.",
                        "build/bin/part03/hello"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [register]
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  reactor.call_when_running(hello);  // not called yet: the loop is not running
  std::cout << "Starting the reactor." << std::endl;
  reactor.run();
  //! [register]
}
