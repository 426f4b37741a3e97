// Exercise 6 of part 12, the server half: fast poetry in a netstring (easy).
//
// `netstring-poetry-server [--port N] [--iface ADDR] [--reactor B] POEM_FILE` is part 11's
// fastpoetry with one change on the wire: each client gets the poem as one netstring,
// `LENGTH:POEM,`, then the server closes. The length lets a client tell a whole poem from one
// cut short by a crash, which the bare poetry protocol cannot (ex06_netstring_client.cpp is the
// other half). It prints `Serving FILE on HOST:PORT.` and serves any number of clients.
//
// As shipped, it sends the bare poem: the check fails.
//
// Try it, change it, check it:
//   cmake --build build --target check12 && build/bin/part12/exercises/netstring-poetry-server
//       --port 10000 poetry/ferry.txt
//   ./tutorial check 12
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/file.hpp"
#include "pim/netstring.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/transport.hpp"

namespace {

struct Settings {
  long port = 0;
  std::string iface = "127.0.0.1";
  std::string reactor;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"netstring-poetry-server", "[options] POEM_FILE",
       "Fast poetry server that sends each client the poem as one netstring (part 12,\n"
       "exercise 6).",
       "build/bin/part12/solutions/netstring-poetry-server --port 10000 poetry/ferry.txt"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", settings.port, 0,
                  65535);
  options.text("iface", "ADDR", "interface to listen on (default: 127.0.0.1)", settings.iface);
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

class PoetryFactory : public pim::ServerFactory {
 public:
  explicit PoetryFactory(std::string poem);
  const std::string poem;
};

// TODO: send the poem as one netstring. Derive this class from pim::NetstringReceiver instead
//       of pim::Protocol, write the poem with send_string(), and give the class the
//       string_received() override every NetstringReceiver needs (clients send nothing here, so
//       it can ignore what it gets).
class NetstringPoetryProtocol : public pim::Protocol {
 public:
  void connection_made() override {
    transport()->write(factory<PoetryFactory>()->poem);  // as shipped: the bare poem, no netstring
    transport()->lose_connection();
  }
};

PoetryFactory::PoetryFactory(std::string poem) : poem(std::move(poem)) {
  set_protocol<NetstringPoetryProtocol>();
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  std::vector<std::string> args = options.parse_or_exit(argc, argv);
  if (args.size() != 1) options.usage_error("give exactly one poem file");
  std::string poem;
  try {
    poem = pim::read_file(args[0]);
  } catch (const std::exception& error) {
    options.usage_error(error.what());
  }
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);
  std::shared_ptr<pim::Port> port;
  try {
    port = pim::listen_tcp(reactor, int(settings.port),
                           std::make_shared<PoetryFactory>(std::move(poem)), 50, settings.iface);
  } catch (const pim::CannotListenError& error) {
    std::cerr << "netstring-poetry-server: " << error.what() << '\n';
    return 1;
  }
  std::cout << "Serving " << args[0] << " on " << port->get_host() << '.' << std::endl;
  reactor.run();
}
