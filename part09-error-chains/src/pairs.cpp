// Reading the simulator's pairs (pairs.hpp), and what each side of a pair does when it runs.
#include "pairs.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>
#include <vector>

namespace sim {

namespace {

std::string lowercase(std::string word) {
  for (char& c : word)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

bool blank(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool letters_and_digits(const std::string& word) {
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// The words of a line, taken from the front one at a time.
class Words {
 public:
  explicit Words(std::string_view line) {
    std::istringstream in{std::string(line)};
    for (std::string word; in >> word;)
      words_.push_back(word);
  }
  bool empty() const { return next_ == words_.size(); }
  std::string take() { return words_.at(next_++); }

 private:
  std::vector<std::string> words_;
  std::size_t next_ = 0;
};

Action::Kind command_kind(const std::string& word) {
  struct Command {
    std::string_view name;
    Action::Kind kind;
  };
  static constexpr std::array<Command, 3> commands{{{"return", Action::Kind::return_value},
                                                    {"fail", Action::Kind::fail},
                                                    {"passthru", Action::Kind::passthru}}};
  // Any prefix will do: `r`, `ret` and `return` all mean return. The three names start with
  // different letters, so a prefix never matches two of them.
  const std::string typed = lowercase(word);
  for (const Command& command : commands) {
    if (command.name.starts_with(typed)) return command.kind;
  }
  throw BadInput("bad command: " + word);
}

std::string value_argument(Words& words) {
  if (words.empty()) throw BadInput("missing argument");
  std::string value = words.take();
  if (value.size() > max_value_length) {
    throw BadInput("value more than " + std::to_string(max_value_length) +
                   " characters long: " + value);
  }
  if (!letters_and_digits(value)) throw BadInput("value not letters and digits: " + value);
  return value;
}

Action parse_action(Words& words) {
  if (words.empty()) throw BadInput("missing command");
  Action action;
  action.kind = command_kind(words.take());
  if (action.kind != Action::Kind::passthru) action.value = value_argument(words);
  return action;
}

}  // namespace

std::string Action::caption() const {
  switch (kind) {
    case Kind::return_value:
      return "return " + value;
    case Kind::fail:
      return "fail " + value;
    case Kind::passthru:
      break;
  }
  return "passthru";
}

//! [perform]
pim::Outcome<std::string> Action::perform(pim::Outcome<std::string> input) const {
  switch (kind) {
    case Kind::return_value:
      return value;  // a value: the next stage's callback runs
    case Kind::fail:
      return pim::Failure(std::runtime_error(value));  // a Failure: the next errback runs
    case Kind::passthru:
      break;
  }
  return input;  // whatever came in, value or Failure, goes on unchanged
}
//! [perform]

Pair parse_pair(std::string_view line) {
  Words words(line);
  Pair pair;
  pair.callback = parse_action(words);
  pair.errback = parse_action(words);
  if (!words.empty()) throw BadInput("extra arguments");
  return pair;
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), blank);
}

std::string without_comment(std::string_view line) {
  line = line.substr(0, line.find('#'));
  while (!line.empty() && blank(line.front()))
    line.remove_prefix(1);
  while (!line.empty() && blank(line.back()))
    line.remove_suffix(1);
  return std::string(line);
}

}  // namespace sim
