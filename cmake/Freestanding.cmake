# Guests linked in the low 2 GiB (the samples, at 1 MiB) use "small"; a higher-half kernel
# such as Linux configures "kernel".
set(AFTERBURNER_GUEST_CODE_MODEL small CACHE STRING "x86-64 code model of freestanding code")

# The ONE place that knows how to build code that runs inside a guest kernel:
# loader/, wedges/ and samples/. Nobody else sets these flags.
set(AFTERBURNER_FREESTANDING_FLAGS
  -ffreestanding -nostdlib -fno-exceptions -fno-rtti -mno-red-zone
  -mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector -fcf-protection=none
  -fno-asynchronous-unwind-tables -fno-threadsafe-statics
  -fno-builtin -ffunction-sections -fdata-sections -O2
  -mcmodel=${AFTERBURNER_GUEST_CODE_MODEL})

# afterburner_add_freestanding_library(NAME SOURCES...):
# a static library of freestanding C/C++/assembly, assembled by the system assembler.
# Code in these libraries is the loader and the wedges themselves: it must stay native.
function(afterburner_add_freestanding_library name)
  add_library(${name} STATIC ${ARGN})
  afterburner_apply_freestanding_flags(${name})
  # tests/repo checks every such library for undefined symbols outside its allowlist.
  set_property(GLOBAL APPEND PROPERTY AFTERBURNER_FREESTANDING_LIBRARIES ${name})
endfunction()

# afterburner_apply_freestanding_flags(TARGET): the freestanding flag set for one target
# (libraries above, and the guest executables samples/ links).
function(afterburner_apply_freestanding_flags target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C,CXX>:${AFTERBURNER_FREESTANDING_FLAGS}>
    $<$<COMPILE_LANGUAGE:CXX>:-fno-use-cxa-atexit>)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  afterburner_enable_warnings(${target})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
endfunction()
