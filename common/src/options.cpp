#include "pim/options.hpp"

#include <getopt.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace pim {

namespace {

// getopt_long reports which option it matched through `val`. Values from 256 up cannot clash
// with short option letters, so option i of ours is reported as 256 + i.
constexpr int first_long_value = 256;

std::string join(const std::vector<std::string>& words, const char* separator) {
  std::string out;
  for (const auto& word : words)
    out += (out.empty() ? "" : separator) + word;
  return out;
}

}  // namespace

std::string version() {
  return PIM_VERSION;
}

Options::Options(ProgramInfo info) : info_(std::move(info)) {}

Options& Options::add(Option option) {
  options_.push_back(std::move(option));
  return *this;
}

Options& Options::flag(const std::string& name, const std::string& help, bool& target) {
  return add({name, "", help, [&target](const std::string&, std::string&) {
                target = true;
                return true;
              }});
}

Options& Options::text(const std::string& name, const std::string& metavar, const std::string& help,
                       std::string& target) {
  return add({name, metavar, help, [&target](const std::string& value, std::string&) {
                target = value;
                return true;
              }});
}

Options& Options::integer(const std::string& name, const std::string& metavar,
                          const std::string& help, long& target, long min, long max) {
  return add(
      {name, metavar, help, [&target, min, max](const std::string& value, std::string& problem) {
         long parsed = 0;
         auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
         bool whole = error == std::errc{} && end == value.data() + value.size();
         if (!whole || parsed < min || parsed > max) {
           problem =
               "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max);
           return false;
         }
         target = parsed;
         return true;
       }});
}

Options& Options::seconds(const std::string& name, const std::string& metavar,
                          const std::string& help, double& target) {
  return add({name, metavar, help, [&target](const std::string& value, std::string& problem) {
                char* end = nullptr;
                double parsed = std::strtod(value.c_str(), &end);
                bool whole = !value.empty() && end == value.c_str() + value.size();
                if (!whole || !std::isfinite(parsed) || parsed < 0) {
                  problem = "expected a number of seconds, 0 or more";
                  return false;
                }
                target = parsed;
                return true;
              }});
}

Options& Options::choice(const std::string& name, const std::string& metavar,
                         const std::string& help, std::string& target,
                         std::vector<std::string> allowed) {
  return add(
      {name, metavar, help,
       [&target, allowed = std::move(allowed)](const std::string& value, std::string& problem) {
         if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
           problem = "expected one of: " + join(allowed, ", ");
           return false;
         }
         target = value;
         return true;
       }});
}

ParseResult Options::parse(int argc, char* const* argv) const {
  std::vector<option> table;
  for (std::size_t i = 0; i < options_.size(); ++i) {
    int has_arg = options_[i].metavar.empty() ? no_argument : required_argument;
    table.push_back({options_[i].name.c_str(), has_arg, nullptr, first_long_value + int(i)});
  }
  table.push_back({"help", no_argument, nullptr, 'h'});
  table.push_back({"version", no_argument, nullptr, 'V'});
  table.push_back({nullptr, 0, nullptr, 0});

  // getopt_long permutes its argv (so options may follow the file name, as in the tutorial's
  // commands); work on a copy so the caller's argv stays as it was.
  std::vector<std::string> storage(argv, argv + argc);
  std::vector<char*> args;
  for (auto& arg : storage)
    args.push_back(arg.data());
  args.push_back(nullptr);

  ParseResult result;
  optind = 0;  // glibc: 0 re-initialises getopt, so parse() can run more than once
  opterr = 0;  // we print our own messages
  int code = 0;
  // A leading ':' makes getopt_long return ':' (not '?') for a missing value.
  while ((code = getopt_long(argc, args.data(), ":hV", table.data(), nullptr)) != -1) {
    const std::string seen = args[optind - 1] ? args[optind - 1] : "";
    if (code == 'h') return {ParseResult::Outcome::help, {}, {}};
    if (code == 'V') return {ParseResult::Outcome::version, {}, {}};
    if (code == ':')
      return {ParseResult::Outcome::error, {}, "option '" + seen + "' needs a value"};
    if (code == '?') {
      std::string shown = optopt ? "-" + std::string(1, char(optopt)) : seen;
      return {ParseResult::Outcome::error, {}, "unrecognized option '" + shown + "'"};
    }
    const Option& chosen = options_[std::size_t(code - first_long_value)];
    std::string value = optarg ? optarg : "";
    std::string problem;
    if (!chosen.apply(value, problem)) {
      return {ParseResult::Outcome::error,
              {},
              "--" + chosen.name + ": " + problem + ", got '" + value + "'"};
    }
  }
  for (int i = optind; i < argc; ++i)
    result.positionals.push_back(args[std::size_t(i)]);
  return result;
}

std::vector<std::string> Options::parse_or_exit(int argc, char* const* argv) const {
  ParseResult result = parse(argc, argv);
  switch (result.outcome) {
    case ParseResult::Outcome::help:
      std::cout << help() << std::flush;
      std::exit(0);
    case ParseResult::Outcome::version:
      std::cout << info_.name << " (Poetry in Motion) " << version() << std::endl;
      std::exit(0);
    case ParseResult::Outcome::error:
      usage_error(result.message);
    case ParseResult::Outcome::run:
      break;
  }
  return result.positionals;
}

void Options::usage_error(const std::string& message) const {
  std::cerr << usage() << "\n"
            << info_.name << ": error: " << message << "\n"
            << "Try '" << info_.name << " --help' for more information." << std::endl;
  std::exit(2);
}

std::string Options::usage() const {
  return "Usage: " + info_.name + " " + info_.args;
}

std::string Options::help() const {
  std::ostringstream out;
  out << usage() << "\n\n" << info_.summary << "\n\n";
  out << "Example (from the repository root):\n  " << info_.example << "\n\nOptions:\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& option : options_) {
    std::string left = "--" + option.name + (option.metavar.empty() ? "" : " " + option.metavar);
    rows.emplace_back(left, option.help);
  }
  rows.emplace_back("-h, --help", "show this help and exit");
  rows.emplace_back("-V, --version", "show the version and exit");
  std::size_t width = 0;
  for (const auto& row : rows)
    width = std::max(width, row.first.size());
  for (const auto& [left, right] : rows) {
    out << "  " << left << std::string(width - left.size() + 2, ' ') << right << "\n";
  }
  return out.str();
}

}  // namespace pim
