# Install rules, the CMake package and the Debian package, for whichever targets this
# configuration defines (each is installed only `if(TARGET ...)`).
#   cmake --install build/default --prefix DIR
#   cpack --config build/default/CPackConfig.cmake -G DEB      (or scripts/package)
# Consumers: find_package(linespec CONFIG) gives linespec::protocol,
# linespec::harness_model, linespec::harness and, when built, linespec::fuzz_driver.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LINESPEC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/linespec")

# Programs.
set(linespec_programs linespec linespec-server linespec-client linespec-bench linespec-echo-baseline)
foreach(program IN LISTS linespec_programs)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT programs)
  endif()
endforeach()

# Libraries and their public headers, exported as linespec::<export name>.
set(linespec_exported_libraries
  linespec_protocol protocol
  linespec_harness_model harness_model
  linespec_harness harness
  linespec_fuzz_driver fuzz_driver)
set(linespec_installed_libraries "")
set(linespec_header_dirs "")
while(linespec_exported_libraries)
  list(POP_FRONT linespec_exported_libraries library export_name)
  if(NOT TARGET ${library})
    continue()
  endif()
  set_target_properties(${library} PROPERTIES EXPORT_NAME ${export_name})
  list(APPEND linespec_installed_libraries ${library})
  get_target_property(library_source_dir ${library} SOURCE_DIR)
  if(IS_DIRECTORY "${library_source_dir}/include")
    list(APPEND linespec_header_dirs "${library_source_dir}/include")
  endif()
endwhile()
# A library the exported ones link (another linespec_* library) is exported with them,
# as linespec::<name without the prefix>; Threads becomes a find_dependency() of the
# package. Any other dependency cannot be exported: CMake then stops at generate time,
# after the warning below names it.
set(linespec_package_dependencies "")
set(linespec_pending ${linespec_installed_libraries})
while(linespec_pending)
  list(POP_FRONT linespec_pending library)
  get_target_property(library_links ${library} INTERFACE_LINK_LIBRARIES)
  if(NOT library_links)
    continue()
  endif()
  foreach(link IN LISTS library_links)
    if(link MATCHES "^\\$<BUILD_INTERFACE:")
      continue()  # the build's own flags (linespec::options)
    endif()
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
    if(NOT TARGET ${link})
      continue()  # a plain library name or flag
    endif()
    get_target_property(aliased ${link} ALIASED_TARGET)
    if(aliased)
      set(link ${aliased})
    endif()
    if(link IN_LIST linespec_installed_libraries)
      continue()
    elseif(link STREQUAL "Threads::Threads")
      list(APPEND linespec_package_dependencies Threads)
    elseif(link MATCHES "^linespec_(.+)$")
      set_target_properties(${link} PROPERTIES EXPORT_NAME ${CMAKE_MATCH_1})
      list(APPEND linespec_installed_libraries ${link})
      list(APPEND linespec_pending ${link})
      get_target_property(library_source_dir ${link} SOURCE_DIR)
      if(IS_DIRECTORY "${library_source_dir}/include")
        list(APPEND linespec_header_dirs "${library_source_dir}/include")
      endif()
    else()
      message(WARNING "linespec install: ${library} links ${link}, which the package cannot export")
    endif()
  endforeach()
endwhile()
list(REMOVE_DUPLICATES linespec_header_dirs)
list(REMOVE_DUPLICATES linespec_package_dependencies)
set(LINESPEC_PACKAGE_FIND_DEPENDENCIES "")
foreach(dependency IN LISTS linespec_package_dependencies)
  string(APPEND LINESPEC_PACKAGE_FIND_DEPENDENCIES "find_dependency(${dependency})\n")
endforeach()

install(TARGETS ${linespec_installed_libraries}
  EXPORT linespecTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
# Consumers find the headers through each library's $<INSTALL_INTERFACE:include>
# (linespec_library()).
foreach(header_dir IN LISTS linespec_header_dirs)
  install(DIRECTORY "${header_dir}/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
          COMPONENT development FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
endforeach()

install(EXPORT linespecTargets
  NAMESPACE linespec::
  DESTINATION "${LINESPEC_INSTALL_CMAKEDIR}"
  COMPONENT development)
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/linespecConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/linespecConfig.cmake"
  INSTALL_DESTINATION "${LINESPEC_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/linespecConfigVersion.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/linespecConfig.cmake"
              "${PROJECT_BINARY_DIR}/linespecConfigVersion.cmake"
        DESTINATION "${LINESPEC_INSTALL_CMAKEDIR}"
        COMPONENT development)

# Documents: the specifications the programs check against, and the project files.
set(linespec_documents
  conformance/SPEC.md conformance/CLIENT-SPEC.md harness/SCRIPTS.md
  README.md CHANGELOG.md LICENSE)
foreach(document IN LISTS linespec_documents)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${document}")
    install(FILES "${PROJECT_SOURCE_DIR}/${document}"
            DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT programs)
  endif()
endforeach()

# Debian package: one package holding everything above.
set(CPACK_PACKAGE_NAME linespec)
set(CPACK_PACKAGE_VENDOR "linespec developers")
set(CPACK_PACKAGE_CONTACT "linespec developers")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "Drives exact byte streams and close modes (partial reads, half-close, reset) at a\
 line-protocol server or client and reports which requirement of the specification\
 it breaks. Includes a reference server and client and the C++ harness libraries.")
if(EXISTS "${PROJECT_SOURCE_DIR}/LICENSE")
  set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
endif()
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "linespec developers")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Dependencies come from dpkg-shlibdeps when it is installed (dpkg-dev); otherwise
# the shared libraries the programs link are listed by hand.
find_program(LINESPEC_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(LINESPEC_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34), libstdc++6 (>= 12), libgcc-s1, libfmt9")
endif()
include(CPack)
