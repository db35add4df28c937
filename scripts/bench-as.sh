#!/usr/bin/env bash
# bench-as.sh: afterburner-as against GNU as, measured side by side in one run; prints
# ratios (goals: startup <= 1.3x, throughput <= 1.25x, kernel build CPU <= 1.03x).
#
#   startup:    hyperfine medians on a tiny .s (a dozen sensitive and plain instructions)
#   throughput: hyperfine medians on a >= 5 MB gcc -S -g output (generated C, -O2)
#   --kernel:   CPU time (user+sys) of a Linux 6.1 tinyconfig bzImage build, plain vs
#               CC="gcc -B<shim>/" (needs scripts/setup.sh --linux; takes many minutes)
#
# usage: scripts/bench-as.sh [--kernel] [--runs N]     env: AFTERBURNER_BUILD_DIR, JOBS
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
jobs=${JOBS:-2}
kernel=0
runs=300
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) kernel=1 ;;
    --runs) shift; runs=$1 ;;
    *) echo "bench-as.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
command -v hyperfine >/dev/null || { echo "bench-as.sh: needs hyperfine (scripts/setup.sh --bench)" >&2; exit 1; }
cmake --build "$build" --target afterburner-as afterburner_shim -j "$jobs" >/dev/null
ours=$build/afterburner/afterburner-as
gnu=$(command -v as)
work=$(mktemp -d "${TMPDIR:-/tmp}/afterburner-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "GNU as:         $("$gnu" --version | head -1)"
echo "afterburner-as: $("$ours" --version | head -1)"

median() { # hyperfine JSON, command index -> median seconds
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"
}
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1])/float(sys.argv[2]):.2f}")' "$1" "$2"; }

# --- startup --------------------------------------------------------------------------
cat >"$work/tiny.s" <<'EOF'
	.text
	.globl f
f:	cli
	pushfq
	popfq
	mov %cr3, %rax
	mov %rax, %cr3
	rdmsr
	add $1, %rax
	sti
	ret
EOF
hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/startup.json" \
  "$gnu --64 -o $work/g.o $work/tiny.s" "$ours --64 -o $work/a.o $work/tiny.s" >/dev/null
startup_gnu=$(median "$work/startup.json" 0)
startup_ours=$(median "$work/startup.json" 1)

# --- throughput -----------------------------------------------------------------------
# The input is a kernel file as a debug build compiles it (gcc -S -g -O3 -funroll-loops of
# kernel/events/core.c: DWARF 5 with location views, ~8 MB) when the Linux source is
# installed (scripts/setup.sh --linux; LINUX_SOURCE_DIR may name an extracted tree);
# otherwise a generated C file with -O2 -g.
linux_tarball=/usr/src/linux-source-6.1.tar.xz
linux_source=${LINUX_SOURCE_DIR:-}
if [ -z "$linux_source" ] && [ -f "$linux_tarball" ]; then
  tar -xf "$linux_tarball" -C "$work"
  linux_source=$work/linux-source-6.1
fi
if [ -n "$linux_source" ]; then
  make -s -C "$linux_source" ARCH=x86_64 O="$work/k-input" tinyconfig >/dev/null 2>&1
  (cd "$work/k-input" && make -s ARCH=x86_64 KCFLAGS="-g -O3 -funroll-loops" kernel/events/core.s \
    >/dev/null 2>&1)
  cp "$work/k-input/kernel/events/core.s" "$work/big.s"
  input_name="kernel/events/core.c -O3 -g"
else
  python3 - "$work/big.c" <<'EOF_C'
import sys
with open(sys.argv[1], "w") as out:
    out.write("struct item { int key; long value; struct item *next; };\n")
    for n in range(1400):
        out.write(f"""
long walk{n}(struct item *list, int limit) {{
  long total = {n};
  for (struct item *it = list; it && limit > 0; it = it->next, --limit) {{
    switch ((it->key + {n}) & 7) {{
    case 0: total += it->value * {n % 13 + 1}; break;
    case 1: total ^= it->value << {n % 5}; break;
    case 2: total -= it->key; break;
    case 3: if (it->value > total) total = it->value; break;
    default: total += limit;
    }}
  }}
  return total;
}}
""")
EOF_C
  # GNU as resolves location views of one long section slowly; views are off here so the
  # comparison measures the assembler, not that corner.
  gcc -O2 -g -gno-variable-location-views -S -o "$work/big.s" "$work/big.c"
  input_name="generated C -O2 -g"
fi
size=$(stat -c %s "$work/big.s")
hyperfine -N --warmup 2 --runs 15 --export-json "$work/throughput.json" \
  "$gnu --64 --gdwarf-5 -o $work/g.o $work/big.s" \
  "$ours --64 --gdwarf-5 -o $work/a.o $work/big.s" >/dev/null
through_gnu=$(median "$work/throughput.json" 0)
through_ours=$(median "$work/throughput.json" 1)

echo
printf '%-34s %12s %14s %8s %8s\n' "measurement" "GNU as" "afterburner-as" "ratio" "goal"
printf '%-34s %10.2f ms %12.2f ms %8s %8s\n' "startup (tiny.s, median)" \
  "$(python3 -c "print($startup_gnu*1000)")" "$(python3 -c "print($startup_ours*1000)")" \
  "$(ratio "$startup_ours" "$startup_gnu")" "<= 1.30"
printf '%-34s %10.1f ms %12.1f ms %8s %8s\n' "throughput ($((size / 1024 / 1024)) MB, median)" \
  "$(python3 -c "print($through_gnu*1000)")" "$(python3 -c "print($through_ours*1000)")" \
  "$(ratio "$through_ours" "$through_gnu")" "<= 1.25"

# --- kernel build CPU -----------------------------------------------------------------
if [ "$kernel" = 1 ]; then
  [ -n "$linux_source" ] || { echo "bench-as.sh: --kernel needs scripts/setup.sh --linux" >&2; exit 1; }
  cp "$ours" "$work/as-copy"; mkdir -p "$work/shim"; mv "$work/as-copy" "$work/shim/as"
  cpu() { # dir [make args] -> user+sys seconds of a clean bzImage build
    local dir=$1; shift
    make -s -C "$linux_source" ARCH=x86_64 O="$dir" "$@" tinyconfig >/dev/null 2>&1
    "$linux_source/scripts/config" --file "$dir/.config" -e 64BIT -e PRINTK -e TTY \
      -e SERIAL_8250 -e SERIAL_8250_CONSOLE -e BLK_DEV_INITRD -e BINFMT_ELF
    (cd "$dir" && make -s ARCH=x86_64 "$@" olddefconfig >/dev/null 2>&1 &&
      /usr/bin/time -f "%U %S" -o "$dir.time" make -s ARCH=x86_64 -j"$jobs" "$@" bzImage >/dev/null 2>&1)
    awk '{print $1 + $2}' "$dir.time"
  }
  kernel_gnu=$(cpu "$work/k-gnu")
  kernel_ours=$(cpu "$work/k-ours" CC="gcc -B$work/shim/" AS="$work/shim/as")
  printf '%-34s %11.1f s %13.1f s %8s %8s\n' "Linux tinyconfig build CPU" "$kernel_gnu" \
    "$kernel_ours" "$(ratio "$kernel_ours" "$kernel_gnu")" "<= 1.03"
fi
echo "throughput input: $input_name, $size bytes"
echo "(the machine is shared: medians of side-by-side runs; rerun for a second sample)"
