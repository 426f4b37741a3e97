#include "pim/file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pim {

std::string read_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw FileError("cannot read '" + path + "': " + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) throw FileError("cannot read '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw FileError("cannot read '" + path + "': read error");
  return contents.str();
}

}  // namespace pim
