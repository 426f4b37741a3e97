// Part 10: clients 5.0 and 5.1 against part 2's slow poetry server. Every outcome of cummingsify()
// is driven deterministically, by a --seed (one server: seed 2 lower-cases, seed 1 throws
// GibberishError, seed 0 throws the harmless error) and by --outcome; plus refused ports and bad
// arguments. Every run has a deadline: a client that never stops shows up as status -1.
#include <set>
#include <string>
#include <vector>

#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"

using namespace pim::testing;

namespace {

// How the clients print a poem: the poem, a newline if it lacks one, then a blank line.
std::string printed(const std::string& poem) {
  std::string text = poem;
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text + '\n';
}

// What cummingsify() makes of a poem: ASCII capitals lowered, every other byte as it was.
std::string lowered(std::string poem) {
  for (char& c : poem) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return poem;
}

// Printed by try_to_cummingsify() (5.0) or cummingsify_failed() (5.1) before the unchanged poem.
const std::string note =
    "Cummingsify failed (the capitals would not come down); here is the poem as it was.\n";
const std::string gibberish_line =
    "Poem failed: [Failure: GibberishError: the poem came out as gibberish]";
const std::string refused_line =
    "Poem failed: [Failure: ConnectionRefusedError: Connection was refused]";

std::string client_generator() {
  return GENERATE(as<std::string>{}, "get-poetry", "get-poetry-1");
}

// A server that sends its whole poem in a few dozen milliseconds.
std::vector<std::string> quick(const std::string& poem_file) {
  return {"--delay", "0.003", "--num-bytes", "100", poem_path(poem_file)};
}

bool either_order(const std::string& out, const std::string& a, const std::string& b) {
  return out == a + b || out == b + a;
}

}  // namespace

TEST_CASE("with seed 2 both clients print the poem in lower case, non-ASCII bytes untouched",
          "[part10][client][transform]") {
  const std::string name = client_generator();
  const std::string backend = GENERATE(from_range(backends()));
  SlowServer lantern(quick("lantern.txt"));
  auto result = run({program(name), "--reactor", backend, "--seed", "2", lantern.port_text()}, 30s);
  INFO(name << " on " << backend << ":\n" << result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  // lantern.txt has curly quotes, dashes and an ï: compared byte for byte, they must survive.
  CHECK(result.out == printed(lowered(poem("lantern.txt"))));
  CHECK(result.out != printed(poem("lantern.txt")));
}

TEST_CASE("with seed 1 cummingsify throws GibberishError, which reaches poem_failed as a Failure",
          "[part10][client][errbacks]") {
  const std::string name = client_generator();
  const std::string backend = GENERATE(from_range(backends()));
  SlowServer lantern(quick("lantern.txt"));
  auto result = run({program(name), "--reactor", backend, "--seed", "1", lantern.port_text()}, 30s);
  INFO(name << " on " << backend << ":\n" << result.out << result.err);
  CHECK(result.status == 1);
  // Exactly one line: poem_failed handled it, so no "Unhandled error in Deferred" follows.
  CHECK(lines(result.err) == std::vector<std::string>{gibberish_line});
  CHECK(result.out.empty());
}

TEST_CASE("with seed 0 cummingsify's harmless error is handled and the poem printed unchanged",
          "[part10][client][errbacks]") {
  // 5.0 catches StubbornCapitalsError inside try_to_cummingsify; 5.1's cummingsify_failed
  // errback recovers from CannotCummingsify. Same output, different paths through the chain.
  const std::string name = client_generator();
  const std::string backend = GENERATE(from_range(backends()));
  SlowServer lantern(quick("lantern.txt"));
  auto result = run({program(name), "--reactor", backend, "--seed", "0", lantern.port_text()}, 30s);
  INFO(name << " on " << backend << ":\n" << result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  CHECK(result.out == note + printed(poem("lantern.txt")));
}

TEST_CASE("the --outcome option makes cummingsify do the same with every poem",
          "[part10][client][transform]") {
  const std::string name = client_generator();
  SlowServer lantern(quick("lantern.txt"));
  SlowServer ferry(quick("ferry.txt"));
  const std::string lantern_text = poem("lantern.txt");
  const std::string ferry_text = poem("ferry.txt");

  auto fetch = [&](const std::string& outcome) {
    return run({program(name), "--outcome", outcome, lantern.port_text(), ferry.port_text()}, 30s);
  };
  SECTION("lower") {
    auto result = fetch("lower");
    INFO(name << ":\n" << result.out << result.err);
    CHECK(result.status == 0);
    CHECK(result.err.empty());
    CHECK(either_order(result.out, printed(lowered(lantern_text)), printed(lowered(ferry_text))));
  }
  SECTION("gibberish") {
    auto result = fetch("gibberish");
    INFO(name << ":\n" << result.out << result.err);
    CHECK(result.status == 1);
    CHECK(lines(result.err) == std::vector<std::string>{gibberish_line, gibberish_line});
    CHECK(result.out.empty());
  }
  SECTION("cannot") {
    auto result = fetch("cannot");
    INFO(name << ":\n" << result.out << result.err);
    CHECK(result.status == 0);
    CHECK(result.err.empty());
    CHECK(either_order(result.out, note + printed(lantern_text), note + printed(ferry_text)));
  }
}

TEST_CASE("a seed's choices are made one per poem, in the order the poems arrive",
          "[part10][client][transform]") {
  // Seed 1 draws GibberishError, then the harmless error: whichever poem arrives first is lost.
  const std::string name = client_generator();
  SlowServer lantern(quick("lantern.txt"));
  SlowServer ferry(quick("ferry.txt"));
  auto result = run({program(name), "--seed", "1", lantern.port_text(), ferry.port_text()}, 30s);
  INFO(name << ":\n" << result.out << result.err);
  CHECK(result.status == 1);
  CHECK(lines(result.err) == std::vector<std::string>{gibberish_line});
  const bool one_poem_unchanged = result.out == note + printed(poem("lantern.txt")) ||
                                  result.out == note + printed(poem("ferry.txt"));
  CHECK(one_poem_unchanged);
}

TEST_CASE("without a seed the choice is random: every outcome turns up",
          "[part10][client][transform]") {
  const std::string name = client_generator();
  SlowServer lantern(quick("lantern.txt"));
  const std::string lantern_text = poem("lantern.txt");
  std::set<std::string> seen;
  // Each run has a 1 in 3 chance of each outcome: 40 runs miss one with odds below 1 in 3 million.
  for (int attempt = 0; attempt < 40 && seen.size() < 3; ++attempt) {
    auto result = run({program(name), lantern.port_text()}, 30s);
    INFO(name << ":\n" << result.out << result.err);
    if (result.out == printed(lowered(lantern_text)) && result.status == 0) {
      seen.insert("lower");
    } else if (result.out == note + printed(lantern_text) && result.status == 0) {
      seen.insert("cannot");
    } else {
      REQUIRE(lines(result.err) == std::vector<std::string>{gibberish_line});
      CHECK(result.status == 1);
      seen.insert("gibberish");
    }
  }
  CHECK(seen == std::set<std::string>{"lower", "gibberish", "cannot"});
}

TEST_CASE("a refused connection skips the transformation and reaches poem_failed",
          "[part10][client][errbacks]") {
  // With --outcome cannot, 5.1's cummingsify_failed sees the refusal first: check() says it is
  // not a CannotCummingsify, so the Failure must go on untouched (no note, no poem for it).
  const std::string name = client_generator();
  const std::string outcome = GENERATE(as<std::string>{}, "lower", "cannot");
  SlowServer lantern(quick("lantern.txt"));
  RefusingPort refusing;
  auto result = run(
      {program(name), "--outcome", outcome, std::to_string(refusing.port()), lantern.port_text()},
      30s);
  INFO(name << " --outcome " << outcome << ":\n" << result.out << result.err);
  CHECK(result.status == 1);
  CHECK(lines(result.err) == std::vector<std::string>{refused_line});
  const std::string lantern_text = poem("lantern.txt");
  CHECK(result.out ==
        (outcome == "lower" ? printed(lowered(lantern_text)) : note + printed(lantern_text)));
}

TEST_CASE("the clients stop by themselves when every download has failed",
          "[part10][client][errbacks]") {
  const std::string name = client_generator();
  RefusingPort first;
  RefusingPort second;
  auto result =
      run({program(name), std::to_string(first.port()), std::to_string(second.port())}, 30s);
  INFO(name << ":\n" << result.out << result.err);
  CHECK(result.status == 1);  // not -1: poem_done saw poems + errors reach the number of servers
  CHECK(lines(result.err) == std::vector<std::string>{refused_line, refused_line});
  CHECK(result.out.empty());
}

TEST_CASE("the clients reject bad arguments with exit status 2", "[part10][client][usage]") {
  const std::string name = client_generator();
  const std::vector<std::vector<std::string>> cases{
      {},                                   // no address at all
      {"ten"},                              // not a port
      {"70000"},                            // beyond 65535
      {"--reactor", "kqueue", "10000"},     // not one of our backends
      {"--seed", "-1", "10000"},            // seeds are 0 .. 2^32 - 1
      {"--seed", "4294967296", "10000"},    //
      {"--seed", "two", "10000"},           //
      {"--outcome", "uppercase", "10000"},  // not one of the fates
  };
  for (const auto& args : cases) {
    auto result = run(command(program(name), args), 10s);
    INFO(name << " " << (args.empty() ? "(none)" : args.front()) << ": " << result.err);
    CHECK(result.status == 2);
    CHECK(result.err.find(name + ": error: ") != std::string::npos);
    CHECK(result.out.empty());
  }
}

TEST_CASE("the clients' --help shows the command to try and the two new options",
          "[part10][client][usage]") {
  const std::string name = client_generator();
  auto result = run({program(name), "--help"}, 10s);
  CHECK(result.status == 0);
  CHECK(result.out.find("build/bin/part10/" + name + " --seed") != std::string::npos);
  CHECK(result.out.find("--outcome") != std::string::npos);
}
