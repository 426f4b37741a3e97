// Slow poetry server: serves one poem to one client at a time, a few bytes at a time with a pause
// between chunks, then closes the connection. Part 2; written on plain blocking socket calls, so
// every place the server waits is a visible system call (accept, send, the sleep).
// Teaching code: see part 11 for a poetry server that serves many clients at once.
//
// From the repository root:
//   build/bin/part02/slowpoetry --port 10000 --num-bytes 30 poetry/slow_river.txt
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "pim/file.hpp"
#include "pim/options.hpp"
#include "pim/socket.hpp"

namespace {

struct Settings {
  long port = 0;  // 0: let the kernel pick a free port
  std::string iface = "localhost";
  double delay = 0.1;  // seconds between chunks
  long num_bytes = 10;
  std::string poem_file;
  std::string poem;  // the file's bytes, read once at start-up
};

// Every problem with the command line, including an unreadable poem, is found here, before the
// server listens: a usage error (exit 2) rather than a server that fails its first client.
Settings parse_settings(int argc, char** argv) {
  Settings settings;
  pim::Options options(
      {"slowpoetry", "[options] POEM_FILE",
       "Slow poetry server (part 2): serves POEM_FILE to one client at a time, sending\n"
       "--num-bytes bytes every --delay seconds, then closes the connection.",
       "build/bin/part02/slowpoetry --port 10000 --num-bytes 30 poetry/slow_river.txt"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", settings.port, 0,
                  65535);
  options.text("iface", "ADDR", "interface to listen on (default: localhost)", settings.iface);
  options.seconds("delay", "S", "pause between chunks, in seconds (default: 0.1)", settings.delay);
  options.integer("num-bytes", "N", "bytes per chunk (default: 10)", settings.num_bytes, 1,
                  1 << 20);
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

// A blocking send() may still send only part of the buffer (a signal can interrupt it), so loop.
// MSG_NOSIGNAL: a client that hangs up must give us an error (EPIPE), not a SIGPIPE that kills us.
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(std::size_t(sent));
  }
  return true;
}

//! [send-poem]
// Sends the poem chunk by chunk, sleeping between chunks (not after the last one).
void send_poem(int client, const std::string& who, const Settings& settings) {
  std::string_view poem = settings.poem;
  auto chunk_size = std::size_t(settings.num_bytes);
  for (std::size_t offset = 0; offset < poem.size(); offset += chunk_size) {
    if (offset > 0) std::this_thread::sleep_for(std::chrono::duration<double>(settings.delay));
    std::string_view chunk = poem.substr(offset, chunk_size);
    std::printf("Sending %zu bytes\n", chunk.size());
    if (!send_all(client, chunk)) {
      std::fprintf(stderr, "Lost %s: %s; waiting for the next client.\n", who.c_str(),
                   std::strerror(errno));
      return;
    }
  }
}
//! [send-poem]

//! [serve-forever]
// One client at a time: while we are sending to this one, the next waits in the listen queue.
void serve_next_client(int listener, const Settings& settings) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  pim::Fd client(::accept(listener, reinterpret_cast<sockaddr*>(&address), &length));
  if (!client) {
    // A signal (EINTR) or a client that gave up while queued (ECONNABORTED): try again.
    if (errno != EINTR) std::fprintf(stderr, "accept: %s\n", std::strerror(errno));
    return;
  }
  std::string who = pim::format_sockaddr(reinterpret_cast<sockaddr*>(&address), length);
  std::printf("Somebody at %s wants poetry!\n", who.c_str());
  send_poem(client.get(), who, settings);
}  // `client` closes here: end of file tells the client the poem is complete.
//! [serve-forever]

}  // namespace

int main(int argc, char** argv) {
  // Line-buffered even into a pipe, so whoever reads our output sees each line as it happens.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Settings settings = parse_settings(argc, argv);
  pim::Fd listener;
  try {
    listener = pim::listen_blocking(settings.iface, int(settings.port));
  } catch (const std::system_error& error) {
    std::fprintf(stderr, "slowpoetry: %s\n", error.what());
    return 1;
  }
  std::printf("Serving %s on port %d.\n", settings.poem_file.c_str(),
              pim::local_port(listener.get()));
  for (;;)
    serve_next_client(listener.get(), settings);
}
