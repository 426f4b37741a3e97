// Deferred cancellation (part 19), case by case as Twisted defines it: with and without a
// canceller, before and after firing, and while paused on an inner Deferred.
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

namespace {

// An errback that records the Failure's type and message, and recovers.
auto recorder(std::vector<std::string>& seen) {
  return [&seen](const Failure& failure) {
    seen.push_back(failure.to_string());
    return std::string();
  };
}

const std::string cancelled = "[Failure: CancelledError: Deferred was cancelled]";

}  // namespace

TEST_CASE("cancel before firing errbacks with CancelledError", "[deferred][cancel]") {
  Deferred<std::string> d;
  std::vector<std::string> seen;
  d.add_errback(recorder(seen));
  d.cancel();
  CHECK(seen == std::vector<std::string>{cancelled});
  CHECK(d.called());
}

TEST_CASE("an unhandled cancellation is reported like any unhandled failure",
          "[deferred][cancel]") {
  LogCapture log;
  {
    Deferred<int> d;
    d.cancel();
  }
  CHECK(log.unhandled_reports() == 1);
  CHECK_THAT(log.text(), Catch::Contains("CancelledError"));
}

TEST_CASE("without a canceller, the producer's next fire is swallowed, the one after raises",
          "[deferred][cancel]") {
  Deferred<std::string> d;
  std::vector<std::string> seen;
  d.add_callbacks(
      [&](std::string poem) {
        seen.push_back("callback " + poem);
        return poem;
      },
      recorder(seen));
  d.cancel();
  CHECK_NOTHROW(d.callback("late poem"));  // the producer did not know: quietly dropped
  CHECK(seen == std::vector<std::string>{cancelled});
  CHECK_THROWS_AS(d.callback("another"), pim::AlreadyCalledError);
}

TEST_CASE("the swallowed fire may be an errback as well", "[deferred][cancel]") {
  Deferred<int> d;
  d.add_errback([](const Failure&) { return 0; });
  d.cancel();
  CHECK_NOTHROW(d.errback(poem_failure("late failure")));
  CHECK_THROWS_AS(d.errback(poem_failure("again")), pim::AlreadyCalledError);
}

TEST_CASE("the canceller runs first; if it does not fire, CancelledError follows",
          "[deferred][cancel]") {
  std::vector<std::string> seen;
  Deferred<std::string> d([&](Deferred<std::string>&) { seen.push_back("canceller"); });
  d.add_errback(recorder(seen));
  d.cancel();
  CHECK(seen == std::vector<std::string>{"canceller", cancelled});
}

TEST_CASE("with a canceller that did not fire it, a later fire raises AlreadyCalledError",
          "[deferred][cancel]") {
  Deferred<int> d([] {});
  d.add_errback([](const Failure&) { return 0; });
  d.cancel();
  CHECK_THROWS_AS(d.callback(1), pim::AlreadyCalledError);
}

TEST_CASE("a canceller may fire the Deferred itself, with a result or a failure",
          "[deferred][cancel]") {
  std::vector<std::string> seen;
  Deferred<std::string> with_result([](Deferred<std::string>& d) { d.callback("partial poem"); });
  with_result.add_callbacks(
      [&](std::string poem) {
        seen.push_back("callback " + poem);
        return poem;
      },
      recorder(seen));
  with_result.cancel();
  Deferred<std::string> with_failure(
      [](Deferred<std::string>& d) { d.errback(poem_failure("stopped by canceller")); });
  with_failure.add_errback(recorder(seen));
  with_failure.cancel();
  CHECK(seen ==
        std::vector<std::string>{"callback partial poem",
                                 "[Failure: deferred_testing::PoemError: stopped by canceller]"});
}

TEST_CASE("cancelling a fired Deferred does nothing and does not call the canceller",
          "[deferred][cancel]") {
  int canceller_calls = 0;
  Deferred<int> d([&] { ++canceller_calls; });
  std::vector<int> seen;
  d.add_callback([&](int x) { seen.push_back(x); });
  d.callback(1);
  d.cancel();
  CHECK(seen == std::vector<int>{1});
  CHECK(canceller_calls == 0);
}

TEST_CASE("cancelling twice is harmless and calls the canceller once", "[deferred][cancel]") {
  int canceller_calls = 0;
  Deferred<int> d([&] { ++canceller_calls; });
  d.add_errback([](const Failure&) { return 0; });
  CHECK_NOTHROW(d.cancel());
  CHECK_NOTHROW(d.cancel());
  CHECK(canceller_calls == 1);
}

TEST_CASE("cancel never throws, even when the canceller does", "[deferred][cancel]") {
  LogCapture log;
  Deferred<int> d([]() { throw std::runtime_error("canceller broke"); });
  std::vector<std::string> seen;
  d.add_errback([&](const Failure& failure) {
    seen.push_back(failure.to_string());
    return 0;
  });
  CHECK_NOTHROW(d.cancel());
  CHECK(seen == std::vector<std::string>{cancelled});
  CHECK_THAT(log.text(), Catch::Contains("canceller broke"));
}

TEST_CASE("cancelling an outer Deferred paused on an inner one cancels the inner instead",
          "[deferred][cancel]") {
  std::vector<std::string> seen;
  Deferred<int> inner([&] { seen.push_back("inner canceller"); });
  Deferred<int> outer([&] { seen.push_back("outer canceller"); });
  outer
      .add_callback([&](int) {
        seen.push_back("outer callback returns inner");
        return inner;
      })
      .add_errback([&](const Failure& failure) {
        seen.push_back("outer errback: " + failure.to_string());
        return 0;
      });
  outer.callback(1);
  outer.cancel();
  CHECK(seen == std::vector<std::string>{"outer callback returns inner", "inner canceller",
                                         "outer errback: " + cancelled});
}

TEST_CASE("the canceller is dropped once the Deferred fires", "[deferred][cancel]") {
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> probe = token;
  Deferred<int> d([token] {});
  token.reset();
  CHECK_FALSE(probe.expired());
  d.callback(1);
  CHECK(probe.expired());
}

TEST_CASE("a canceller may take the Deferred or nothing", "[deferred][cancel]") {
  // Both forms compile and run; the one taking the Deferred can fire it.
  Deferred<void> with_arg([](Deferred<void>& d) { d.callback(); });
  bool fired = false;
  with_arg.add_callback([&] { fired = true; });
  with_arg.cancel();
  CHECK(fired);
  CHECK(message(Failure(pim::CancelledError())) == "Deferred was cancelled");
}
