// Deferred example 1: firing a Deferred with a result. Part 7; read part 6's client 3.1
// (part06-callbacks/get_poetry_3_1.cpp) first: its callback and errback are the pair this
// program hands to a pim::Deferred instead of to get_poetry().
// New here: a Deferred, one callback/errback pair added with add_callbacks(), and callback(),
// which fires it. There is no reactor: the pair runs inside callback(), before it returns.
//
// From the repository root:
//   build/bin/part07/defer-1
#include <iostream>
#include <string>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"

namespace {

//! [pair]
void got_poem(const std::string& poem) {
  std::cout << "Here is your poem:\n" << poem << '\n';
}

void poem_failed(const pim::Failure&) {
  std::cout << "No poem this time.\n";
}
//! [pair]

}  // namespace

int main(int argc, char** argv) {
  pim::Options options({"defer-1", "[options]",
                        "Deferred example 1 (part 7): adds a callback/errback pair to a Deferred, "
                        "then fires it\nwith a result. No reactor is involved.",
                        "build/bin/part07/defer-1"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [fire]
  pim::Deferred<std::string> d;
  // One stage: got_poem if the Deferred fires with a result, poem_failed if with a Failure.
  d.add_callbacks(got_poem, poem_failed);
  // Fire it: got_poem runs now, inside this call.
  d.callback("A poem of a single line.");
  std::cout << "Finished\n";
  //! [fire]
}
