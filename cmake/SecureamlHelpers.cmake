# Small abseil-style helpers so every target gets the same warnings and
# every test the same runner and labels.

# Engineers share one working tree while several parts are written at once;
# a CMakeLists naming a file not written yet would stop everyone's configure.
# Developers get a warning instead; scripts/test.sh (and so CI) turns this off
# so a missing file in a commit fails loudly.
if(DEFINED ENV{CI})
  set(_secureaml_tolerate_default OFF)
else()
  set(_secureaml_tolerate_default ON)
endif()
option(SECUREAML_TOLERATE_MISSING_SOURCES "Skip targets whose sources are missing"
       ${_secureaml_tolerate_default})

# Sets ${out} to the sources that exist; warns about the rest.
function(_secureaml_existing_sources out name)
  set(kept "")
  foreach(src ${ARGN})
    if(IS_ABSOLUTE "${src}" OR EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${src}"
       OR NOT SECUREAML_TOLERATE_MISSING_SOURCES)
      list(APPEND kept "${src}")
    else()
      message(WARNING "${name}: ${src} does not exist yet; left out")
    endif()
  endforeach()
  set(${out} "${kept}" PARENT_SCOPE)
endfunction()

set(SECUREAML_WARNINGS -Wall -Wextra -Wpedantic -Wno-unused-parameter)
if(SECUREAML_WERROR)
  list(APPEND SECUREAML_WARNINGS -Werror)
endif()

# secureaml_cc_library(NAME n SRCS ... DEPS ...)
function(secureaml_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;HDRS;DEPS" ${ARGN})
  _secureaml_existing_sources(ARG_SRCS ${ARG_NAME} ${ARG_SRCS})
  if(NOT ARG_SRCS)
    set(_empty "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_not_written_yet.cc")
    file(WRITE "${_empty}" "// placeholder while the library is being written\n")
    set(ARG_SRCS "${_empty}")
  endif()
  add_library(${ARG_NAME} STATIC ${ARG_SRCS} ${ARG_HDRS})
  target_compile_options(${ARG_NAME} PRIVATE ${SECUREAML_WARNINGS})
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

# secureaml_cc_test(NAME n SRCS ... DEPS ... LABELS ...)
function(secureaml_cc_test)
  if(NOT SECUREAML_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  _secureaml_existing_sources(ARG_SRCS ${ARG_NAME} ${ARG_SRCS})
  if(NOT ARG_SRCS)
    # Keep the target so later target_* calls still work while it is written.
    set(_empty "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_not_written_yet.cc")
    file(WRITE "${_empty}" "// placeholder while the test is being written\n")
    set(ARG_SRCS "${_empty}")
  endif()
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${SECUREAML_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()
