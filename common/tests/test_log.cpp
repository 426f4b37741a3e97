// log::msg, log::err, contexts and redirection.
#include "pim/log.hpp"

#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "pim/testing/catch.hpp"

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

struct Named : pim::LoggingContext {
  std::string name;
  explicit Named(std::string n) : name(std::move(n)) {}
  std::string log_prefix() const override { return name; }
};

const std::regex entry(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000 \[([^\]]*)\] (.*))");

}  // namespace

TEST_CASE("log::msg writes a UTC timestamp, the system and its words", "[common][log]") {
  std::ostringstream out;
  pim::log::Redirect redirect(out);
  pim::log::msg("got", 10, "bytes");
  auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 1);
  std::smatch match;
  REQUIRE(std::regex_match(lines[0], match, entry));
  CHECK(match[1] == "-");
  CHECK(match[2] == "got 10 bytes");
}

TEST_CASE("format_time prints seconds since the epoch as UTC", "[common][log]") {
  CHECK(pim::log::format_time(0) == "1970-01-01 00:00:00+0000");
  CHECK(pim::log::format_time(1700000000) == "2023-11-14 22:13:20+0000");
}

TEST_CASE("log::err writes why, then the exception's type and message", "[common][log]") {
  std::ostringstream out;
  pim::log::Redirect redirect(out);
  try {
    throw std::out_of_range("no such line");
  } catch (...) {
    pim::log::err();
  }
  pim::log::err(std::make_exception_ptr(std::runtime_error("I fall down.")), "While counting");
  pim::log::err(std::invalid_argument("bad port"));
  auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 6);
  CHECK(lines[0].ends_with("[-] Unhandled error"));
  CHECK(lines[1] == "\tstd::out_of_range: no such line");
  CHECK(lines[2].ends_with("[-] While counting"));
  CHECK(lines[3] == "\tstd::runtime_error: I fall down.");
  CHECK(lines[5] == "\tstd::invalid_argument: bad port");
}

TEST_CASE("a multi-line message continues on tab-indented lines", "[common][log]") {
  std::ostringstream out;
  pim::log::Redirect redirect(out);
  pim::log::msg("first\nsecond");
  auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].ends_with("[-] first"));
  CHECK(lines[1] == "\tsecond");
}

TEST_CASE("a context scope names the system, and nested scopes restore the outer one",
          "[common][log]") {
  std::ostringstream out;
  pim::log::Redirect redirect(out);
  Named outer("PoetrySocket");
  Named inner("127.0.0.1:10000");
  {
    pim::log::ContextScope a(outer);
    CHECK(pim::log::current_system() == "PoetrySocket");
    {
      pim::log::ContextScope b(inner);
      pim::log::msg("inner");
    }
    pim::log::msg("outer");
  }
  pim::log::msg("none");
  auto text = out.str();
  CHECK(text.find("[127.0.0.1:10000] inner\n") != std::string::npos);
  CHECK(text.find("[PoetrySocket] outer\n") != std::string::npos);
  CHECK(text.find("[-] none\n") != std::string::npos);
}

TEST_CASE("Redirect puts the previous output back", "[common][log]") {
  std::ostringstream first;
  std::ostringstream second;
  pim::log::Redirect to_first(first);
  {
    pim::log::Redirect to_second(second);
    pim::log::msg("two");
  }
  pim::log::msg("one");
  CHECK(first.str().find("one") != std::string::npos);
  CHECK(first.str().find("two") == std::string::npos);
  CHECK(second.str().find("two") != std::string::npos);
}

TEST_CASE("entries logged from several threads never interleave", "[common][log]") {
  std::ostringstream out;
  pim::log::Redirect redirect(out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) {
        pim::log::msg("thread", t, "entry", i);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 800);
  const std::regex whole(R"(.* \[-\] thread \d entry \d+)");
  for (const auto& line : lines) {
    REQUIRE(std::regex_match(line, whole));
  }
}
