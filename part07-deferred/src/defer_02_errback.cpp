// Deferred example 2: firing a Deferred with a Failure. Part 7; read defer_01_callback.cpp first.
// New here: errback(), the other way to fire a Deferred. The same pair is added, but this time
// the errback side runs, at once, inside errback().
//
// From the repository root:
//   build/bin/part07/defer-2
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

void poem_failed(const pim::Failure&) {
  std::cout << "No poem this time.\n";
}

}  // namespace

int main(int argc, char** argv) {
  pim::Options options({"defer-2", "[options]",
                        "Deferred example 2 (part 7): adds a callback/errback pair to a Deferred, "
                        "then fires it\nwith a pim::Failure, so the errback runs.",
                        "build/bin/part07/defer-2"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [fire]
  pim::Deferred<std::string> d;
  d.add_callbacks(got_poem, poem_failed);
  // Fire the error path, with a Failure made as in part 6.
  d.errback(pim::Failure(std::runtime_error("the poem could not be found")));
  std::cout << "Finished\n";
  //! [fire]
}
