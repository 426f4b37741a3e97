// Fast poetry server: serves one poem to any number of clients at once, as fast as the network
// takes it. Part 11; read part02-blocking/slowpoetry.cpp (the blocking server this replaces) and
// part05-protocols (protocols, transports, factories) first.
// New here: the library on the other side of the connection. listen_tcp() opens a listening
// socket and hands every accepted connection to a protocol built by our factory; the protocol
// writes the poem and closes. There is no loop of ours and no accept() in sight.
//
// From the repository root:
//   build/bin/part11/fastpoetry --port 10000 poetry/slow_river.txt
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

struct Settings {
  long port = 0;  // 0: any free port
  std::string iface = "127.0.0.1";
  std::string reactor;
  std::string poem_file;
  std::string poem;  // read once, before listening
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"fastpoetry", "[options] POEM_FILE",
       "Fast poetry server (part 11): sends POEM_FILE to every client that connects, as\n"
       "fast as it can, then closes the connection. Serves any number of clients at once.",
       "build/bin/part11/fastpoetry --port 10000 poetry/slow_river.txt"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", settings.port, 0,
                  65535);
  options.text("iface", "ADDR", "interface to listen on (default: 127.0.0.1)", settings.iface);
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

// A missing or unreadable poem is a usage error, found before anything listens.
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

//! [protocol]
// One per client connection. The poetry protocol is one-way: the server speaks as soon as the
// connection exists, so everything happens in connection_made().
class PoetryProtocol : public pim::Protocol {
 public:
  void connection_made() override;
};
//! [protocol]

//! [factory]
// Keeps the poem, which every connection shares, and builds a PoetryProtocol per connection.
class PoetryFactory : public pim::ServerFactory {
 public:
  explicit PoetryFactory(std::string poem) : poem_(std::move(poem)) {
    set_protocol<PoetryProtocol>();
  }
  const std::string& poem() const { return poem_; }

 private:
  std::string poem_;
};
//! [factory]

//! [connection-made]
void PoetryProtocol::connection_made() {
  const std::string& poem = factory<PoetryFactory>()->poem();
  pim::log::msg("sending", poem.size(), "bytes of poetry to", transport()->get_peer());
  // Both calls return at once: write() sends what the socket takes now and buffers the rest;
  // lose_connection() closes only after that buffer has been flushed.
  transport()->write(poem);
  transport()->lose_connection();
}
//! [connection-made]

//! [main]
int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  read_poem_or_exit(options, settings, options.parse_or_exit(argc, argv));
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);

  auto factory = std::make_shared<PoetryFactory>(std::move(settings.poem));
  std::shared_ptr<pim::Port> port;
  try {
    // A deep backlog: when hundreds of clients arrive at once, the kernel queues them for us
    // instead of dropping their connection requests (SOMAXCONN is the system's own maximum).
    port = pim::listen_tcp(reactor, int(settings.port), factory, SOMAXCONN, settings.iface);
  } catch (const pim::CannotListenError& error) {
    std::cerr << "fastpoetry: " << error.what() << std::endl;
    return 1;
  }
  std::cout << "Serving " << settings.poem_file << " on " << port->get_host() << '.' << std::endl;
  reactor.run();  // until Ctrl-C (SIGINT) or SIGTERM
}
//! [main]
