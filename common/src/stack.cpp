#include "pim/stack.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace pim {

namespace {

constexpr int max_frames = 128;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// Names one return address: the demangled symbol if the dynamic linker knows one, else
// `?? (module+0xOFFSET)`, which `addr2line -e module OFFSET` can still resolve by hand.
std::string describe_frame(void* address) {
  // A return address points just past the call instruction; step back one byte so a call that
  // ends a function is attributed to that function and not to whatever follows it.
  auto lookup = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(address) - 1);
  Dl_info info{};
  if (::dladdr(lookup, &info) != 0 && info.dli_sname != nullptr) return demangle(info.dli_sname);
  const char* module = info.dli_fname ? info.dli_fname : "?";
  auto base = reinterpret_cast<std::uintptr_t>(info.dli_fbase);
  char offset[32];
  std::snprintf(offset, sizeof offset, "+0x%zx",
                static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(lookup) - base));
  return std::string("?? (") + module + offset + ")";
}

// The C runtime frames outside main: `_start`, `__libc_start_main`, and unnamed ones in libc
// (`__libc_start_call_main` has no exported name).
bool is_startup_frame(const std::string& frame) {
  return frame == "_start" || frame == "__libc_start_main" ||
         (frame.rfind("?? (", 0) == 0 && frame.find("/libc.so") != std::string::npos);
}

// Innermost-first addresses from backtrace() to outermost-first names, without the first \p skip
// frames and without the C runtime frames outside main (they are the same in every program).
std::vector<std::string> describe_frames(void* const* addresses, int count, int skip) {
  std::vector<std::string> frames;
  for (int i = skip; i < count; ++i) {
    frames.push_back(describe_frame(addresses[i]));
  }
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i] == "main") {
      frames.resize(i + 1);
      return {frames.rbegin(), frames.rend()};
    }
  }
  // No frame is named `main`: the code that called us from main was moved by the optimizer
  // into a separate cold section (`main.cold`, typical of catch blocks), which has no exported
  // name. Still leave out the C runtime's start-up frames, which are the same in every program.
  while (!frames.empty() && is_startup_frame(frames.back())) {
    frames.pop_back();
  }
  return {frames.rbegin(), frames.rend()};
}

// Where the caller's frame starts in a backtrace() taken by one of our public functions: the
// entry equal to that function's own return address. Searching (rather than assuming "entry 1")
// stays right when something sits between us and backtrace(): sanitizers intercept it, adding
// a frame of their own.
int first_caller_frame(void* const* addresses, int count, void* return_address) {
  for (int i = 0; i < count; ++i) {
    if (addresses[i] == return_address) return i;
  }
  return 1;
}

}  // namespace

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, FreeDeleter> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status));
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

// noinline: each public function must have a frame of its own, and a return address of its own
// to search for.
[[gnu::noinline]] std::vector<std::string> stack_frames(int skip) {
  void* addresses[max_frames];
  int count = ::backtrace(addresses, max_frames);
  int first = first_caller_frame(addresses, count, __builtin_return_address(0));
  return describe_frames(addresses, count, first + skip);
}

[[gnu::noinline]] std::vector<void*> capture_stack(int skip) {
  void* addresses[max_frames];
  int count = ::backtrace(addresses, max_frames);
  int first = first_caller_frame(addresses, count, __builtin_return_address(0)) + skip;
  if (first >= count) return {};
  return std::vector<void*>(addresses + first, addresses + count);
}

std::vector<std::string> describe_stack(const std::vector<void*>& addresses) {
  return describe_frames(addresses.data(), static_cast<int>(addresses.size()), 0);
}

[[gnu::noinline]] void print_stack(std::ostream& out) {
  void* addresses[max_frames];
  int count = ::backtrace(addresses, max_frames);
  int first = first_caller_frame(addresses, count, __builtin_return_address(0));
  for (const std::string& frame : describe_frames(addresses, count, first)) {
    out << "  " << frame << '\n';
  }
  out.flush();
}

}  // namespace pim
