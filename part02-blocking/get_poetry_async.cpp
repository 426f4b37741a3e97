// Get Poetry client, asynchronous version: downloads every poem at once, with non-blocking
// sockets and a select() loop written out by hand. Part 2; read get_poetry.cpp first.
// Teaching code: the loop here mixes waiting with poetry handling; part 3 separates the two into
// a reactor, and part 5 makes connecting non-blocking as well (here each connect still blocks).
//
// From the repository root, with three servers running (see part02-blocking/README.md):
//   build/bin/part02/get-poetry-async 10000 10001 10002
#include <sys/select.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "pim/address.hpp"
#include "pim/elapsed.hpp"
#include "pim/options.hpp"
#include "pim/socket.hpp"

namespace {

struct Settings {
  bool print = false;  // also print each poem
  std::vector<pim::Address> addresses;
};

// Everything we know about one download. Since all downloads progress together, each needs its
// own record of the poetry received so far.
struct Task {
  int number = 0;
  pim::Address address;
  std::string peer;  // numeric HOST:PORT of the server, as the kernel reports it
  pim::Fd socket;    // open while the download is running
  std::string poem;
  bool failed = false;
};

Settings parse_settings(int argc, char** argv) {
  Settings settings;
  pim::Options options(
      {"get-poetry-async", "[options] [host:]port ...",
       "Get Poetry client, asynchronous version (part 2): downloads a poem from every\n"
       "server at once, waiting on all the sockets with select(). A bare port means 127.0.0.1.",
       "build/bin/part02/get-poetry-async 10000 10001 10002"});
  options.flag("print", "also print the poems (at the end, in argument order)", settings.print);
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

void fail(Task& task, const std::string& why) {
  std::fprintf(stderr, "Task %d: failed: %s\n", task.number, why.c_str());
  task.failed = true;
  task.socket.reset();
}

//! [connect]
// Connects (blocking, one server after another), then switches the socket to non-blocking mode:
// from now on a recv() with nothing to read returns EAGAIN at once instead of waiting.
void connect_task(Task& task) {
  try {
    task.socket = pim::connect_blocking(task.address);
  } catch (const std::system_error& error) {
    return fail(task, error.what());
  }
  // select() watches descriptors through a fixed-size bit set; a larger number would write
  // past its end, so refuse it (poll() and epoll, used by later parts, have no such limit).
  int fd = task.socket.get();
  if (fd >= FD_SETSIZE) {
    return fail(task, "descriptor " + std::to_string(fd) + " is too large for select() (" +
                          "FD_SETSIZE is " + std::to_string(FD_SETSIZE) + ")");
  }
  pim::set_nonblocking(fd);
  task.peer = pim::peer_name(fd);
}
//! [connect]

//! [read-available]
enum class Outcome { more_later, finished, failed };

struct ReadResult {
  Outcome outcome = Outcome::more_later;
  std::size_t bytes = 0;  // how many bytes this call read
  int error = 0;          // errno, for Outcome::failed
};

// Reads everything the socket has for us right now, and no more. Two different "no data" answers
// come back from recv(): -1 with EAGAIN means "nothing yet, ask again later", while 0 means end
// of file, "the server closed the connection: the poem is complete". Mixing them up would end a
// download early the first time select() woke us for data that had not all arrived.
ReadResult read_available(Task& task) {
  ReadResult result;
  char buffer[1024];
  for (;;) {
    ssize_t got = ::recv(task.socket.get(), buffer, sizeof buffer, 0);
    if (got > 0) {
      task.poem.append(buffer, std::size_t(got));
      result.bytes += std::size_t(got);
    } else if (got == 0) {
      result.outcome = Outcome::finished;
      return result;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return result;  // Outcome::more_later: back to select()
    } else if (errno != EINTR) {
      result.outcome = Outcome::failed;
      result.error = errno;
      return result;
    }
  }
}
//! [read-available]

void on_readable(Task& task) {
  ReadResult result = read_available(task);
  if (result.bytes > 0) {
    std::printf("Task %d: got %zu bytes of poetry from %s\n", task.number, result.bytes,
                task.peer.c_str());
  }
  if (result.outcome == Outcome::finished) {
    std::printf("Task %d finished\n", task.number);
    task.socket.reset();
  } else if (result.outcome == Outcome::failed) {
    fail(task, "lost the connection to " + task.peer + ": " + std::strerror(result.error));
  }
}

//! [select-loop]
// The event loop: block until at least one socket has something for us (bytes or end of file),
// handle every socket that does without ever waiting on one of them, and repeat until none is
// left open.
void download_all(std::vector<Task>& tasks) {
  for (;;) {
    fd_set readable;
    FD_ZERO(&readable);
    int highest = -1;
    for (const Task& task : tasks) {
      if (!task.socket) continue;
      FD_SET(task.socket.get(), &readable);
      highest = std::max(highest, task.socket.get());
    }
    if (highest < 0) return;  // every download has ended

    // The only place this program blocks (apart from connecting and printing).
    if (::select(highest + 1, &readable, nullptr, nullptr, nullptr) < 0) {
      if (errno == EINTR) continue;
      throw pim::errno_error("select");
    }
    for (Task& task : tasks) {
      if (task.socket && FD_ISSET(task.socket.get(), &readable)) on_readable(task);
    }
  }
}
//! [select-loop]

void print_poem(const std::string& poem) {
  std::fwrite(poem.data(), 1, poem.size(), stdout);
  if (!poem.empty() && poem.back() != '\n') std::putchar('\n');
}

// The summary, in argument order (the downloads themselves finished in whatever order they did).
std::size_t report(const std::vector<Task>& tasks, bool print) {
  std::size_t received = 0;
  for (const Task& task : tasks) {
    if (task.failed) continue;
    std::printf("Task %d: %zu bytes of poetry\n", task.number, task.poem.size());
    if (print) print_poem(task.poem);
    ++received;
  }
  return received;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Settings settings = parse_settings(argc, argv);
  pim::Stopwatch stopwatch;
  std::vector<Task> tasks(settings.addresses.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    tasks[i].number = int(i + 1);
    tasks[i].address = settings.addresses[i];
    connect_task(tasks[i]);
  }
  try {
    download_all(tasks);
  } catch (const std::system_error& error) {
    std::fprintf(stderr, "get-poetry-async: %s\n", error.what());
    return 1;
  }
  std::size_t received = report(tasks, settings.print);
  std::printf("Got %zu poems in %s\n", received, stopwatch.formatted().c_str());
  return received == tasks.size() ? 0 : 1;
}
