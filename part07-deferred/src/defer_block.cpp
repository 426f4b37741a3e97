// Deferred example "block": a callback that blocks, blocks the reactor. Part 7; read
// defer_08_reactor.cpp first.
// New here: nothing in the Deferred, which is the point. The middle stage of a three-stage chain
// writes a short verse with sleeps between the pieces. The loop fires the Deferred, and cannot
// do anything else until the whole chain has returned: a timer that falls due during the verse
// runs only afterwards. A Deferred organises callbacks; it does not make them asynchronous.
//
// From the repository root (--scale 0.1 runs every delay ten times faster):
//   build/bin/part07/defer-block
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "pim/deferred.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

namespace {

// When the timer is due, in seconds after the start (before scaling): well inside the verse.
constexpr double timer_due = 1.0;

struct Piece {
  double pause;      // seconds to sleep before writing the text (before scaling)
  const char* text;  // written as is: the verse's line breaks are in here
};

// Our own short verse, in pieces: about six seconds in all.
constexpr Piece verse[] = {
    {0.4, "I am"},         {0.3, " a callback"},      {0.6, "\n  asleep"},
    {0.4, " on the job,"}, {0.6, "\n  and the loop"}, {0.4, " sleeps with me;"},
    {0.8, "\nno timer"},   {0.3, " rings,"},          {0.6, "\n  no socket"},
    {0.3, " is read,"},    {0.8, "\nuntil"},          {0.4, " I return."},
    {0.3, "\n"},
};

void begin_chain() {
  std::cout << "The callback chain begins." << std::endl;
}

//! [blocking]
// Blocks the only thread there is: while it sleeps, the reactor is not running.
void blocking_verse(double scale) {
  for (const Piece& piece : verse) {
    std::this_thread::sleep_for(std::chrono::duration<double>(piece.pause * scale));
    std::cout << piece.text << std::flush;
  }
}
//! [blocking]

void end_chain() {
  std::cout << "The callback chain ends." << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  std::string backend;
  double scale = 1.0;
  pim::Options options(
      {"defer-block", "[options]",
       "Deferred example \"block\" (part 7): a Deferred whose second callback sleeps between the\n"
       "pieces of a verse (about 6 s) blocks the reactor; a timer due after 1 s runs only when\n"
       "the whole chain has finished.",
       "build/bin/part07/defer-block --scale 0.5"});
  options.seconds("scale", "F",
                  "multiply every delay by F (default 1; 0.01 runs it all in about 0.06 s)", scale);
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  //! [chain]
  pim::Deferred<void> d;
  d.add_callback(begin_chain).add_callback(blocking_verse, scale).add_callback(end_chain);
  //! [chain]

  //! [loop]
  // Due during the verse. The loop checks its timers only between callbacks, so this runs
  // once the chain is over, and it ends the program.
  reactor.call_later(timer_due * scale, [&reactor, due = timer_due * scale] {
    std::cout << "The timer due " << due << " s after the start runs only now." << std::endl;
    reactor.stop();
  });
  reactor.call_when_running([d]() mutable {
    std::cout << "Firing the deferred." << std::endl;
    d.callback();  // runs all three stages before it returns
    std::cout << "Firing finished." << std::endl;
  });
  std::cout << "Starting the reactor." << std::endl;
  reactor.run();
  std::cout << "Done." << std::endl;
  //! [loop]
}
