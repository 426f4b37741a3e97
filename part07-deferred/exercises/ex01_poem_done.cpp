// Exercise 1 of part 7: what does poem_done receive? (easy)
//
// This is example 9 (src/defer_09_add_both.cpp) with one more option, --fail, which fires the
// errback instead of the callback. Its poem_done ignores whatever the stage before it passed
// on. Find out what that is:
//  1. Give poem_done a parameter for the result and print it on stdout, as
//     `poem_done received: X`, X being the value, or the Failure printed with <<. The result
//     is a pim::Outcome<T>, where T is what got_poem returns. What is it now, and what do you
//     print for it?
//  2. Make got_poem return something: the number of bytes in the poem (a std::size_t). The
//     compiler will then ask you to decide what poem_failed passes on, because both sides of a
//     stage must produce the same type. Choose, and be ready to say why.
// When you are done,
//   build/bin/part07/exercises/poem-done
// prints exactly
//   A short poem, delivered by the loop.
//   poem_done received: 36
// and `poem-done --fail` prints the failure and the three lines of verse on stderr, as before,
// then one `poem_done received: ...` line on stdout. As shipped, poem_done prints nothing: the
// check fails.
//
// Try it, change it, check it:
//   cmake --build build --target check07 && build/bin/part07/exercises/poem-done
//   ./tutorial check 7
#include <iostream>
#include <stdexcept>
#include <string>

#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

namespace {

// TODO: return the number of bytes in the poem (step 2).
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
  bool fail = false;
  pim::Options options({"poem-done", "[options]",
                        "Part 7, exercise 1: example 9, whose poem_done prints what it receives.",
                        "build/bin/part07/exercises/poem-done --fail"});
  options.flag("fail", "fire the errback instead of the callback", fail);
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  // TODO: take the result as a parameter and print it (step 1).
  auto poem_done = [&reactor] { reactor.stop(); };

  pim::Deferred<std::string> d;
  d.add_callbacks(got_poem, poem_failed).add_both(poem_done);
  reactor.call_when_running([d, fail]() mutable {
    if (fail) {
      d.errback(std::runtime_error("the server fell silent"));
    } else {
      d.callback("A short poem, delivered by the loop.");
    }
  });
  reactor.run();
}
