// simple.cpp again, but this program picks its backend in code: poll() instead of the default
// epoll. Part 3; read simple.cpp first. It has no --reactor option, and ignores $PIM_REACTOR: the
// choice is written into the program. Every backend behaves the same way; only how the loop
// waits differs.
//
// From the repository root:
//   build/bin/part03/simple-poll
#include "pim/options.hpp"
#include "pim/reactor.hpp"

int main(int argc, char** argv) {
  pim::Options options({"simple-poll", "[options]",
                        "simple, with the poll backend chosen in the code (part 3): it waits for "
                        "ever\nwithout using any CPU. Press Ctrl-C to stop it.",
                        "build/bin/part03/simple-poll"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [choose-backend]
  pim::Reactor reactor = pim::make_reactor("poll");
  //! [choose-backend]
  reactor.run();
}
