// Exercise 2 of part 7, second half: fire example 9's errback chain. (easy)
//
// This is example 9 (src/defer_09_add_both.cpp) unchanged. As in the first half
// (ex02_errback_defer_8.cpp), make it fire the errback with the exception object
// std::runtime_error("the server fell silent"). Then
//   build/bin/part07/exercises/errback-9
// prints nothing on stdout, exits with status 0 (poem_done still stops the reactor: which
// functions run on the way?), and prints exactly this on stderr:
//   [Failure: std::runtime_error: the server fell silent]
//   the poem was lost
//   between the server and here
//   we will ask again
// As shipped, it prints the poem: the check fails.
//
// Try it, change it, check it:
//   cmake --build build --target check07 && build/bin/part07/exercises/errback-9
//   ./tutorial check 7
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
                        "build/bin/part07/exercises/errback-9"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  auto poem_done = [&reactor] { reactor.stop(); };

  pim::Deferred<std::string> d;
  d.add_callbacks(got_poem, poem_failed).add_both(poem_done);
  // TODO: fire the errback with std::runtime_error("the server fell silent") instead.
  reactor.call_when_running([d]() mutable { d.callback("A short poem, delivered by the loop."); });
  reactor.run();
}
