/// \file
/// \brief Where in the source a callback was handed to the library (file and line).
///
/// Introduced in part 3 so that an exception escaping a callback can be reported with the place
/// the callback was scheduled, which is usually far more useful than the place it ran (always
/// deep inside the reactor). Tests: common/tests/test_reactor.cpp ("... where it was scheduled").
///
/// Why not `std::source_location`? clang 14 with libstdc++ 12 cannot compile it (it needs
/// `__builtin_source_location`, added in clang 15). `__builtin_FILE()` and `__builtin_LINE()` work
/// in both compilers and behave the same way: used as a default argument, they name the line of
/// the *call*, not of the declaration. That is the whole trick behind this type.
#pragma once

#include <string>

namespace pim {

/// A source position captured at a call site.
///
/// Take it as a defaulted parameter, `void f(Where where = Where())`, or default a constructor's
/// arguments to it, and the compiler fills in the caller's file and line.
struct Where {
  /// Records the caller's position (when the arguments are left to their defaults).
  constexpr Where(const char* file = __builtin_FILE(), int line = __builtin_LINE()) noexcept
      : file(file), line(line) {}

  const char* file;  ///< as the compiler was given it, often an absolute path
  int line;          ///< 1-based line number

  /// `dir/file.cpp:LINE`: the last two components of the path, which name the part directory
  /// (`part03-reactor/countdown.cpp:12`) without the build machine's absolute prefix.
  std::string to_string() const;
};

}  // namespace pim
