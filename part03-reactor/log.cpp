// The logging functions the reactor itself uses: log::msg for messages, log::err for exceptions.
// Part 3; read exception.cpp first (its error report is a log::err entry). No reactor runs here:
// logging works anywhere. Entries go to stderr, each with a UTC timestamp and a [system] tag.
//
// From the repository root:
//   build/bin/part03/log
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "pim/log.hpp"
#include "pim/options.hpp"

namespace {

double parse_seconds(const std::string& text) {
  char* end = nullptr;
  double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') {
    throw std::invalid_argument("'" + text + "' is not a number of seconds");
  }
  return seconds;
}

// A named logging context: while one is current, entries carry its name instead of "-". The
// reactor makes each connection current while it runs that connection's callbacks (part 4).
class Download : public pim::LoggingContext {
 public:
  std::string log_prefix() const override { return "download 1"; }
};

}  // namespace

int main(int argc, char** argv) {
  pim::Options options({"log", "[options]",
                        "Shows log::msg and log::err (part 3): timestamped entries on stderr.",
                        "build/bin/part03/log"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  //! [messages]
  pim::log::msg("A log entry: timestamp, [system], then the message.");
  pim::log::msg("log::msg joins its arguments with spaces:", 3, "poems in", 2.5, "seconds");
  //! [messages]

  //! [errors]
  try {
    parse_seconds("soon");
  } catch (...) {
    pim::log::err();  // the exception being handled, under the default heading
  }
  pim::log::err(std::runtime_error("the server closed the connection"), "Lost a poem");
  //! [errors]

  //! [context]
  Download download;
  {
    pim::log::ContextScope scope(download);
    pim::log::msg("Written while a download is the current context.");
  }
  pim::log::msg("Back to no context.");
  //! [context]
}
