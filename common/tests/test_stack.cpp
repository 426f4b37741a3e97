// print_stack(), stack_frames() and demangle(). The test executable is linked with
// ENABLE_EXPORTS, as tutorial programs are, so its own functions have names.
#include "pim/stack.hpp"

#include <algorithm>
#include <sstream>

#include "pim/reactor.hpp"
#include "pim/testing/catch.hpp"

// Not static, not inlined, not in an anonymous namespace: exported, so the stack can name them.
[[gnu::noinline]] std::vector<std::string> pim_stack_probe_inner() {
  auto frames = pim::stack_frames();
  asm volatile("" ::: "memory");  // no tail call: keep this frame on the stack
  return frames;
}

[[gnu::noinline]] std::vector<std::string> pim_stack_probe_outer() {
  auto frames = pim_stack_probe_inner();
  asm volatile("" ::: "memory");
  return frames;
}

[[gnu::noinline]] void pim_stack_probe_print(std::ostream& out) {
  pim::print_stack(out);
  asm volatile("" ::: "memory");
}

namespace {

std::ptrdiff_t position(const std::vector<std::string>& frames, const std::string& prefix) {
  auto at = std::find_if(frames.begin(), frames.end(),
                         [&](const std::string& f) { return f.rfind(prefix, 0) == 0; });
  return at == frames.end() ? -1 : at - frames.begin();
}

}  // namespace

TEST_CASE("stack_frames lists the callers outermost first, from main", "[common][stack]") {
  auto frames = pim_stack_probe_outer();
  INFO([&] {
    std::string all;
    for (auto& f : frames) {
      all += f + "\n";
    }
    return all;
  }());
  REQUIRE_FALSE(frames.empty());
  CHECK(frames.front() == "main");
  const auto outer = position(frames, "pim_stack_probe_outer");
  const auto inner = position(frames, "pim_stack_probe_inner");
  REQUIRE(outer >= 0);
  REQUIRE(inner >= 0);
  CHECK(inner == outer + 1);
  CHECK(std::size_t(inner) == frames.size() - 1);  // stack_frames itself is left out
}

TEST_CASE("print_stack from a reactor callback shows Reactor::run above it",
          "[common][stack][reactor]") {
  pim::Reactor reactor("poll");
  std::ostringstream out;
  reactor.call_when_running([&] {
    pim_stack_probe_print(out);
    reactor.stop();
  });
  reactor.run();
  INFO(out.str());
  std::vector<std::string> frames;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    frames.push_back(line);
  }
  const auto run = position(frames, "  pim::Reactor::run()");
  const auto probe = position(frames, "  pim_stack_probe_print(");
  REQUIRE(run >= 0);
  REQUIRE(probe >= 0);
  CHECK(run < probe);
  CHECK(std::size_t(probe) == frames.size() - 1);  // print_stack's own frame is left out
}

TEST_CASE("demangle turns C++ symbols and type names into source spelling", "[common][stack]") {
  CHECK(pim::demangle("_ZN3pim7Reactor3runEv") == "pim::Reactor::run()");
  CHECK(pim::demangle(typeid(pim::Reactor).name()) == "pim::Reactor");
  CHECK(pim::demangle("main") == "main");
}
