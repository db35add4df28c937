#!/usr/bin/env bash
# kvm-exits.sh: VM exits of guest kernels under KVM, with the KVM wedge (patched) and with
# patching disabled (kernel command line "afterburner=off"), side by side in one run.
#
#   scripts/kvm-exits.sh [--build DIR] [--keep DIR] [--no-virtio] [KERNEL...]
#
# Default kernels: the hello and bench samples of the build directory. Prints, per kernel,
# total exits and exits by reason and device, and the patched/unpatched ratio.
# The guest gets COM1 and a virtio console on one (mux) chardev, so the KVM wedge can send
# whole lines through the virtio console; --no-virtio leaves only COM1.
#
# How exits are counted: KVM's tracepoints, in a private tracefs instance that follows only
# the QEMU process this script starts (set_event_pid + event-fork), so other guests on the
# machine do not count. A VMX/SVM host emits kvm_exit for every exit, and the table then
# uses its exit reason. This machine's kvm-pvm emulates the guest and emits no kvm_exit;
# there the intercepts are counted from the handlers' tracepoints: kvm_pio (port I/O, one
# per access, also for each iteration of a string instruction), kvm_cpuid, kvm_msr,
# kvm_mmio, kvm_hypercall and kvm_vcpu_wakeup (a hlt that blocked). Exits handed to QEMU
# (kvm_userspace_exit) are shown on their own line. Needs root and tracefs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
keep=""
virtio=1
kernels=()
while [ $# -gt 0 ]; do
  case "$1" in
  --build) build=$2; shift 2 ;;
  --keep) keep=$2; shift 2 ;;
  --no-virtio) virtio=0; shift ;;
  -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "kvm-exits.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  *) kernels+=("$1"); shift ;;
  esac
done
if [ ${#kernels[@]} -eq 0 ]; then
  for sample in hello bench; do
    path=$(find "$build/samples" -maxdepth 3 -type f -name "$sample" -perm -u+x 2>/dev/null | head -1)
    [ -n "$path" ] && kernels+=("$path")
  done
fi
[ ${#kernels[@]} -gt 0 ] || { echo "kvm-exits.sh: no kernels given and none built in $build/samples" >&2; exit 2; }
for kernel in "${kernels[@]}"; do
  [ -f "$kernel" ] || { echo "kvm-exits.sh: $kernel: no such file" >&2; exit 2; }
done
[ -r /dev/kvm ] && [ -w /dev/kvm ] || { echo "kvm-exits.sh: /dev/kvm is not usable" >&2; exit 77; }

tracing=/sys/kernel/tracing
[ -d "$tracing/events" ] || mount -t tracefs nodev "$tracing" 2>/dev/null || true
[ -d "$tracing/events/kvm" ] || { echo "kvm-exits.sh: no KVM tracepoints in $tracing (root needed)" >&2; exit 77; }
qemu=$(command -v qemu-system-x86_64) || { echo "kvm-exits.sh: qemu-system-x86_64 not found" >&2; exit 77; }
firmware=/usr/share/qemu/qboot.rom
[ -f "$firmware" ] || firmware=""

work=${keep:-$(mktemp -d /tmp/kvm-exits.XXXXXX)}
mkdir -p "$work"
instance=""
cleanup() {
  if [ -n "$instance" ] && [ -d "$instance" ]; then
    echo 0 >"$instance/tracing_on" 2>/dev/null || true
    rmdir "$instance" 2>/dev/null || true
  fi
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT

events="kvm_exit kvm_pio kvm_cpuid kvm_msr kvm_mmio kvm_hypercall kvm_vcpu_wakeup kvm_userspace_exit"

# console_arguments: COM1 on stdio and, with the virtio console, a virtconsole sharing its
# chardev: the same devices `afterburner boot --platform kvm` gives a guest.
if [ "$virtio" = 1 ]; then
  console_arguments=(-chardev stdio,id=console,mux=on -serial chardev:console
    -device virtio-serial-pci -device virtconsole,chardev=console)
  launcher_console=()
else
  console_arguments=(-serial stdio)
  launcher_console=(--serial-only)
fi

# The launcher (afterburner boot --platform kvm --stats) when the build has it.
launcher=""
for candidate in "$build/afterburner/tool/afterburner" "$build/bin/afterburner"; do
  [ -x "$candidate" ] && { launcher=$candidate; break; }
done

# guest_command NAME KERNEL APPEND: the command line of one boot (as an array in command).
guest_command() {
  local name=$1 kernel=$2 append=$3
  if [ -n "$launcher" ] && [ "$name" != firmware ]; then
    command=("$launcher" boot --platform kvm --stats --quiet --timeout 300
      --log "$work/$name.console" --qemu "$qemu" "${launcher_console[@]}")
    [ -n "$append" ] && command+=(--append "$append")
    command+=("$kernel")
    return
  fi
  command=(timeout 300 "$qemu" -accel kvm -cpu host,-arch-capabilities -M pc
    ${firmware:+-bios "$firmware"} -m 128M -nodefaults -display none -no-reboot
    "${console_arguments[@]}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$kernel")
  [ -n "$append" ] && command+=(-append "$append")
  return 0
}

# run_traced NAME KERNEL APPEND: boots once under a tracing instance; leaves NAME.trace,
# NAME.console, NAME.output (the launcher's own lines) and NAME.status in $work.
run_traced() {
  local name=$1 kernel=$2 append=$3
  instance="$tracing/instances/afterburner-kvm-exits-$$"
  mkdir "$instance"
  echo 1 >"$instance/options/event-fork"
  echo 32768 >"$instance/buffer_size_kb"
  for event in $events; do
    [ -d "$instance/events/kvm/$event" ] && echo 1 >"$instance/events/kvm/$event/enable"
  done
  local status=0 output=$work/$name.output
  local command=()
  guest_command "$name" "$kernel" "$append"
  (
    echo "$BASHPID" >"$instance/set_event_pid"
    exec "${command[@]}" </dev/null
  ) >"$output" 2>&1 &
  local pid=$!
  # QEMU pauses, not exits, on "KVM internal error": end it by its pid (the launcher
  # does this itself).
  while kill -0 "$pid" 2>/dev/null; do
    if grep -aq 'KVM internal error' "$output" 2>/dev/null; then
      sleep 0.5
      kill "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$pid" || status=$?
  [ -f "$work/$name.console" ] || cp "$output" "$work/$name.console"
  echo 0 >"$instance/tracing_on"
  cat "$instance/trace" >"$work/$name.trace"
  local lost
  lost=$(cat "$instance"/per_cpu/cpu*/stats 2>/dev/null | awk '/^overrun:/ {n += $2} END {print n + 0}')
  [ "$lost" -eq 0 ] || echo "kvm-exits.sh: warning: $name lost $lost trace events (buffer overrun)" >&2
  rmdir "$instance"
  instance=""
  echo "$status" >"$work/$name.status"
}

# classify NAME: "reason count" lines for one run.
classify() {
  awk '
    function count(key) { counts[key]++ }
    function hex(text,    value, digit, i) {
      sub(/^0x/, "", text)
      value = 0
      for (i = 1; i <= length(text); i++) {
        digit = index("0123456789abcdef", tolower(substr(text, i, 1))) - 1
        value = value * 16 + digit
      }
      return value
    }
    {
      event = ""
      for (i = 1; i <= NF; i++) if ($i ~ /^kvm_[a-z_]+:$/) { event = substr($i, 1, length($i) - 1); break }
      if (event == "") next
      if (event == "kvm_exit") { hardware = 1; count("exit " $(i + 4)); next }
      if (event == "kvm_userspace_exit") { userspace++; next }
      if (event == "kvm_pio") {
        direction = $(i + 1) == "pio_write" ? "out" : "in"
        port = hex($(i + 3))
        if (port >= 1016 && port <= 1023) device = "uart"
        else if ((port >= 64 && port <= 67) || port == 97) device = "pit"
        else if (port == 32 || port == 33 || port == 160 || port == 161) device = "pic"
        else if (port == 128) device = "io_delay"
        else if (port == 244) device = "debug_exit"
        else if (port == 3320 || port == 3324) device = "pci_config"
        else if (port >= 49152) device = "virtio"
        else device = "other"
        count("pio " device " " direction)
        next
      }
      if (event == "kvm_cpuid") { count("cpuid"); leaves[$(i + 2)]++; next }
      if (event == "kvm_msr") { count("msr " $(i + 1)); next }
      if (event == "kvm_mmio") { count("mmio"); next }
      if (event == "kvm_hypercall") { count("hypercall"); next }
      if (event == "kvm_vcpu_wakeup") { count("hlt"); next }
    }
    END {
      for (key in counts) {
        # On a VMX/SVM host kvm_exit already counts everything; the handler events
        # then only refine the port I/O line.
        if (hardware && key !~ /^(exit|pio) /) continue
        print key, counts[key]
      }
      printf "to-qemu %d\n", userspace
      for (leaf in leaves) printf "leaf %s %d\n", leaf, leaves[leaf]
    }' "$work/$1.trace" | sort
}

total_of() { awk '$1 != "to-qemu" && $1 != "leaf" && !($1 == "pio" && hw) {n += $NF} END {print n + 0}' hw="$2" "$1"; }

report() {
  local name=$1 patched=$work/$1.patched.counts unpatched=$work/$1.off.counts
  local hardware=0
  grep -q '^exit ' "$patched" "$unpatched" && hardware=1
  echo
  echo "== $name: exits under KVM (patched = KVM wedge, off = afterburner=off) =="
  grep -m1 -a 'afterburner:' "$work/$1.patched.console" | tr -d '\r' | sed 's/^/loader (patched): /' || true
  printf '%-22s %12s %12s %10s\n' "reason" "patched" "off" "off/patched"
  local keys
  keys=$(cat "$patched" "$unpatched" | awk '$1 != "to-qemu" && $1 != "leaf" {NF--; print}' | sort -u)
  while IFS= read -r key; do
    [ -z "$key" ] && continue
    local a b
    a=$(awk -v k="$key" '{v = $NF; NF--; if ($0 == k) print v}' "$patched"); a=${a:-0}
    b=$(awk -v k="$key" '{v = $NF; NF--; if ($0 == k) print v}' "$unpatched"); b=${b:-0}
    printf '%-22s %12d %12d %10s\n' "$key" "$a" "$b" "$(ratio "$b" "$a")"
  done <<<"$keys"
  local total_a total_b
  total_a=$(total_of "$patched" "$hardware")
  total_b=$(total_of "$unpatched" "$hardware")
  printf '%-22s %12d %12d %10s\n' "TOTAL" "$total_a" "$total_b" "$(ratio "$total_b" "$total_a")"
  local kernel_a=$((total_a - firmware_total)) kernel_b=$((total_b - firmware_total))
  printf '%-22s %12d %12d %10s\n' "TOTAL - firmware" "$kernel_a" "$kernel_b" \
    "$(ratio "$kernel_b" "$kernel_a")"
  printf '%-22s %12d %12d\n' "(of which to QEMU)" "$(awk '$1 == "to-qemu" {print $2}' "$patched")" \
    "$(awk '$1 == "to-qemu" {print $2}' "$unpatched")"
  local lines_a lines_b
  lines_a=$(tr -d '\r' <"$work/$1.patched.console" | grep -c '' || true)
  lines_b=$(tr -d '\r' <"$work/$1.off.console" | grep -c '' || true)
  printf '%-22s %12s %12s\n' "uart exits per line" "$(per_line "$patched" "$lines_a")" \
    "$(per_line "$unpatched" "$lines_b")"
  printf '%-22s %12s %12s\n' "cpuid leaves exiting" "$(leaves "$patched")" "$(leaves "$unpatched")"
  printf '%-22s %12s %12s\n' "QMP query-stats exits" "$(qmp_exits "$work/$1.patched.output")" \
    "$(qmp_exits "$work/$1.off.output")"
  printf '%-22s %12s %12s\n' "exit status" "$(cat "$work/$1.patched.status")" "$(cat "$work/$1.off.status")"
  printf '%-22s %12s %12s\n' "result line" "$(result "$work/$1.patched.console")" "$(result "$work/$1.off.console")"
}

ratio() { awk -v b="$1" -v a="$2" 'BEGIN { if (a == 0) print (b == 0 ? "-" : "inf"); else printf "%.1fx\n", b / a }'; }
per_line() {
  awk -v lines="$2" '$1 == "pio" && $2 == "uart" {n += $NF} END { if (lines == 0) print "-"; else printf "%.1f\n", n / lines }' "$1"
}
leaves() { awk '$1 == "leaf" {printf "%s%s(%d)", sep, $2, $3; sep = ","} END {if (!sep) printf "none"; print ""}' "$1"; }
qmp_exits() { sed -n 's/^afterburner boot: stats: exits=\([0-9]*\).*/\1/p' "$1" | tail -1 | grep . || echo "-"; }
result() { tr -d '\r' <"$1" | grep -aoE 'SUCCESS|FAILURE' | tail -1 || echo "?"; }

# The firmware (qboot, QEMU's multiboot loader) exits before the kernel runs: measure it
# with an empty Multiboot kernel that only writes isa-debug-exit, and subtract it.
build_empty_kernel() {
  cat >"$work/empty.S" <<'EOF_EMPTY'
  .text
  .code32
  .globl _start
  .align 4
  .long 0x1badb002, 0, -0x1badb002
_start:
  movw $0xf4, %dx
  movl $0x10, %eax
  outl %eax, %dx
1: hlt
  jmp 1b
EOF_EMPTY
  cc -m32 -c "$work/empty.S" -o "$work/empty.o" &&
    ld -m elf_i386 -Ttext=0x100000 -e _start "$work/empty.o" -o "$work/empty"
}
firmware_total=0
if build_empty_kernel 2>/dev/null; then
  run_traced firmware "$work/empty" ""
  classify firmware >"$work/firmware.counts"
  firmware_total=$(total_of "$work/firmware.counts" 0)
else
  echo "kvm-exits.sh: no 32-bit cc/ld: firmware exits not measured, totals include them" >&2
fi

for kernel in "${kernels[@]}"; do
  name=$(basename "$kernel")
  run_traced "$name.patched" "$kernel" ""
  run_traced "$name.off" "$kernel" "afterburner=off"
  classify "$name.patched" >"$work/$name.patched.counts"
  classify "$name.off" >"$work/$name.off.counts"
done
for kernel in "${kernels[@]}"; do
  report "$(basename "$kernel")"
done
[ -z "$keep" ] || echo "kvm-exits.sh: traces and console logs kept in $work"
