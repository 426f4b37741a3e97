// Deferred example 9: common code moved into a second stage with add_both(). Part 7; read
// defer_08_reactor.cpp first.
// New here: a chain of two stages. Example 8's callback and errback both stopped the reactor;
// here they only deal with the poem or the failure, and poem_done, added with add_both(), runs
// after whichever of them ran: the asynchronous counterpart of code after a try/catch.
//
// From the repository root:
//   build/bin/part07/defer-9
#include <iostream>
#include <string>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

namespace {

//! [pair]
void got_poem(const std::string& poem) {
  std::cout << poem << '\n';
}

void poem_failed(const pim::Failure& failure) {
  std::cerr << failure << '\n'
            << "the poem was lost\n"
            << "between the server and here\n"
            << "we will ask again\n";
}
//! [pair]

}  // namespace

int main(int argc, char** argv) {
  std::string backend;
  pim::Options options({"defer-9", "[options]",
                        "Deferred example 9 (part 7): a Deferred with two stages: a "
                        "callback/errback pair, then\npoem_done, added with add_both(), which "
                        "stops the reactor whatever happened.",
                        "build/bin/part07/defer-9"});
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  //! [chain]
  // Runs after got_poem or poem_failed, whichever ran; it ignores what they passed on.
  auto poem_done = [&reactor] { reactor.stop(); };

  pim::Deferred<std::string> d;
  d.add_callbacks(got_poem, poem_failed).add_both(poem_done);
  reactor.call_when_running([d]() mutable { d.callback("A short poem, delivered by the loop."); });
  reactor.run();
  //! [chain]
}
