// The reactor's steady state allocates nothing: a later part benchmarks it against libuv and
// Asio, and an allocation per iteration would dominate the numbers. This file replaces the
// global operator new/delete to count allocations; outside a counting scope they just forward to
// malloc/free, so every other test in the executable is unaffected. Under AddressSanitizer,
// which owns operator new itself, the count is not possible and the test is skipped.
#include <unistd.h>

#include <cstdlib>
#include <new>

#include "pim/reactor.hpp"
#include "reactor_testing.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define PIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PIM_ASAN 1
#endif
#endif

#ifndef PIM_ASAN

namespace {

thread_local bool counting = false;
thread_local long allocations = 0;

}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return ::operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

// Reads one byte and sends one back through the peer, so that its own socket is readable again
// on the next iteration: a loop that never sleeps and never ends until told to.
class PingPong : public pim::ReadDescriptor {
 public:
  PingPong(pim::Reactor& reactor, int fd, int peer) : reactor_(reactor), fd_(fd), peer_(peer) {}
  int fileno() const override { return fd_; }
  void connection_lost(std::exception_ptr) override {}
  std::exception_ptr do_read() override {
    char byte;
    if (::read(fd_, &byte, 1) != 1) return std::make_exception_ptr(pim::ConnectionLost(errno));
    if (::write(peer_, &byte, 1) != 1) return std::make_exception_ptr(pim::ConnectionLost(errno));
    ++rounds;
    if (rounds == warm_up) counting = true;  // buffers have reached their working size
    if (rounds == warm_up + measured) {
      counting = false;
      reactor_.stop();
    }
    return nullptr;
  }
  static constexpr int warm_up = 100;
  static constexpr int measured = 10000;
  int rounds = 0;

 private:
  pim::Reactor& reactor_;
  int fd_;
  int peer_;
};

}  // namespace

#endif

TEST_CASE("a busy reactor allocates nothing per iteration once warmed up",
          "[common][reactor][performance]") {
#ifdef PIM_ASAN
  PIM_SKIP("allocations cannot be counted under AddressSanitizer");
#else
  std::string backend = EACH_BACKEND();
  pim::Reactor reactor(backend);
  pim::testing::Watchdog watchdog(reactor, 30);
  pim::testing::SocketPair pair;
  auto ping = std::make_shared<PingPong>(reactor, pair.a.get(), pair.b.get());
  reactor.add_reader(ping);
  pair.send_to_a("x");
  allocations = 0;
  reactor.run();
  counting = false;
  CHECK_FALSE(watchdog.fired);
  CHECK(ping->rounds == PingPong::warm_up + PingPong::measured);
  CHECK(allocations == 0);
  reactor.remove_all();
#endif
}
