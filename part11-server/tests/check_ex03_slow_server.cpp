// Checks part 11, exercise 3: part11::make_slow_poetry_factory(), from
// exercises/ex03_slow_server.cpp, served with listen_tcp() inside this test's own reactor, on
// every backend. Clients on the same reactor record when each piece of poem arrives: several
// clients at once get the whole poem, in interleaved pieces, no faster than --delay allows; and
// a client that hangs up half-way leaves no timer of the server's behind. The program
// reactor-slowpoetry (PIM_EXERCISE_PROGRAM) is run once as a real process too.
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../slow_poetry.hpp"
#include "helpers.hpp"
#include "pim/factory.hpp"
#include "pim/looping_call.hpp"
#include "pim/protocol.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/testing/catch.hpp"
#include "pim/transport.hpp"

using namespace part11;

namespace {

// What one test client saw, in seconds on the reactor's clock.
struct Download {
  double started = 0;  // connect_tcp() called
  double first_byte = -1;
  double last_byte = -1;
  std::string poem;
  bool over = false;         // connection lost, or never made
  bool leave_early = false;  // hang up as soon as the first piece arrives
};

class RecordingProtocol : public pim::Protocol {
 public:
  RecordingProtocol(pim::Reactor& reactor, Download& download, std::function<void()> over)
      : reactor_(reactor), download_(download), over_(std::move(over)) {}

  void data_received(std::string_view data) override {
    const double now = reactor_.seconds();
    if (download_.first_byte < 0) download_.first_byte = now;
    download_.last_byte = now;
    download_.poem += data;
    if (download_.leave_early) transport()->lose_connection();
  }
  void connection_lost(const pim::Failure&) override {
    download_.over = true;
    over_();
  }

 private:
  pim::Reactor& reactor_;
  Download& download_;
  std::function<void()> over_;
};

class RecordingFactory : public pim::ClientFactory {
 public:
  RecordingFactory(pim::Reactor& reactor, Download& download, std::function<void()> over)
      : reactor_(reactor), download_(download), over_(std::move(over)) {}
  std::shared_ptr<pim::Protocol> build_protocol(const std::string&) override {
    return make_protocol<RecordingProtocol>(reactor_, download_, over_);
  }
  void client_connection_failed(pim::Connector&, const pim::Failure&) override {
    download_.over = true;
    over_();
  }

 private:
  pim::Reactor& reactor_;
  Download& download_;
  std::function<void()> over_;
};

// Starts a client of 127.0.0.1:port recording into \p download.
void start_client(pim::Reactor& reactor, int port, Download& download, std::function<void()> over) {
  download.started = reactor.seconds();
  pim::connect_tcp(reactor, "127.0.0.1", port,
                   std::make_shared<RecordingFactory>(reactor, download, std::move(over)));
}

// Timers pending in \p reactor that this file did not schedule: the server's.
std::size_t server_timers(const pim::Reactor& reactor) {
  std::size_t count = 0;
  for (const pim::DelayedCall& call : reactor.delayed_calls()) {
    if (std::strcmp(call.where().file, __FILE__) != 0) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("several clients get the whole poem at once, in interleaved pieces, at the set pace",
          "[part11][exercise][slow][timers]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  INFO(backend);
  const std::string lantern = poem("lantern.txt");  // 615 bytes: 7 chunks of 100
  const double delay = 0.05;
  pim::Reactor reactor(backend);
  auto port = pim::listen_tcp(reactor, 0, make_slow_poetry_factory(reactor, {lantern, 100, delay}));

  std::vector<Download> downloads(3);
  std::size_t over = 0;
  auto one_over = [&] {
    if (++over == downloads.size()) reactor.stop();
  };
  for (Download& download : downloads)
    start_client(reactor, port->port(), download, one_over);
  reactor.call_later(10.0, [&] { reactor.stop(); });  // a deadline, should all else fail
  reactor.run();

  double latest_start = 0;
  double earliest_end = 1e300;
  for (std::size_t i = 0; i < downloads.size(); ++i) {
    const Download& download = downloads[i];
    INFO("client " << i << ": " << download.poem.size() << " bytes, from "
                   << download.first_byte - download.started << " s to "
                   << download.last_byte - download.started << " s");
    CHECK(download.over);
    CHECK(download.poem == lantern);
    // Six pauses of `delay` between seven chunks: timers never fire early, so the last piece
    // cannot arrive sooner than this after the client connected.
    CHECK(download.last_byte - download.started >= 6 * delay * 0.99);
    latest_start = std::max(latest_start, download.first_byte);
    earliest_end = std::min(earliest_end, download.last_byte);
  }
  INFO("the last client's first piece came at " << latest_start << ", the first client's last at "
                                                << earliest_end);
  CHECK(latest_start < earliest_end);  // interleaved: nobody waited for another to finish
  CHECK(server_timers(reactor) == 0);  // a finished poem leaves no timer either
}

TEST_CASE("a client that hangs up half-way leaves no timer running in the server",
          "[part11][exercise][slow][timers][cancel]") {
  const std::string backend = GENERATE(from_range(pim::testing::backends()));
  INFO(backend);
  const std::string lantern = poem("lantern.txt");
  // A long delay: a timer left behind would still be pending long after the checks below.
  pim::Reactor reactor(backend);
  auto port = pim::listen_tcp(reactor, 0, make_slow_poetry_factory(reactor, {lantern, 10, 5.0}));

  Download leaver;
  leaver.leave_early = true;
  bool timers_gone = false;
  // Once our client is gone, wait (up to 2 s) for the server to notice and drop its timer.
  pim::LoopingCall watch(reactor, [&] {
    if (!leaver.over) return;
    timers_gone = server_timers(reactor) == 0;
    if (timers_gone) reactor.stop();
  });
  start_client(reactor, port->port(), leaver, [] {});
  watch.start(0.01);
  reactor.call_later(2.0, [&] { reactor.stop(); });
  reactor.run();

  INFO("the client got " << leaver.poem.size() << " bytes before hanging up");
  REQUIRE(leaver.over);
  CHECK(leaver.poem.size() >= 1);
  CHECK(leaver.poem.size() < lantern.size());  // it did leave half-way
  CHECK(timers_gone);
  CHECK(server_timers(reactor) == 0);
}

TEST_CASE("reactor-slowpoetry serves the whole poem to clients connected at once",
          "[part11][exercise][slow]") {
  Server server(
      {PIM_EXERCISE_PROGRAM, "--num-bytes", "100", "--delay", "0.01", poem_path("lantern.txt")});
  check_several_clients_get_the_poem(server.port, 3);
}
