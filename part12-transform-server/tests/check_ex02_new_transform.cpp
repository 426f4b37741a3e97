// Checks part 12, exercise 2: transformedpoetry-plus (PIM_EXERCISE_PROGRAM) serves a `title`
// transform next to the standard ones, and only under that name.
#include <string>

#include "helpers.hpp"
#include "pim/testing/catch.hpp"
#include "pim/testing/parts.hpp"
#include "pim/testing/process.hpp"

using part12::ask;
using part12::netstring;

TEST_CASE("title capitalises the first letter of every word",
          "[part12][exercise][service][transform]") {
  pim::testing::Process server({PIM_EXERCISE_PROGRAM, "--port", "0"});
  const int port = pim::testing::wait_for_port(server);

  CHECK(ask(port, netstring("title.here is my poem")).bytes == netstring("Here Is My Poem"));
  CHECK(ask(port, netstring("title.don't stop the ferry,\nit's late\n")).bytes ==
        netstring("Don't Stop The Ferry,\nIt's Late\n"));
  CHECK(ask(port, netstring("title.ALREADY loud 2nd-class")).bytes ==
        netstring("ALREADY Loud 2nd-Class"));
  CHECK(ask(port, netstring("title.")).bytes == netstring(""));

  // The standard transforms are still there; the method's own name is not a transform.
  CHECK(ask(port, netstring("cummingsify.QUIET")).bytes == netstring("quiet"));
  auto by_method_name = ask(port, netstring("title_case.here"));
  CHECK(by_method_name.bytes.empty());
  CHECK(by_method_name.closed);
}
