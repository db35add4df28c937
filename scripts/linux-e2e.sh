#!/usr/bin/env bash
# linux-e2e.sh: the real-world acceptance test of afterburner-as (NOT run in CI: minutes).
#
# From Debian's linux-source-6.1 (scripts/setup.sh --linux), configures tinyconfig plus a
# console and an initramfs, builds it twice with -j2 (plain gcc + GNU as, and
# CC="gcc -B<shim>/" so every object goes through afterburner-as), then checks:
#   1. zero assembler failures and no GNU as anywhere (a trap `as` first in PATH fails the
#      build if anything falls back to it; every afterburner-as call is logged);
#   2. `afterburner notes vmlinux` finds every sensitive instruction `objdump -d` shows in
#      the GNU-as vmlinux, op by op (both tables are printed);
#   3. both bzImages boot under qemu-system-x86_64 -accel tcg with a tiny initramfs to the
#      same userspace init line.
#
# usage: scripts/linux-e2e.sh [--arch x86_64|i386|both] [--work DIR] [--skip-build]
#                             [--reuse-plain]  (keep an existing plain build in --work)
# env:   AFTERBURNER_BUILD_DIR (default build/), JOBS (default 2)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
jobs=${JOBS:-2}
arches=(x86_64)
work=${TMPDIR:-/tmp}/afterburner-linux-e2e
skip_build=0
reuse_plain=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) shift; [ "$1" = both ] && arches=(x86_64 i386) || arches=("$1") ;;
    --work) shift; work=$1 ;;
    --skip-build) skip_build=1 ;;
    --reuse-plain) reuse_plain=1 ;;
    *) echo "linux-e2e.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done

source_tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$source_tarball" ] || { echo "linux-e2e.sh: run scripts/setup.sh --linux first" >&2; exit 1; }
cmake --build "$build" --target afterburner-as afterburner afterburner_shim -j "$jobs" >/dev/null
[ -x "$build/afterburner/shim/as" ] || { echo "linux-e2e.sh: no shim in $build" >&2; exit 1; }
# The run uses its own copy of the shim and the tool, so rebuilding the tree meanwhile
# cannot change the assembler in the middle of a kernel build.
mkdir -p "$work/shim"
shim=$work/shim
tool=$work/afterburner
if [ "$skip_build" = 0 ]; then
  cp "$build/afterburner/afterburner-as" "$shim/as"
fi
cp "$build/afterburner/tool/afterburner" "$tool"
source_dir=$work/linux-source-6.1
if [ ! -d "$source_dir" ]; then
  echo "== extracting $source_tarball"
  tar -xf "$source_tarball" -C "$work"
fi

# A trap `as` first in PATH: any fallback to a system assembler fails the build loudly.
trap_dir=$work/trap
mkdir -p "$trap_dir"
cat >"$trap_dir/as" <<'EOF'
#!/bin/sh
echo "linux-e2e: a system assembler was invoked: as $*" >&2
echo "as $*" >>"${AFTERBURNER_TRAP_LOG:-/dev/null}"
exit 1
EOF
chmod +x "$trap_dir/as"

configure() { # arch dir [make args...]
  local arch=$1 dir=$2; shift 2
  mkdir -p "$dir"
  make -s -C "$source_dir" ARCH="$arch" O="$dir" "$@" tinyconfig >/dev/null
  local options=(-e PRINTK -e TTY -e SERIAL_8250 -e SERIAL_8250_CONSOLE -e BLK_DEV_INITRD
    -e BINFMT_ELF -e BINFMT_SCRIPT -e EARLY_PRINTK -e DEVTMPFS -d RD_GZIP -d RD_BZIP2
    -d RD_LZMA -d RD_XZ -d RD_LZO -d RD_LZ4 -d RD_ZSTD)
  [ "$arch" = x86_64 ] && options+=(-e 64BIT)
  "$source_dir/scripts/config" --file "$dir/.config" "${options[@]}"
  (cd "$dir" && make -s ARCH="$arch" "$@" olddefconfig >/dev/null)
}

build_kernel() { # arch dir log [make args...]
  local arch=$1 dir=$2 log=$3; shift 3
  local start=$(date +%s)
  (cd "$dir" && /usr/bin/time -f "%e s wall, %U s user, %S s sys" -o "$log.time" \
    make ARCH="$arch" -j"$jobs" "$@" bzImage >"$log" 2>&1) || {
    echo "linux-e2e.sh: $arch build in $dir FAILED; last lines of $log:" >&2
    tail -30 "$log" >&2; return 1; }
  echo "   $(cat "$log.time") ($(( $(date +%s) - start )) s)"
}

# A static init without libc: print one line, then reboot (qemu -no-reboot exits).
make_initramfs() { # arch dir
  local arch=$1 dir=$2 out=$work/init-$arch
  if [ "$arch" = x86_64 ]; then
    cat >"$out.s" <<'EOF'
        .globl _start
_start: mov $1, %eax; mov $1, %edi; lea msg(%rip), %rsi; mov $len, %edx; syscall
        mov $169, %eax; mov $0xfee1dead, %edi; mov $672274793, %esi; mov $0x1234567, %edx; syscall
1:      jmp 1b
msg:    .ascii "AFTERBURNER-INIT: userspace init reached\n"
        len = . - msg
EOF
    as --64 -o "$out.o" "$out.s" && ld -static -nostdlib -o "$out" "$out.o"
  else
    cat >"$out.s" <<'EOF'
        .globl _start
_start: mov $4, %eax; mov $1, %ebx; mov $msg, %ecx; mov $len, %edx; int $0x80
        mov $88, %eax; mov $0xfee1dead, %ebx; mov $672274793, %ecx; mov $0x1234567, %edx; int $0x80
1:      jmp 1b
msg:    .ascii "AFTERBURNER-INIT: userspace init reached\n"
        len = . - msg
EOF
    as --32 -o "$out.o" "$out.s" && ld -m elf_i386 -static -nostdlib -o "$out" "$out.o"
  fi
  printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\nfile /init %s 0755 0 0\n' "$out" \
    >"$out.list"
  "$dir/usr/gen_init_cpio" "$out.list" >"$work/initramfs-$arch.cpio"
}

boot() { # arch bzImage -> prints the init line or nothing
  local arch=$1 image=$2 qemu=qemu-system-x86_64
  [ "$arch" = i386 ] && qemu=qemu-system-i386
  timeout 180 "$qemu" -accel tcg -m 256M -kernel "$image" -initrd "$work/initramfs-$arch.cpio" \
    -append "console=ttyS0 panic=-1" -nographic -no-reboot -monitor none 2>&1 |
    tr -d '\r' | grep -m1 'AFTERBURNER-INIT' || true
}

# Sensitive instructions in a disassembly, counted per site_abi.h op name.
count_objdump() { # vmlinux
  objdump -d --no-show-raw-insn "$1" | python3 "$root/scripts/count-sensitive.py"
}

count_notes() { # vmlinux
  "$tool" notes --json "$1" | python3 -c '
import json, sys
totals = json.load(sys.stdin)["totals"]
for op in sorted(totals): print(op, totals[op])'
}

status=0
for arch in "${arches[@]}"; do
  plain=$work/build-$arch-plain
  burnt=$work/build-$arch-afterburner
  aslog=$work/afterburner-as-$arch.log
  traplog=$work/trap-$arch.log
  if [ "$skip_build" = 0 ]; then
    echo "== $arch: configuring"
    keep_plain=0
    [ "$reuse_plain" = 1 ] && [ -f "$plain/arch/x86/boot/bzImage" ] && keep_plain=1
    rm -rf "$burnt"
    if [ "$keep_plain" = 0 ]; then rm -rf "$plain"; configure "$arch" "$plain"; fi
    : >"$aslog"; : >"$traplog"
    export AFTERBURNER_AS_LOG=$aslog AFTERBURNER_TRAP_LOG=$traplog
    PATH=$trap_dir:$PATH configure "$arch" "$burnt" CC="gcc -B$shim/" HOSTCC="gcc -B$shim/" HOSTCXX="g++ -B$shim/" AS="$shim/as"
    if ! cmp -s <(grep -v '^#' "$plain/.config" | grep -v CC_VERSION_TEXT) \
                <(grep -v '^#' "$burnt/.config" | grep -v CC_VERSION_TEXT); then
      echo "   note: the two .config files differ:"; diff "$plain/.config" "$burnt/.config" | head -20
    fi
    echo "== $arch: plain build (gcc + GNU as)"
    if [ "$keep_plain" = 1 ]; then echo "   reused: $(cat "$work/build-$arch-plain.log.time")"
    else build_kernel "$arch" "$plain" "$work/build-$arch-plain.log"; fi
    echo "== $arch: afterburner build (gcc -B$shim/)"
    PATH=$trap_dir:$PATH build_kernel "$arch" "$burnt" "$work/build-$arch-afterburner.log" \
      CC="gcc -B$shim/" HOSTCC="gcc -B$shim/" HOSTCXX="g++ -B$shim/" AS="$shim/as" || status=1
    unset AFTERBURNER_AS_LOG AFTERBURNER_TRAP_LOG
  fi

  echo "== $arch: assembler calls"
  calls=$(wc -l <"$aslog"); failed=$(grep -vc '^exit=0' "$aslog" || true)
  objects=$(grep '^exit=' "$aslog" | grep -c -- ' -o [^ ]*\.o' || true)
  probe_failures=$(grep -v '^exit=0' "$aslog" | grep -c -- '-o /dev/null\|-o [^ ]*tmp' || true)
  echo "   afterburner-as calls: $calls ($objects into .o files); non-zero exits: $failed" \
       "(of which Kconfig/Kbuild probes into temp files or /dev/null: $probe_failures)"
  real_failures=$(grep -v '^exit=0' "$aslog" | grep -v -- '-o /dev/null' | grep -v -- '-o [^ ]*tmp' |
                  grep -c -- ' -o [^ ]*\.o' || true)
  echo "   assembler failures on kernel objects: $real_failures"
  echo "   system-assembler (trap) calls: $(wc -l <"$traplog")"
  [ "$real_failures" = 0 ] && [ ! -s "$traplog" ] || status=1

  echo "== $arch: sites (afterburner notes) vs sensitive instructions (objdump of GNU-as vmlinux)"
  count_objdump "$plain/vmlinux" >"$work/objdump-$arch.txt"
  count_notes "$burnt/vmlinux" >"$work/notes-$arch.txt"
  python3 - "$work/objdump-$arch.txt" "$work/notes-$arch.txt" <<'EOF' || status=1
import sys
def load(path):
    return {l.split()[0]: int(l.split()[1]) for l in open(path) if l.strip()}
expected, found = load(sys.argv[1]), load(sys.argv[2])
ops = sorted(set(expected) | set(found))
print(f"   {'op':<18}{'objdump(GNU as)':>16}{'notes(afterburner)':>20}")
bad = 0
for op in ops:
    e, f = expected.get(op, 0), found.get(op, 0)
    mark = "" if e == f else "   <-- differs"
    bad += e != f
    print(f"   {op:<18}{e:>16}{f:>20}{mark}")
print(f"   {'total':<18}{sum(expected.values()):>16}{sum(found.values()):>20}")
sys.exit(1 if bad else 0)
EOF

  echo "== $arch: boot under qemu TCG"
  make_initramfs "$arch" "$plain"
  plain_line=$(boot "$arch" "$plain/arch/x86/boot/bzImage")
  burnt_line=$(boot "$arch" "$burnt/arch/x86/boot/bzImage")
  echo "   plain:       ${plain_line:-<no init line>}"
  echo "   afterburner: ${burnt_line:-<no init line>}"
  [ -n "$burnt_line" ] && [ "$plain_line" = "$burnt_line" ] || status=1
done
[ "$status" = 0 ] && echo "linux-e2e: PASS" || echo "linux-e2e: FAIL"
exit "$status"
