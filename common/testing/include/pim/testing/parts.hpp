/// \file
/// \brief What every part's tests need: their programs, the poems, the reactor backends, and a
/// slow poetry server (part 2's slowpoetry) on a free port.
///
/// Header-only, because it reads the definitions pim_add_tests() and pim_add_exercise() give
/// each test target (PIM_BIN_DIR, PIM_BIN_ROOT, PIM_POETRY_DIR). Tests that use
/// backends() link `pim` (every part's tests do).
#pragma once

#include <string>
#include <vector>

#include "pim/file.hpp"
#include "pim/reactor.hpp"
#include "pim/testing/process.hpp"

#if !defined(PIM_BIN_DIR) || !defined(PIM_BIN_ROOT) || !defined(PIM_POETRY_DIR)
#error "pim/testing/parts.hpp is for targets made by pim_add_tests() or pim_add_exercise()"
#endif

namespace pim::testing {

/// A program of the part under test: bin/partNN/NAME.
inline std::string program(const std::string& name) {
  return std::string(PIM_BIN_DIR) + "/" + name;
}

/// A program of another part: part_program("02", "slowpoetry").
inline std::string part_program(const std::string& part, const std::string& name) {
  return std::string(PIM_BIN_ROOT) + "/part" + part + "/" + name;
}

inline std::string poem_path(const std::string& name) {
  return std::string(PIM_POETRY_DIR) + "/" + name;
}

inline std::string poem(const std::string& name) {
  return pim::read_file(poem_path(name));
}

/// Every reactor backend, for `GENERATE(from_range(backends()))`.
inline const std::vector<std::string>& backends() {
  return pim::reactor_backends();
}

/// argv: \p path, then \p args.
inline std::vector<std::string> command(const std::string& path,
                                        const std::vector<std::string>& args) {
  std::vector<std::string> argv{path};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

/// Part 2's slowpoetry on a free port, killed (with its process group) when the test ends.
/// The part's CMakeLists must depend on p02_slowpoetry.
struct SlowServer {
  Process process;
  int port;

  /// \param args slowpoetry's arguments after `--port 0`: options, then the poem file
  explicit SlowServer(const std::vector<std::string>& args)
      : process(with_program(args)), port(wait_for_port(process)) {}

  std::string port_text() const { return std::to_string(port); }

 private:
  static std::vector<std::string> with_program(const std::vector<std::string>& args) {
    std::vector<std::string> argv = command(part_program("02", "slowpoetry"), {"--port", "0"});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
};

}  // namespace pim::testing
