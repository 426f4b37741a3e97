// Shared by part 6's tests and exercise checks: finding the programs and poems, and running part
// 2's slow poetry server.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "pim/file.hpp"
#include "pim/reactor.hpp"
#include "pim/testing/process.hpp"

namespace part06 {

using namespace std::chrono_literals;

/// A program of this part (bin/part06/NAME).
inline std::string program(const std::string& name) {
  return std::string(PIM_BIN_DIR) + "/" + name;
}
inline std::string poem_path(const std::string& name) {
  return std::string(PIM_POETRY_DIR) + "/" + name;
}
inline std::string poem(const std::string& name) {
  return pim::read_file(poem_path(name));
}

/// Every reactor backend, for GENERATE(from_range(backends())).
inline const std::vector<std::string>& backends() {
  return pim::reactor_backends();
}

/// Part 2's slowpoetry on a free port; killed when the test ends.
struct Server {
  pim::testing::Process process;
  int port;

  /// \param args slowpoetry's arguments after `--port 0` (options and the poem file)
  explicit Server(const std::vector<std::string>& args)
      : process(with_program(args)), port(pim::testing::wait_for_port(process)) {}

  std::string port_text() const { return std::to_string(port); }

 private:
  static std::vector<std::string> with_program(const std::vector<std::string>& args) {
    std::vector<std::string> argv{std::string(PIM_BIN_ROOT) + "/part02/slowpoetry", "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
};

/// argv: \p path, then \p args.
inline std::vector<std::string> command(const std::string& path,
                                        const std::vector<std::string>& args) {
  std::vector<std::string> argv{path};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace part06
