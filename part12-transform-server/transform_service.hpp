// The poetry transformation service of part 12: what the server can do to a poem, with no idea
// how requests arrive. Read transformedpoetry.cpp for the program that puts it on the network.
//
// Keeping the service free of sockets, netstrings and factories is the point of this part: the
// same object can then be offered through any number of wire protocols (exercise 3 adds a
// second one) and tested with plain function calls.
#pragma once

#include <string>
#include <string_view>

//! [service]
class TransformService {
 public:
  /// Lower-cases every ASCII letter, in honour of e. e. cummings. Other bytes (UTF-8 included)
  /// pass through unchanged.
  std::string cummingsify(std::string_view poem) const;

  /// The poem's lines in reverse order, last line first. Each line keeps its own text; a poem
  /// that ended with a newline still does.
  std::string reverse_lines(std::string_view poem) const;
};
//! [service]
