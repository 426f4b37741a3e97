#include "pim/descriptor.hpp"

#include <typeinfo>

#include "pim/stack.hpp"

namespace pim {

std::string FileDescriptor::log_prefix() const {
  // The dynamic type: `PoetrySocket`, not `pim::FileDescriptor`. Only computed when something
  // is actually logged, so its cost (a demangle) is off the dispatch path.
  return demangle(typeid(*this).name());
}

}  // namespace pim
