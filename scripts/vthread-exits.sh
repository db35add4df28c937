#!/usr/bin/env bash
# vthread-exits.sh: exits of a kernel run as an Akaros vthread (afterburner-vthread, the
# Linux/KVM stand-in for Akaros's VMM), console through PRINTC vmcalls vs the shared-memory
# ring, side by side in one run.
#
#   scripts/vthread-exits.sh [--build DIR] [KERNEL] [-- KERNEL ARGS...]
#
# Default kernel: samples/hello of the build directory. The table counts the exits that
# reach the VMM in user space (Akaros's "reflected" exits: vmcalls, port I/O, MMIO, MSRs
# outside the kernel's set), as the host's --stats reports them, and, on its last rows,
# KVM's own per-vCPU counters (binary stats): every exit including those KVM handles in
# its kernel (x2APIC timer and EOI, hlt, interrupt injection). Akaros's kernel handles
# EOI and hlt wake-ups too, but reflects x2APIC timer programming to user space.
# Exit status: 0 when both runs reached SUCCESS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
kernel=""
arguments=()
while [ $# -gt 0 ]; do
  case "$1" in
  --build) build=$2; shift 2 ;;
  --) shift; arguments=("$@"); break ;;
  -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "vthread-exits.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  *) kernel=$1; shift ;;
  esac
done
host=$build/wedges/akaros/host/afterburner-vthread
[ -n "$kernel" ] || kernel=$build/samples/hello/hello
for file in "$host" "$kernel"; do
  [ -x "$file" ] || { echo "vthread-exits.sh: $file not found (build it first)" >&2; exit 2; }
done
[ -r /dev/kvm ] && [ -w /dev/kvm ] || { echo "vthread-exits.sh: SKIPPED: no usable /dev/kvm" >&2; exit 77; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for console in printc ring; do
  if ! "$host" --stats --console "$console" --timeout 300 "$kernel" ${arguments[@]+-- "${arguments[@]}"} \
      >"$scratch/$console.out" 2>"$scratch/$console.err"; then
    echo "vthread-exits.sh: the $console run failed:" >&2
    tail -5 "$scratch/$console.err" >&2
    status=1
  fi
done

# One value from a run's --stats block.
value() { # console pattern field
  awk -v pattern="$2" -v field="$3" '$0 ~ pattern { print $field; found=1; exit } END { if (!found) print 0 }' \
    "$scratch/$1.err"
}
lines() { tr -d '\r' <"$scratch/$1.out" | grep -c '' || true; }

printf '%-28s %12s %12s\n' "$(basename "$kernel") as a vthread" "PRINTC" "ring"
row() { printf '%-28s %12s %12s\n' "$1" "$2" "$3"; }
row "console lines" "$(lines printc)" "$(lines ring)"
row "exits, total" "$(value printc 'exits \\(console' 6)" "$(value ring 'exits \\(console' 6)"
row "  vmcall PRINTC" "$(value printc 'vmcall 1 ' 4)" "$(value ring 'vmcall 1 ' 4)"
row "  vmcall GET_TSCFREQ" "$(value printc 'vmcall 3 ' 4)" "$(value ring 'vmcall 3 ' 4)"
row "  vmcall SHUTDOWN" "$(value printc 'vmcall 5 ' 4)" "$(value ring 'vmcall 5 ' 4)"
row "  port I/O" "$(value printc 'port-io' 2)" "$(value ring 'port-io' 2)"
row "  MMIO" "$(value printc 'port-io' 4)" "$(value ring 'port-io' 4)"
row "  rdmsr + wrmsr" "$(( $(value printc 'port-io' 6) + $(value printc 'port-io' 8) ))" \
  "$(( $(value ring 'port-io' 6) + $(value ring 'port-io' 8) ))"
kernel() { # console counter
  tr ' ' '\n' <"$scratch/$1.err" | awk -F= -v name="$2" 'NF == 2 && $1 == name { print $2; found=1; exit } END { if (!found) print "-" }'
}
row "KVM exit counter (all)" "$(kernel printc exits)" "$(kernel ring exits)"
row "  halt_exits" "$(kernel printc halt_exits)" "$(kernel ring halt_exits)"
row "  irq_injections" "$(kernel printc irq_injections)" "$(kernel ring irq_injections)"
per_line() { awk -v exits="$1" -v lines="$2" 'BEGIN { printf "%.2f", lines ? exits / lines : 0 }'; }
row "console exits per line" "$(per_line "$(value printc 'vmcall 1 ' 4)" "$(lines printc)")" \
  "$(per_line "$(value ring 'vmcall 1 ' 4)" "$(lines ring)")"
for console in printc ring; do
  grep -q SUCCESS "$scratch/$console.out" || { echo "vthread-exits.sh: no SUCCESS with --console $console" >&2; status=1; }
done
exit $status
