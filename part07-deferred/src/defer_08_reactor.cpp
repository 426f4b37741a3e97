// Deferred example 8: a Deferred fired from the reactor loop. Part 7; read defer_01_callback.cpp
// first, and part 6's client 3.1, whose main() this resembles.
// New here: the reactor. call_when_running() fires the Deferred once the loop has started, as a
// network event would. The callback and the errback both end the program by stopping the
// reactor: the duplicated line that example 9 moves into a stage of its own.
//
// From the repository root:
//   build/bin/part07/defer-8
#include <iostream>
#include <string>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"defer-8", "[options]",
                        "Deferred example 8 (part 7): a Deferred fired by the reactor, through "
                        "call_when_running().\nIts callback and its errback both stop the reactor.",
                        "build/bin/part07/defer-8"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  //! [pair]
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
  //! [pair]

  //! [fire]
  pim::Deferred<std::string> d;
  d.add_callbacks(got_poem, poem_failed);
  // Fire it from inside the loop, as soon as the loop starts.
  reactor.call_when_running([d]() mutable { d.callback("A short poem, delivered by the loop."); });
  reactor.run();
  //! [fire]
}
