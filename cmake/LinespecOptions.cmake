# Compile and link settings shared by every linespec target, carried by one
# interface target instead of global flags. Link `linespec::options` privately.
add_library(linespec_options INTERFACE)
add_library(linespec::options ALIAS linespec_options)
target_compile_features(linespec_options INTERFACE cxx_std_20)
set_target_properties(linespec_options PROPERTIES INTERFACE_CXX_EXTENSIONS OFF)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_options(linespec_options INTERFACE -Wall -Wextra -Wpedantic)
if(LINESPEC_WERROR)
  target_compile_options(linespec_options INTERFACE -Werror)
endif()

if(LINESPEC_SANITIZE)
  target_compile_options(linespec_options INTERFACE
    -fsanitize=${LINESPEC_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(linespec_options INTERFACE -fsanitize=${LINESPEC_SANITIZE})
  # GCC's flow analysis sees the sanitizers' instrumentation and then reports
  # variables in libstdc++'s <regex> as maybe uninitialized; the plain builds keep
  # the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(linespec_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()

if(LINESPEC_COVERAGE)
  target_compile_options(linespec_options INTERFACE --coverage -O0)
  target_link_options(linespec_options INTERFACE --coverage)
endif()

# linespec_library(NAME SOURCES ... PUBLIC_DEPS ... PRIVATE_DEPS ...) declares a static library from the sources of one
# component folder, with its public headers under include/.
function(linespec_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_library(linespec::${name} ALIAS ${name})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  # The options are this build's flags, not part of the installed package's interface.
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS}
                                PRIVATE $<BUILD_INTERFACE:linespec::options> ${ARG_PRIVATE_DEPS})
  target_compile_features(${name} PUBLIC cxx_std_20)
endfunction()
