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

/// The return addresses on the calling thread's stack, innermost first, *without* naming them.
///
/// Capturing is cheap (one backtrace() walk); naming is not (a dladdr() look-up and a demangle
/// per frame). Failure (part 6) captures a stack every time it is made from a caught exception,
/// but most failures are handled and dropped unseen, so it captures with this and names the
/// frames with describe_stack() only when a traceback is asked for.
/// \param skip how many innermost frames to drop besides capture_stack() itself
std::vector<void*> capture_stack(int skip = 0);

/// Names the frames of a capture_stack() result the way stack_frames() would have: outermost
/// first, ending at `main`. Safe to call later and from any thread, as long as the code the
/// addresses point into is still loaded (always true for a program's own code).
std::vector<std::string> describe_stack(const std::vector<void*>& addresses);

/// Demangles a C++ symbol or `typeid(...).name()` (`N3pim7ReactorE` -> `pim::Reactor`); returns
/// the input unchanged when it is not a mangled name (`main`, C functions).
std::string demangle(const char* mangled);

}  // namespace pim
