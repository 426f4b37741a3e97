// Exercise 3 of part 12: one service, two protocols (medium). Figure 27 as a program.
//
// `transformedpoetry-two [--port N] [--line-port M] [--reactor B]` serves the same transforms,
// from ONE TransformService, on two ports: the netstring protocol on --port, and on --line-port
// a line protocol of our own, which keeps the connection open for any number of requests:
//   client: NAME TEXT\n          (one line; a trailing \r is ignored)
//   server: OK NEW-TEXT\n        or   ERROR no such transform, or it failed\n
// A line longer than 99,999 bytes closes the connection. It prints
// `Serving transforms on HOST:PORT.` then `Serving line transforms on HOST:PORT.`
// Both ports use TransformFactory with the same allow-list; only the protocol class differs.
//
// As shipped, the line port accepts connections and never answers: the check fails.
//
// Try it, change it, check it:
//   cmake --build build --target check12 && build/bin/part12/exercises/transformedpoetry-two
//       --port 11000 --line-port 11001
//   printf 'cummingsify HELLO THERE\n' | nc -N 127.0.0.1 11001
//   ./tutorial check 12
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "pim/error.hpp"
#include "pim/options.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/transport.hpp"
#include "transform_protocol.hpp"
#include "transform_service.hpp"

class LineTransformProtocol : public pim::Protocol {
 public:
  // TODO: collect the bytes in a buffer (a line can arrive in pieces, or several in one call),
  //       and for each complete line `NAME TEXT` answer `OK NEW-TEXT\n` with
  //       factory<TransformFactory>()->transform(NAME, TEXT), or `ERROR ...\n` when that gives
  //       nothing. Keep the connection open for the next line. Close it (lose_connection) if
  //       the buffer grows past 99,999 bytes without a newline.
  void data_received(std::string_view) override {}
};

int main(int argc, char** argv) {
  std::string backend;
  long port_number = 0;
  long line_port_number = 0;
  pim::Options options({"transformedpoetry-two", "[options]",
                        "The transform service on two protocols (part 12, exercise 3).",
                        "build/bin/part12/solutions/transformedpoetry-two --port 11000 "
                        "--line-port 11001"});
  options.integer("port", "N", "netstring port (default: 0, any free port)", port_number, 0, 65535);
  options.integer("line-port", "M", "line protocol port (default: 0, any free port)",
                  line_port_number, 0, 65535);
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty())
    options.usage_error("this program takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  //! [two-factories]
  auto service = std::make_shared<TransformService>();  // the one instance both ports share
  auto netstring_factory = std::make_shared<TransformFactory>(standard_transforms(service));
  auto line_factory = std::make_shared<TransformFactory>(standard_transforms(service));
  line_factory->set_protocol<LineTransformProtocol>();
  //! [two-factories]
  try {
    auto port = pim::listen_tcp(reactor, int(port_number), netstring_factory);
    auto line_port = pim::listen_tcp(reactor, int(line_port_number), line_factory);
    std::cout << "Serving transforms on " << port->get_host() << ".\n"
              << "Serving line transforms on " << line_port->get_host() << '.' << std::endl;
    reactor.run();
  } catch (const pim::CannotListenError& error) {
    std::cerr << "transformedpoetry-two: " << error.what() << '\n';
    return 1;
  }
}
