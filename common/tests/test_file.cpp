#include "pim/file.hpp"

#include <cstdio>
#include <fstream>

#include "pim/testing/catch.hpp"

TEST_CASE("read_file returns the exact bytes, including UTF-8 and NUL", "[common][file]") {
  std::string path = "pim_test_file.bin";
  std::string bytes = std::string("caf\xc3\xa9\n", 6) + std::string(1, '\0') + "end";
  std::ofstream(path, std::ios::binary) << bytes;
  CHECK(pim::read_file(path) == bytes);
  std::remove(path.c_str());
}

TEST_CASE("read_file names the file and the reason when it fails", "[common][file]") {
  CHECK_THROWS_WITH(pim::read_file("/no/such/poem.txt"),
                    "cannot read '/no/such/poem.txt': No such file or directory");
  CHECK_THROWS_WITH(pim::read_file("/"), "cannot read '/': it is a directory");
}
