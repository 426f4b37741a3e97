// Part 4's side of the reactor: readers, writers, connection_lost, and removing descriptors
// while they are being dispatched, on every backend.
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>

#include <memory>
#include <sstream>

#include "pim/log.hpp"
#include "pim/reactor.hpp"
#include "reactor_testing.hpp"

using pim::Reactor;
using pim::testing::reason_type;
using pim::testing::Recorder;
using pim::testing::SocketPair;
using pim::testing::Watchdog;

TEST_CASE("a reader gets do_read for each arrival, then connection_lost(ConnectionDone) once",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  auto reader = std::make_shared<Recorder>(pair.a.get());
  reader->on_lost = [&] { reactor.stop(); };
  reactor.add_reader(reader);
  REQUIRE(reactor.readers().size() == 1);
  pair.send_to_a("Sonnet");
  reactor.call_later(0.01, [&] {
    pair.send_to_a(" - To Science");
    pair.b.reset();  // end of file after the data
  });
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  CHECK(reader->data == "Sonnet - To Science");
  CHECK(reader->reads >= 2);
  CHECK(reader->losses == 1);
  CHECK(reason_type(reader->reason) == "pim::ConnectionDone");
  CHECK(reactor.readers().empty());
}

TEST_CASE("do_read reporting ConnectionLost removes the reader and passes the reason on",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  auto reader = std::make_shared<Recorder>(pair.a.get());
  reader->on_read = [] { return std::make_exception_ptr(pim::ConnectionLost(ECONNRESET)); };
  reader->on_lost = [&] { reactor.stop(); };
  reactor.add_reader(reader);
  pair.send_to_a("x");
  reactor.run();
  CHECK(reader->reads == 1);
  CHECK(reader->losses == 1);
  REQUIRE(reason_type(reader->reason) == "pim::ConnectionLost");
  CHECK(pim::describe_exception(reader->reason) ==
        "pim::ConnectionLost: Connection lost: Connection reset by peer");
  CHECK(reactor.readers().empty());
}

TEST_CASE("a do_read that throws is logged with the descriptor's prefix and disconnected",
          "[common][reactor][descriptors][log]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  auto reader = std::make_shared<Recorder>(pair.a.get(), "Poem 1");
  reader->on_read = []() -> std::exception_ptr { throw std::runtime_error("bad verse"); };
  reader->on_lost = [&] { reactor.stop(); };
  reactor.add_reader(reader);
  pair.send_to_a("x");
  reactor.run();
  CHECK(reader->losses == 1);
  CHECK(pim::describe_exception(reader->reason) == "std::runtime_error: bad verse");
  CHECK(log.str().find("[Poem 1] Unhandled error in do_read; disconnecting\n"
                       "\tstd::runtime_error: bad verse") != std::string::npos);
}

TEST_CASE("log lines written during dispatch carry the descriptor's log_prefix",
          "[common][reactor][descriptors][log]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  auto reader = std::make_shared<Recorder>(pair.a.get(), "127.0.0.1:10000");
  reader->on_read = [&] {
    pim::log::msg("got", reader->read_available() == nullptr ? "data" : "eof");
    reactor.stop();
    return std::exception_ptr();
  };
  reactor.add_reader(reader);
  pair.send_to_a("x");
  reactor.run();
  pim::log::msg("outside");
  CHECK(log.str().find("[127.0.0.1:10000] got data\n") != std::string::npos);
  CHECK(log.str().find("[-] outside\n") != std::string::npos);
}

TEST_CASE("a writer is called while writable and stops being called once removed",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  auto writer = std::make_shared<Recorder>(pair.a.get());
  auto reader = std::make_shared<Recorder>(pair.b.get());
  writer->on_write = [&] {
    const std::string poem = "Ecstasy";
    CHECK(::write(pair.a.get(), poem.data(), poem.size()) == ssize_t(poem.size()));
    reactor.remove_writer(*writer);
    return std::exception_ptr();
  };
  reader->on_read = [&] {
    auto reason = reader->read_available();
    // Leave time for a stray do_write to show up before stopping.
    reactor.call_later(0.01, [&] {
      if (reactor.running()) reactor.stop();
    });
    return reason;
  };
  reactor.add_writer(writer);
  reactor.add_reader(reader);
  CHECK(reactor.writers().size() == 1);
  reactor.run();
  CHECK(reader->data == "Ecstasy");
  CHECK(writer->writes == 1);
  CHECK(reactor.writers().empty());
}

TEST_CASE("do_write reporting a reason removes the writer and passes the reason on",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  auto writer = std::make_shared<Recorder>(pair.a.get());
  writer->on_write = [] { return std::make_exception_ptr(pim::ConnectionLost(EPIPE)); };
  writer->on_lost = [&] { reactor.stop(); };
  reactor.add_writer(writer);
  reactor.run();
  CHECK(writer->writes == 1);
  CHECK(writer->losses == 1);
  CHECK(pim::describe_exception(writer->reason) ==
        "pim::ConnectionLost: Connection lost: Broken pipe");
  CHECK(reactor.writers().empty());
}

TEST_CASE("a connection_lost that throws is logged and the loop carries on",
          "[common][reactor][descriptors][log]") {
  std::string backend = EACH_BACKEND();
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  auto reader = std::make_shared<Recorder>(pair.a.get(), "Poem 2");
  reader->on_lost = [&] {
    reactor.call_later(0, [&] { reactor.stop(); });
    throw std::runtime_error("cannot say goodbye");
  };
  reactor.add_reader(reader);
  pair.b.reset();
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  CHECK(reader->losses == 1);
  CHECK(log.str().find("[Poem 2] Unhandled error in connection_lost\n"
                       "\tstd::runtime_error: cannot say goodbye") != std::string::npos);
}

TEST_CASE("an object that reads and writes is removed from both and told once",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  auto both = std::make_shared<Recorder>(pair.a.get());
  both->on_write = [] { return std::exception_ptr(); };  // writable all along, keeps going
  both->on_lost = [&] { reactor.call_later(0.01, [&] { reactor.stop(); }); };
  reactor.add_reader(both);
  reactor.add_writer(both);
  pair.b.reset();  // the peer hangs up: readable (EOF)
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  CHECK(both->losses == 1);
  CHECK(reason_type(both->reason) == "pim::ConnectionDone");
  CHECK(reactor.readers().empty());
  CHECK(reactor.writers().empty());
}

TEST_CASE("a descriptor removed during dispatch gets no further callbacks",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair first;
  SocketPair second;
  auto one = std::make_shared<Recorder>(first.a.get());
  auto two = std::make_shared<Recorder>(second.a.get());
  // Both are readable in the same wait; whichever is dispatched first removes both (dropping
  // the test's own references too, so the reactor's copy keeps the caller alive).
  auto remove_both = [&] {
    reactor.remove_reader(*one);
    reactor.remove_reader(*two);
    reactor.call_later(0.01, [&] { reactor.stop(); });
    return std::exception_ptr();
  };
  one->on_read = remove_both;
  two->on_read = remove_both;
  reactor.add_reader(one);
  reactor.add_reader(two);
  first.send_to_a("a");
  second.send_to_a("b");
  reactor.run();
  CHECK(one->reads + two->reads == 1);
  CHECK(reactor.readers().empty());
}

TEST_CASE("a descriptor can remove itself and be destroyed from its own callback",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  SocketPair pair;
  std::weak_ptr<Recorder> watch;
  bool destroyed_during_callback = true;
  {
    auto reader = std::make_shared<Recorder>(pair.a.get());
    watch = reader;
    Recorder* self = reader.get();
    reader->on_read = [&reactor, self, &watch, &destroyed_during_callback] {
      reactor.remove_reader(*self);  // the reactor held the last reference
      destroyed_during_callback = watch.expired();
      reactor.stop();
      return std::exception_ptr();
    };
    reactor.add_reader(reader);
  }
  pair.send_to_a("x");
  reactor.run();
  CHECK_FALSE(destroyed_during_callback);  // alive until its callback returned...
  CHECK(watch.expired());                  // ...and freed right after
}

TEST_CASE(
    "an event from before a registration is not delivered to a new descriptor that "
    "reuses the fd number",
    "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto first = std::make_unique<SocketPair>();
  auto second = std::make_unique<SocketPair>();
  auto one = std::make_shared<Recorder>(first->a.get());
  auto two = std::make_shared<Recorder>(second->a.get());
  std::shared_ptr<Recorder> newcomer;
  std::unique_ptr<SocketPair> replacement;
  // Whichever runs first closes the *other* socket and registers a fresh, empty one, which
  // normally gets the closed socket's fd number. The other's readiness, reported by the same
  // wait, must not reach the newcomer.
  int closed_fd = -1;
  auto swap_other = [&](Recorder& self) {
    Recorder& other = (&self == one.get()) ? *two : *one;
    closed_fd = other.fileno();
    reactor.remove_reader(self);
    reactor.remove_reader(other);
    (&self == one.get() ? second : first).reset();  // closes other's fd
    replacement = std::make_unique<SocketPair>();
    newcomer = std::make_shared<Recorder>(replacement->a.get());
    reactor.add_reader(newcomer);
    reactor.call_later(0.01, [&] { reactor.stop(); });
    return std::exception_ptr();
  };
  one->on_read = [&] { return swap_other(*one); };
  two->on_read = [&] { return swap_other(*two); };
  reactor.add_reader(one);
  reactor.add_reader(two);
  first->send_to_a("a");
  second->send_to_a("b");
  reactor.run();
  CHECK(one->reads + two->reads == 1);
  REQUIRE(newcomer);
  CHECK(newcomer->fileno() == closed_fd);  // POSIX hands out the lowest free number
  CHECK(newcomer->reads == 0);             // nothing was ever written to it
  reactor.remove_all();
}

TEST_CASE("readers() and writers() list what was added, not the reactor's own descriptor",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  CHECK(reactor.readers().empty());
  CHECK(reactor.writers().empty());
  SocketPair pair;
  auto a = std::make_shared<Recorder>(pair.a.get());
  auto b = std::make_shared<Recorder>(pair.b.get());
  reactor.add_reader(a);
  reactor.add_reader(a);  // again: no effect
  reactor.add_reader(b);
  reactor.add_writer(b);
  CHECK(reactor.readers().size() == 2);
  REQUIRE(reactor.writers().size() == 1);
  CHECK(reactor.writers()[0] == b);
  auto removed = reactor.remove_all();
  CHECK(removed.size() == 2);  // b once, though it was reader and writer
  CHECK(reactor.readers().empty());
  CHECK(reactor.writers().empty());
  reactor.remove_reader(*a);  // not registered: no effect
}

TEST_CASE("add_reader refuses null, closed and doubly-read descriptors",
          "[common][reactor][descriptors]") {
  std::string backend = EACH_BACKEND();
  Reactor reactor(backend);
  SocketPair pair;
  CHECK_THROWS_AS(reactor.add_reader(nullptr), std::invalid_argument);
  CHECK_THROWS_AS(reactor.add_reader(std::make_shared<Recorder>(-1)), std::invalid_argument);
  reactor.add_reader(std::make_shared<Recorder>(pair.a.get()));
  CHECK_THROWS_WITH(reactor.add_reader(std::make_shared<Recorder>(pair.a.get())),
                    "add_reader: fd " + std::to_string(pair.a.get()) + " already has a reader");
  reactor.add_writer(std::make_shared<Recorder>(pair.a.get()));  // a different object may write
  CHECK(reactor.writers().size() == 1);
}

TEST_CASE("the select backend refuses fds at or above FD_SETSIZE; poll and epoll take them",
          "[common][reactor][descriptors][select]") {
  std::string backend = EACH_BACKEND();
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  const rlim_t needed = FD_SETSIZE + 11;
  if (limit.rlim_cur < needed) {
    if (limit.rlim_max < needed) PIM_SKIP("RLIMIT_NOFILE is too low to open an fd >= FD_SETSIZE");
    rlimit raised = limit;
    raised.rlim_cur = needed;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &raised) == 0);
  }
  SocketPair pair;
  pim::Fd high(::dup2(pair.a.get(), FD_SETSIZE + 10));
  REQUIRE(high.get() == FD_SETSIZE + 10);
  Reactor reactor(backend);
  auto reader = std::make_shared<Recorder>(high.get());
  if (backend == "select") {
    CHECK(pim::testing::thrown_message([&] {
            reactor.add_reader(reader);
          }).find("select() only handles descriptors below FD_SETSIZE") != std::string::npos);
    CHECK_THROWS_AS(reactor.add_writer(reader), std::invalid_argument);
    CHECK(reactor.readers().empty());
  } else {
    Watchdog watchdog(reactor);
    reader->on_read = [&] {
      reactor.stop();
      return reader->read_available();
    };
    reactor.add_reader(reader);
    pair.send_to_a("high");
    reactor.run();
    CHECK(reader->data == "high");
    reactor.remove_reader(*reader);
  }
  high.reset();
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

TEST_CASE("select and poll report a descriptor closed while registered as ConnectionLost",
          "[common][reactor][descriptors]") {
  // epoll cannot: the kernel drops a closed fd from the set silently (hence the rule "remove
  // before closing"). select and poll notice, and the reactor tells the owner.
  std::string backend = GENERATE(as<std::string>{}, "select", "poll");
  Reactor reactor(backend);
  Watchdog watchdog(reactor);
  auto pair = std::make_unique<SocketPair>();
  auto reader = std::make_shared<Recorder>(pair->a.get());
  reader->on_lost = [&] { reactor.stop(); };
  reactor.add_reader(reader);
  pair.reset();  // closes the registered fd behind the reactor's back
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  CHECK(reader->losses == 1);
  CHECK(pim::describe_exception(reader->reason) ==
        "pim::ConnectionLost: Connection lost: Bad file descriptor");
}
