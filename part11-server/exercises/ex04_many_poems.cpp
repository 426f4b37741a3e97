// Exercise 4 of part 11: one process, several poems, several ports (easy).
//
// fastpoetry serves one poem on one port. Make this server take any number of poem files and
// serve each on a port of its own, all from one process and one reactor:
//   multi-poetry [--port N] [--iface ADDR] [--reactor B] POEM_FILE...
// With --port 0 (the default) each poem gets a free port; with --port N, the first poem is on
// N, the second on N + 1, and so on. Print one line per poem, in the order given:
//   Serving poetry/lantern.txt on 127.0.0.1:10000.
// Every file is read before anything listens: a missing one is a usage error (exit status 2).
//
// As shipped, it is fastpoetry with a list of poems: it serves only the first one, and the
// check fails.
// Try it, change it, check it:
//   cmake --build build --target check11 &&
//       build/bin/part11/exercises/multi-poetry --port 10000 poetry/lantern.txt poetry/ferry.txt
//   ./tutorial check 11
#include <sys/socket.h>

#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/file.hpp"
#include "pim/log.hpp"
#include "pim/options.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/transport.hpp"

namespace {

struct Poem {
  std::string file;
  std::string text;
};

struct Settings {
  long port = 0;
  std::string iface = "127.0.0.1";
  std::string reactor;
  std::vector<Poem> poems;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"multi-poetry", "[options] POEM_FILE...",
       "Exercise 4 of part 11: serves each POEM_FILE on a port of its own, from one process.\n"
       "With --port N, the poems are on N, N+1, ...; with 0, each on a free port.",
       "build/bin/part11/exercises/multi-poetry --port 10000 poetry/lantern.txt "
       "poetry/ferry.txt"});
  options.integer("port", "N", "the first poem's port (default: 0, free ports)", settings.port, 0,
                  65535);
  options.text("iface", "ADDR", "interface to listen on (default: 127.0.0.1)", settings.iface);
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

// Every poem is read before anything listens, so a bad file name is a usage error.
void read_poems_or_exit(const pim::Options& options, Settings& settings,
                        const std::vector<std::string>& files) {
  if (files.empty()) options.usage_error("provide at least one poem file");
  if (settings.port != 0 && settings.port + long(files.size()) - 1 > 65535)
    options.usage_error("too many poems for ports from " + std::to_string(settings.port));
  for (const std::string& file : files) {
    try {
      settings.poems.push_back({file, pim::read_file(file)});
    } catch (const pim::FileError& error) {
      options.usage_error(error.what());
    }
  }
}

}  // namespace

// fastpoetry's protocol and factory, unchanged.
class PoetryProtocol : public pim::Protocol {
 public:
  void connection_made() override;
};

class PoetryFactory : public pim::ServerFactory {
 public:
  explicit PoetryFactory(std::string poem) : poem_(std::move(poem)) {
    set_protocol<PoetryProtocol>();
  }
  const std::string& poem() const { return poem_; }

 private:
  std::string poem_;
};

void PoetryProtocol::connection_made() {
  const std::string& poem = factory<PoetryFactory>()->poem();
  pim::log::msg("sending", poem.size(), "bytes of poetry to", transport()->get_peer());
  transport()->write(poem);
  transport()->lose_connection();
}

//! [main]
int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  read_poems_or_exit(options, settings, options.parse_or_exit(argc, argv));
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);

  // TODO: serve every poem, not just the first: one listen_tcp() with its own PoetryFactory
  // per poem (on settings.port + i when --port is given, else on port 0), one `Serving` line
  // each, printed after that poem's listen_tcp() has told you its port.
  const Poem& poem = settings.poems.front();
  std::shared_ptr<pim::Port> port;
  try {
    port = pim::listen_tcp(reactor, int(settings.port), std::make_shared<PoetryFactory>(poem.text),
                           SOMAXCONN, settings.iface);
  } catch (const pim::CannotListenError& error) {
    std::cerr << "multi-poetry: " << error.what() << std::endl;
    return 1;
  }
  std::cout << "Serving " << poem.file << " on " << port->get_host() << '.' << std::endl;
  reactor.run();
}
//! [main]
