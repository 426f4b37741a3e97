// Exercise 2 of part 7, second half: fire example 9's errback chain. (easy) Reference answer.
//
// This is example 9 (src/defer_09_add_both.cpp), made to fire the errback with the exception
// object std::runtime_error("the server fell silent"), as in the first half
// (ex02_errback_defer_8.cpp). Then
//   build/bin/part07/solutions/errback-9
// prints nothing on stdout, exits with status 0, and prints exactly this on stderr:
//   [Failure: std::runtime_error: the server fell silent]
//   the poem was lost
//   between the server and here
//   we will ask again
// On the way, poem_failed runs (not got_poem), then poem_done, which stops the reactor: the
// add_both stage runs whichever side of the first stage ran.
#include <iostream>
#include <stdexcept>
#include <string>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

namespace {

void got_poem(const std::string& poem) {
  std::cout << poem << '\n';
}

void poem_failed(const pim::Failure& failure) {
  std::cerr << failure << '\n'
            << "the poem was lost\n"
            << "between the server and here\n"
            << "we will ask again\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"errback-9", "[options]",
                        "Part 7, exercise 2: example 9, firing the errback chain.",
                        "build/bin/part07/solutions/errback-9"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  auto poem_done = [&reactor] { reactor.stop(); };

  pim::Deferred<std::string> d;
  d.add_callbacks(got_poem, poem_failed).add_both(poem_done);
  reactor.call_when_running(
      [d]() mutable { d.errback(std::runtime_error("the server fell silent")); });
  reactor.run();
}
