/// \file
/// \brief Exercise 3 of part 11: the slow poetry server rebuilt on the reactor.
///
/// You write make_slow_poetry_factory() in part11-server/exercises/ex03_slow_server.cpp
/// (reference answer: part11-server/solutions/ex03_slow_server.cpp). slow_poetry_main.cpp, next
/// to this header, turns it into the program `reactor-slowpoetry`; the check,
/// part11-server/tests/check_ex03_slow_server.cpp, also calls it directly, on a reactor of its
/// own, and looks at the timers left in that reactor when a client has gone.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "pim/factory.hpp"
#include "pim/reactor.hpp"

namespace part11 {

/// What a slow poetry server sends, and how slowly.
struct SlowPoem {
  std::string poem;            ///< the bytes to send
  std::size_t num_bytes = 10;  ///< bytes per chunk, at least 1
  double delay = 0.1;          ///< seconds between chunks
};

/// Makes the factory of a slow poetry server, for pim::listen_tcp(). Each connection it serves
/// receives \p settings.poem in chunks of `num_bytes` bytes: the first chunk as soon as the
/// connection is made, then one chunk every `delay` seconds, scheduled on \p reactor (with
/// call_later() or a pim::LoopingCall, never by sleeping). After the last chunk the connection is
/// closed (lose_connection()). Any number of clients are served at once, each at its own pace.
///
/// A client that disconnects before the end must leave nothing behind: once its protocol's
/// connection_lost() has run, no timer of that connection is still pending in \p reactor.
/// \pre \p reactor outlives the factory and every connection it serves
std::shared_ptr<pim::ServerFactory> make_slow_poetry_factory(pim::Reactor& reactor,
                                                             SlowPoem settings);

}  // namespace part11
