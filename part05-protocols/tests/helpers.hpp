// Shared by part 5's tests and exercise checks: part 2's slow poetry servers, and reading the
// clients' transcripts.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "pim/file.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

namespace part05 {

using namespace std::chrono_literals;

using pim::testing::poem;
using pim::testing::poem_path;
using pim::testing::program;  // bin/partNN/NAME of this part

/// Part 2's slowpoetry on a free port (pim/testing/parts.hpp).
using Server = pim::testing::SlowServer;

/// The poem a server sends, by file name, and the server.
struct PoemServer {
  std::string file;
  Server server;

  PoemServer(const std::string& poem_file, const std::vector<std::string>& options)
      : file(poem_file), server(with_file(options, poem_file)) {}

 private:
  static std::vector<std::string> with_file(std::vector<std::string> options,
                                            const std::string& poem_file) {
    options.push_back(poem_path(poem_file));
    return options;
  }
};

/// One `Task N: got K bytes of poetry from HOST:PORT` line.
struct Got {
  int task;
  std::size_t bytes;
  int port;
};

/// A client 2.0 transcript (stdout) split into its kinds of lines.
struct Transcript {
  std::vector<Got> got;                             // in order
  std::vector<std::pair<int, std::size_t>> totals;  // `Task N: K bytes of poetry`, in order
  std::vector<std::string> failed;                  // `Failed to connect to: X`: the X
  std::vector<std::string> got_poems;               // the `Got N poems in ...` lines
  std::vector<std::string> rest;                    // anything else

  explicit Transcript(const std::string& out) {
    static const std::regex got_line(
        R"(Task (\d+): got (\d+) bytes of poetry from 127\.0\.0\.1:(\d+))");
    static const std::regex total_line(R"(Task (\d+): (\d+) bytes of poetry)");
    static const std::regex failed_line(R"(Failed to connect to: (.*))");
    static const std::regex summary_line(R"(Got \d+ poems in \d+:\d\d:\d\d(\.\d{6})?)");
    for (const std::string& line : pim::testing::lines(out)) {
      std::smatch match;
      if (std::regex_match(line, match, got_line)) {
        got.push_back({std::stoi(match[1]), std::stoul(match[2]), std::stoi(match[3])});
      } else if (std::regex_match(line, match, total_line)) {
        totals.emplace_back(std::stoi(match[1]), std::stoul(match[2]));
      } else if (std::regex_match(line, match, failed_line)) {
        failed.push_back(match[1]);
      } else if (std::regex_match(line, summary_line)) {
        got_poems.push_back(line);
      } else {
        rest.push_back(line);
      }
    }
  }

  /// Which port each task number was given to (from the `got` lines).
  std::map<int, int> port_of_task() const {
    std::map<int, int> ports;
    for (const Got& line : got)
      ports.emplace(line.task, line.port);
    return ports;
  }
  /// Bytes received per port, added up over the `got` lines.
  std::map<int, std::size_t> bytes_per_port() const {
    std::map<int, std::size_t> total;
    for (const Got& line : got)
      total[line.port] += line.bytes;
    return total;
  }
  /// How many times the task changes from one `got` line to the next.
  std::size_t switches() const {
    std::size_t n = 0;
    for (std::size_t i = 1; i < got.size(); ++i)
      n += got[i].task != got[i - 1].task ? 1 : 0;
    return n;
  }
};

/// The lines of a printed stack (those indented by two spaces), without the indentation.
inline std::vector<std::string> stack_frames(const std::string& out) {
  std::vector<std::string> frames;
  for (const std::string& line : pim::testing::lines(out)) {
    if (line.rfind("  ", 0) == 0) frames.push_back(line.substr(2));
  }
  return frames;
}

/// The position of the first frame containing \p text, or -1.
inline int frame_index(const std::vector<std::string>& frames, const std::string& text) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].find(text) != std::string::npos) return static_cast<int>(i);
  }
  return -1;
}

/// `H:MM:SS.ffffff`, as the clients print elapsed times.
inline const std::string elapsed = R"(\d+:\d\d:\d\d(\.\d{6})?)";

}  // namespace part05
