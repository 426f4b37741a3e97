// Exercise 2 of part 7, first half: fire example 8's errback chain. (easy) Reference answer.
//
// This is example 8 (src/defer_08_reactor.cpp), made to fire the errback instead of the
// callback, with an exception object, std::runtime_error("the server fell silent"), not a
// Failure: the Deferred makes the Failure. Then
//   build/bin/part07/solutions/errback-8
// prints nothing on stdout, exits with status 0, and prints exactly this on stderr:
//   [Failure: std::runtime_error: the server fell silent]
//   the poem was lost
//   between the server and here
//   we will ask again
// (The second half is ex02_errback_defer_9.cpp.)
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
                        "build/bin/part07/solutions/errback-8"});
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
  // An exception object: errback() wraps it in a Failure for poem_failed.
  reactor.call_when_running(
      [d]() mutable { d.errback(std::runtime_error("the server fell silent")); });
  reactor.run();
}
