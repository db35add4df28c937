#!/usr/bin/env bash
# The README's main job: set-up and build (scripts/build.sh), then boot the ONE sample
# guest ELF `hello` on every platform and print a table, then run `bench` natively (bare),
# trapping (on each hypervisor with afterburner=off: nothing patched) and pre-virtualized
# (patched: Auto), print the per-op table, and write it as JSON and an SVG chart to
# build/demo/. Exit 0 when bare and kvm reached SUCCESS, 1 otherwise.
#
# Environment: AFTERBURNER_BUILD_DIR (default build/), DEMO_BENCH_APPEND (bench options,
# default "iterations=2000 irq_iterations=20"), DEMO_TIMEOUT (seconds per boot, default 60).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"

tool=$build/afterburner/tool/afterburner
hello=$build/samples/hello/hello
bench=$build/samples/bench/bench
vthread_host=$build/wedges/akaros/host/afterburner-vthread
for file in "$tool" "$hello" "$bench"; do
  if [ ! -f "$file" ]; then
    echo "demo: $file was not built; see the build output above" >&2
    exit 1
  fi
done
bench_append=${DEMO_BENCH_APPEND:-iterations=2000 irq_iterations=20}
timeout=${DEMO_TIMEOUT:-60}
out=$build/demo
mkdir -p "$out"
platforms=(bare kvm xen vthread)

# boot NAME PLATFORM KERNEL APPEND [TIMEOUT]: one launcher run; console in NAME.log, verdict
# in NAME.verdict, the launcher's exit status in NAME.status.
boot() {
  local name=$1 platform=$2 kernel=$3 append=$4 limit=${5:-$timeout} status=0
  local host=()
  [ -x "$vthread_host" ] && host=(--vthread-host "$vthread_host")
  "$tool" boot --platform "$platform" --quiet --timeout "$limit" --log "$out/$name.log" \
    --append "$append" "${host[@]}" "$kernel" >/dev/null 2>"$out/$name.verdict" || status=$?
  [ -f "$out/$name.log" ] || : >"$out/$name.log"
  echo "$status" >"$out/$name.status"
}

# field FILE KEY: KEY's value in the kernel's "afterburner: wedge=... sites=..." line.
field() {
  grep -m 1 '^afterburner: wedge=' "$1" | sed -n "s/^afterburner: /ignored /; s/.* $2=\([^ ]*\).*/\1/p"
}

# result NAME: SUCCESS, SKIPPED (reason) or FAILED (reason), from the launcher's verdict.
result() {
  local status verdict
  status=$(cat "$out/$1.status")
  verdict=$(tr -d '\r' <"$out/$1.verdict")
  case "$status" in
    0) echo "SUCCESS" ;;
    77) echo "SKIPPED: $(sed -n 's/.*SKIPPED: [a-z]*: //p' <<<"$verdict" | head -n 1)" ;;
    *) echo "FAILED: $(sed -n 's/.*result=FAILED wall=[0-9.]*s (\(.*\))$/\1/p' <<<"$verdict" | tail -n 1)" ;;
  esac
}

wall() { sed -n 's/.*wall=\([0-9.]*\)s.*/\1 s/p' "$out/$1.verdict" | tail -n 1; }

echo
echo "== hello: one ELF ($hello) on every platform =="
for platform in "${platforms[@]}"; do
  echo "   booting hello on $platform ..." >&2
  boot "hello-$platform" "$platform" "$hello" "ticks=10"
done
printf '%-8s %-7s %6s %8s %7s %9s  %-10s %s\n' platform wedge sites patched native rejected \
  "boot wall" result
for platform in "${platforms[@]}"; do
  log=$out/hello-$platform.log
  printf '%-8s %-7s %6s %8s %7s %9s  %-10s %s\n' "$platform" "$(field "$log" wedge || true)" \
    "$(field "$log" sites || true)" "$(field "$log" patched || true)" \
    "$(field "$log" native || true)" "$(field "$log" rejected || true)" \
    "$(wall "hello-$platform")" "$(result "hello-$platform")"
done

# kvm_exits NAME APPEND: hello on KVM with --stats; prints the total exit count or a reason.
kvm_exits() {
  local status=0
  "$tool" boot --platform kvm --stats --quiet --timeout "$timeout" --append "$2" "$hello" \
    >/dev/null 2>"$out/$1.verdict" || status=$?
  case "$status" in
    0) sed -n 's/.*stats: exits=\([0-9]*\).*/\1/p' "$out/$1.verdict" | head -n 1 ;;
    77) echo "skipped" ;;
    *) echo "failed" ;;
  esac
}

echo
echo "== KVM exits for one hello boot (QMP query-stats; firmware included) =="
echo "   counting KVM exits ..." >&2
printf '%-28s %s\n' "trap (afterburner=off)" "$(kvm_exits hello-kvm-exits-trap "afterburner=off ticks=10")"
printf '%-28s %s\n' "auto (patched by the loader)" "$(kvm_exits hello-kvm-exits-auto "ticks=10")"

echo
echo "== bench: cycles per op (Native = bare; Trap = hypervisor, afterburner=off; Auto = patched) =="
configurations=(native)
boot bench-native bare "$bench" "$bench_append"
for platform in kvm xen vthread; do
  echo "   bench on $platform (trap, then auto) ..." >&2
  # Unpatched, a guest may crash or hang on a hypervisor: give up sooner.
  boot "bench-$platform-trap" "$platform" "$bench" "afterburner=off $bench_append" $((timeout / 2))
  boot "bench-$platform-auto" "$platform" "$bench" "$bench_append"
  configurations+=("$platform-trap" "$platform-auto")
done

# One awk program turns the bench logs into the table, the JSON and the SVG chart.
logs=()
: >"$out/bench-results.txt"
for configuration in "${configurations[@]}"; do
  logs+=("$out/bench-$configuration.log")
  echo "$configuration $(result "bench-$configuration")" >>"$out/bench-results.txt"
done
awk -v configurations="${configurations[*]}" -v json="$out/bench.json" -v svg="$out/bench.svg" \
  -v results="$out/bench-results.txt" -f "$root/scripts/demo_report.awk" "${logs[@]}"
echo
echo "bench outcomes:"
sed 's/^/  /' "$out/bench-results.txt"
echo
echo "Notes: 'Native' is QEMU TCG (an emulator, not hardware); this machine's KVM is a software"
echo "KVM (kvm_pvm, ~1 us per guest ring-0 instruction): compare its exit counts, not times."
echo "A '-' means the run printed no value (it failed or was skipped; see bench outcomes)."
echo "Written: $out/bench.json, $out/bench.svg, and every console log in $out/."

bare=$(cat "$out/hello-bare.status")
kvm=$(cat "$out/hello-kvm.status")
[ "$bare" = 0 ] && { [ "$kvm" = 0 ] || [ "$kvm" = 77 ]; }
