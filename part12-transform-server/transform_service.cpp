// The transforms themselves: ordinary functions of a string. See transform_service.hpp.
#include "transform_service.hpp"

#include <algorithm>
#include <vector>

std::string TransformService::cummingsify(std::string_view poem) const {
  std::string result(poem);
  // Only 'A'..'Z' change: std::tolower on a byte of a UTF-8 sequence could depend on the locale.
  std::transform(result.begin(), result.end(), result.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
  return result;
}

std::string TransformService::reverse_lines(std::string_view poem) const {
  const bool ends_with_newline = !poem.empty() && poem.back() == '\n';
  std::vector<std::string_view> lines;
  while (!poem.empty()) {
    std::size_t end = std::min(poem.find('\n'), poem.size());
    lines.push_back(poem.substr(0, end));
    poem.remove_prefix(std::min(end + 1, poem.size()));
  }
  std::string result;
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    result += *line;
    result += '\n';
  }
  // The last line of the result was the first of the poem, which had its newline; give the
  // result the ending the poem had.
  if (!ends_with_newline && !result.empty()) result.pop_back();
  return result;
}
