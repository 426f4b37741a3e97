// Deferred example 4: a Deferred fires only once; callback() twice. Part 7; read
// defer_01_callback.cpp first.
// New here: the second callback() throws pim::AlreadyCalledError to the code that called
// it, instead of running the chain again. Examples 5, 6 and 7 try the other three
// combinations of callback() and errback(). Nothing catches the error, so it ends the
// program: main() reports it the way an uncaught exception is reported, and exits with
// status 1 (see the chapter, "Firing twice").
//
// From the repository root:
//   build/bin/part07/defer-4
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
  d.callback("the first result");
  d.callback("the second result");  // throws pim::AlreadyCalledError
  std::cout << "Finished\n";        // never printed
}
//! [fire-twice]

}  // namespace

int main(int argc, char** argv) {
  pim::Options options({"defer-4", "[options]",
                        "Deferred example 4 (part 7): fires a Deferred with callback() and then "
                        "with callback();\nthe second call throws pim::AlreadyCalledError, which "
                        "ends the program (status 1).",
                        "build/bin/part07/defer-4"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [uncaught]
  try {
    fire_twice();
  } catch (const std::exception& error) {
    // What a language runtime does with an exception that nothing caught: say which one it
    // was, and fail. (Letting it leave main() would call std::terminate(), which aborts.)
    std::cerr << "defer-4: uncaught exception " << pim::demangle(typeid(error).name()) << ": "
              << error.what() << '\n';
    return 1;
  }
  //! [uncaught]
}
