// The simplest reactor program: it starts the event loop and gives it nothing to do, so the loop
// waits for ever, sleeping in the kernel and using no CPU. Part 3; read
// part02-blocking/get_poetry_async.cpp first: its hand-written select() loop is what pim::Reactor
// packages up. Ctrl-C stops it cleanly (the reactor logs the signal and run() returns).
//
// From the repository root:
//   build/bin/part03/simple
#include <string>

#include "pim/options.hpp"
#include "pim/reactor.hpp"

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"simple", "[options]",
                        "A reactor with nothing to do (part 3): it waits for ever without using "
                        "any CPU.\nPress Ctrl-C to stop it.",
                        "build/bin/part03/simple"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [run]
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  reactor.run();  // returns only when something calls reactor.stop(): here, Ctrl-C
  //! [run]
}
