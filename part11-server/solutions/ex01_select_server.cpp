// Exercise 1 of part 11: an asynchronous poetry server without the library (medium). Reference
// answer.
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
// This is our answer: a poll() loop.
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

// One connected client, and how far into the poem it is.
struct Client {
  pim::Fd socket;
  std::string who;
  std::size_t sent = 0;
};

// A readable listening socket means "connections are waiting": take them all, until accept()
// says there are no more (EAGAIN), and start each one at the beginning of the poem.
void accept_clients(int listener, std::vector<Client>& clients) {
  for (;;) {
    pim::Fd socket(::accept(listener, nullptr, nullptr));
    if (!socket) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) std::perror("accept");
      return;
    }
    pim::set_nonblocking(socket.get());
    std::string who = pim::peer_name(socket.get());
    std::printf("Somebody at %s wants poetry!\n", who.c_str());
    clients.push_back(Client{std::move(socket), std::move(who), 0});
  }
}

// A writable client gets as much of the rest of the poem as its socket takes now.
// \returns true when this client is finished with (the whole poem sent, or the client gone).
bool send_some(Client& client, std::string_view poem) {
  while (client.sent < poem.size()) {
    std::string_view rest = poem.substr(client.sent);
    ssize_t n = ::send(client.socket.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return false;  // full: wait for POLLOUT
      std::fprintf(stderr, "Lost %s: %s\n", client.who.c_str(), std::strerror(errno));
      return true;
    }
    client.sent += std::size_t(n);
  }
  return true;
}

//! [loop]
// The whole server: wait for any socket to be ready, serve the ready ones, repeat.
[[noreturn]] void serve_forever(int listener, const std::string& poem) {
  std::vector<Client> clients;
  std::vector<pollfd> waiting;
  for (;;) {
    waiting.assign(1, pollfd{listener, POLLIN, 0});
    for (const Client& client : clients)
      waiting.push_back({client.socket.get(), POLLOUT, 0});
    if (::poll(waiting.data(), waiting.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw pim::errno_error("poll");
    }
    // Clients first (waiting[i + 1] is clients[i]); new ones join after.
    std::vector<Client> still_sending;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      bool done = waiting[i + 1].revents != 0 && send_some(clients[i], poem);
      if (!done) still_sending.push_back(std::move(clients[i]));  // closing: Fd's destructor
    }
    clients = std::move(still_sending);
    if (waiting[0].revents & POLLIN) accept_clients(listener, clients);
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
  pim::set_nonblocking(listener.get());  // so accept() never waits either
  std::printf("Serving %s on %s:%d.\n", settings.poem_file.c_str(), settings.iface.c_str(),
              pim::local_port(listener.get()));
  serve_forever(listener.get(), settings.poem);
}
