// Poetry transformation server (part 12): clients send `NAME.POEM` in a netstring and get the
// transformed poem back in one. Read part11-server/fastpoetry.cpp first (a server that only
// talks); this one listens too. New here: two-way traffic, a protocol built on a ready-made
// base class (pim::NetstringReceiver), and a service object kept apart from the protocol.
//
// From the repository root:
//   build/bin/part12/transformedpoetry --port 11000
//   part12-transform-server/transform-test 11000
#include <iostream>
#include <memory>
#include <string>

#include "pim/error.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "transform_protocol.hpp"
#include "transform_service.hpp"

namespace {

struct Settings {
  long port = 0;  // 0: let the kernel pick a free port
  std::string iface = "127.0.0.1";
  std::string reactor;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"transformedpoetry", "[options]",
       "Poetry transformation server (part 12). Each client sends one netstring,\n"
       "NAME.POEM, and gets back one netstring holding the transformed poem; then the\n"
       "connection closes. Transforms: cummingsify (lower case), reverse (last line first).\n"
       "A bad request is logged on stderr and the connection closed without a reply.",
       "build/bin/part12/transformedpoetry --port 11000"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", settings.port, 0,
                  65535);
  options.text("iface", "ADDR", "interface to listen on (default: 127.0.0.1)", settings.iface);
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

}  // namespace

//! [main]
int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  if (!options.parse_or_exit(argc, argv).empty())
    options.usage_error("this program takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);

  // One service; the factory decides which of its transforms the network may reach.
  auto service = std::make_shared<TransformService>();
  auto factory = std::make_shared<TransformFactory>(standard_transforms(service));
  std::shared_ptr<pim::Port> port;
  try {
    port = pim::listen_tcp(reactor, int(settings.port), factory, 50, settings.iface);
  } catch (const pim::CannotListenError& error) {
    std::cerr << "transformedpoetry: " << error.what() << '\n';
    return 1;
  }
  std::cout << "Serving transforms on " << port->get_host() << '.' << std::endl;
  reactor.run();
}
//! [main]
