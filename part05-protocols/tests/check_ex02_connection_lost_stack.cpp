// Checks part 5, exercise 2: a program that prints the call stack from connection_lost() and
// exits at once. Runs the exercise program (exercises/ex02_connection_lost_stack.cpp, built as
// PIM_EXERCISE_PROGRAM) against a real poetry server, once for each way a connection can end.
#include <string>
#include <vector>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"

using namespace part05;
using pim::testing::lines;
using pim::testing::run;

TEST_CASE("the stack is printed from connection_lost, below the transport and the reactor loop",
          "[part05][exercise][stack]") {
  // The server ends the connection (the default), or we do, gently or not.
  auto how = GENERATE(as<std::string>{}, "", "--lose-connection", "--abort");
  PoemServer server("ferry.txt", {"--delay", "0"});
  std::vector<std::string> argv{PIM_EXERCISE_PROGRAM, server.server.port_text()};
  if (!how.empty()) argv.insert(argv.begin() + 1, how);
  auto result = run(argv, 10s);
  INFO((how.empty() ? "(server closes)" : how) << "\nstdout:\n"
                                               << result.out << "stderr:\n"
                                               << result.err);
  REQUIRE(result.status == 0);  // ended by the program itself, right after the stack
  CHECK(result.err.empty());
  CHECK(result.out.find("The call stack at connection_lost(), outermost call first:\n") !=
        std::string::npos);

  const std::vector<std::string> frames = stack_frames(result.out);
  REQUIRE(frames.size() >= 4);
  CHECK(frames.front() == "main");
  const int run_loop = frame_index(frames, "pim::Reactor::run()");
  const int transport = frame_index(frames, "pim::TcpTransport::");
  CHECK(run_loop > 0);
  CHECK(transport > run_loop);  // the transport reports the end, called from the loop
  CHECK(frames.back().rfind("PoetryProtocol::connection_lost(", 0) == 0);
}
