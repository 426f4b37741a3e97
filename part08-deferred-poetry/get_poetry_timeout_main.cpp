// The program around exercise 1 of part 8 (client 4.0 with a timeout): client 4.0's main(), plus
// a --timeout option handed to part08::get_poetry, which you write in
// part08-deferred-poetry/exercises/ex01_timeout.cpp. You do not need to change this file.
//
// From the repository root (`./tutorial check 8` builds it), with a server on 10000 that is
// slower than the timeout:
//   build/bin/part08/exercises/get-poetry-timeout --timeout 2 10000
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "get_poetry_timeout.hpp"
#include "pim/address.hpp"
#include "pim/deferred.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"

int main(int argc, char** argv) {
  std::string backend;
  double timeout = -1;  // not given
  pim::Options options(
      {"get-poetry-timeout", "[options] [host:]port ...",
       "Exercise 1 of part 8: client 4.0 with a timeout. A poem not complete --timeout seconds\n"
       "after its download started fails its Deferred with a PoemTimeoutError.",
       "build/bin/part08/exercises/get-poetry-timeout --timeout 2 10000"});
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
  auto got_poem = [&](std::string poem) { poems.push_back(std::move(poem)); };
  auto poem_failed = [&](const pim::Failure& reason) {
    std::cerr << "Poem failed: " << reason << std::endl;
    ++errors;
  };
  auto poem_done = [&] {
    if (poems.size() + errors == addresses.size()) reactor.stop();
  };
  for (const pim::Address& address : addresses) {
    pim::Deferred<std::string> d = part08::get_poetry(reactor, address.host, address.port, limit);
    d.add_callbacks(got_poem, poem_failed).add_both(poem_done);
  }
  reactor.run();

  for (const std::string& poem : poems) {
    std::cout << poem << (!poem.empty() && poem.back() != '\n' ? "\n\n" : "\n");
  }
  return errors == 0 && poems.size() == addresses.size() ? 0 : 1;
}
