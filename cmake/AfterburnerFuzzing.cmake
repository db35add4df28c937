# AfterburnerFuzzing.cmake: the loader's libFuzzer target, built with clang-19 because
# g++ has no libFuzzer. The project's compiler stays whatever it is: the fuzzer is a
# custom command compiling the loader's sources (hosted) and the fuzz entry point.
find_program(AFTERBURNER_CLANGXX_FUZZ NAMES clang++-19 clang++)

# True when CLANG links a -fsanitize=fuzzer program (compiler-rt present).
function(afterburner_fuzzer_works clang out)
  set(probe ${CMAKE_BINARY_DIR}/fuzz-probe)
  file(WRITE ${probe}.cpp "#include <cstddef>\n#include <cstdint>\n"
    "extern \"C\" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }\n")
  execute_process(COMMAND ${clang} -fsanitize=fuzzer ${probe}.cpp -o ${probe}
    RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
  if(status EQUAL 0)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# afterburner_add_note_fuzzer(FUZZ_DIR): the loader_note_fuzzer binary and the
# 10-second LoaderFuzz.NoteParser test (label fuzz).
function(afterburner_add_note_fuzzer fuzz_dir)
  if(NOT AFTERBURNER_CLANGXX_FUZZ)
    message(STATUS "loader fuzzer: no clang++, only the replay test is built")
    return()
  endif()
  afterburner_fuzzer_works(${AFTERBURNER_CLANGXX_FUZZ} works)
  if(NOT works)
    message(STATUS "loader fuzzer: clang cannot link -fsanitize=fuzzer (libclang-rt-19-dev?), "
      "only the replay test is built")
    return()
  endif()
  set(loader ${PROJECT_SOURCE_DIR}/loader)
  set(sources ${fuzz_dir}/NoteParserFuzzer.cpp)
  foreach(file image op_table padding patcher report site_sort site_table text_write platform_hosted)
    list(APPEND sources ${loader}/${file}.cpp)
  endforeach()
  set(fuzzer ${CMAKE_CURRENT_BINARY_DIR}/loader_note_fuzzer)
  # libFuzzer adds new inputs to its FIRST corpus directory: a build-tree one, so the
  # checked-in seeds (the second) are only read.
  set(corpus ${CMAKE_CURRENT_BINARY_DIR}/note_fuzzer_corpus)
  add_custom_command(OUTPUT ${fuzzer}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${corpus}
    COMMAND ${AFTERBURNER_CLANGXX_FUZZ} -std=c++17 -O1 -g
      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
      -I${loader} -I${loader}/include -I${PROJECT_SOURCE_DIR}/include
      ${sources} -o ${fuzzer}
    DEPENDS ${sources}
    COMMENT "Building the loader's note-parser fuzzer with clang")
  add_custom_target(loader_note_fuzzer ALL DEPENDS ${fuzzer})
  add_test(NAME LoaderFuzz.NoteParser
    COMMAND ${fuzzer} -max_total_time=10 -timeout=5 -rss_limit_mb=1024
      -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/ ${corpus} ${fuzz_dir}/seeds)
  set_tests_properties(LoaderFuzz.NoteParser PROPERTIES LABELS "fuzz" TIMEOUT 120)
  set_property(GLOBAL PROPERTY AFTERBURNER_LOADER_FUZZER ${fuzzer})
endfunction()
