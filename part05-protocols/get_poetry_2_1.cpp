// Get Poetry client, version 2.1: client 2.0 with the bookkeeping taken out. Part 5; read
// get_poetry_2_0.cpp first. No task numbers and no byte counts: the protocol collects its poem,
// the factory collects the poems, and main() prints them once every server has delivered or
// failed. The factory no longer overrides build_protocol(): set_protocol<P>() is enough when
// every protocol starts out the same.
// Teaching code: like 2.0, the factory stops the reactor, and a connection that breaks half-way
// is taken for a finished poem (part 6 looks at the reason connection_lost() is given).
//
// From the repository root, with three servers running (see part05-protocols/README.md):
//   build/bin/part05/get-poetry-simple 10000 10001 10002
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pim/address.hpp"
#include "pim/factory.hpp"
#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"

namespace {

struct Settings {
  std::string reactor;
  std::vector<pim::Address> addresses;
};

pim::Options make_options(Settings& settings) {
  pim::Options options(
      {"get-poetry-simple", "[options] [host:]port ...",
       "Get Poetry client 2.1 (part 5): downloads a poem from every server at once and prints\n"
       "the poems, in the order they finished. A bare port means 127.0.0.1.",
       "build/bin/part05/get-poetry-simple 10000 10001 10002"});
  pim::add_reactor_option(options, settings.reactor);
  return options;
}

void print_poem(const std::string& poem) {
  std::fwrite(poem.data(), 1, poem.size(), stdout);
  if (!poem.empty() && poem.back() != '\n') std::putchar('\n');
  std::putchar('\n');  // a blank line between poems
}

}  // namespace

//! [protocol]
class PoetryProtocol : public pim::Protocol {
 public:
  void data_received(std::string_view data) override { poem_ += data; }
  void connection_lost(const pim::Failure& reason) override;

 private:
  std::string poem_;
};
//! [protocol]

//! [factory]
class PoetryClientFactory : public pim::ClientFactory {
 public:
  PoetryClientFactory(pim::Reactor& reactor, std::size_t downloads)
      : reactor_(reactor), left_(downloads) {
    set_protocol<PoetryProtocol>();  // what the inherited build_protocol() makes
  }

  void client_connection_failed(pim::Connector& connector, const pim::Failure&) override {
    std::printf("Failed to connect to: %s\n", connector.get_destination().c_str());
    one_done();
  }

  void poem_finished(std::string poem) {
    poems_.push_back(std::move(poem));
    one_done();
  }

  const std::vector<std::string>& poems() const { return poems_; }

 private:
  void one_done() {
    if (--left_ == 0 && reactor_.running()) reactor_.stop();
  }

  pim::Reactor& reactor_;
  std::size_t left_;
  std::vector<std::string> poems_;  // in completion order
};
//! [factory]

void PoetryProtocol::connection_lost(const pim::Failure&) {
  factory<PoetryClientFactory>()->poem_finished(std::move(poem_));
}

int main(int argc, char** argv) {
  Settings settings;
  pim::Options options = make_options(settings);
  settings.addresses = pim::parse_addresses_or_exit(options, argc, argv);

  pim::Reactor reactor = pim::make_reactor_or_exit(options, settings.reactor);
  auto factory = std::make_shared<PoetryClientFactory>(reactor, settings.addresses.size());
  for (const pim::Address& address : settings.addresses) {
    pim::connect_tcp(reactor, address.host, address.port, factory);
  }
  reactor.run();

  for (const std::string& poem : factory->poems())
    print_poem(poem);
  return factory->poems().size() == settings.addresses.size() ? 0 : 1;
}
