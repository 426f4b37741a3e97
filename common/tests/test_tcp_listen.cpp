// listen_tcp() and Port (part 5, used by servers from part 11): free ports, 500 simultaneous
// clients, running out of file descriptors, stopping, refusing. Every test runs on every
// reactor backend.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "pim/error.hpp"
#include "pim/log.hpp"
#include "pim/tcp.hpp"
#include "tcp_testing.hpp"

// Sanitizer builds (PIM_SANITIZE=ON turns on ASan and UBSan together; ASan is the one we can
// detect): see the EMFILE test.
#if defined(__SANITIZE_ADDRESS__)
#define PIM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PIM_SANITIZED 1
#endif
#endif

using namespace std::chrono_literals;
using pim::Reactor;
using pim::testing::Recorder;
using pim::testing::Recording;
using pim::testing::RecordingServer;
using pim::testing::StopAfter;
using pim::testing::Watchdog;

namespace {

const std::string short_poem = "A short poem.\n";

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return address;
}

// The body of a forked child: `count` clients connect, all at once, then each reads its answer
// to the end and checks it. Only system calls and static memory: the parent may have other
// threads, one of which could have held the allocator's lock when we forked. Exit status 0
// means every client got the poem; others say what went wrong.
[[noreturn]] void run_clients(int port, int count) {
  static int sockets[1000];
  const sockaddr_in address = loopback(port);
  for (int i = 0; i < count; ++i) {
    sockets[i] = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sockets[i] < 0) ::_exit(10);
    timeval patience{20, 0};  // a server that never answers fails the test instead of hanging
    ::setsockopt(sockets[i], SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    if (::connect(sockets[i], reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      ::_exit(11);
    }
  }
  for (int i = 0; i < count; ++i) {
    char answer[64];
    std::size_t got = 0;
    for (;;) {
      ssize_t n = ::read(sockets[i], answer + got, sizeof answer - got);
      if (n < 0) ::_exit(12);
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
      if (got == sizeof answer) ::_exit(13);
    }
    if (got != short_poem.size() || short_poem.compare(0, got, answer, got) != 0) ::_exit(14);
    ::close(sockets[i]);
  }
  ::_exit(0);
}

// Waits for a child to exit, killing it at the deadline. Returns its exit status (-1: killed).
int wait_for_child(pid_t pid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(5ms);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Lowers this process's descriptor limit so that no descriptor is left, and puts everything
// back when destroyed (also when a test fails half-way).
class NoDescriptorsLeft {
 public:
  NoDescriptorsLeft() {
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
    int lowest_free = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
    REQUIRE(lowest_free >= 0);
    ::close(lowest_free);
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(lowest_free + 8);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    for (;;) {
      int filler = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
      if (filler < 0) break;
      fillers_.emplace_back(filler);
    }
  }
  ~NoDescriptorsLeft() { release(); }
  NoDescriptorsLeft(const NoDescriptorsLeft&) = delete;
  NoDescriptorsLeft& operator=(const NoDescriptorsLeft&) = delete;

  void release() {
    fillers_.clear();
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }

 private:
  rlimit saved_{};
  std::vector<pim::Fd> fillers_;
};

}  // namespace

TEST_CASE("listening on port 0 picks a free port, which get_host shows",
          "[common][part05][listen][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  auto server = std::make_shared<RecordingServer>();
  auto port = pim::listen_tcp(reactor, 0, server);
  CHECK(port->port() > 0);
  CHECK(port->get_host() == "127.0.0.1:" + std::to_string(port->port()));
  CHECK(port->listening());
  CHECK(server->starts == 1);
  CHECK(reactor.readers().size() == 1);  // the port is the reader the reactor watches
}

TEST_CASE("listening on a port that is taken throws CannotListenError",
          "[common][part05][listen][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  auto server = std::make_shared<RecordingServer>();
  auto port = pim::listen_tcp(reactor, 0, server);
  try {
    pim::listen_tcp(reactor, port->port(), server);
    FAIL("the second listen_tcp succeeded");
  } catch (const pim::CannotListenError& error) {
    CHECK(error.code() == std::errc::address_in_use);
    CHECK(error.port() == port->port());
    CHECK(std::string(error.what()) ==
          "cannot listen on " + port->get_host() + ": Address already in use");
  }
  CHECK(server->starts == 1);  // the failed port never started the factory
  CHECK_THROWS_AS(pim::listen_tcp(reactor, 70000, server), std::invalid_argument);
  CHECK_THROWS_AS(pim::listen_tcp(reactor, 0, nullptr), std::invalid_argument);
}

TEST_CASE("a server with 500 simultaneous clients serves them all",
          "[common][part05][listen][tcp]") {
  std::string backend = EACH_BACKEND();
  constexpr int clients = 500;
  Reactor reactor(backend);
  Watchdog watchdog(reactor, 60);
  StopAfter all_served(reactor, clients);
  int open = 0;
  int peak = 0;
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording&) {
      peak = std::max(peak, ++open);
      if (open < clients) return;
      // Every client is connected at once: now answer them all.
      for (const auto& each : server->protocols) {
        each->transport()->write(short_poem);
        each->transport()->lose_connection();
      }
    };
    protocol.on_lost = [&](Recording&) {
      --open;
      all_served.count();
    };
  };
  // A backlog for all of them: with the default 50, a burst of connections overflows the
  // kernel's queue and the extra clients wait a second to retry, which only slows the test.
  auto port = pim::listen_tcp(reactor, 0, server, clients);
  // The clients run in a child process: 500 sockets on each side would not fit under select's
  // FD_SETSIZE in one process. A pipe tells the loop if the child ends early.
  int exit_pipe[2];
  REQUIRE(::pipe2(exit_pipe, O_CLOEXEC | O_NONBLOCK) == 0);
  pim::Fd child_alive(exit_pipe[0]);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) run_clients(port->port(), clients);
  ::close(exit_pipe[1]);
  auto watch_child = std::make_shared<Recorder>(child_alive.get());
  watch_child->on_lost = [&] {
    if (all_served.left() > 0) reactor.stop();  // the child gave up: fail now, not at 60 s
  };
  reactor.add_reader(watch_child);
  reactor.run();
  reactor.remove_all();
  const int status = wait_for_child(child, 30s);
  CHECK_FALSE(watchdog.fired);
  CHECK(status == 0);
  CHECK(peak == clients);
  CHECK(server->protocols.size() == std::size_t(clients));
  CHECK(all_served.left() == 0);
}

TEST_CASE("running out of file descriptors pauses accepting, logs it once, then resumes",
          "[common][part05][listen][tcp][emfile]") {
  std::string backend = EACH_BACKEND();
#ifdef PIM_SANITIZED
  // UBSan checks each virtual call's object by probing its memory through a pipe(), which
  // fails when the process has no descriptor left, and then reports a bogus "invalid vptr".
  // The sanitizer cannot run in the situation this test creates, so only plain builds run it.
  PIM_SKIP("UBSan needs free descriptors of its own; run this test in a non-sanitizer build");
#endif
  constexpr int clients = 5;
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  Watchdog watchdog(reactor, 10);
  StopAfter all_served(reactor, clients);
  auto server = std::make_shared<RecordingServer>();
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [](Recording& self) {
      self.transport()->write(short_poem);
      self.transport()->lose_connection();
    };
    protocol.on_lost = [&](Recording&) { all_served.count(); };
  };
  auto port = pim::listen_tcp(reactor, 0, server);
  // The clients' sockets are made while descriptors are still free.
  std::vector<pim::Fd> sockets;
  for (int i = 0; i < clients; ++i) {
    sockets.emplace_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    REQUIRE(sockets.back());
  }
  NoDescriptorsLeft exhausted;
  const sockaddr_in address = loopback(port->port());
  for (const pim::Fd& socket : sockets) {
    ::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  }
  // Once the port has said it is pausing, give the descriptors back; it must then resume.
  const std::string pause_line = "Cannot accept connections (Too many open files): pausing";
  bool paused_while_exhausted = false;
  std::function<void()> release_when_paused = [&] {
    if (log.str().find(pause_line) != std::string::npos) {
      paused_while_exhausted = server->protocols.empty();
      exhausted.release();
    } else {
      reactor.call_later(0.005, release_when_paused);
    }
  };
  reactor.call_later(0, release_when_paused);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(paused_while_exhausted);
  CHECK(server->protocols.size() == std::size_t(clients));
  CHECK(port->listening());
  // A pause, not a busy loop: one line per 0.1 s retry at most, not thousands.
  std::size_t pauses = 0;
  for (auto at = log.str().find(pause_line); at != std::string::npos;
       at = log.str().find(pause_line, at + 1)) {
    ++pauses;
  }
  CHECK(pauses >= 1);
  CHECK(pauses <= 5);
  for (const pim::Fd& socket : sockets) {
    char answer[64];
    CHECK(::read(socket.get(), answer, sizeof answer) == ssize_t(short_poem.size()));
  }
}

TEST_CASE("stop_listening closes the port while accepted connections carry on",
          "[common][part05][listen][tcp]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto server = std::make_shared<RecordingServer>();
  std::shared_ptr<pim::Port> port;
  bool refused_after_stop = false;
  server->setup = [&](Recording& protocol) {
    protocol.on_made = [&](Recording& self) {
      port->stop_listening();
      port->stop_listening();  // twice: no effect
      try {
        pim::connect_blocking(pim::Address{"127.0.0.1", static_cast<std::uint16_t>(port->port())});
      } catch (const std::system_error& error) {
        refused_after_stop = error.code() == std::errc::connection_refused;
      }
      self.transport()->write("still here");
      self.transport()->lose_connection();
    };
  };
  port = pim::listen_tcp(reactor, 0, server);
  auto client = std::make_shared<pim::testing::RecordingClient>();
  client->on_lost = [&](pim::Connector&) { reactor.stop(); };
  pim::connect_tcp(reactor, "127.0.0.1", port->port(), client);
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(refused_after_stop);
  CHECK_FALSE(port->listening());
  CHECK(port->fileno() == -1);
  CHECK(client->protocols.at(0)->data == "still here");
  CHECK(server->starts == 1);
  CHECK(server->stops == 1);
}

TEST_CASE("a connection the factory refuses, or fails to build for, is closed; the port goes on",
          "[common][part05][listen][tcp][log]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  // The first connection makes build_protocol throw, the second is refused, the third served.
  class Moody : public pim::ServerFactory {
   public:
    std::shared_ptr<pim::Protocol> build_protocol(const std::string&) override {
      if (++calls == 1) throw std::runtime_error("no protocol today");
      if (calls == 2) return nullptr;
      auto protocol = make_protocol<Recording>();
      protocol->on_made = [](Recording& self) {
        self.transport()->write("served");
        self.transport()->lose_connection();
      };
      return protocol;
    }
    int calls = 0;
  };
  auto server = std::make_shared<Moody>();
  auto port = pim::listen_tcp(reactor, 0, server);
  StopAfter all_closed(reactor, 3);
  std::vector<pim::Fd> sockets;
  std::vector<std::shared_ptr<Recorder>> peers;
  for (int i = 0; i < 3; ++i) {
    // One after the other, so the port accepts them in this order.
    sockets.push_back(
        pim::connect_blocking(pim::Address{"127.0.0.1", static_cast<std::uint16_t>(port->port())}));
    pim::set_nonblocking(sockets.back().get());
    peers.push_back(std::make_shared<Recorder>(sockets.back().get()));
    peers.back()->on_lost = [&] { all_closed.count(); };
    reactor.add_reader(peers.back());
  }
  reactor.run();
  REQUIRE_FALSE(watchdog.fired);
  CHECK(server->calls == 3);
  CHECK(peers[0]->data.empty());
  CHECK(peers[1]->data.empty());
  CHECK(peers[2]->data == "served");
  for (const auto& peer : peers) {
    CHECK(pim::testing::reason_type(peer->reason) == "pim::ConnectionDone");
  }
  CHECK(port->listening());
  CHECK(log.str().find("Unhandled error in build_protocol; closing the connection from "
                       "127.0.0.1:") != std::string::npos);
  CHECK(log.str().find("\tstd::runtime_error: no protocol today") != std::string::npos);
}
