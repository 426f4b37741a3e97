// An unhandled error in a Deferred. Part 9; read part07-deferred/src/defer_01_callback.cpp first.
// New here: a callback throws and no errback comes after it, so the chain ends in a Failure.
// Firing does not throw, and the program goes on to print "Finished". The Failure is reported
// only when the last handle to the Deferred is destroyed, at the end of main's inner block: by
// then nothing could ever add an errback to handle it.
//
// From the repository root:
//   build/bin/part09/defer-unhandled
#include <iostream>
#include <stdexcept>
#include <string>

#include "pim/deferred.hpp"
#include "pim/options.hpp"

namespace {

//! [callback]
void always_fails(const std::string& /*result*/) {
  throw std::runtime_error("oops");
}
//! [callback]

}  // namespace

int main(int argc, char** argv) {
  pim::Options options({"defer-unhandled", "",
                        "A Deferred whose callback throws, with no errback after it (part 9).\n"
                        "Prints Finished on stdout; the report of the unhandled error follows\n"
                        "on stderr, when the Deferred is destroyed.",
                        "build/bin/part09/defer-unhandled"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("no arguments expected");

  //! [main]
  {
    pim::Deferred<std::string> d;
    d.add_callback(always_fails);
    d.callback("Here is your result.");  // the exception stays inside the Deferred
    std::cout << "Finished" << std::endl;
  }  // the last handle goes: the Failure is logged to stderr now
  //! [main]
  return 0;
}
