# RunInstallTest.cmake: cmake --install into WORK_DIR/prefix, build guest/ against it
# with find_package(Afterburner), then check the linked guest: it carries the loader's
# PATCH_STATE note and its site notes, and `afterburner patch` pre-patches it.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${output}")
  endif()
  set(run_output "${output}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

foreach(file
    include/afterburner/site_abi.h include/afterburner/wedge_abi.h include/afterburner/loader.h
    include/afterburner/common/entry.h share/afterburner/afterburner_notes.ld
    lib/libafterburner_loader.a lib/libafterburner_wedge_common.a
    lib/cmake/Afterburner/AfterburnerConfig.cmake share/pkgconfig/afterburner.pc)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "the install is missing ${file}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S ${GUEST_SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
  -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${C_COMPILER}
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
set(guest ${WORK_DIR}/build/tiny_guest)

find_program(READELF readelf REQUIRED)
run(${READELF} -nW ${guest})
if(NOT run_output MATCHES "Afterburner[ \t]+0x00000018[^\n]*0x41425002")
  message(FATAL_ERROR "the guest lacks the loader's PATCH_STATE note:\n${run_output}")
endif()

if(EXISTS ${prefix}/bin/afterburner-as AND NOT EXISTS ${prefix}/libexec/afterburner/shim/as)
  message(FATAL_ERROR "afterburner-as is installed but its gcc -B shim is not")
endif()

# With the installed assembler, the guest's .S was assembled into sites.
if(EXISTS ${prefix}/bin/afterburner-as AND NOT run_output MATCHES "0x41425302")
  message(FATAL_ERROR "the guest was assembled with afterburner-as but has no site notes")
endif()

# pkg-config agrees with the CMake package.
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} ${prefix}/share/pkgconfig)
  run(${PKG_CONFIG} --libs afterburner)
  if(NOT run_output MATCHES "-lafterburner_loader.*-lafterburner_wedge_common")
    message(FATAL_ERROR "pkg-config --libs afterburner: ${run_output}")
  endif()
  run(${PKG_CONFIG} --variable=notes_ld afterburner)
  string(STRIP "${run_output}" notes_ld)
  if(NOT EXISTS "${notes_ld}")
    message(FATAL_ERROR "pkg-config notes_ld points nowhere: ${notes_ld}")
  endif()
endif()

# Offline patching of the out-of-tree guest with the installed tool, when a wedge is in.
file(GLOB wedges ${prefix}/lib/libafterburner_wedge_*.a)
list(FILTER wedges EXCLUDE REGEX "wedge_common")
if(EXISTS ${prefix}/bin/afterburner AND wedges)
  list(GET wedges 0 wedge)
  string(REGEX REPLACE ".*libafterburner_wedge_(.*)\\.a" "\\1" wedge ${wedge})
  run(${prefix}/bin/afterburner patch --wedge ${wedge} ${guest} ${guest}-${wedge})
  if(NOT run_output MATCHES "afterburner: wedge=${wedge} sites=")
    message(FATAL_ERROR "afterburner patch said: ${run_output}")
  endif()
endif()
message(STATUS "install test: ok")
