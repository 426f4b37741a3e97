// Deferred flow control (parts 13 and 14): pause/unpause, stages that return Deferreds, and
// chain_deferred; and the promise that long chains and deep nesting run in a loop, never
// recursing once per stage or per Deferred.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "deferred_testing.hpp"
#include "pim/deferred.hpp"
#include "pim/testing/catch.hpp"

using deferred_testing::LogCapture;
using deferred_testing::message;
using deferred_testing::poem_failure;
using pim::Deferred;
using pim::Failure;

TEST_CASE("pause holds back the stages until unpause, and pauses nest", "[deferred][pause]") {
  Deferred<int> d;
  int seen = 0;
  d.pause();
  d.pause();
  d.add_callback([&](int x) { seen = x; });
  d.callback(3);
  CHECK(seen == 0);
  CHECK(d.paused());
  d.unpause();
  CHECK(seen == 0);
  d.unpause();
  CHECK(seen == 3);
  CHECK_FALSE(d.paused());
}

TEST_CASE("callbacks added to a fired, paused Deferred wait for unpause", "[deferred][pause]") {
  Deferred<int> d;
  d.callback(1);
  d.pause();
  std::vector<int> seen;
  d.add_callback([&](int x) {
    seen.push_back(x);
    return x + 1;
  });
  CHECK(seen.empty());
  d.unpause();
  CHECK(seen == std::vector<int>{1});
}

TEST_CASE("a stage that pauses its own Deferred stops the chain there", "[deferred][pause]") {
  Deferred<int> d;
  std::vector<std::string> ran;
  d.add_callback([&](int x) {
     ran.push_back("first");
     d.pause();
     return x;
   }).add_callback([&](int x) {
    ran.push_back("second");
    return x;
  });
  d.callback(1);
  CHECK(ran == std::vector<std::string>{"first"});
  d.unpause();
  CHECK(ran == std::vector<std::string>{"first", "second"});
}

TEST_CASE("unpause without pause is a named error", "[deferred][pause]") {
  Deferred<int> d;
  CHECK_THROWS_AS(d.unpause(), pim::DeferredUsageError);
}

TEST_CASE("a callback returning an unfired Deferred pauses the outer chain until it fires",
          "[deferred][nesting]") {
  Deferred<int> outer;
  Deferred<std::string> inner;
  std::vector<std::string> seen;
  outer.add_callback([&](int) { return inner; }).add_callback([&](std::string text) {
    seen.push_back("outer got " + text);
  });
  outer.callback(1);
  CHECK(seen.empty());
  CHECK(outer.paused());
  CHECK_THAT(outer.to_string(), Catch::Contains("waiting on Deferred at"));
  inner.callback("inner result");
  CHECK(seen == std::vector<std::string>{"outer got inner result"});
  CHECK_FALSE(outer.paused());
}

TEST_CASE("the inner chain's own stages run before the outer chain resumes",
          "[deferred][nesting]") {
  Deferred<int> outer;
  Deferred<int> inner;
  inner.add_callback([](int x) { return x * 10; });
  int seen = 0;
  outer.add_callback([&](int) { return inner; }).add_callback([&](int x) { seen = x; });
  outer.callback(0);
  inner.callback(4);
  CHECK(seen == 40);
}

TEST_CASE("an inner failure resumes the outer chain at its next errback", "[deferred][nesting]") {
  Deferred<int> outer;
  Deferred<int> inner;
  std::string seen;
  outer.add_callback([&](int) { return inner; })
      .add_callback([&](int) {
        seen = "wrong path";
        return 0;
      })
      .add_errback([&](const Failure& failure) {
        seen = "errback got " + message(failure);
        return 0;
      });
  outer.callback(0);
  inner.errback(poem_failure("inner broke"));
  CHECK(seen == "errback got inner broke");
}

TEST_CASE("an errback may return a Deferred too (part 13, exercise 4)", "[deferred][nesting]") {
  Deferred<int> outer;
  Deferred<int> retry;
  int seen = 0;
  outer.add_errback([&](const Failure&) { return retry; }).add_callback([&](int x) { seen = x; });
  outer.errback(poem_failure("first try failed"));
  CHECK(seen == 0);
  retry.callback(9);
  CHECK(seen == 9);
}

TEST_CASE("an already-fired returned Deferred is taken at once, with no pause",
          "[deferred][nesting]") {
  Deferred<int> outer;
  int seen = 0;
  outer.add_callback([](int x) { return pim::succeed(x + 1); }).add_callback([&](int x) {
    seen = x;
  });
  outer.callback(1);
  CHECK(seen == 2);
  CHECK_FALSE(outer.paused());
}

TEST_CASE("the inner Deferred's result moves to the outer: the inner then carries nothing",
          "[deferred][nesting]") {
  LogCapture log;
  Deferred<int> outer;
  Deferred<int> inner;
  outer.add_callback([&](int) { return inner; }).add_errback([](const Failure&) { return 0; });
  outer.callback(0);
  inner.errback(poem_failure("handled by the outer chain"));
  // The inner's handle is typed for what it carried before; now it carries nothing.
  CHECK_THROWS_AS(inner.add_callback([](int) {}), pim::DeferredTypeError);
  CHECK(log.unhandled_reports() == 0);  // the failure was handled by the outer chain
}

TEST_CASE("a callback returning its own Deferred is refused with DeferredUsageError",
          "[deferred][nesting]") {
  Deferred<int> d;
  std::string seen;
  d.add_callback([&](int) { return d; }).add_errback([&](const Failure& failure) {
    seen = failure.check<pim::DeferredUsageError>() ? "usage error" : failure.to_string();
    return 0;
  });
  d.callback(1);
  CHECK(seen == "usage error");
}

TEST_CASE("a returned Deferred whose handle type is stale is refused, not misread",
          "[deferred][nesting]") {
  Deferred<int> outer;
  Deferred<int> inner;
  inner.add_callback([](int x) { return std::to_string(x); });  // inner now carries a string
  std::string seen;
  outer.add_callback([&](int) { return inner; }).add_errback([&](const Failure& failure) {
    seen = failure.check<pim::DeferredTypeError>() ? "type error" : failure.to_string();
    return 0;
  });
  outer.callback(1);
  CHECK(seen == "type error");
}

TEST_CASE("chain_deferred fires the other Deferred with the result, leaving nothing behind",
          "[deferred][chain]") {
  Deferred<std::string> first;
  Deferred<std::string> second;
  std::vector<std::string> seen;
  second.add_callback([&](std::string text) { seen.push_back("second got " + text); });
  Deferred<void> rest = first.chain_deferred(second);
  rest.add_callback([&] { seen.push_back("first carries nothing"); });
  first.callback("hello");
  CHECK(seen == std::vector<std::string>{"second got hello", "first carries nothing"});
}

TEST_CASE("chain_deferred passes failures, and firing the other does not affect the first",
          "[deferred][chain]") {
  LogCapture log;
  Deferred<int> first;
  Deferred<int> second;
  std::string seen;
  second.add_errback([&](const Failure& failure) {
    seen = message(failure);
    return 0;
  });
  first.chain_deferred(second);
  first.errback(poem_failure("passed along"));
  CHECK(seen == "passed along");
  CHECK_FALSE(Deferred<int>().called());
  CHECK(log.unhandled_reports() == 0);
}

TEST_CASE("100,000 callbacks on one Deferred run in a loop", "[deferred][deep]") {
  constexpr int stages = 100000;
  Deferred<long> d;
  for (int i = 0; i < stages; ++i)
    d.add_callback([](long x) { return x + 1; });
  long seen = 0;
  d.add_callback([&](long x) { seen = x; });
  d.callback(0);
  CHECK(seen == stages);
}

TEST_CASE("100,000 Deferreds each waiting on the next unwind in a loop", "[deferred][deep]") {
  constexpr int depth = 100000;
  std::vector<Deferred<int>> chain(depth);
  for (int i = 0; i + 1 < depth; ++i) {
    chain[i].add_callback([next = chain[i + 1]](int) { return next; }).add_callback([](int x) {
      return x + 1;
    });
  }
  int seen = -1;
  chain[0].add_callback([&](int x) { seen = x; });
  for (int i = 0; i + 1 < depth; ++i)
    chain[i].callback(0);  // each now waits on the next
  CHECK(chain[0].paused());
  chain[depth - 1].callback(0);  // the innermost fires: every outer chain resumes in turn
  CHECK(seen == depth - 1);
}

TEST_CASE("100,000 waiting Deferreds that never fire are freed without recursion",
          "[deferred][deep]") {
  constexpr int depth = 100000;
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> probe = alive;
  {
    std::vector<Deferred<int>> chain(depth);
    chain[0].add_callback([alive](int x) { return x; });
    alive.reset();
    for (int i = 0; i + 1 < depth; ++i) {
      chain[i].add_callback([next = chain[i + 1]](int) { return next; });
    }
    for (int i = 0; i + 1 < depth; ++i)
      chain[i].callback(0);
  }  // the last handles go: each inner chain owns its outer through the waiting stage
  CHECK(probe.expired());
}

TEST_CASE("a long unfired chain whose stages hold Deferreds is freed without recursion",
          "[deferred][deep]") {
  constexpr int depth = 100000;
  {
    Deferred<int> head;
    Deferred<int> current = head;
    for (int i = 0; i < depth; ++i) {
      Deferred<int> next;
      current.add_callback([next](int x) mutable {
        next.callback(x);
        return x;
      });
      current = next;
    }
  }
  SUCCEED("destroyed 100,000 nested stages");
}
