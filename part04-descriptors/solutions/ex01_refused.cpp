// Part 4, exercise 1 (easy), SOLUTION: a refused connection fails its task, not the program.
// A copy of get_poetry_1_0.cpp; the changes are in main() and report(), marked `Exercise 1`.
// Each task that cannot connect is reported on stderr and left out of the summary; the others
// download as usual, and the exit status is 1. If no server could be reached at all, the reactor
// is not run: with no reader registered, nothing would ever stop it.
//
// From the repository root (10009 being a port where nothing listens):
//   build/bin/part04/solutions/ex01_refused 10000 10009 10001
#include <sys/socket.h>

#include <algorithm>
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
  pim::Options options({"ex01_refused", "[options] [host:]port ...",
                        "Get Poetry client 1.0, surviving a refused connection (part 4, exercise "
                        "1). A bare port means\n"
                        "127.0.0.1.",
                        "build/bin/part04/solutions/ex01_refused 10000 10001 10002"});
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

// One download. The reactor sees it only through the ReadDescriptor interface: fileno() says
// which descriptor to watch, do_read() is called when it is readable, connection_lost() when the
// download is over, and log_prefix() names it in log lines (the default, `PoetrySocket`, is fine).
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

// Connects (still blocking, as in part 2), switches to non-blocking, and hands itself to the
// reactor. From here on the reactor owns the waiting.
// Throws std::system_error if the server cannot be reached.
std::shared_ptr<PoetrySocket> PoetrySocket::connect(pim::Reactor& reactor, int task,
                                                    const pim::Address& address) {
  pim::Fd socket = pim::connect_blocking(address);
  pim::set_nonblocking(socket.get());
  // A private constructor keeps every PoetrySocket in a shared_ptr, which add_reader() needs.
  std::shared_ptr<PoetrySocket> poetry(new PoetrySocket(reactor, task, std::move(socket)));
  reactor.add_reader(poetry);
  return poetry;
}

// Called by the reactor when our socket is readable. Take what is there, never wait for more:
// every other download is frozen while this function runs. The return value tells the reactor
// whether to keep watching (null) or why this connection is over.
std::exception_ptr PoetrySocket::do_read() {
  char buffer[1024];
  std::size_t received = 0;
  std::exception_ptr over;
  for (;;) {
    ssize_t got = ::recv(socket_.get(), buffer, sizeof buffer, 0);
    if (got > 0) {
      poem_.append(buffer, std::size_t(got));
      received += std::size_t(got);
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got == 0) {
      over = std::make_exception_ptr(pim::ConnectionDone());  // end of file: poem complete
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      over = std::make_exception_ptr(pim::ConnectionLost(errno));
    }
    break;  // EAGAIN leaves `over` null: nothing more for now, back to the reactor
  }
  if (received > 0) {
    std::printf("Task %d: got %zu bytes of poetry from %s\n", task_, received, peer_.c_str());
  }
  return over;
}

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

void print_poem(const std::string& poem) {
  std::fwrite(poem.data(), 1, poem.size(), stdout);
  if (!poem.empty() && poem.back() != '\n') std::putchar('\n');
}

// The summary, in argument order, as in part 2 (a download cut short by Ctrl-C is left out).
std::size_t report(const std::vector<std::shared_ptr<PoetrySocket>>& sockets, bool print) {
  std::size_t received = 0;
  for (const auto& socket : sockets) {
    if (!socket || !socket->finished()) continue;  // Exercise 1: null means "never connected"
    std::printf("Task %d: %zu bytes of poetry\n", socket->task(), socket->poem().size());
    if (print) print_poem(socket->poem());
    ++received;
  }
  return received;
}

}  // namespace

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
      // Exercise 1: report the task and carry on; a null entry marks it as failed.
      std::fprintf(stderr, "Task %d: failed: %s\n", task, error.what());
      sockets.push_back(nullptr);
    }
  }
  // Exercise 1: only a connected PoetrySocket can stop the reactor. With none, run() would
  // never return, so do not start it.
  const bool connected = std::any_of(sockets.begin(), sockets.end(),
                                     [](const auto& socket) { return socket != nullptr; });
  if (connected) reactor.run();  // returns when the last PoetrySocket stops the reactor
  std::size_t received = report(sockets, settings.print);
  std::printf("Got %zu poems in %s\n", received, stopwatch.formatted().c_str());
  return received == sockets.size() ? 0 : 1;
}
