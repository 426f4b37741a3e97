// The deferred simulator: type callback/errback pairs, see how a Deferred fires them. Part 9;
// read the chapter's "Stage by stage" first. It builds a real pim::Deferred<std::string> from
// the pairs, fires one with d.callback("initial") and another with d.errback() of a Failure, and
// draws what ran (src/firing.cpp holds the Deferred, src/diagrams.cpp the drawing). Reads from
// standard input, so a file of pairs works as well as typing.
//
// From the repository root:
//   build/bin/part09/deferred-simulator
//   build/bin/part09/deferred-simulator --narrow --quiet <
//   part09-error-chains/tests/data/figure18.txt
#include <iostream>
#include <string>
#include <vector>

#include "pim/options.hpp"
#include "src/diagrams.hpp"
#include "src/firing.hpp"
#include "src/pairs.hpp"

namespace {

struct Settings {
  bool narrow = false;
  bool quiet = false;
  bool trace = false;
};

void parse_options(Settings& settings, int argc, char** argv) {
  pim::Options options(
      {"deferred-simulator", "[options] < PAIRS",
       "The deferred simulator (part 9): reads callback/errback pairs from standard input, one\n"
       "per line, builds a pim::Deferred<std::string> from them and draws how it fires with\n"
       "callback() and with errback(). An empty line ends a list of pairs and draws it. Run it\n"
       "without --quiet to see how to write the pairs.",
       "build/bin/part09/deferred-simulator --narrow"});
  options.flag("narrow", "draw the three diagrams one under another, not side by side",
               settings.narrow);
  options.flag("quiet", "print only the diagrams: no instructions", settings.quiet);
  options.flag("trace", "print what ran as text instead of drawing it", settings.trace);
  if (!options.parse_or_exit(argc, argv).empty()) {
    options.usage_error("no arguments expected: the pairs are read from standard input");
  }
}

const char* const instructions =
    R"(Deferred simulator: enter callback/errback pairs, one pair per line:

  CALLBACK ERRBACK

where CALLBACK and ERRBACK are each one of

  return VALUE    return VALUE (the next stage's callback gets it)
  fail VALUE      return a Failure of VALUE (the next stage's errback gets it)
  passthru        return whatever it was given, value or Failure

VALUE is 1 to 6 letters and digits. Any start of a command will do: r, f, p, ret...
Text after # is a comment. For example:

  r good f bad     # the callback returns good, the errback fails with bad
  f googly p       # the callback fails with googly, the errback passes the failure on

An empty line ends the list. Then three diagrams are printed: the chain, what ran
when it was fired with d.callback("initial"), and what ran when it was fired with
d.errback() of a Failure of "initial". VALUE* stands for a Failure of VALUE. Side
by side they need 136 columns; --narrow prints them one under another.

)";

void show(const std::vector<sim::Pair>& pairs, const Settings& settings) {
  const sim::Firing by_callback = sim::fire(pairs, sim::Fire::callback);
  const sim::Firing by_errback = sim::fire(pairs, sim::Fire::errback);
  if (settings.trace) {
    std::cout << sim::as_text(pairs, by_callback, by_errback);
  } else if (settings.narrow) {
    std::cout << sim::one_under_another(pairs, by_callback, by_errback);
  } else {
    std::cout << sim::side_by_side(pairs, by_callback, by_errback);
  }
  if (!settings.quiet)
    std::cout << "Enter another list of pairs, or end the input (Ctrl-D) to quit.\n";
  std::cout << std::flush;
}

// Takes one input line into the list being entered. \returns true when the line ends the list.
bool take_line(const std::string& line, std::vector<sim::Pair>& pairs) {
  if (sim::is_blank(line)) {
    if (!pairs.empty()) return true;
    std::cerr << "You must enter at least one pair.\n";
    return false;
  }
  const std::string text = sim::without_comment(line);
  if (text.empty()) return false;  // a comment line
  try {
    pairs.push_back(sim::parse_pair(text));
  } catch (const sim::BadInput& error) {
    std::cerr << "ERROR: " << error.what() << '\n';  // the line is dropped; type it again
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  parse_options(settings, argc, argv);
  if (!settings.quiet) std::cout << instructions << std::flush;

  std::vector<sim::Pair> pairs;
  for (std::string line; std::getline(std::cin, line);) {
    if (take_line(line, pairs)) {
      show(pairs, settings);
      pairs.clear();
    }
  }
  // The end of the input ends a list too, so a file need not finish with an empty line.
  if (!pairs.empty()) show(pairs, settings);
  return 0;
}
