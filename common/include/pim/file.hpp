/// \file
/// \brief Reading a poem (or any file) into memory, with an error that says what went wrong.
///
/// Introduced in part 2 by the slow poetry server; tests: common/tests/test_file.cpp.
#pragma once

#include <stdexcept>
#include <string>

namespace pim {

/// Thrown by read_file(); what() is a complete sentence naming the file and the reason.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads a whole file as raw bytes (poems are UTF-8, and servers send them byte for byte).
/// \param path the file to read
/// \returns its contents
/// \throws FileError when the file is missing, unreadable or a directory
std::string read_file(const std::string& path);

}  // namespace pim
