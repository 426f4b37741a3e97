// Checks part 10, exercise 2: every way the Deferreds of clients 5.0 and 5.1 can fire, simulated
// with part 9's deferred-simulator. One check for two files (exercises/ex02_client_5_0.txt and
// ex02_client_5_1.txt): the file name (PIM_EXERCISE_FILE) says which client it models.
//
// A file holds four lists of pairs, separated by blank lines, one per firing, in this order:
// (1) cummingsify lower-cases the poem, (2) it throws GibberishError, (3) it throws the harmless
// error (5.0's StubbornCapitalsError, 5.1's CannotCummingsify), (4) the download fails. Lines
// starting with `#` are comments. The check feeds each list to `deferred-simulator --narrow
// --quiet`, reads the diagrams it draws (tests/simulator_output.hpp), and checks that they model
// the client's chain: the stages the client adds (how many, and which side of each passes the
// result through), and, in the firing that matters for that list (d.callback for the first three,
// d.errback for the fourth), which box runs at each stage and that the chain ends with a value.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pim/testing/catch.hpp"
#include "pim/testing/process.hpp"
#include "simulator_output.hpp"

using namespace part10;
using namespace std::chrono_literals;

namespace {

const std::string simulator = std::string(PIM_BIN_ROOT) + "/part09/deferred-simulator";
const std::string file = PIM_EXERCISE_FILE;
const bool client_5_1 = file.find("5_1") != std::string::npos;
const std::string client = client_5_1 ? "client 5.1" : "client 5.0";

constexpr Side cb = Side::callback;
constexpr Side eb = Side::errback;

/// The file's lists of pairs: comments dropped, blank lines separating the lists.
std::vector<std::vector<std::string>> read_lists() {
  std::ifstream in(file);
  REQUIRE(in);
  std::vector<std::vector<std::string>> lists(1);
  std::string line;
  while (std::getline(in, line)) {
    const std::string text = trim(line);
    if (!text.empty() && text.front() == '#') continue;
    if (text.empty()) {
      if (!lists.back().empty()) lists.emplace_back();
    } else {
      lists.back().push_back(text);
    }
  }
  if (lists.back().empty()) lists.pop_back();
  return lists;
}

std::string show(const std::vector<std::string>& pairs) {
  std::string text;
  for (const std::string& pair : pairs)
    text += "  " + pair + "\n";
  return text;
}

std::string show(const std::vector<RanBox>& boxes) {
  std::string text;
  for (const RanBox& box : boxes)
    text += std::string(box.side == cb ? "callback" : "errback") + " ";
  return text;
}

std::vector<Side> sides(const DrawnFiring& firing) {
  std::vector<Side> result;
  for (const RanBox& box : firing.boxes)
    result.push_back(box.side);
  return result;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool passes_failure_on(const std::string& caption) {
  return caption == "passthru" || starts_with(caption, "fail ");
}

/// Runs the simulator on one list, as a learner would, and reads what it drew.
DrawnSimulation simulate(const std::vector<std::string>& pairs) {
  INFO("part 9's simulator is missing: build it with `cmake --build build --target part09`");
  REQUIRE(std::ifstream(simulator).good());
  std::string input;
  for (const std::string& pair : pairs)
    input += pair + "\n";
  input += "\n";  // a blank line ends the list
  auto result = pim::testing::run({simulator, "--narrow", "--quiet"}, 10s, input);
  INFO("deferred-simulator --narrow --quiet, given\n"
       << show(pairs) << "printed\n"
       << result.out << result.err);
  REQUIRE(result.status == 0);
  // The simulator reports a line it cannot read (`ERROR: ...`) and skips it.
  REQUIRE(result.out.find("ERROR") == std::string::npos);
  REQUIRE(result.err.find("ERROR") == std::string::npos);
  try {
    return read_narrow_output(result.out);
  } catch (const std::exception& error) {
    FAIL("cannot read the diagrams: " << error.what());
    throw;
  }
}

/// What one list must model.
struct Expected {
  const char* firing;      ///< which firing the list is about
  bool fire_with_failure;  ///< read the d.errback diagram instead of d.callback
  std::vector<Side> path;  ///< the side of the box that runs at each stage
};

const std::vector<Expected>& expectations() {
  static const std::vector<Expected> for_5_0{
      {"1 (cummingsify lower-cases the poem)", false, {cb, cb, cb}},
      {"2 (cummingsify throws GibberishError)", false, {cb, eb, cb}},
      {"3 (cummingsify throws StubbornCapitalsError)", false, {cb, cb, cb}},
      {"4 (the download fails)", true, {eb, eb, cb}},
  };
  static const std::vector<Expected> for_5_1{
      {"1 (cummingsify lower-cases the poem)", false, {cb, cb, cb, cb}},
      {"2 (cummingsify throws GibberishError)", false, {cb, eb, eb, cb}},
      {"3 (cummingsify throws CannotCummingsify)", false, {cb, eb, cb, cb}},
      {"4 (the download fails)", true, {eb, eb, eb, cb}},
  };
  return client_5_1 ? for_5_1 : for_5_0;
}

/// The stages the client adds, whatever happens: how many, and which sides only pass through.
void check_chain(const std::vector<DrawnPair>& chain) {
  const std::size_t stages = client_5_1 ? 4 : 3;
  INFO(client << " adds " << stages << " stages to each Deferred; this list has " << chain.size()
              << " pairs");
  REQUIRE(chain.size() == stages);
  {
    INFO("stage 1 is added with add_callback(): its errback passes the failure through");
    CHECK(chain[0].errback == "passthru");
  }
  if (client_5_1) {
    INFO("stage 2 is added with add_errback(): its callback passes the poem through");
    CHECK(chain[1].callback == "passthru");
  }
  const DrawnPair& printing = chain[stages - 2];
  {
    INFO("got_poem and poem_failed (add_callbacks) both return normally: `r VALUE` each");
    CHECK(starts_with(printing.callback, "return "));
    CHECK(starts_with(printing.errback, "return "));
  }
  const DrawnPair& done = chain[stages - 1];
  INFO("add_both(poem_done) puts the same function on both sides, and it returns normally");
  CHECK(starts_with(done.callback, "return "));
  CHECK(done.callback == done.errback);
}

/// What each list says the first stages do, beyond the path they produce.
void check_stages(std::size_t index, const std::vector<DrawnPair>& chain) {
  const std::string first = chain[0].callback;
  if (index == 0) {
    INFO("the transformation succeeds: stage 1's callback returns the new poem");
    CHECK(starts_with(first, "return "));
  } else if (index == 1) {
    INFO("GibberishError escapes stage 1's callback: it fails");
    CHECK(starts_with(first, "fail "));
  } else if (index == 2 && !client_5_1) {
    INFO("in 5.0, try_to_cummingsify catches the error itself: stage 1's callback returns");
    CHECK(starts_with(first, "return "));
  } else if (index == 2) {
    INFO("in 5.1, cummingsify throws CannotCummingsify (fails), cummingsify_failed recovers");
    CHECK(starts_with(first, "fail "));
    CHECK(starts_with(chain[1].errback, "return "));
  }
  if (client_5_1 && (index == 1 || index == 3)) {
    INFO("cummingsify_failed passes every other failure on: passthru, or fail with a value");
    CHECK(passes_failure_on(chain[1].errback));
  }
}

void check_firing(std::size_t index, const DrawnSimulation& drawn) {
  const Expected& expected = expectations()[index];
  const DrawnFiring& firing = expected.fire_with_failure ? drawn.on_errback : drawn.on_callback;
  INFO("the " << (expected.fire_with_failure ? "d.errback(initial*)" : "d.callback(initial)")
              << " diagram runs: " << show(firing.boxes));
  CHECK(sides(firing) == expected.path);
  INFO("the chain ends with " << firing.result << ": every failure is handled by poem_failed");
  CHECK_FALSE(is_failure(firing.result));
}

void check_list(std::size_t index) {
  const auto lists = read_lists();
  INFO(file << ": " << client << ", firing " << expectations()[index].firing);
  INFO("the file needs four lists of pairs, separated by blank lines; it has " << lists.size());
  REQUIRE(lists.size() <= 4);
  REQUIRE(index < lists.size());
  const DrawnSimulation drawn = simulate(lists[index]);
  INFO("the list:\n" << show(lists[index]));
  check_chain(drawn.chain);
  check_stages(index, drawn.chain);
  check_firing(index, drawn);
}

}  // namespace

TEST_CASE("firing 1 models a poem that cummingsify lower-cases", "[part10][exercise][simulator]") {
  check_list(0);
}

TEST_CASE("firing 2 models a poem that cummingsify turns into gibberish",
          "[part10][exercise][simulator]") {
  check_list(1);
}

TEST_CASE("firing 3 models a poem that cummingsify cannot transform, and the client recovers",
          "[part10][exercise][simulator]") {
  check_list(2);
}

TEST_CASE("firing 4 models a download that fails", "[part10][exercise][simulator]") {
  check_list(3);
}
