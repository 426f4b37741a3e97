// The program around exercise 3 of part 11 (the slow server on the reactor): part 2's slowpoetry
// options, with the factory from part11::make_slow_poetry_factory(), which you write in
// part11-server/exercises/ex03_slow_server.cpp. You do not need to change this file.
//
// From the repository root (`./tutorial check 11` builds it):
//   build/bin/part11/exercises/reactor-slowpoetry --port 10000 --num-bytes 30 poetry/slow_river.txt
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "pim/error.hpp"
#include "pim/file.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "slow_poetry.hpp"

int main(int argc, char** argv) {
  long port = 0;
  long num_bytes = 10;
  std::string iface = "127.0.0.1";
  std::string backend;
  part11::SlowPoem settings;
  pim::Options options(
      {"reactor-slowpoetry", "[options] POEM_FILE",
       "Exercise 3 of part 11: part 2's slow poetry server on the reactor. Sends --num-bytes\n"
       "bytes every --delay seconds to every client at once, then closes each connection.",
       "build/bin/part11/exercises/reactor-slowpoetry --port 10000 --num-bytes 30 "
       "poetry/slow_river.txt"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", port, 0, 65535);
  options.text("iface", "ADDR", "interface to listen on (default: 127.0.0.1)", iface);
  options.seconds("delay", "S", "pause between chunks, in seconds (default: 0.1)", settings.delay);
  options.integer("num-bytes", "N", "bytes per chunk (default: 10)", num_bytes, 1, 1 << 20);
  pim::add_reactor_option(options, backend);
  std::vector<std::string> files = options.parse_or_exit(argc, argv);
  if (files.size() != 1) options.usage_error("provide exactly one poem file");
  try {
    settings.poem = pim::read_file(files[0]);
  } catch (const pim::FileError& error) {
    options.usage_error(error.what());
  }
  settings.num_bytes = static_cast<std::size_t>(num_bytes);

  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);
  std::shared_ptr<pim::Port> listening;
  try {
    listening = pim::listen_tcp(reactor, int(port),
                                part11::make_slow_poetry_factory(reactor, settings), 50, iface);
  } catch (const pim::CannotListenError& error) {
    std::cerr << "reactor-slowpoetry: " << error.what() << std::endl;
    return 1;
  }
  std::cout << "Serving " << files[0] << " on " << listening->get_host() << '.' << std::endl;
  reactor.run();
}
