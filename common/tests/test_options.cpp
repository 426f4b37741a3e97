#include "pim/options.hpp"

#include "pim/testing/catch.hpp"

namespace {

// Holds argv strings for the duration of one parse.
struct Args {
  std::vector<std::string> words;
  std::vector<char*> pointers;
  explicit Args(std::vector<std::string> list) : words(std::move(list)) {
    for (auto& word : words)
      pointers.push_back(word.data());
    pointers.push_back(nullptr);
  }
  int argc() const { return int(words.size()); }
  char* const* argv() const { return pointers.data(); }
};

struct Fixture {
  long port = 0;
  double delay = 0.1;
  bool print = false;
  std::string iface = "localhost";
  std::string model = "all";
  pim::Options options{{"prog", "[options] FILE", "A test program.", "build/bin/prog FILE"}};
  Fixture() {
    options.integer("port", "N", "port", port, 0, 65535)
        .seconds("delay", "S", "delay", delay)
        .flag("print", "print it", print)
        .text("iface", "ADDR", "interface", iface)
        .choice("model", "NAME", "model", model, {"sync", "threaded", "async", "all"});
  }
  pim::ParseResult parse(std::vector<std::string> words) {
    words.insert(words.begin(), "prog");
    Args args(std::move(words));
    return options.parse(args.argc(), args.argv());
  }
};

using Outcome = pim::ParseResult::Outcome;

}  // namespace

TEST_CASE("options set their targets and leave positionals in order", "[common][options]") {
  Fixture f;
  auto result = f.parse({"--port", "10000", "a.txt", "--delay=0.5", "--print", "b.txt"});
  REQUIRE(result.outcome == Outcome::run);
  CHECK(f.port == 10000);
  CHECK(f.delay == 0.5);
  CHECK(f.print);
  CHECK(result.positionals == std::vector<std::string>{"a.txt", "b.txt"});
}

TEST_CASE("untouched options keep their defaults", "[common][options]") {
  Fixture f;
  REQUIRE(f.parse({"x"}).outcome == Outcome::run);
  CHECK(f.port == 0);
  CHECK(f.delay == 0.1);
  CHECK(f.iface == "localhost");
}

TEST_CASE("help and version are recognised in long and short form", "[common][options]") {
  Fixture f;
  CHECK(f.parse({"--help"}).outcome == Outcome::help);
  CHECK(f.parse({"-h"}).outcome == Outcome::help);
  CHECK(f.parse({"--version"}).outcome == Outcome::version);
  CHECK(f.parse({"-V"}).outcome == Outcome::version);
}

TEST_CASE("usage errors name the bad option or value", "[common][options]") {
  Fixture f;
  CHECK(f.parse({"--bogus"}).message == "unrecognized option '--bogus'");
  CHECK(f.parse({"-x"}).message == "unrecognized option '-x'");
  CHECK(f.parse({"--port"}).message == "option '--port' needs a value");
  CHECK(f.parse({"--port", "abc"}).message ==
        "--port: expected a whole number from 0 to 65535, got 'abc'");
  CHECK(f.parse({"--port", "70000"}).outcome == Outcome::error);
  CHECK(f.parse({"--delay", "-1"}).message ==
        "--delay: expected a number of seconds, 0 or more, got '-1'");
  CHECK(f.parse({"--delay", "nan"}).outcome == Outcome::error);
  CHECK(f.parse({"--delay", "1s"}).outcome == Outcome::error);
  CHECK(f.parse({"--model", "fibers"}).message ==
        "--model: expected one of: sync, threaded, async, all, got 'fibers'");
}

TEST_CASE("parsing twice starts afresh", "[common][options]") {
  Fixture f;
  CHECK(f.parse({"--bogus"}).outcome == Outcome::error);
  CHECK(f.parse({"--port", "5", "f"}).outcome == Outcome::run);
  CHECK(f.port == 5);
}

TEST_CASE("help shows usage, the example command and every option", "[common][options]") {
  Fixture f;
  std::string help = f.options.help();
  CHECK(help.rfind("Usage: prog [options] FILE\n", 0) == 0);
  CHECK(help.find("build/bin/prog FILE") != std::string::npos);
  for (const char* name : {"--port N", "--delay S", "--print", "--iface ADDR", "--model NAME",
                           "-h, --help", "-V, --version"}) {
    CHECK(help.find(name) != std::string::npos);
  }
}
