#include "pim/where.hpp"

#include <string_view>

namespace pim {

std::string Where::to_string() const {
  if (file == nullptr) return "an unknown place";
  std::string_view path(file);
  // Keep the last two components: enough to name the part and file, and the same on every
  // machine, whatever directory the repository was cloned into.
  auto last = path.rfind('/');
  if (last != std::string_view::npos && last > 0) {
    auto before = path.rfind('/', last - 1);
    if (before != std::string_view::npos) path.remove_prefix(before + 1);
  }
  return std::string(path) + ":" + std::to_string(line);
}

}  // namespace pim
