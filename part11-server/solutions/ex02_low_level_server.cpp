// Exercise 2 of part 11: a low-level poetry server on the reactor (medium). Reference answer.
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
// This is our answer.
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

  std::exception_ptr do_write() override {
    while (sent_ < poem_.size()) {
      std::string_view rest = std::string_view(poem_).substr(sent_);
      ssize_t n = ::send(socket_.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return nullptr;  // come back later
      if (n < 0) return std::make_exception_ptr(pim::ConnectionLost(errno));
      sent_ += std::size_t(n);
    }
    return std::make_exception_ptr(pim::ConnectionDone());  // all sent: remove me
  }

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

  std::exception_ptr do_read() override {
    for (;;) {
      pim::Fd client(::accept(socket_.get(), nullptr, nullptr));
      if (!client) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return nullptr;  // no more waiting
        // Out of descriptors, say: log it and carry on listening rather than die.
        pim::log::msg("accept failed:", std::system_category().message(errno));
        return nullptr;
      }
      pim::set_nonblocking(client.get());
      auto sender = std::make_shared<PoemSender>(std::move(client), poem_);
      try {
        reactor_.add_writer(sender);           // the reactor keeps it while it is registered
      } catch (const std::exception& error) {  // select cannot watch fd numbers past 1023
        pim::log::msg("cannot serve", sender->log_prefix(), ":", error.what());
        continue;  // the sender, and its socket, are dropped here
      }
      pim::log::msg("sending", poem_.size(), "bytes of poetry to", sender->log_prefix());
    }
  }

  void connection_lost(std::exception_ptr reason) override {
    pim::log::msg("stopped listening:", pim::describe_exception(reason));
    socket_.reset();
  }

 private:
  pim::Reactor& reactor_;
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
