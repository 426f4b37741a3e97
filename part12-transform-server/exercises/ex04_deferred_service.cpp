// Exercise 4 of part 12: a service whose methods return Deferreds (medium).
//
// `transformedpoetry-deferred [--port N] [--delay S] [--reactor B]` serves the same two
// transforms, but its service answers later: each method returns a pim::Deferred<std::string>
// that fires S seconds (default 0.5) from now, as a service that asked another server, a
// database or a thread would. What has to change above the service:
//   - the factory's transform() returns a Deferred too, failed for an unknown name or a throw;
//   - the protocol cannot reply inside string_received(): it attaches callbacks that reply (or
//     log the failure) and close, whenever the Deferred fires;
//   - by then the client may be gone: the callbacks keep the protocol alive and check that it is
//     still connected before writing.
// Many requests wait at once; none blocks the others. It prints `Serving transforms on HOST:PORT.`
//
// As shipped, the service and factory are done but the protocol never replies: the check fails.
//
// Try it, change it, check it:
//   cmake --build build --target check12 && build/bin/part12/exercises/transformedpoetry-deferred
//       --port 11000 --delay 2
//   part12-transform-server/transform-test 11000
//   ./tutorial check 12
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pim/deferred.hpp"
#include "pim/error.hpp"
#include "pim/factory.hpp"
#include "pim/failure.hpp"
#include "pim/log.hpp"
#include "pim/netstring.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/transport.hpp"
#include "transform_service.hpp"

/// An asynchronous edition of TransformService: same transforms, results delivered later.
class DeferredTransformService {
 public:
  DeferredTransformService(pim::ReactorTime& time, double delay) : time_(time), delay_(delay) {}

  pim::Deferred<std::string> cummingsify(std::string poem) const {
    return pim::defer_later(
        time_, delay_, [this](const std::string& p) { return plain_.cummingsify(p); },
        std::move(poem));
  }
  pim::Deferred<std::string> reverse_lines(std::string poem) const {
    return pim::defer_later(
        time_, delay_, [this](const std::string& p) { return plain_.reverse_lines(p); },
        std::move(poem));
  }

 private:
  pim::ReactorTime& time_;
  double delay_;
  TransformService plain_;
};

class UnknownTransformError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DeferredTransformFactory : public pim::ServerFactory {
 public:
  explicit DeferredTransformFactory(std::shared_ptr<const DeferredTransformService> service);

  // The allow-list is unchanged in spirit; only the type of what its entries return changed.
  pim::Deferred<std::string> transform(std::string_view name, std::string_view poem) const {
    auto found = transforms_.find(name);
    if (found == transforms_.end())
      return pim::fail<std::string>(
          UnknownTransformError("no such transform: " + std::string(name)));
    // maybe_deferred turns a throw into a failed Deferred, so callers have one path for errors.
    return pim::maybe_deferred(found->second, std::string(poem));
  }

 private:
  std::map<std::string, std::function<pim::Deferred<std::string>(std::string)>, std::less<>>
      transforms_;
};

class DeferredTransformProtocol : public pim::NetstringReceiver,
                                  public std::enable_shared_from_this<DeferredTransformProtocol> {
 protected:
  // TODO: split the request at its first '.' (no '.': log it and close, as TransformProtocol
  //       does), ask factory<DeferredTransformFactory>()->transform(name, poem) for a Deferred,
  //       and attach callbacks to it: on success send_string() the new poem, on failure log the
  //       Failure; in both cases close the connection. The callbacks run after this function has
  //       returned: keep the protocol alive with shared_from_this(), and write nothing if it is
  //       no longer connected() by then.
  void string_received(std::string) override {
    transport()->lose_connection();  // as shipped: every request is dropped without a reply
  }
};

DeferredTransformFactory::DeferredTransformFactory(
    std::shared_ptr<const DeferredTransformService> service)
    : transforms_{
          {"cummingsify",
           [service](std::string poem) { return service->cummingsify(std::move(poem)); }},
          {"reverse",
           [service](std::string poem) { return service->reverse_lines(std::move(poem)); }},
      } {
  set_protocol<DeferredTransformProtocol>();
}

int main(int argc, char** argv) {
  std::string backend;
  long port_number = 0;
  double delay = 0.5;
  pim::Options options({"transformedpoetry-deferred", "[options]",
                        "The transform server with an asynchronous service (part 12, exercise 4).",
                        "build/bin/part12/solutions/transformedpoetry-deferred --port 11000 "
                        "--delay 2"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", port_number, 0,
                  65535);
  options.seconds("delay", "S", "seconds each transform takes (default: 0.5)", delay);
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty())
    options.usage_error("this program takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  auto service = std::make_shared<DeferredTransformService>(reactor, delay);
  auto factory = std::make_shared<DeferredTransformFactory>(service);
  try {
    auto port = pim::listen_tcp(reactor, int(port_number), factory);
    std::cout << "Serving transforms on " << port->get_host() << '.' << std::endl;
    reactor.run();
  } catch (const pim::CannotListenError& error) {
    std::cerr << "transformedpoetry-deferred: " << error.what() << '\n';
    return 1;
  }
}
