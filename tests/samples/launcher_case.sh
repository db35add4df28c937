#!/bin/sh
# launcher_case.sh TOOL FAKE_QEMU KERNEL MODE PLATFORM EXPECTED_STATUS PATTERN
# Runs `afterburner boot` against fake_qemu.sh in MODE and checks the exit status and that
# the output (console and verdict) matches PATTERN (grep -E).
tool=$1 fake=$2 kernel=$3 mode=$4 platform=$5 expected=$6 pattern=$7
output=$(FAKE_QEMU_MODE=$mode "$tool" boot --platform "$platform" --timeout 3 --qemu "$fake" \
  --xen-image "$fake" --append 'x=1,2' "$kernel" 2>&1)
status=$?
echo "$output"
if [ "$status" -ne "$expected" ]; then
  echo "launcher_case: exit status $status, expected $expected"
  exit 1
fi
if ! echo "$output" | grep -Eq -e "$pattern"; then
  echo "launcher_case: no line matches '$pattern'"
  exit 1
fi
exit 0
