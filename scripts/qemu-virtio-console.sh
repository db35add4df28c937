#!/usr/bin/env bash
# qemu-virtio-console.sh: a QEMU for `afterburner boot --qemu`: runs qemu-system-x86_64
# ($AFTERBURNER_REAL_QEMU, else the one on PATH) with "-serial stdio" replaced by a mux
# chardev that COM1 and a virtio console share, so the KVM wedge can write whole console
# lines through the virtio console. Every other argument passes unchanged.
set -u
qemu=${AFTERBURNER_REAL_QEMU:-$(command -v qemu-system-x86_64)}
[ -n "$qemu" ] || { echo "qemu-virtio-console.sh: qemu-system-x86_64 not found" >&2; exit 77; }
arguments=()
while [ $# -gt 0 ]; do
  if [ "$1" = -serial ] && [ "${2:-}" = stdio ]; then
    arguments+=(-chardev stdio,id=console,mux=on -serial chardev:console
      -device virtio-serial-pci -device virtconsole,chardev=console)
    shift 2
  else
    arguments+=("$1")
    shift
  fi
done
exec "$qemu" "${arguments[@]}"
