#!/usr/bin/env bash
# Installs, from Debian, exactly the packages Afterburner needs, and only those missing.
# Idempotent and quiet when everything is present. Usage: scripts/setup.sh [--bench|--linux]
set -euo pipefail

packages=(
  cmake make g++ gcc binutils pkgconf
  llvm-19-dev llvm-19 libzstd-dev        # LLVM 19 MC, linked statically; llvm-dwarfdump-19 for tests
  libcli11-dev                           # command-line options of the tools
  libxen-dev                             # Xen public headers for the Xen wedge
  googletest libgtest-dev                # unit tests
  qemu-system-x86 qemu-system-data       # bare metal (TCG) and KVM boots; qboot.rom
  xen-hypervisor-4.17-amd64              # real Xen for the PV boots
  clang-19                               # clang -fno-integrated-as drop-in test
  clang-format                           # the one style (tests/repo/check_format.sh)
  libclang-rt-19-dev                     # libFuzzer for the loader's note-parser fuzz target
)
for extra in "$@"; do
  case "$extra" in
    --bench) packages+=(hyperfine) ;;
    --linux) packages+=(linux-source-6.1 libelf-dev bc flex bison libssl-dev xz-utils cpio hyperfine) ;;
    *) echo "setup.sh: unknown option '$extra' (expected --bench or --linux)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: missing Debian packages: ${missing[*]}" >&2
  echo "setup.sh: run as root, or: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
