// Deferred (part 7, with the routing rules of part 9): firing once, the add_* methods, how each
// stage's outcome is routed, callbacks added after firing, typed handles, unhandled errors.
#include "pim/deferred.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "deferred_testing.hpp"
#include "pim/testing/catch.hpp"

using deferred_testing::LogCapture;
using deferred_testing::message;
using deferred_testing::poem_failure;
using deferred_testing::PoemError;
using pim::Deferred;
using pim::Failure;
using pim::Outcome;

TEST_CASE("callback runs the chain synchronously, inside the call", "[deferred][firing]") {
  Deferred<std::string> d;
  std::vector<std::string> seen;
  d.add_callback([&](std::string poem) { seen.push_back(poem); });
  CHECK(seen.empty());
  CHECK_FALSE(d.called());
  d.callback("This poem is short.");
  CHECK(seen == std::vector<std::string>{"This poem is short."});
  CHECK(d.called());
}

TEST_CASE("errback delivers a Failure to the errback, and skips the callback",
          "[deferred][firing]") {
  Deferred<std::string> d;
  std::vector<std::string> seen;
  d.add_callbacks([&](const std::string&) { seen.push_back("callback"); },
                  [&](const Failure& failure) { seen.push_back("errback: " + message(failure)); });
  d.errback(poem_failure("No poetry for you."));
  CHECK(seen == std::vector<std::string>{"errback: No poetry for you."});
}

TEST_CASE("an exception object passed to errback becomes a Failure of the same type",
          "[deferred][firing]") {
  Deferred<int> d;
  const std::type_info* caught = nullptr;
  bool has_frames = true;
  d.add_errback([&](const Failure& failure) {
    caught = failure.check<PoemError>();
    has_frames = failure.has_frames();
    return 0;
  });
  d.errback(PoemError("I have failed."));
  CHECK(caught == &typeid(PoemError));
  CHECK_FALSE(has_frames);  // never thrown
}

TEST_CASE("errback() inside a catch block wraps the exception being handled",
          "[deferred][firing]") {
  Deferred<int> d;
  std::string seen;
  d.add_errback([&](const Failure& failure) {
    seen = failure.to_string();
    return 0;
  });
  try {
    throw PoemError("caught");
  } catch (...) {
    d.errback();
  }
  CHECK(seen == "[Failure: deferred_testing::PoemError: caught]");
  Deferred<int> e;
  CHECK_THROWS_AS(e.errback(), pim::NoCurrentExceptionError);
}

TEST_CASE("firing twice raises AlreadyCalledError, in all four combinations",
          "[deferred][firing]") {
  auto first_then_second = [](bool first_ok, bool second_ok) {
    Deferred<int> d;
    d.add_errback([](const Failure&) { return 0; });
    if (first_ok)
      d.callback(1);
    else
      d.errback(poem_failure("first"));
    if (second_ok)
      d.callback(2);
    else
      d.errback(poem_failure("second"));
  };
  CHECK_THROWS_AS(first_then_second(true, true), pim::AlreadyCalledError);
  CHECK_THROWS_AS(first_then_second(true, false), pim::AlreadyCalledError);
  CHECK_THROWS_AS(first_then_second(false, true), pim::AlreadyCalledError);
  CHECK_THROWS_AS(first_then_second(false, false), pim::AlreadyCalledError);
}

TEST_CASE("the second fire does not disturb the result of the first", "[deferred][firing]") {
  Deferred<int> d;
  d.callback(1);
  CHECK_THROWS_AS(d.callback(2), pim::AlreadyCalledError);
  int seen = 0;
  d.add_callback([&](int value) { seen = value; });
  CHECK(seen == 1);
}

TEST_CASE("firing never throws what a stage throws", "[deferred][routing]") {
  Deferred<int> d;
  std::string seen;
  d.add_callback([](int) -> int {
     throw PoemError("oops");
   }).add_errback([&](const Failure& failure) {
    seen = message(failure);
    return 0;
  });
  CHECK_NOTHROW(d.callback(1));
  CHECK(seen == "oops");
}

TEST_CASE("a stage that throws or returns a Failure sends it to the next errback",
          "[deferred][routing]") {
  std::vector<std::string> seen;
  Deferred<int> d;
  d.add_callback([](int) -> int { throw PoemError("thrown"); })
      .add_callback([&](int) {
        seen.push_back("skipped callback");
        return 0;
      })
      .add_errback([&](const Failure& failure) {
        seen.push_back("errback got " + message(failure));
        return failure;  // returning the Failure passes it on
      })
      .add_errback([&](const Failure& failure) -> int {
        seen.push_back("errback got " + message(failure));
        return 7;  // recovered
      })
      .add_callback([&](int value) { seen.push_back("callback got " + std::to_string(value)); });
  d.callback(1);
  CHECK(seen ==
        std::vector<std::string>{"errback got thrown", "errback got thrown", "callback got 7"});
}

TEST_CASE("an errback that returns a value sends it to the next callback", "[deferred][routing]") {
  Deferred<std::string> d;
  std::string seen;
  d.add_errback([](const Failure&) {
     return std::string("recovered poem");
   }).add_callback([&](std::string poem) { seen = poem; });
  d.errback(poem_failure("lost"));
  CHECK(seen == "recovered poem");
}

TEST_CASE("an errback may recover with anything convertible to the chain's type",
          "[deferred][routing]") {
  Deferred<std::string> d;
  std::string seen;
  d.add_errback([](const Failure&) { return "a literal"; }).add_callback([&](std::string s) {
    seen = s;
  });
  d.errback(poem_failure("x"));
  CHECK(seen == "a literal");
}

TEST_CASE("an errback that throws replaces the Failure with its own", "[deferred][routing]") {
  Deferred<int> d;
  std::string seen;
  d.add_errback([](const Failure&) -> int {
     throw std::logic_error("second");
   }).add_errback([&](const Failure& failure) {
    seen = failure.to_string();
    return 0;
  });
  d.errback(poem_failure("first"));
  CHECK(seen == "[Failure: std::logic_error: second]");
}

TEST_CASE("a trapped Failure that does not match is passed on by trap's rethrow",
          "[deferred][routing]") {
  Deferred<int> d;
  std::string seen;
  d.add_errback([](const Failure& failure) {
     failure.trap<std::out_of_range>();
     return 1;
   }).add_errback([&](const Failure& failure) {
    seen = failure.to_string();
    return 2;
  });
  d.errback(poem_failure("not mine"));
  CHECK(seen == "[Failure: deferred_testing::PoemError: not mine]");
}

TEST_CASE("an Outcome returned by a stage is routed as its value or its Failure",
          "[deferred][routing]") {
  auto stage = [](int x) -> Outcome<int> {
    if (x < 0) return poem_failure("negative");
    return x * 2;
  };
  std::vector<std::string> seen;
  auto record = [&](Deferred<int> d) {
    d.add_callback(stage).add_callbacks(
        [&](int value) { seen.push_back("value " + std::to_string(value)); },
        [&](const Failure& failure) { seen.push_back("failure " + message(failure)); });
  };
  Deferred<int> a, b;
  record(a);
  record(b);
  a.callback(21);
  b.callback(-1);
  CHECK(seen == std::vector<std::string>{"value 42", "failure negative"});
}

TEST_CASE("add_callbacks' errback does not see its own callback's failure, unlike add_errback",
          "[deferred][routing]") {
  auto failing = [](int) -> int { throw PoemError("callback failed"); };
  std::vector<std::string> seen;
  auto errback = [&](const char* who) {
    return [&seen, who](const Failure&) {
      seen.push_back(who);
      return 0;
    };
  };
  Deferred<int> pair;
  pair.add_callbacks(failing, errback("same stage")).add_errback(errback("next stage"));
  pair.callback(1);
  Deferred<int> separate;
  separate.add_callback(failing).add_errback(errback("following stage"));
  separate.callback(1);
  CHECK(seen == std::vector<std::string>{"next stage", "following stage"});
}

TEST_CASE("each add_* method adds exactly one stage, visited once per firing",
          "[deferred][routing]") {
  // One value through four stages: each pair runs exactly one side, and every stage is visited.
  std::vector<std::string> ran;
  Deferred<int> d;
  d.add_callbacks(
       [&](int x) {
         ran.push_back("callbacks.cb");
         return x;
       },
       [&](const Failure&) {
         ran.push_back("callbacks.eb");
         return 0;
       })
      .add_callback([&](int x) {
        ran.push_back("callback");
        return x;
      })
      .add_errback([&](const Failure&) {
        ran.push_back("errback");
        return 0;
      })
      .add_both([&](Outcome<int> outcome) {
        ran.push_back(outcome.ok() ? "both(value)" : "both(failure)");
        return outcome;
      });
  d.callback(1);
  CHECK(ran == std::vector<std::string>{"callbacks.cb", "callback", "both(value)"});
}

TEST_CASE("add_both runs on either path, in its three forms", "[deferred][routing]") {
  std::vector<std::string> seen;
  struct Overloaded {
    std::vector<std::string>* seen;
    void operator()(int value) const { seen->push_back("value " + std::to_string(value)); }
    void operator()(const Failure& failure) const {
      seen->push_back("failure " + message(failure));
    }
  };
  for (bool ok : {true, false}) {
    Deferred<int> d;
    d.add_both([&](Outcome<int> outcome) {
       seen.push_back(outcome.ok() ? "outcome value" : "outcome failure");
       return outcome;
     })
        .add_both(Overloaded{&seen})
        .add_both([&] { seen.push_back("ignoring"); });
    if (ok)
      d.callback(3);
    else
      d.errback(poem_failure("bad"));
  }
  CHECK(seen == std::vector<std::string>{"outcome value", "value 3", "ignoring", "outcome failure",
                                         "failure bad", "ignoring"});
}

TEST_CASE("add_both with a function ignoring the result turns a failure into success",
          "[deferred][routing]") {
  LogCapture log;
  bool reached = false;
  {
    Deferred<std::string> d;
    d.add_both([] {}).add_callback([&] { reached = true; });
    d.errback(poem_failure("handled by add_both"));
  }
  CHECK(reached);
  CHECK(log.unhandled_reports() == 0);
}

TEST_CASE("extra arguments are passed after the result", "[deferred][arguments]") {
  Deferred<int> d;
  std::vector<std::string> seen;
  d.add_callback(
       [](int x, int times, std::string label) { return label + std::to_string(x * times); }, 3,
       std::string("x3="))
      .add_callback([](std::string text, std::vector<std::string>* out) { out->push_back(text); },
                    &seen)
      .add_errback([](const Failure& failure,
                      std::vector<std::string>* out) { out->push_back(message(failure)); },
                   &seen);
  d.callback(5);
  Deferred<void> e;
  e.add_errback(
      [](const Failure& failure, std::string server, std::vector<std::string>* out) {
        out->push_back(server + ": " + message(failure));
      },
      std::string("10.0.0.1:10000"), &seen);
  e.errback(poem_failure("refused"));
  CHECK(seen == std::vector<std::string>{"x3=15", "10.0.0.1:10000: refused"});
}

TEST_CASE("a stage may change the chain's type, and the handles follow it", "[deferred][types]") {
  Deferred<std::string> poem;
  Deferred<std::size_t> length = poem.add_callback([](const std::string& p) { return p.size(); });
  Deferred<void> printed = length.add_callback([](std::size_t) {});
  bool done = false;
  printed.add_both([&] { done = true; });
  poem.callback("four");
  CHECK(done);
  CHECK(poem == printed);  // one chain, several typed handles
}

TEST_CASE("a stale handle of the wrong type is refused with DeferredTypeError",
          "[deferred][types]") {
  Deferred<std::string> d;
  d.add_callback([](std::string p) { return p.size(); });
  CHECK_THROWS_AS(d.add_callback([](std::string) {}), pim::DeferredTypeError);
  CHECK_THROWS_WITH(d.add_errback([](const Failure&) { return std::string(); }),
                    Catch::Contains("Deferred<std::string>") &&
                        Catch::Contains("the chain now carries unsigned long"));
}

TEST_CASE("callback on a handle that is not the producer's is refused", "[deferred][types]") {
  Deferred<std::string> d;
  Deferred<int> tail = d.add_callback([](std::string) { return 1; });
  CHECK_THROWS_AS(tail.callback(1), pim::DeferredTypeError);
  CHECK_FALSE(d.called());
}

TEST_CASE("a handle whose type still matches may keep adding stages, as in Twisted",
          "[deferred][types]") {
  Deferred<int> d;
  d.add_callback([](int x) { return x + 1; });
  d.add_callback([](int x) { return x * 10; });
  int seen = 0;
  d.add_callback([&](int x) { seen = x; });
  d.callback(1);
  CHECK(seen == 20);
}

TEST_CASE("a moved-from handle is a named error, not a crash", "[deferred][types]") {
  Deferred<int> d;
  Deferred<int> moved = std::move(d);
  CHECK_THROWS_AS(d.callback(1), pim::DeferredUsageError);  // NOLINT(bugprone-use-after-move)
  CHECK_THROWS_AS(d.add_callback([](int) {}), pim::DeferredUsageError);
  CHECK_NOTHROW(d.cancel());
  CHECK_NOTHROW(moved.callback(1));
}

TEST_CASE("values are moved through the chain, so move-only types work", "[deferred][types]") {
  Deferred<std::unique_ptr<int>> d;
  int seen = 0;
  d.add_callback([](std::unique_ptr<int> p) {
     *p += 1;
     return p;
   }).add_callback([&](std::unique_ptr<int> p) { seen = *p; });
  d.callback(std::make_unique<int>(41));
  CHECK(seen == 42);
}

TEST_CASE("large values that do not fit inline are carried too", "[deferred][types]") {
  struct Big {
    char bytes[200];
  };
  Deferred<Big> d;
  char seen = 0;
  d.add_callback([](Big big) {
     big.bytes[199] = 'z';
     return big;
   }).add_callback([&](const Big& big) { seen = big.bytes[199]; });
  d.callback(Big{});
  CHECK(seen == 'z');
}

TEST_CASE("callbacks added after firing run at once, on the current result", "[deferred][fired]") {
  Deferred<int> d;
  d.add_callback([](int x) { return x + 1; });
  d.callback(1);
  int seen = 0;
  Deferred<int> tail = d.add_callback([](int x) { return x * 100; });
  CHECK(tail.called());
  tail.add_callback([&](int x) { seen = x; });
  CHECK(seen == 200);
}

TEST_CASE("a stage added from inside a running stage runs after it, not inside it",
          "[deferred][fired]") {
  Deferred<int> d;
  std::vector<std::string> order;
  d.add_callback([&](int x) {
    order.push_back("first begins");
    d.add_callback([&](int y) {
      order.push_back("added stage");
      return y;
    });
    order.push_back("first ends");
    return x;
  });
  d.callback(1);
  CHECK(order == std::vector<std::string>{"first begins", "first ends", "added stage"});
}

TEST_CASE("to_string describes unfired, fired and failed Deferreds", "[deferred][describe]") {
  Deferred<int> d;
  CHECK_THAT(d.to_string(), Catch::StartsWith("<Deferred at 0x") && Catch::EndsWith(">"));
  CHECK_THAT(d.to_string(), !Catch::Contains("current result"));
  d.callback(5);
  CHECK_THAT(d.to_string(), Catch::EndsWith(" current result: 5>"));
  Deferred<int> e;
  e.add_errback([](const Failure& f) { return f; });
  LogCapture log;
  e.errback(poem_failure("x"));
  CHECK_THAT(e.to_string(),
             Catch::EndsWith(" current result: [Failure: deferred_testing::PoemError: x]>"));
  e.add_errback([](const Failure&) { return 0; });
}

TEST_CASE("an unhandled failure is logged once the last handle goes away",
          "[deferred][unhandled]") {
  LogCapture log;
  {
    Deferred<int> d;
    d.add_callback([](int) -> int { throw PoemError("oops"); });
    d.callback(1);
    CHECK(log.unhandled_reports() == 0);  // someone may still add an errback
  }
  CHECK(log.unhandled_reports() == 1);
  CHECK_THAT(log.text(), Catch::Contains("deferred_testing::PoemError: oops"));
}

TEST_CASE("a failure handled later, or never failed, is not reported", "[deferred][unhandled]") {
  LogCapture log;
  {
    Deferred<int> d;
    d.errback(poem_failure("handled late"));
    d.add_errback([](const Failure&) { return 0; });
    Deferred<int> unfired;
    Deferred<int> fine;
    fine.callback(1);
  }
  CHECK(log.unhandled_reports() == 0);
}

TEST_CASE("an unhandled report includes the traceback of where the exception was caught",
          "[deferred][unhandled]") {
  LogCapture log;
  {
    Deferred<int> d;
    d.add_callback([](int) -> int { throw PoemError("deep"); });
    d.callback(1);
  }
  // The Failure was made by the chain's loop when it caught the exception: its frames include
  // the loop, so the report shows that it happened while the Deferred was running callbacks.
  CHECK_THAT(log.text(), Catch::Contains("Unhandled error in Deferred:"));
  CHECK_THAT(log.text(), Catch::Contains("pim::detail::DeferredState::"));
}
