/// \file
/// \brief Command-line options for every program in the repo, built on `getopt_long`.
///
/// Introduced in part 2. It gives all programs the same `--help` (which shows the exact command
/// to type from the repository root), the same `--version`, and the same usage errors: a message
/// naming the bad option or value on stderr and exit status 2. Tests:
/// common/tests/test_options.cpp.
///
/// \code
/// long port = 0;
/// pim::Options options({"slowpoetry", "[options] POEM_FILE", "Serves one poem, slowly.",
///                       "build/bin/part02/slowpoetry poetry/xxx.txt"});
/// options.integer("port", "N", "port to listen on (default: a free one)", port, 0, 65535);
/// std::vector<std::string> files = options.parse_or_exit(argc, argv);
/// \endcode
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace pim {

/// What a program tells its user about itself in `--help`.
struct ProgramInfo {
  std::string name;     ///< the binary's name, e.g. "slowpoetry"
  std::string args;     ///< what follows the name on the usage line, e.g. "[options] POEM_FILE"
  std::string summary;  ///< one paragraph: what the program is and which part it belongs to
  std::string example;  ///< a complete command that works from the repository root
};

/// The outcome of Options::parse().
struct ParseResult {
  enum class Outcome { run, help, version, error };
  Outcome outcome = Outcome::run;
  std::vector<std::string> positionals;  ///< the non-option arguments, in order
  std::string message;                   ///< for Outcome::error: what was wrong
};

/// A set of long options (`--name VALUE` or `--name=VALUE`) plus `-h/--help` and `-V/--version`.
///
/// Each option writes straight into a variable the caller owns, so the variable's initial value
/// is the default. Values are validated while parsing, and a bad one is an error that names the
/// option and the value.
class Options {
 public:
  explicit Options(ProgramInfo info);

  /// `--name` with no value sets \p target to true.
  Options& flag(const std::string& name, const std::string& help, bool& target);
  /// `--name TEXT` stores the text.
  Options& text(const std::string& name, const std::string& metavar, const std::string& help,
                std::string& target);
  /// `--name N` stores a whole number from \p min to \p max.
  Options& integer(const std::string& name, const std::string& metavar, const std::string& help,
                   long& target, long min, long max);
  /// `--name S` stores a finite, non-negative number of seconds (fractions allowed).
  Options& seconds(const std::string& name, const std::string& metavar, const std::string& help,
                   double& target);
  /// `--name WORD` stores one of \p allowed.
  Options& choice(const std::string& name, const std::string& metavar, const std::string& help,
                  std::string& target, std::vector<std::string> allowed);

  /// Parses the arguments without exiting, so tests can see every outcome.
  /// \returns the outcome; on Outcome::run the option targets are set
  ParseResult parse(int argc, char* const* argv) const;

  /// Parses like parse(), then acts as every program in the repo does: prints help (stdout,
  /// exit 0), the version (stdout, exit 0) or a usage error (stderr, exit 2).
  /// \returns the positional arguments when the program should run
  std::vector<std::string> parse_or_exit(int argc, char* const* argv) const;

  /// Prints the usage line and `NAME: error: MESSAGE` to stderr and exits with status 2.
  /// Programs call it for problems found after parsing (a missing file, a bad address).
  [[noreturn]] void usage_error(const std::string& message) const;

  /// The full `--help` text.
  std::string help() const;
  /// The one-line `Usage: NAME ARGS`.
  std::string usage() const;

 private:
  struct Option {
    std::string name;
    std::string metavar;  // empty for a flag
    std::string help;
    std::function<bool(const std::string& value, std::string& problem)> apply;
  };
  Options& add(Option option);

  ProgramInfo info_;
  std::vector<Option> options_;
};

/// The version every program prints for `--version`.
std::string version();

}  // namespace pim
