/// \file
/// \brief Exercise 1 of part 6: client 3.1's get_poetry() with a timeout.
///
/// You write it in part06-callbacks/exercises/ex01_timeout.cpp (reference answer:
/// part06-callbacks/solutions/ex01_timeout.cpp). get_poetry_timeout_main.cpp, next to this
/// header, turns it into the program `get-poetry-timeout`; the check,
/// part06-callbacks/tests/check_ex01_timeout.cpp, calls the function directly, on a reactor of
/// its own, against servers it controls.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "pim/failure.hpp"
#include "pim/reactor.hpp"

namespace part06 {

/// What get_poetry() calls with the finished poem.
using PoemCallback = std::function<void(std::string poem)>;
/// What get_poetry() calls when there will be no poem, with the reason.
using PoemErrback = std::function<void(const pim::Failure& reason)>;

/// Starts downloading a poem from \p host : \p port and returns at once, as client 3.1's
/// get_poetry() does. Later, from the reactor loop, exactly one of these happens, once:
///
///  - `callback(poem)` when the whole poem has arrived (the server ended the connection
///    cleanly);
///  - `errback(reason)` when there will be no poem: the connection attempt failed (a
///    pim::ConnectError), the connection broke (a pim::ConnectionLost), or \p timeout has a
///    value and the poem is still not complete that many seconds after this call.
///
/// On a timeout the reason wraps a `PoemTimeoutError`, an exception type you define (in any
/// namespace; derive it from std::runtime_error), whose message says how long it waited. By the
/// time the errback runs, the connection has been closed (or the attempt stopped), so that the
/// server is not left sending a poem nobody wants. Whatever the connection reports after that is
/// ignored. A poem that finishes in time leaves no timer behind.
/// \param timeout seconds from this call until the poem is declared late; std::nullopt waits as
///        long as the server takes
void get_poetry(pim::Reactor& reactor, const std::string& host, int port, PoemCallback callback,
                PoemErrback errback, std::optional<double> timeout);

}  // namespace part06
