/// \file
/// \brief Printing the current call stack with readable C++ names ("who called my callback?").
///
/// Introduced in part 3, whose `stack` program prints the stack from inside a callback so the
/// learner sees `pim::Reactor::run()` above their own function, as Python's
/// `traceback.print_stack()` shows `reactor.run()`. Tests: common/tests/test_stack.cpp.
///
/// How it works, and its limits: glibc's `backtrace()` walks the return addresses, `dladdr()`
/// maps each one to the nearest *exported* symbol, and `abi::__cxa_demangle` turns
/// `_ZN3pim7Reactor3runEv` back into `pim::Reactor::run()`. Only symbols in the dynamic symbol
/// table can be named, so programs must be linked with `-rdynamic` (CMake's `ENABLE_EXPORTS`,
/// which `pim_add_program` sets) and with `${CMAKE_DL_LIBS}` for `dladdr` (the `pim` library
/// links it for you). Functions with internal linkage (`static`, anonymous namespaces) have no
/// exported name and show as `??`; functions the optimizer inlined have no frame of their own
/// and do not appear at all. A debugger, or C++23's `<stacktrace>`, can do better with debug
/// information; this is the dependency-free version.
#pragma once

#include <iostream>
#include <string>
#include <vector>

namespace pim {

/// Prints the call stack of the calling thread, outermost call first (as Python does), one frame
/// per line: `  pim::Reactor::run()`. Frames outside `main` (the C runtime's start-up code) and
/// print_stack's own frame are left out.
/// \param out where to print (stderr by default)
void print_stack(std::ostream& out = std::cerr);

/// The frames print_stack() would print, outermost first, without indentation.
/// \param skip how many innermost frames to drop besides stack_frames() itself
std::vector<std::string> stack_frames(int skip = 0);

/// Demangles a C++ symbol or `typeid(...).name()` (`N3pim7ReactorE` -> `pim::Reactor`); returns
/// the input unchanged when it is not a mangled name (`main`, C functions).
std::string demangle(const char* mangled);

}  // namespace pim
