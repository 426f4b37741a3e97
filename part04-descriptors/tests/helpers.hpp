// Shared by part 4's tests and exercise checks: part 2's slow poetry servers, and reading the
// clients' transcripts.
#pragma once

#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "pim/file.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

namespace part04 {

using namespace std::chrono_literals;

using pim::testing::poem_path;
using pim::testing::program;  // bin/partNN/NAME of this part
inline std::size_t poem_size(const std::string& name) {
  return pim::testing::poem(name).size();
}

/// Part 2's slowpoetry on a free port (pim/testing/parts.hpp).
using Server = pim::testing::SlowServer;

/// The chapter's three servers: the long poem 30 bytes at a time, the short ones 10 at a time,
/// all with the same pause between chunks.
struct ThreeServers {
  Server river;
  Server lantern;
  Server ferry;

  explicit ThreeServers(const std::string& delay)
      : river({"--delay", delay, "--num-bytes", "30", poem_path("slow_river.txt")}),
        lantern({"--delay", delay, poem_path("lantern.txt")}),
        ferry({"--delay", delay, poem_path("ferry.txt")}) {}

  /// argv for \p path with \p options, then the three ports in task order.
  std::vector<std::string> client(const std::string& path,
                                  const std::vector<std::string>& options = {}) const {
    std::vector<std::string> argv{path};
    argv.insert(argv.end(), options.begin(), options.end());
    for (const Server* server : {&river, &lantern, &ferry})
      argv.push_back(server->port_text());
    return argv;
  }
  int port(int task) const {
    return task == 1 ? river.port : task == 2 ? lantern.port : ferry.port;
  }
  /// The size in bytes of task \p task's poem.
  static std::size_t size(int task) {
    return poem_size(task == 1 ? "slow_river.txt" : task == 2 ? "lantern.txt" : "ferry.txt");
  }
};

/// One `Task N: got K bytes of poetry from HOST:PORT` line.
struct Got {
  int task;
  std::size_t bytes;
  int port;
};

/// A client transcript split into its `got` lines (in order) and everything else.
struct Transcript {
  std::vector<Got> got;
  std::vector<std::string> rest;

  explicit Transcript(const std::string& out) {
    static const std::regex got_line(
        R"(Task (\d+): got (\d+) bytes of poetry from 127\.0\.0\.1:(\d+))");
    for (const std::string& line : pim::testing::lines(out)) {
      std::smatch match;
      if (std::regex_match(line, match, got_line)) {
        got.push_back({std::stoi(match[1]), std::stoul(match[2]), std::stoi(match[3])});
      } else {
        rest.push_back(line);
      }
    }
  }

  /// Bytes received per task, added up over its `got` lines.
  std::map<int, std::size_t> bytes_per_task() const {
    std::map<int, std::size_t> total;
    for (const Got& line : got)
      total[line.task] += line.bytes;
    return total;
  }
  /// How many `got` lines task \p task has.
  std::size_t lines_of(int task) const {
    std::size_t n = 0;
    for (const Got& line : got)
      n += line.task == task ? 1 : 0;
    return n;
  }
  /// How many times the task changes from one `got` line to the next: 2 for three tasks that
  /// each got their whole poem in one go, many more when downloads interleave.
  std::size_t switches() const {
    std::size_t n = 0;
    for (std::size_t i = 1; i < got.size(); ++i)
      n += got[i].task != got[i - 1].task ? 1 : 0;
    return n;
  }
};

/// `H:MM:SS.ffffff`, as the clients print elapsed times.
inline const std::string elapsed = R"(\d+:\d\d:\d\d(\.\d{6})?)";

}  // namespace part04
