// Get Poetry client 1.0, DELIBERATELY BROKEN: shows what blocking inside a callback does. Part 4;
// read get_poetry_1_0.cpp first: this file is the same program with two changes, each marked
// `BROKEN`. The socket stays in blocking mode, and do_read() reads until the end of the poem,
// waiting as long as that takes. The poems still arrive, but one at a time: while do_read()
// waits for one server, the reactor cannot call anyone else. Never write a callback like this.
//
// From the repository root, with three servers running (see part04-descriptors/README.md):
//   build/bin/part04/get-poetry-broken 10000 10001 10002
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "pim/address.hpp"
#include "pim/descriptor.hpp"
#include "pim/elapsed.hpp"
#include "pim/error.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/socket.hpp"

namespace {

struct Settings {
  bool print = false;   // also print each poem
  std::string reactor;  // backend; empty: $PIM_REACTOR or epoll
  std::vector<pim::Address> addresses;
};

Settings parse_settings(int argc, char** argv) {
  Settings settings;
  pim::Options options(
      {"get-poetry-broken", "[options] [host:]port ...",
       "Get Poetry client 1.0, deliberately broken (part 4): its do_read() blocks until a\n"
       "whole poem has arrived, so the downloads no longer interleave. A bare port means\n"
       "127.0.0.1.",
       "build/bin/part04/get-poetry-broken 10000 10001 10002"});
  options.flag("print", "also print the poems (at the end, in argument order)", settings.print);
  pim::add_reactor_option(options, settings.reactor);
  std::vector<std::string> arguments = options.parse_or_exit(argc, argv);
  if (arguments.empty()) options.usage_error("give at least one server address ([host:]port)");
  for (const std::string& argument : arguments) {
    try {
      settings.addresses.push_back(pim::parse_address(argument));
    } catch (const pim::AddressError& error) {
      options.usage_error(error.what());
    }
  }
  return settings;
}

//! [poetry-socket]
// One download, as in get_poetry_1_0.cpp.
class PoetrySocket final : public pim::ReadDescriptor {
 public:
  static std::shared_ptr<PoetrySocket> connect(pim::Reactor& reactor, int task,
                                               const pim::Address& address);

  int fileno() const override { return socket_.get(); }
  std::exception_ptr do_read() override;
  void connection_lost(std::exception_ptr reason) override;

  int task() const { return task_; }
  const std::string& poem() const { return poem_; }
  bool finished() const { return finished_; }  // the whole poem arrived

 private:
  PoetrySocket(pim::Reactor& reactor, int task, pim::Fd socket)
      : reactor_(reactor),
        task_(task),
        socket_(std::move(socket)),
        peer_(pim::peer_name(socket_.get())) {}

  pim::Reactor& reactor_;
  int task_;
  pim::Fd socket_;    // open until connection_lost()
  std::string peer_;  // numeric HOST:PORT, as part 2's client prints it
  std::string poem_;
  bool finished_ = false;
};
//! [poetry-socket]

//! [connect]
// Connects and hands itself to the reactor.
// BROKEN: the socket is left in blocking mode (no pim::set_nonblocking), so a recv() with
// nothing to read waits until something arrives.
std::shared_ptr<PoetrySocket> PoetrySocket::connect(pim::Reactor& reactor, int task,
                                                    const pim::Address& address) {
  pim::Fd socket = pim::connect_blocking(address);
  std::shared_ptr<PoetrySocket> poetry(new PoetrySocket(reactor, task, std::move(socket)));
  reactor.add_reader(poetry);
  return poetry;
}
//! [connect]

//! [do-read]
// BROKEN: reads until end of file. The first recv() returns at once (the reactor said there is
// data), but the next ones wait for the server's next chunks, and the whole program waits with
// them: no other socket is read, no timer runs, until this poem is complete.
std::exception_ptr PoetrySocket::do_read() {
  char buffer[1024];
  std::size_t received = 0;
  ssize_t got;
  do {
    got = ::recv(socket_.get(), buffer, sizeof buffer, 0);
    if (got > 0) {
      poem_.append(buffer, std::size_t(got));
      received += std::size_t(got);
    }
  } while (got > 0 || (got < 0 && errno == EINTR));
  const int error = errno;
  if (received > 0) {
    std::printf("Task %d: got %zu bytes of poetry from %s\n", task_, received, peer_.c_str());
  }
  if (got == 0) return std::make_exception_ptr(pim::ConnectionDone());
  return std::make_exception_ptr(pim::ConnectionLost(error));
}
//! [do-read]

//! [connection-lost]
// The poem is complete or the connection broke; the reactor has already stopped watching us.
// When no PoetrySocket is left among the reactor's readers, nothing will happen any more.
void PoetrySocket::connection_lost(std::exception_ptr reason) {
  socket_.reset();
  try {
    std::rethrow_exception(reason);
  } catch (const pim::ConnectionDone&) {
    std::printf("Task %d finished\n", task_);
    finished_ = true;
  } catch (...) {
    std::fprintf(stderr, "Task %d: failed: %s\n", task_, pim::describe_exception(reason).c_str());
  }
  for (const auto& reader : reactor_.readers()) {
    if (std::dynamic_pointer_cast<PoetrySocket>(reader)) return;  // still downloading
  }
  if (reactor_.running()) reactor_.stop();
}
//! [connection-lost]

void print_poem(const std::string& poem) {
  std::fwrite(poem.data(), 1, poem.size(), stdout);
  if (!poem.empty() && poem.back() != '\n') std::putchar('\n');
}

// The summary, in argument order, as in part 2 (a download cut short by Ctrl-C is left out).
std::size_t report(const std::vector<std::shared_ptr<PoetrySocket>>& sockets, bool print) {
  std::size_t received = 0;
  for (const auto& socket : sockets) {
    if (!socket->finished()) continue;
    std::printf("Task %d: %zu bytes of poetry\n", socket->task(), socket->poem().size());
    if (print) print_poem(socket->poem());
    ++received;
  }
  return received;
}

}  // namespace

//! [main]
int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Settings settings = parse_settings(argc, argv);
  pim::Stopwatch stopwatch;
  pim::Reactor reactor = pim::make_reactor(settings.reactor);
  std::vector<std::shared_ptr<PoetrySocket>> sockets;
  for (std::size_t i = 0; i < settings.addresses.size(); ++i) {
    const int task = int(i + 1);
    try {
      sockets.push_back(PoetrySocket::connect(reactor, task, settings.addresses[i]));
    } catch (const std::exception& error) {
      // As in client 1.0, one unreachable server ends the whole program.
      std::fprintf(stderr, "get-poetry-broken: Task %d: %s\n", task, error.what());
      return 1;
    }
  }
  reactor.run();  // returns when the last PoetrySocket stops the reactor (or on Ctrl-C)
  std::size_t received = report(sockets, settings.print);
  std::printf("Got %zu poems in %s\n", received, stopwatch.formatted().c_str());
  return received == sockets.size() ? 0 : 1;
}
//! [main]
