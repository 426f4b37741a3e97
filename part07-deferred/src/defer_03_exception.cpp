// Deferred example 3: an exception handed to errback() arrives as a pim::Failure. Part 7; read
// defer_02_errback.cpp first.
// New here: errback() with a plain exception object. The Deferred wraps it in a Failure, so an
// errback always receives a Failure, whatever the producer passed. This one prints what it got.
//
// From the repository root:
//   build/bin/part07/defer-3
#include <iostream>
#include <stdexcept>
#include <string>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"

namespace {

void got_poem(const std::string& poem) {
  std::cout << "Here is your poem:\n" << poem << '\n';
}

//! [errback]
void poem_failed(const pim::Failure& failure) {
  std::cout << "poem_failed received: " << failure << '\n';
  // The exception was never thrown, so the Failure has no stack to show (part 6).
  std::cout << failure.traceback();
  std::cout << "No poem this time.\n";
}
//! [errback]

}  // namespace

int main(int argc, char** argv) {
  pim::Options options({"defer-3", "[options]",
                        "Deferred example 3 (part 7): fires a Deferred's errback with a plain "
                        "exception and shows\nthe pim::Failure the errback receives.",
                        "build/bin/part07/defer-3"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [fire]
  pim::Deferred<std::string> d;
  d.add_callbacks(got_poem, poem_failed);
  // An exception object, not a Failure: the Deferred makes the Failure for us.
  d.errback(std::runtime_error("the poem could not be found"));
  std::cout << "Finished\n";
  //! [fire]
}
