// Exercise 5 of part 12: a synchronous (blocking) client for the transformation server (easy).
//
// `transform-client [--transform NAME] [HOST:]PORT POEM_FILE` sends the poem in POEM_FILE to the
// server as the netstring `NAME.POEM` (NAME defaults to cummingsify), waits for the reply and
// prints the transformed poem, exactly as received, on stdout. If the server closes without a
// reply, or the reply is not one whole netstring, it prints `transform-client: ERROR` on stderr
// and exits with status 1. No reactor: one blocking socket, like part 2's first client.
//
// As shipped, transform() never talks to the server: the check fails.
//
// Try it, change it, check it (with build/bin/part12/transformedpoetry --port 11000 running):
//   cmake --build build --target check12 && build/bin/part12/exercises/transform-client
//       --transform reverse 11000 poetry/ferry.txt
//   ./tutorial check 12
#include <sys/socket.h>

#include <cerrno>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "pim/address.hpp"
#include "pim/file.hpp"
#include "pim/netstring.hpp"
#include "pim/options.hpp"
#include "pim/socket.hpp"

namespace {

struct Settings {
  std::string transform = "cummingsify";
  pim::Address address;
  std::string poem_file;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"transform-client", "[options] [HOST:]PORT POEM_FILE",
       "A blocking client for part 12's transformation server: sends POEM_FILE, prints\n"
       "the transformed poem.",
       "build/bin/part12/solutions/transform-client --transform reverse 11000 poetry/ferry.txt"});
  options.text("transform", "NAME", "the transform to ask for (default: cummingsify)",
               settings.transform);
  return options;
}

// Reads until the server closes its side.
[[maybe_unused]] std::string read_all(int fd) {
  std::string received;
  char buffer[4096];
  for (;;) {
    ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw pim::errno_error("reading the reply");
    if (got == 0) return received;
    received.append(buffer, std::size_t(got));
  }
}

// The payload of \p text if it is exactly one netstring, else nothing. The server sends one
// reply and closes, so a blocking client can read everything first and decode it in one go.
[[maybe_unused]] std::optional<std::string> decode_reply(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 9) return std::nullopt;
  std::size_t length = 0;
  for (char digit : text.substr(0, colon)) {
    if (digit < '0' || digit > '9') return std::nullopt;
    length = length * 10 + std::size_t(digit - '0');
  }
  if (text.size() != colon + 1 + length + 1 || text.back() != ',') return std::nullopt;
  return std::string(text.substr(colon + 1, length));
}

}  // namespace

//! [transform]
// Sends one request and waits for its answer: connect, write, read to the end, decode.
std::string transform(const pim::Address& address, const std::string& name,
                      const std::string& poem) {
  // TODO: connect to the server (pim::connect_blocking), send the request as one netstring
  //       (pim::encode_netstring(name + "." + poem)), read until the server closes (read_all
  //       above), and return the payload of the reply (decode_reply above). Throw a
  //       std::runtime_error saying what went wrong when there is no reply, or the reply is not
  //       one whole netstring: main() prints it.
  (void)address;
  (void)name;
  return poem;  // as shipped: the poem comes back untransformed, without asking anyone
}
//! [transform]

int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  std::vector<std::string> args = options.parse_or_exit(argc, argv);
  if (args.size() != 2) options.usage_error("give a server address and a poem file");
  std::string poem;
  try {
    settings.address = pim::parse_address(args[0]);
    poem = pim::read_file(args[1]);
  } catch (const std::exception& error) {
    options.usage_error(error.what());
  }
  try {
    std::cout << transform(settings.address, settings.transform, poem) << std::flush;
  } catch (const std::exception& error) {
    std::cerr << "transform-client: " << error.what() << '\n';
    return 1;
  }
}
