// Failure examples: what a pim::Failure holds and how an errback questions it. Part 6; read the
// chapter's section "Failure: an exception you can hand on" first, and client 3.1
// (get_poetry_3_1.cpp), whose errback receives one.
// Three sections: a Failure made from an exception object that was never thrown (no frames),
// one made inside a catch block (with the stack where it was caught), and check(), trap() and
// value(), the questions an errback asks before deciding what to do.
//
// From the repository root:
//   build/bin/part06/failure-examples
#include <array>
#include <cctype>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "pim/failure.hpp"
#include "pim/options.hpp"
#include "pim/stack.hpp"

// The functions below live in a named namespace, not an anonymous one, and are never inlined:
// a traceback can only name functions that exist as frames with exported names (stack.hpp).
namespace verse {

//! [error-type]
// Our own exception type: a line of a poem with the wrong number of syllables for its form.
class SyllableCountError : public std::runtime_error {
 public:
  SyllableCountError(int line, int counted, int wanted)
      : std::runtime_error("line " + std::to_string(line) + " has " + std::to_string(counted) +
                           " syllables, not " + std::to_string(wanted)),
        line_(line) {}
  int line() const noexcept { return line_; }

 private:
  int line_;
};
//! [error-type]

// A crude English syllable count: groups of vowels, less a silent final "e". Good enough for
// the lines below, which is all it is for.
int count_syllables(std::string_view line) {
  auto vowel = [](char c) {
    return std::string_view("aeiouy").find(char(std::tolower(static_cast<unsigned char>(c)))) !=
           std::string_view::npos;
  };
  int total = 0;
  std::size_t start = 0;
  while (start < line.size()) {
    std::size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    std::string_view word = line.substr(start, end - start);
    int groups = 0;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (vowel(word[i]) && (i == 0 || !vowel(word[i - 1]))) ++groups;
    }
    if (groups > 1 && word.size() > 2 && word.back() == 'e' && word[word.size() - 2] != 'l') {
      --groups;  // "home", "tonight" but not "table"
    }
    total += groups;
    start = end + 1;
  }
  return total;
}

//! [raise]
[[gnu::noinline]] void check_line(int number, std::string_view line, int wanted) {
  const int counted = count_syllables(line);
  if (counted != wanted) throw SyllableCountError(number, counted, wanted);
}

// A haiku: three lines of five, seven and five syllables.
struct Haiku {
  std::array<std::string_view, 3> lines;
};

[[gnu::noinline]] void check_haiku(const Haiku& haiku) {
  const int wanted[] = {5, 7, 5};
  for (std::size_t i = 0; i < haiku.lines.size(); ++i) {
    check_line(int(i + 1), haiku.lines[i], wanted[i]);
  }
}
//! [raise]

//! [catch]
// The synchronous way to find a fault: call, and catch what is thrown. The Failure made in the
// catch block keeps the exception, and the stack at this point, after the block has ended.
// (gnu::cold says this runs rarely. Without it, GCC moves the catch block into a separate "cold"
// section whose code has no exported name, and the traceback would show `??` instead of this
// function: see failure.hpp.)
[[gnu::noinline, gnu::cold]] std::optional<pim::Failure> review(const Haiku& haiku) {
  try {
    check_haiku(haiku);
  } catch (...) {
    return pim::Failure();  // wraps the exception being handled
  }
  return std::nullopt;  // a perfect haiku
}
//! [catch]

}  // namespace verse

// The three sections. A named namespace again, so that caught() appears in the traceback.
namespace examples {

// Our own, with one line too long (count them).
const verse::Haiku haiku{{
    "a ferry at dawn",
    "the river carries lanterns home",
    "and the night goes still",
}};

void describe(const pim::Failure& failure) {
  std::cout << failure << '\n';
  std::cout << "has frames: " << (failure.has_frames() ? "yes" : "no") << '\n';
  std::cout << failure.traceback();
}

std::string type_or_none(const std::type_info* type) {
  return type ? pim::demangle(type->name()) : "none";
}

//! [made]
void made_not_thrown() {
  std::cout << "1. A Failure made from an exception that was never thrown\n\n";
  // Like a refused connection: the error is reported, not raised, so there is no stack to keep.
  pim::Failure failure(verse::SyllableCountError(2, 8, 7));
  describe(failure);
}
//! [made]

//! [caught]
// Returns the Failure so that section 3 can question it.
[[gnu::noinline]] pim::Failure caught() {
  std::cout << "\n2. A Failure made in a catch block\n\n";
  pim::Failure failure = *verse::review(haiku);  // the catch block is long gone here
  describe(failure);
  return failure;
}
//! [caught]

//! [questions]
void questions(const pim::Failure& failure) {
  using verse::SyllableCountError;
  std::cout << "\n3. Asking a Failure what it holds\n\n";
  std::cout << "check<verse::SyllableCountError>(): "
            << type_or_none(failure.check<SyllableCountError>()) << '\n';
  std::cout << "check<std::logic_error>(): " << type_or_none(failure.check<std::logic_error>())
            << '\n';
  // The first type that matches wins, and a base class matches as in a catch clause.
  std::cout << "check<std::logic_error, std::runtime_error>(): "
            << type_or_none(failure.check<std::logic_error, std::runtime_error>()) << '\n';
  std::cout << "trap<std::runtime_error>(): " << type_or_none(failure.trap<std::runtime_error>())
            << '\n';
  // trap() is check() that rethrows what it does not recognise, with its real type.
  try {
    failure.trap<std::logic_error>();
  } catch (const SyllableCountError& error) {
    std::cout << "trap<std::logic_error>(): rethrew verse::SyllableCountError: " << error.what()
              << '\n';
  }
  std::cout << "value<verse::SyllableCountError>()->line(): "
            << failure.value<SyllableCountError>()->line() << '\n';
}
//! [questions]

}  // namespace examples

int main(int argc, char** argv) {
  pim::Options options({"failure-examples", "[options]",
                        "Shows pim::Failure (part 6): made from an exception that was never "
                        "thrown, made in a\ncatch block, and questioned with check(), trap() and "
                        "value().",
                        "build/bin/part06/failure-examples"});
  if (!options.parse_or_exit(argc, argv).empty()) options.usage_error("takes no arguments");

  examples::made_not_thrown();
  pim::Failure failure = examples::caught();
  examples::questions(failure);
}
