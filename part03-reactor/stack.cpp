// Who calls a callback? This program prints the call stack from inside one, so you can see the
// reactor's run() between main and our function. Part 3; read hello.cpp first. Unlike the other
// programs here it stops the reactor itself once the stack is printed.
//
// From the repository root:
//   build/bin/part03/stack
#include <iostream>
#include <string>

#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/stack.hpp"

//! [show-stack]
// Not static and never inlined, so the stack can show it under its own name (see
// common/include/pim/stack.hpp for why that matters).
[[gnu::noinline]] void show_stack(pim::Reactor* reactor) {
  std::cout << "The call stack, outermost call first:" << std::endl;
  pim::print_stack(std::cout);
  reactor->stop();
}
//! [show-stack]

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"stack", "[options]",
                        "Prints the call stack from inside a reactor callback (part 3), then "
                        "stops.",
                        "build/bin/part03/stack"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  reactor.call_when_running(show_stack, &reactor);  // show_stack(&reactor), once running
  reactor.run();
}
