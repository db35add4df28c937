# Host dependencies, found once. scripts/setup.sh installs them from Debian.
# LLVM's version file accepts only "19.1" (a plain "19" is rejected by LLVMConfigVersion).
find_package(LLVM 19.1 REQUIRED CONFIG)
find_package(CLI11 2 REQUIRED CONFIG)
if(AFTERBURNER_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
find_program(AFTERBURNER_QEMU qemu-system-x86_64)
find_program(AFTERBURNER_LLVM_DWARFDUMP llvm-dwarfdump-19 HINTS ${LLVM_TOOLS_BINARY_DIR})

# The Xen public headers must be compiled with an explicit interface version:
# without it, xen-compat.h silently selects the old *_compat hypercalls.
set(AFTERBURNER_XEN_INTERFACE_VERSION 0x00040e00)
