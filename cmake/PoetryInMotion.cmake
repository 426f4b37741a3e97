# Helpers every part's CMakeLists.txt uses, so that the 19 parts share one shape:
#
#   pim_part(02)                       declares part 2: target `part02`, binaries in bin/part02/
#   pim_add_program(slowpoetry SOURCES slowpoetry.cpp)
#   pim_add_tests(SOURCES tests/test_clients.cpp)
#   pim_add_exercise(ex01_timing FILE ex01_timing.sh CHECK tests/check_ex01_timing.cpp
#                    HINT "...")
#
# Exercise checks are built twice. Against solutions/ they are ordinary tests (in ALL and in
# CTest, label `solutions`), so CI proves every reference answer passes. Against the learner's
# exercises/ they are EXCLUDE_FROM_ALL and never registered with CTest: they only build under the
# `checkNN` target that `./tutorial check NN` runs, so a half-edited starter can never break
# `./tutorial test`. Each part appends its exercises to build/checks/partNN.tsv, which is how
# `./tutorial check` knows what to run and which hint to print.

set(PIM_BIN_ROOT "${CMAKE_BINARY_DIR}/bin")
set(PIM_CHECKS_DIR "${CMAKE_BINARY_DIR}/checks")
file(REMOVE_RECURSE "${PIM_CHECKS_DIR}")
file(MAKE_DIRECTORY "${PIM_CHECKS_DIR}")

# Catch2 v2 (Debian 12) ships a header-only library; v3 ships Catch2WithMain. Our tests include
# <pim/testing/catch.hpp>, which picks the right header, and link `pim_catch_main`.
if(TARGET Catch2::Catch2WithMain)
  add_library(pim_catch_main INTERFACE)
  target_link_libraries(pim_catch_main INTERFACE Catch2::Catch2WithMain)
else()
  add_library(pim_catch_main STATIC "${CMAKE_SOURCE_DIR}/common/testing/src/catch_main.cpp")
  target_link_libraries(pim_catch_main PUBLIC Catch2::Catch2)
endif()

function(pim_part number)
  set(PIM_PART "${number}" PARENT_SCOPE)
  set(PIM_PART_BIN_DIR "${PIM_BIN_ROOT}/part${number}" PARENT_SCOPE)
  add_custom_target(part${number} ALL)
  add_custom_target(check${number})
  file(WRITE "${PIM_CHECKS_DIR}/part${number}.tsv" "")
endfunction()

# Target names carry the part (p02_slowpoetry) so that 19 parts never collide; the binary keeps
# the short name the chapter uses (bin/part02/slowpoetry).
function(pim_add_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  string(REPLACE "-" "_" id "p${PIM_PART}_${name}")
  add_executable(${id} ${ARG_SOURCES})
  # ENABLE_EXPORTS (-rdynamic) puts the program's own function names in its dynamic symbol
  # table, so pim::print_stack() can show them (part 3 prints "who called my callback").
  set_target_properties(${id} PROPERTIES OUTPUT_NAME "${name}"
                                         RUNTIME_OUTPUT_DIRECTORY "${PIM_PART_BIN_DIR}"
                                         ENABLE_EXPORTS ON)
  target_link_libraries(${id} PRIVATE pim ${ARG_LIBS})
  add_dependencies(part${PIM_PART} ${id})
endfunction()

# Definitions every test of a part can use to find the part's programs, the poems and its files.
function(_pim_test_definitions target)
  target_compile_definitions(${target} PRIVATE
    PIM_BIN_DIR="${PIM_PART_BIN_DIR}"
    PIM_BIN_ROOT="${PIM_BIN_ROOT}"
    PIM_POETRY_DIR="${CMAKE_SOURCE_DIR}/poetry"
    PIM_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    PIM_PART_DIR="${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(${target} PRIVATE pim pim_testing pim_catch_main)
endfunction()

function(pim_add_tests)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(id "p${PIM_PART}_tests")
  add_executable(${id} ${ARG_SOURCES})
  _pim_test_definitions(${id})
  target_link_libraries(${id} PRIVATE ${ARG_LIBS})
  add_dependencies(${id} part${PIM_PART})
  catch_discover_tests(${id} TEST_PREFIX "part${PIM_PART}/" PROPERTIES LABELS "part${PIM_PART}")
endfunction()

# FILE names the exercise file, present in both exercises/ and solutions/. A .cpp file is compiled
# into the check; any other file (a script, a poem) is handed to the check as PIM_EXERCISE_FILE.
#
# PROGRAM NAME makes the exercise a program of its own too, which the check runs as a real
# process (PIM_EXERCISE_PROGRAM says where): bin/partNN/solutions/NAME, built with the part, and
# bin/partNN/exercises/NAME, built only with its check. Without MAIN the file has its own main()
# and is not compiled into the check; with MAIN (a fixed main() calling the learner's functions)
# it is compiled into both, so the check can call the functions directly as well.
function(pim_add_exercise name)
  cmake_parse_arguments(ARG "" "FILE;CHECK;HINT;PROGRAM;MAIN" "LIBS" ${ARGN})
  foreach(flavour solution exercise)
    set(dir "${CMAKE_CURRENT_SOURCE_DIR}/${flavour}s")  # solutions/ or exercises/
    set(id "p${PIM_PART}_check_${name}_${flavour}")
    set(sources "${ARG_CHECK}")
    if(ARG_FILE MATCHES "\\.cpp$" AND (ARG_MAIN OR NOT ARG_PROGRAM))
      list(APPEND sources "${dir}/${ARG_FILE}")
    endif()
    if(flavour STREQUAL "solution")
      add_executable(${id} ${sources})
      catch_discover_tests(${id} TEST_PREFIX "part${PIM_PART}/solution/${name}/"
                           PROPERTIES LABELS "part${PIM_PART};solutions")
    else()
      add_executable(${id} EXCLUDE_FROM_ALL ${sources})
      add_dependencies(check${PIM_PART} ${id})
      file(APPEND "${PIM_CHECKS_DIR}/part${PIM_PART}.tsv"
           "${name}\t${PIM_PART_BIN_DIR}/checks/${id}\t${dir}/${ARG_FILE}\t${ARG_HINT}\n")
    endif()
    set_target_properties(${id} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PIM_PART_BIN_DIR}/checks")
    _pim_test_definitions(${id})
    target_compile_definitions(${id} PRIVATE PIM_EXERCISE_FILE="${dir}/${ARG_FILE}")
    target_link_libraries(${id} PRIVATE ${ARG_LIBS})
    add_dependencies(${id} part${PIM_PART})
    if(ARG_PROGRAM)
      _pim_exercise_program(${id} ${flavour} "${ARG_PROGRAM}" "${dir}/${ARG_FILE}" "${ARG_MAIN}")
    endif()
  endforeach()
endfunction()

# The program of an exercise (see PROGRAM above), for one flavour, run by the check `check`.
function(_pim_exercise_program check flavour program file main)
  string(REPLACE "-" "_" id "p${PIM_PART}_${program}_${flavour}")
  set(out "${PIM_PART_BIN_DIR}/${flavour}s")
  if(flavour STREQUAL "solution")
    add_executable(${id} ${main} "${file}")
    add_dependencies(part${PIM_PART} ${id})
  else()
    add_executable(${id} EXCLUDE_FROM_ALL ${main} "${file}")  # a half-edited starter never breaks the build
  endif()
  set_target_properties(${id} PROPERTIES OUTPUT_NAME "${program}" RUNTIME_OUTPUT_DIRECTORY "${out}"
                                         ENABLE_EXPORTS ON)
  target_link_libraries(${id} PRIVATE pim)
  add_dependencies(${check} ${id})
  target_compile_definitions(${check} PRIVATE PIM_EXERCISE_PROGRAM="${out}/${program}")
endfunction()
