// Get Poetry client, blocking version: downloads one poem after another, and does not start the
// next download until the current one has finished. Part 2; read slowpoetry.cpp first.
// Teaching code: get_poetry_async.cpp fetches the same poems all at once.
//
// From the repository root, with three servers running (see part02-blocking/README.md):
//   build/bin/part02/get-poetry 10000 10001 10002
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
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

Settings parse_settings(int argc, char** argv) {
  Settings settings;
  pim::Options options(
      {"get-poetry", "[options] [host:]port ...",
       "Get Poetry client, blocking version (part 2): downloads a poem from each server in\n"
       "turn, one after another. A bare port means 127.0.0.1.",
       "build/bin/part02/get-poetry 10000 10001 10002"});
  options.flag("print", "also print the poems", settings.print);
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

//! [get-poetry]
// Connects, then reads until the server closes the connection (end of file marks the end of the
// poem). Each recv() blocks until some bytes arrive, so this returns only when the poem is whole.
std::string get_poetry(const pim::Address& address) {
  pim::Fd socket = pim::connect_blocking(address);
  std::string poem;
  char buffer[1024];
  for (;;) {
    ssize_t got = ::recv(socket.get(), buffer, sizeof buffer, 0);
    if (got == 0) return poem;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw pim::errno_error("lost the connection to " + address.to_string());
    }
    poem.append(buffer, std::size_t(got));
  }
}
//! [get-poetry]

void print_poem(const std::string& poem) {
  std::fwrite(poem.data(), 1, poem.size(), stdout);
  if (!poem.empty() && poem.back() != '\n') std::putchar('\n');
}

// One task: one poem from one server. Returns whether the poem arrived.
bool run_task(int number, const pim::Address& address, bool print) {
  std::string where = address.to_string();
  std::printf("Task %d: get poetry from: %s\n", number, where.c_str());
  pim::Stopwatch stopwatch;
  try {
    std::string poem = get_poetry(address);
    std::printf("Task %d: got %zu bytes of poetry from %s in %s\n", number, poem.size(),
                where.c_str(), stopwatch.formatted().c_str());
    if (print) print_poem(poem);
    return true;
  } catch (const std::system_error& error) {
    std::fprintf(stderr, "Task %d: failed: %s\n", number, error.what());
    return false;
  }
}

}  // namespace

//! [main-loop]
int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Settings settings = parse_settings(argc, argv);
  pim::Stopwatch stopwatch;
  std::size_t received = 0;
  // One complete download per iteration: task 2 cannot begin until task 1 has its whole poem.
  for (std::size_t i = 0; i < settings.addresses.size(); ++i) {
    if (run_task(int(i + 1), settings.addresses[i], settings.print)) ++received;
  }
  std::printf("Got %zu poems in %s\n", received, stopwatch.formatted().c_str());
  return received == settings.addresses.size() ? 0 : 1;
}
//! [main-loop]
