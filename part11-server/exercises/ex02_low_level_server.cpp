// Exercise 2 of part 11: a low-level poetry server on the reactor (medium).
//
// fastpoetry lets listen_tcp(), a transport and a protocol do everything. Do it by hand instead,
// the way part 4's client 1.0 did on the client side: open the listening socket yourself, and
// give the reactor two kinds of descriptor (common/include/pim/descriptor.hpp):
//   - PoetryListener, a pim::ReadDescriptor on the listening socket: "readable" means
//     connections are waiting, so do_read() accepts them;
//   - PoemSender, a pim::WriteDescriptor on one client's socket: "writable" means the socket
//     takes more bytes, so do_write() sends the next part of the poem.
// No listen_tcp(), protocols, transports or factories. The reactor does all the waiting.
//
// The program prints `Serving FILE on 127.0.0.1:PORT.` and sends the whole poem to every client,
// then closes that connection. The check connects a client that reads nothing and a poem far
// bigger than any socket buffer: the other clients must still get their poems at once.
//
// As shipped, PoetryListener sends the whole poem with a blocking send loop inside do_read(),
// so one slow client freezes the reactor, and PoemSender is an empty shell. The check fails.
// Try it, change it, check it:
//   cmake --build build --target check11 &&
//       build/bin/part11/exercises/low-level-poetry --port 10000 poetry/slow_river.txt
//   ./tutorial check 11
#include <sys/socket.h>

#include <cerrno>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "pim/descriptor.hpp"
#include "pim/error.hpp"
#include "pim/file.hpp"
#include "pim/log.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/socket.hpp"

namespace {

struct Settings {
  long port = 0;
  std::string iface = "127.0.0.1";
  std::string reactor;
  std::string poem_file;
  std::string poem;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"low-level-poetry", "[options] POEM_FILE",
       "Exercise 2 of part 11: a poetry server on the reactor with its own listening socket\n"
       "and descriptors (no listen_tcp, protocols, transports or factories).",
       "build/bin/part11/exercises/low-level-poetry --port 10000 poetry/slow_river.txt"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", settings.port, 0,
                  65535);
  options.text("iface", "ADDR", "interface to listen on (default: 127.0.0.1)", settings.iface);
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

void read_poem_or_exit(const pim::Options& options, Settings& settings,
                       const std::vector<std::string>& files) {
  if (files.size() != 1) options.usage_error("provide exactly one poem file");
  settings.poem_file = files[0];
  try {
    settings.poem = pim::read_file(settings.poem_file);
  } catch (const pim::FileError& error) {
    options.usage_error(error.what());
  }
}

}  // namespace

//! [sender]
// One client: sends the poem as fast as the client's socket takes it, then is done.
class PoemSender final : public pim::WriteDescriptor {
 public:
  PoemSender(pim::Fd socket, const std::string& poem)
      : socket_(std::move(socket)), who_(pim::peer_name(socket_.get())), poem_(poem) {}

  int fileno() const override { return socket_.get(); }
  std::string log_prefix() const override { return "PoemSender," + who_; }

  // TODO: send from sent_ until the socket is full (EAGAIN: return nullptr, the reactor calls
  // again when it is writable) or the poem is all sent (return ConnectionDone). A failed send()
  // is the end too: return pim::ConnectionLost(errno). Use MSG_NOSIGNAL, as fastpoetry's
  // transport does, so a client that has gone cannot kill the server with SIGPIPE.
  std::exception_ptr do_write() override { return std::make_exception_ptr(pim::ConnectionDone()); }

  // The reactor has already stopped watching us; closing the socket ends the poem for the client.
  void connection_lost(std::exception_ptr reason) override {
    socket_.reset();
    if (sent_ < poem_.size()) pim::log::msg("lost", who_, ":", pim::describe_exception(reason));
  }

 private:
  pim::Fd socket_;
  std::string who_;
  const std::string& poem_;  // main()'s copy, which outlives the reactor's descriptors
  std::size_t sent_ = 0;
};
//! [sender]

//! [listener]
// The listening socket. Readable means "connections are waiting": accept them all.
class PoetryListener final : public pim::ReadDescriptor {
 public:
  PoetryListener(pim::Reactor& reactor, pim::Fd socket, const std::string& poem)
      : reactor_(reactor), socket_(std::move(socket)), poem_(poem) {}

  int fileno() const override { return socket_.get(); }

  // TODO: this serves one client and blocks the whole reactor until that client has read the
  // poem. Instead, accept() until it fails with EAGAIN; make each client socket non-blocking
  // (pim::set_nonblocking) and hand it to a PoemSender registered with reactor_.add_writer().
  std::exception_ptr do_read() override {
    pim::Fd client(::accept(socket_.get(), nullptr, nullptr));
    if (!client) return nullptr;
    pim::log::msg("sending", poem_.size(), "bytes of poetry to", pim::peer_name(client.get()));
    std::string_view rest = poem_;
    while (!rest.empty()) {
      ssize_t n = ::send(client.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      rest.remove_prefix(std::size_t(n));
    }
    return nullptr;
  }

  void connection_lost(std::exception_ptr reason) override {
    pim::log::msg("stopped listening:", pim::describe_exception(reason));
    socket_.reset();
  }

 private:
  [[maybe_unused]] pim::Reactor& reactor_;  // TODO: for add_writer()
  pim::Fd socket_;
  const std::string& poem_;
};
//! [listener]

//! [main]
int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  read_poem_or_exit(options, settings, options.parse_or_exit(argc, argv));
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);

  pim::Fd socket;
  try {
    socket = pim::listen_blocking(settings.iface, int(settings.port), 50);
  } catch (const std::system_error& error) {
    std::cerr << "low-level-poetry: " << error.what() << std::endl;
    return 1;
  }
  pim::set_nonblocking(socket.get());  // accept() must never wait: the reactor does the waiting
  const int port = pim::local_port(socket.get());
  reactor.add_reader(std::make_shared<PoetryListener>(reactor, std::move(socket), settings.poem));
  std::cout << "Serving " << settings.poem_file << " on " << settings.iface << ':' << port << '.'
            << std::endl;
  reactor.run();
}
//! [main]
