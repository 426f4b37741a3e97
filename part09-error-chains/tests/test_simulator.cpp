// Part 9: the deferred-simulator program, run as the learner runs it. Transcripts are compared
// byte for byte with tests/data/: the two of the issue (copied from it exactly), and ours, whose
// every box and arrow follows from the routing rules (the chapter walks through figure18.txt).
// Then the input rules: abbreviations, comments, errors, empty lists, several lists, EOF.
#include <string>

#include "pim/file.hpp"
#include "pim/testing/catch.hpp"
#include "simulator_helpers.hpp"

using part09::data_file;
using part09::simulate;

namespace {

std::string pairs_file(const std::string& name) {
  return pim::read_file(std::string(PIM_PART_DIR) + "/pairs/" + name);
}

// The simulator's output for \p input, which must be clean: status 0, nothing on stderr.
std::string drawn(const std::vector<std::string>& args, const std::string& input) {
  auto result = simulate(args, input);
  INFO("stderr: " << result.err);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  return result.out;
}

}  // namespace

TEST_CASE("the simulator draws the issue's side-by-side example byte for byte",
          "[part09][simulator][transcript]") {
  CHECK(drawn({"--quiet"}, "r good f bad\nf googly p\n\n") ==
        data_file("wide_good_bad_googly.txt"));
}

TEST_CASE("the simulator draws the issue's narrow example byte for byte",
          "[part09][simulator][transcript]") {
  CHECK(drawn({"--narrow", "--quiet"}, "p p\nr x f y\n\n") == data_file("narrow_passthru_x_y.txt"));
}

TEST_CASE("one pair: a callback that returns, an errback that fails",
          "[part09][simulator][transcript]") {
  CHECK(drawn({"--quiet"}, "r a f b\n\n") == data_file("single_pair.txt"));
}

TEST_CASE("a chain of passthrus hands the initial value or failure through unchanged",
          "[part09][simulator][transcript]") {
  CHECK(drawn({"--quiet", "--narrow"}, "p p\npa pass\nPASSTHRU P\n\n") ==
        data_file("all_passthru.txt"));
}

TEST_CASE("an errback that returns a value sends the chain back to the callbacks",
          "[part09][simulator][transcript]") {
  CHECK(drawn({"--quiet"}, "f bad p\np r fixed\nr done p\n\n") ==
        data_file("errback_recovers.txt"));
}

TEST_CASE("a long chain switches columns as often as its stages say",
          "[part09][simulator][transcript]") {
  CHECK(drawn({"--quiet", "--narrow"}, "r a f b\nf c p\np p\np r d\nf e r f\nr g p\n\n") ==
        data_file("long_chain.txt"));
}

TEST_CASE("the chapter's Figure 18 input draws the chapter's diagram and trace",
          "[part09][simulator][transcript]") {
  CHECK(drawn({"--quiet"}, pairs_file("figure18.txt")) == data_file("figure18.txt"));
  CHECK(drawn({"--quiet", "--trace"}, pairs_file("figure18.txt")) ==
        data_file("figure18_trace.txt"));
}

TEST_CASE("the chapter shows the simulator's output exactly as it is", "[part09][simulator]") {
  const std::string chapter = pim::read_file(std::string(PIM_PART_DIR) + "/README.md");
  for (const char* name : {"wide_good_bad_googly.txt", "figure18.txt", "figure18_trace.txt"}) {
    INFO("README.md should show tests/data/" << name << " in a code block");
    CHECK(chapter.find("```\n" + data_file(name) + "```") != std::string::npos);
  }
}

TEST_CASE("without --quiet the instructions come first and a prompt follows each diagram",
          "[part09][simulator]") {
  const std::string out = drawn({}, pairs_file("good_bad_googly.txt"));
  const std::string diagram = data_file("wide_good_bad_googly.txt");
  const std::string prompt = "Enter another list of pairs, or end the input (Ctrl-D) to quit.\n";
  REQUIRE(out.size() > diagram.size() + prompt.size());
  CHECK(out.rfind("Deferred simulator: enter callback/errback pairs", 0) == 0);
  CHECK(out.find("  return VALUE") != std::string::npos);
  CHECK(out.substr(out.size() - diagram.size() - prompt.size()) == diagram + prompt);
}

TEST_CASE("comment lines are skipped without ending the list", "[part09][simulator]") {
  CHECK(drawn({"--quiet"}, "# two pairs\nr good f bad  # the first\n  # more\nf googly p\n\n") ==
        data_file("wide_good_bad_googly.txt"));
}

TEST_CASE("every list is drawn in turn, and the end of the input ends the last one",
          "[part09][simulator]") {
  // No empty line after the second list: the end of the input draws it.
  CHECK(drawn({"--quiet"}, "r good f bad\nf googly p\n\nr a f b") ==
        data_file("wide_good_bad_googly.txt") + data_file("single_pair.txt"));
}

TEST_CASE("bad lines are refused with ERROR and the reason, and the rest goes on",
          "[part09][simulator][errors]") {
  auto result = simulate({"--quiet"},
                         "x y\n"
                         "r good\n"
                         "r\n"
                         "r toolongvalue p\n"
                         "r a-b p\n"
                         "r good f bad extra\n"
                         "run a p\n"
                         "r a f b\n"
                         "\n");
  CHECK(result.status == 0);
  CHECK(result.err ==
        "ERROR: bad command: x\n"
        "ERROR: missing command\n"
        "ERROR: missing argument\n"
        "ERROR: value more than 6 characters long: toolongvalue\n"
        "ERROR: value not letters and digits: a-b\n"
        "ERROR: extra arguments\n"
        "ERROR: bad command: run\n");
  CHECK(result.out == data_file("single_pair.txt"));
}

TEST_CASE("an empty list is refused and asked for again", "[part09][simulator][errors]") {
  auto result = simulate({"--quiet"}, "\n  \nr a f b\n\n");
  CHECK(result.status == 0);
  CHECK(result.err == "You must enter at least one pair.\nYou must enter at least one pair.\n");
  CHECK(result.out == data_file("single_pair.txt"));
}

TEST_CASE("the end of the input ends the simulator quietly", "[part09][simulator]") {
  auto quiet = simulate({"--quiet"}, "");
  CHECK(quiet.status == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
  auto chatty = simulate({}, "");
  CHECK(chatty.status == 0);
  CHECK(chatty.out.find("Deferred simulator:") == 0);
  CHECK(chatty.out.find("Enter another list") == std::string::npos);
  CHECK(chatty.err.empty());
}

TEST_CASE("the simulator refuses arguments with a usage error", "[part09][simulator][errors]") {
  auto result = simulate({"r", "good"}, "");
  CHECK(result.status == 2);
  CHECK(result.out.empty());
  CHECK(result.err.find("deferred-simulator: error: no arguments expected") != std::string::npos);
  CHECK(simulate({"--wide"}, "").status == 2);
}

TEST_CASE("the simulator's --help shows how to run it from the repository root",
          "[part09][simulator]") {
  auto result = simulate({"--help"}, "");
  CHECK(result.status == 0);
  CHECK(result.out.find("build/bin/part09/deferred-simulator") != std::string::npos);
  CHECK(result.out.find("--narrow") != std::string::npos);
  CHECK(result.out.find("--quiet") != std::string::npos);
  CHECK(result.out.find("--trace") != std::string::npos);
}
