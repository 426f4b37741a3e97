/// \file
/// \brief The two countdown exercises of part 3, as functions the exercise programs call.
///
/// You write them in part03-reactor/exercises/ex01_three_counters.cpp and
/// ex02_looping_countdown.cpp (reference answers: part03-reactor/solutions/). The small programs
/// three_counters_main.cpp and looping_countdown_main.cpp (next to this header) parse the options,
/// make the reactor and call them; the checks in part03-reactor/tests/check_ex0*.cpp run those
/// programs.
#pragma once

#include <ostream>

#include "pim/reactor.hpp"

namespace part03 {

/// Exercise 1: three countdowns at different rates, sharing one reactor.
///
/// Prints `Start!`, runs \p reactor until all three counters have finished, then prints `Stop!`.
/// The counters start together when the loop starts, in this order:
///
/// | name     | counts down from | one number every |
/// |----------|------------------|------------------|
/// | `fast`   | 3                | 0.6 s            |
/// | `medium` | 4                | 0.8 s            |
/// | `slow`   | 5                | 1.0 s            |
///
/// Each counter works like countdown.cpp's: it prints `NAME: N ...` at once, then one number
/// less every interval, and one interval after `NAME: 1 ...` it prints `NAME: done` and
/// finishes. The reactor stops when the last counter finishes (after 5 s at full speed).
/// \param scale multiplies every interval: 1 is the speed above, 0.5 twice as fast
/// \param out where every line goes (the program passes std::cout)
void run_three_counters(pim::Reactor& reactor, double scale, std::ostream& out);

/// Exercise 2: countdown.cpp rewritten with pim::LoopingCall.
///
/// Prints `Start!`, then `5 ...` down to `1 ...`, one line every \p interval seconds starting at
/// once; one interval after `1 ...` it stops the reactor and prints `Stop!`.
/// \param interval seconds between numbers (countdown.cpp's is 1)
/// \param out where every line goes (the program passes std::cout)
void run_looping_countdown(pim::Reactor& reactor, double interval, std::ostream& out);

}  // namespace part03
