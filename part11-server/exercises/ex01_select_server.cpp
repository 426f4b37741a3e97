// Exercise 1 of part 11: an asynchronous poetry server without the library (medium).
//
// Part 2's slowpoetry serves one client at a time: while a blocking send() waits for one
// client, everybody else waits too. Rewrite this server as an asynchronous one with a loop of
// your own, as part 2's get_poetry_async.cpp did for the client: every socket non-blocking, one
// poll() (or select()) call that waits on all of them, and per-client state saying how much of
// the poem each client has had. Use only plain system calls and the pim/socket.hpp,
// pim/options.hpp and pim/file.hpp helpers: no reactor.
//
// The program prints `Serving FILE on 127.0.0.1:PORT.` (the check reads the port from it) and
// sends the whole poem to every client that connects, then closes that connection. The check
// connects a client that reads nothing and a poem far bigger than any socket buffer: the other
// clients must still get their poems at once.
//
// As shipped, the server below is blocking, like part 2's: it accepts one client and sends it
// the whole poem before it looks at anybody else. The check fails.
// Try it, change it, check it:
//   cmake --build build --target check11 &&
//       build/bin/part11/exercises/select-poetry --port 10000 poetry/slow_river.txt
//   ./tutorial check 11
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "pim/file.hpp"
#include "pim/options.hpp"
#include "pim/socket.hpp"

namespace {

struct Settings {
  long port = 0;
  std::string iface = "127.0.0.1";
  std::string poem_file;
  std::string poem;
};

Settings parse_settings(int argc, char** argv) {
  Settings settings;
  pim::Options options(
      {"select-poetry", "[options] POEM_FILE",
       "Exercise 1 of part 11: a poetry server with a hand-written poll() loop, serving\n"
       "POEM_FILE to any number of clients at once.",
       "build/bin/part11/exercises/select-poetry --port 10000 poetry/slow_river.txt"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", settings.port, 0,
                  65535);
  options.text("iface", "ADDR", "interface to listen on (default: 127.0.0.1)", settings.iface);
  std::vector<std::string> files = options.parse_or_exit(argc, argv);
  if (files.size() != 1) options.usage_error("provide exactly one poem file");
  settings.poem_file = files[0];
  try {
    settings.poem = pim::read_file(settings.poem_file);
  } catch (const pim::FileError& error) {
    options.usage_error(error.what());
  }
  return settings;
}

// TODO: keep one Client per connection, with its socket and how many bytes it has been sent:
// struct Client { pim::Fd socket; std::string who; std::size_t sent = 0; };

// Sends all of \p bytes, waiting as long as the client takes to read them.
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(std::size_t(n));
  }
  return true;
}

//! [loop]
// TODO: this loop serves one client at a time: accept() waits for a client, and send_all() waits
// until that client has read the whole poem. Replace it with a poll() loop:
//   - make the listener and every accepted socket non-blocking (pim::set_nonblocking);
//   - each turn, poll() the listener for POLLIN and every client for POLLOUT;
//   - a readable listener: accept() until it fails with EAGAIN, adding a Client for each;
//   - a writable client: send() from where it stopped until EAGAIN or the end of the poem;
//     a finished (or failed) client is closed and forgotten.
[[noreturn]] void serve_forever(int listener, const std::string& poem) {
  for (;;) {
    pim::Fd client(::accept(listener, nullptr, nullptr));
    if (!client) continue;
    std::string who = pim::peer_name(client.get());
    std::printf("Somebody at %s wants poetry!\n", who.c_str());
    if (!send_all(client.get(), poem)) {
      std::fprintf(stderr, "Lost %s: %s\n", who.c_str(), std::strerror(errno));
    }
  }
}
//! [loop]

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Settings settings = parse_settings(argc, argv);
  pim::Fd listener;
  try {
    listener = pim::listen_blocking(settings.iface, int(settings.port), 50);
  } catch (const std::system_error& error) {
    std::fprintf(stderr, "select-poetry: %s\n", error.what());
    return 1;
  }
  // TODO: make the listener non-blocking too, so that accept() never waits.
  std::printf("Serving %s on %s:%d.\n", settings.poem_file.c_str(), settings.iface.c_str(),
              pim::local_port(listener.get()));
  serve_forever(listener.get(), settings.poem);
}
