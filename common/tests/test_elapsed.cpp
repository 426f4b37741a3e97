#include "pim/elapsed.hpp"

#include "pim/testing/catch.hpp"

using namespace std::chrono;
using pim::format_elapsed;

TEST_CASE("elapsed times print like Python's timedelta", "[common][elapsed]") {
  CHECK(format_elapsed(microseconds(10'126'361)) == "0:00:10.126361");
  CHECK(format_elapsed(microseconds(23'065'661)) == "0:00:23.065661");
  CHECK(format_elapsed(hours(1) + minutes(2) + seconds(3) + microseconds(4)) == "1:02:03.000004");
}

TEST_CASE("whole seconds drop the fraction, as timedelta does", "[common][elapsed]") {
  CHECK(format_elapsed(seconds(3)) == "0:00:03");
  CHECK(format_elapsed(nanoseconds(0)) == "0:00:00");
}

TEST_CASE("sub-microsecond parts are truncated", "[common][elapsed]") {
  CHECK(format_elapsed(nanoseconds(1'999)) == "0:00:00.000001");
  CHECK(format_elapsed(nanoseconds(999)) == "0:00:00");
}

TEST_CASE("a day or more is spelled out", "[common][elapsed]") {
  CHECK(format_elapsed(hours(24)) == "1 day, 0:00:00");
  CHECK(format_elapsed(hours(50) + microseconds(1)) == "2 days, 2:00:00.000001");
}

TEST_CASE("negative durations keep their sign", "[common][elapsed]") {
  CHECK(format_elapsed(-microseconds(1'500'000)) == "-0:00:01.500000");
}

TEST_CASE("a stopwatch never reports negative time", "[common][elapsed]") {
  pim::Stopwatch watch;
  CHECK(watch.elapsed() >= nanoseconds(0));
  CHECK(watch.formatted().rfind("0:00:0", 0) == 0);
}
