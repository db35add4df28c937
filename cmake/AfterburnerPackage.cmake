# AfterburnerPackage.cmake: the guest-side link graph and the installed package.
#
# afterburner_finish_package() runs once, deferred to the end of the top-level
# directory (loader/CMakeLists.txt schedules it), when every component's targets exist:
#   - the loader's wedge registry lists each wedge whose option is ON (cmake/Options.cmake)
#     and whose library exists. In this build tree a guest links those wedge libraries
#     itself (samples/ links them whole-archive), then afterburner_loader, which brings
#     wedges/common (trampolines, and memcpy & co. as weak symbols). The INSTALLED
#     Afterburner::loader links the wedges too, so an out-of-tree guest needs only it;
#   - `cmake --install` puts the tools, libraries, headers and the linker fragment in
#     the prefix, with a CMake package (find_package(Afterburner)) and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AFTERBURNER_PACKAGE_DIR ${CMAKE_CURRENT_LIST_DIR} CACHE INTERNAL "cmake/ of Afterburner")

function(afterburner_link_wedges)
  set(linked)
  foreach(wedge xen kvm akaros)
    string(TOUPPER ${wedge} upper)
    if(AFTERBURNER_WEDGE_${upper} AND TARGET afterburner_wedge_${wedge})
      target_compile_definitions(afterburner_loader PRIVATE AFTERBURNER_LOADER_WEDGE_${upper})
      list(APPEND linked ${wedge})
    endif()
  endforeach()
  if(TARGET afterburner_wedge_common)
    target_link_libraries(afterburner_loader INTERFACE afterburner_wedge_common)
  endif()
  set(AFTERBURNER_LINKED_WEDGES ${linked} PARENT_SCOPE)
endfunction()

# Installs each target that exists; returns the installed library names.
function(afterburner_install_libraries out)
  set(installed)
  foreach(name loader wedge_common wedge_xen wedge_kvm wedge_akaros)
    if(TARGET afterburner_${name})
      install(TARGETS afterburner_${name} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
      list(APPEND installed ${name})
    endif()
  endforeach()
  set(${out} ${installed} PARENT_SCOPE)
endfunction()

# afterburner-as and its `gcc -B` shim (libexec/afterburner/shim/as) are installed by
# afterburner/CMakeLists.txt; the `afterburner` tool is installed here.
function(afterburner_install_tools)
  if(TARGET afterburner)
    install(TARGETS afterburner RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endfunction()

function(afterburner_install_headers)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/afterburner
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
  install(FILES ${PROJECT_SOURCE_DIR}/loader/include/afterburner/loader.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/afterburner)
  if(EXISTS ${PROJECT_SOURCE_DIR}/wedges/common/include/afterburner/common)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/wedges/common/include/afterburner/common
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/afterburner FILES_MATCHING PATTERN "*.h")
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/loader/afterburner_notes.ld
    DESTINATION ${CMAKE_INSTALL_DATADIR}/afterburner)
endfunction()

function(afterburner_install_package_files libraries)
  set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/Afterburner)
  set(AFTERBURNER_INSTALLED_LIBRARIES "${libraries}")
  set(AFTERBURNER_INSTALLED_WEDGES "${AFTERBURNER_LINKED_WEDGES}")
  set(AFTERBURNER_FREESTANDING_FLAGS_FOR_PACKAGE "${AFTERBURNER_FREESTANDING_FLAGS}")
  configure_package_config_file(${AFTERBURNER_PACKAGE_DIR}/AfterburnerConfig.cmake.in
    ${PROJECT_BINARY_DIR}/package/AfterburnerConfig.cmake
    INSTALL_DESTINATION ${config_dir}
    PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_BINDIR
              CMAKE_INSTALL_DATADIR CMAKE_INSTALL_LIBEXECDIR)
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/AfterburnerConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/package/AfterburnerConfig.cmake
    ${PROJECT_BINARY_DIR}/package/AfterburnerConfigVersion.cmake DESTINATION ${config_dir})
  # pkg-config: the guest link line in dependency order (loader, wedges, common).
  set(pc_libs "-lafterburner_loader")
  foreach(wedge IN LISTS AFTERBURNER_LINKED_WEDGES)
    string(APPEND pc_libs " -lafterburner_wedge_${wedge}")
  endforeach()
  string(APPEND pc_libs " -lafterburner_wedge_common")
  set(AFTERBURNER_PC_LIBS "${pc_libs}")
  configure_file(${AFTERBURNER_PACKAGE_DIR}/afterburner.pc.in
    ${PROJECT_BINARY_DIR}/package/afterburner.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/package/afterburner.pc
    DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
endfunction()

function(afterburner_finish_package)
  # Deferred calls run in the top-level scope: compute the install directories here.
  include(GNUInstallDirs)
  afterburner_link_wedges()
  afterburner_install_libraries(libraries)
  afterburner_install_tools()
  afterburner_install_headers()
  afterburner_install_package_files("${libraries}")
endfunction()
