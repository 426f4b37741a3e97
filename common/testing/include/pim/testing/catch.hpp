/// \file
/// \brief Includes Catch2, whichever major version is installed.
///
/// Debian 12 ships Catch2 v2 (one header); v3 splits it up. Tests include this file and use
/// only the macros the two versions share (TEST_CASE, SECTION, REQUIRE, CHECK, INFO, ...).
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
