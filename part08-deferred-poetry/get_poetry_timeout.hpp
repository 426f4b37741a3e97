/// \file
/// \brief Exercise 1 of part 8: client 4.0's get_poetry() with a timeout.
///
/// You write it in part08-deferred-poetry/exercises/ex01_timeout.cpp (reference answer:
/// part08-deferred-poetry/solutions/ex01_timeout.cpp). get_poetry_timeout_main.cpp, next to this
/// header, turns it into the program `get-poetry-timeout`; the check,
/// part08-deferred-poetry/tests/check_ex01_timeout.cpp, calls the function directly, on a reactor
/// of its own, against servers it controls.
#pragma once

#include <optional>
#include <string>

#include "pim/deferred.hpp"
#include "pim/reactor.hpp"

namespace part08 {

/// Starts downloading a poem from \p host : \p port and returns at once, as client 4.0's
/// get_poetry() does, with a Deferred that has not fired yet. Later, from the reactor loop, the
/// Deferred fires exactly once:
///
///  - with the poem, when the whole poem has arrived (the server ended the connection cleanly);
///  - with a Failure, when there will be no poem: the connection attempt failed (a
///    pim::ConnectError), the connection broke (a pim::ConnectionLost), or \p timeout has a
///    value and the poem is still not complete that many seconds after this call.
///
/// On a timeout the Failure wraps a `PoemTimeoutError`, an exception type you define (in any
/// namespace; derive it from std::runtime_error), whose message says how long it waited. By the
/// time the Deferred's errbacks run, the connection has been closed (or the attempt stopped), so
/// that the server is not left sending a poem nobody wants. Whatever the connection reports after
/// that is ignored: it must not fire the Deferred a second time. A poem that finishes in time
/// leaves no timer behind.
/// \param timeout seconds from this call until the poem is declared late; std::nullopt waits as
///        long as the server takes
pim::Deferred<std::string> get_poetry(pim::Reactor& reactor, const std::string& host, int port,
                                      std::optional<double> timeout);

}  // namespace part08
