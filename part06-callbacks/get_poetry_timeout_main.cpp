// The program around exercise 1 of part 6 (client 3.1 with a timeout): client 3.1's main(),
// plus a --timeout option handed to part06::get_poetry, which you write in
// part06-callbacks/exercises/ex01_timeout.cpp. You do not need to change this file.
//
// From the repository root (`./tutorial check 6` builds it), with a server on 10000 that is
// slower than the timeout:
//   build/bin/part06/exercises/get-poetry-timeout --timeout 2 10000
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "get_poetry_timeout.hpp"
#include "pim/address.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

int main(int argc, char** argv) {
  std::string backend;
  double timeout = -1;  // not given
  pim::Options options(
      {"get-poetry-timeout", "[options] [host:]port ...",
       "Exercise 1 of part 6: client 3.1 with a timeout. A poem not complete --timeout seconds\n"
       "after its download started goes to the errback as a PoemTimeoutError.",
       "build/bin/part06/exercises/get-poetry-timeout --timeout 2 10000"});
  options.seconds("timeout", "S", "give up on a poem after S seconds (default: wait)", timeout);
  pim::add_reactor_option(options, backend);
  std::vector<std::string> arguments = options.parse_or_exit(argc, argv);
  if (arguments.empty()) options.usage_error("give at least one server address ([host:]port)");
  std::vector<pim::Address> addresses;
  for (const std::string& argument : arguments) {
    try {
      addresses.push_back(pim::parse_address(argument));
    } catch (const pim::AddressError& error) {
      options.usage_error(error.what());
    }
  }
  const std::optional<double> limit = timeout >= 0 ? std::optional(timeout) : std::nullopt;

  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  std::vector<std::string> poems;
  std::size_t errors = 0;
  auto poem_done = [&] {
    if (poems.size() + errors == addresses.size() && reactor.running()) reactor.stop();
  };
  auto got_poem = [&](std::string poem) {
    poems.push_back(std::move(poem));
    poem_done();
  };
  auto poem_failed = [&](const pim::Failure& reason) {
    std::cerr << "Poem failed: " << reason << std::endl;
    ++errors;
    poem_done();
  };
  for (const pim::Address& address : addresses) {
    part06::get_poetry(reactor, address.host, address.port, got_poem, poem_failed, limit);
  }
  reactor.run();

  for (const std::string& poem : poems) {
    std::cout << poem << (!poem.empty() && poem.back() != '\n' ? "\n\n" : "\n");
  }
  return errors == 0 && poems.size() == addresses.size() ? 0 : 1;
}
