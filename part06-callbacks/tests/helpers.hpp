// Shared by part 6's tests and exercise checks: finding the programs and poems, and running part
// 2's slow poetry server.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "pim/file.hpp"
#include "pim/reactor.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

namespace part06 {

using namespace std::chrono_literals;

using pim::testing::poem;
using pim::testing::poem_path;
using pim::testing::program;  // bin/partNN/NAME of this part

using pim::testing::backends;  // for GENERATE(from_range(backends()))

/// Part 2's slowpoetry on a free port (pim/testing/parts.hpp).
using Server = pim::testing::SlowServer;

using pim::testing::command;

}  // namespace part06
