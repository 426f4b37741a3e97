// Exercise 2 of part 7, first half: fire example 8's errback chain. (easy)
//
// This is example 8 (src/defer_08_reactor.cpp) unchanged. Make it fire the errback instead of
// the callback, with an exception object, std::runtime_error("the server fell silent"), not a
// Failure: the Deferred makes the Failure. Then
//   build/bin/part07/exercises/errback-8
// prints nothing on stdout, exits with status 0, and prints exactly this on stderr:
//   [Failure: std::runtime_error: the server fell silent]
//   the poem was lost
//   between the server and here
//   we will ask again
// As shipped, it prints the poem: the check fails. (The second half is ex02_errback_defer_9.cpp.)
//
// Try it, change it, check it:
//   cmake --build build --target check07 && build/bin/part07/exercises/errback-8
//   ./tutorial check 7
#include <iostream>
#include <stdexcept>
#include <string>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"errback-8", "[options]",
                        "Part 7, exercise 2: example 8, firing the errback chain.",
                        "build/bin/part07/exercises/errback-8"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  auto got_poem = [&reactor](const std::string& poem) {
    std::cout << poem << '\n';
    reactor.stop();
  };
  auto poem_failed = [&reactor](const pim::Failure& failure) {
    std::cerr << failure << '\n'
              << "the poem was lost\n"
              << "between the server and here\n"
              << "we will ask again\n";
    reactor.stop();
  };

  pim::Deferred<std::string> d;
  d.add_callbacks(got_poem, poem_failed);
  // TODO: fire the errback with std::runtime_error("the server fell silent") instead.
  reactor.call_when_running([d]() mutable { d.callback("A short poem, delivered by the loop."); });
  reactor.run();
}
