// Deferred example 7: a Deferred fires only once; errback() twice. Part 7; read
// defer_04_callback_twice.cpp first, which explains the ending.
// New here: only the combination. The second call throws pim::AlreadyCalledError,
// whichever way the Deferred was fired first.
//
// From the repository root:
//   build/bin/part07/defer-7
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/stack.hpp"

namespace {

//! [fire-twice]
void fire_twice() {
  // One function for both sides of the pair: it prints a result or a Failure alike.
  auto out = [](const auto& result) { std::cout << result << '\n'; };
  pim::Deferred<std::string> d;
  d.add_callbacks(out, out);
  d.errback(std::runtime_error("the first error"));
  d.errback(std::runtime_error("the second error"));  // throws pim::AlreadyCalledError
  std::cout << "Finished\n";                          // never printed
}
//! [fire-twice]

}  // namespace

int main(int argc, char** argv) {
  pim::Options options({"defer-7", "[options]",
                        "Deferred example 7 (part 7): fires a Deferred with errback() and then "
                        "with errback();\nthe second call throws pim::AlreadyCalledError, which "
                        "ends the program (status 1).",
                        "build/bin/part07/defer-7"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  try {
    fire_twice();
  } catch (const std::exception& error) {
    // Reported as defer-4 reports it: nothing caught the error, so the program fails.
    std::cerr << "defer-7: uncaught exception " << pim::demangle(typeid(error).name()) << ": "
              << error.what() << '\n';
    return 1;
  }
}
