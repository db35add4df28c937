#!/usr/bin/env bash
# bench-xen.sh: the cost of each sensitive op of samples/bench on real Xen (4.17, the guest
# as PV dom0 under QEMU TCG), three ways side by side, measured in one run:
#   Trap    the bare-metal instruction left to trap into Xen (or not: some never trap and
#           silently do the wrong thing; some kill the domain). The sample kernel itself
#           cannot run with patching off (afterburner=off): its first port access kills
#           dom0, which the script shows; so this column comes from the manual bench guest
#           running the raw instructions with a #GP catcher.
#   Auto    samples/bench, pre-virtualized: the loader patched its sites to the Xen wedge.
#   Manual  wedges/xen/bench: the same loop with the ops written by hand against Xen's PV
#           ABI as Linux's PV ops are (direct calls), plus the same code inlined ("Inline").
# Each image boots BENCH_RUNS times (default 3); the table shows each op's minimum over
# the runs (a shared machine only ever adds time). Cycles are TSC cycles per op with the
# empty loop subtracted; ns use the TSC rate Xen reports.
#
# Usage: scripts/bench-xen.sh [BUILD_DIR]    (default: $AFTERBURNER_BUILD_DIR or build/)
# Environment: BENCH_RUNS (3), BENCH_ITERATIONS (20000), BENCH_TIMEOUT (300 s per boot).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${AFTERBURNER_BUILD_DIR:-$root/build}}
runs=${BENCH_RUNS:-3}
iterations=${BENCH_ITERATIONS:-20000}
timeout=${BENCH_TIMEOUT:-300}

tool=$build/afterburner/tool/afterburner
auto=$build/samples/bench/bench
manual=$build/wedges/xen/bench/xen_manual_bench
if [ ! -x "$tool" ] || [ ! -f "$auto" ] || [ ! -f "$manual" ]; then
  [ -f "$build/CMakeCache.txt" ] || { echo "bench-xen.sh: no build in $build (run scripts/build.sh)" >&2; exit 2; }
  cmake --build "$build" --target afterburner bench xen_manual_bench -j 2 >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

boot() { # boot LOG KERNEL APPEND: 0 when the guest said SUCCESS
  "$tool" boot --platform xen --quiet --timeout "$timeout" --log "$1" --append "$3" "$2" \
    >/dev/null 2>&1
}

for run in $(seq 1 "$runs"); do
  boot "$work/auto.$run.log" "$auto" "iterations=$iterations" ||
    { echo "bench-xen.sh: samples/bench failed on Xen (log: $work/auto.$run.log)" >&2; cat "$work/auto.$run.log" >&2; exit 1; }
  boot "$work/manual.$run.log" "$manual" "iterations=$iterations" ||
    { echo "bench-xen.sh: xen_manual_bench failed on Xen" >&2; cat "$work/manual.$run.log" >&2; exit 1; }
done
# The sample kernel with patching off: expected to die at its first sensitive op.
if boot "$work/off.log" "$auto" "afterburner=off iterations=100"; then
  off_result="runs (unexpected)"
else
  off_result=$(tr -d '\r' <"$work/off.log" | grep -m1 -oE 'Unhandled: vec [0-9]+, #[A-Z]+|Dom0 crashed|Panic' ||
    echo "fails")
fi

cat "$work"/auto.*.log "$work"/manual.*.log | tr -d '\r' | awk -v off="$off_result" -v runs="$runs" '
  function keep(column, op, value) {
    key = column SUBSEP op
    if (!(key in best) || value < best[key]) best[key] = value
    if (!(op in seen)) { seen[op] = 1; order[++count] = op }
  }
  function field(name,   i, pair) {
    for (i = 1; i <= NF; ++i) { split($i, pair, "="); if (pair[1] == name) return pair[2] }
    return ""
  }
  /^bench: manual xen-pv/ { khz = field("tsc_khz") }
  /^bench op=/            { keep("auto", field("op"), field("cycles") + 0) }
  /^bench mode=/ {
    mode = field("mode"); op = field("op")
    if (field("dies") != "") { dies[op] = field("dies"); if (!(op in seen)) { seen[op] = 1; order[++count] = op } }
    else if (field("note") != "") note[op] = field("note")
    else keep(mode, op, field("cycles") + 0)
  }
  function cell(column, op) { return ((column SUBSEP op) in best) ? best[column SUBSEP op] : "" }
  function ns(cycles) { return (cycles == "" || khz == 0) ? "" : sprintf("%.0f", cycles * 1000000 / khz) }
  function show(cycles) { return cycles == "" ? "-" : sprintf("%s (%s ns)", cycles, ns(cycles)) }
  END {
    printf "Xen 4.17 PV dom0 under QEMU TCG; TSC %d kHz; minimum of %d runs; cycles per op (ns)\n\n", khz, runs
    printf "%-11s %-24s %-18s %-18s %-16s %-11s %s\n", "op", "Trap", "Auto", "Manual", "Inline", "Auto/Man", "Trap/Auto"
    failures = 0
    for (i = 1; i <= count; ++i) {
      op = order[i]
      trap = cell("trap", op); a = cell("auto", op); m = cell("manual", op); in_ = cell("inline", op)
      t = (op in dies) ? "dies (" dies[op] ")" : show(trap)
      if (op in note) t = t " " note[op]
      ratio = "-"; verdict = ""
      if (a != "" && m != "") {
        ratio = sprintf("%.2fx", (m > 0) ? a / m : 0)
        if (a > 1.1 * m && a - m > 2) { verdict = " over"; failures++ }
      }
      speedup = (trap != "" && a != "" && a > 0) ? sprintf("%.0fx", trap / a) : "-"
      printf "%-11s %-24s %-18s %-18s %-16s %-11s %s\n", op, t, show(a), show(m), show(in_), ratio verdict, speedup
    }
    printf "\nsamples/bench with afterburner=off on Xen: %s\n", off
    cs = cell("auto", "cli_sti"); ct = cell("trap", "cli_sti")
    printf "goal cli_sti Trap >= 100x Auto: %s (%s vs %s cycles)\n", (cs > 0 && ct >= 100 * cs) ? "met" : "NOT met", ct, cs
    printf "goal Auto <= 1.1x Manual: %s\n", failures ? failures " op(s) over" : "met for every op measured both ways"
  }'
