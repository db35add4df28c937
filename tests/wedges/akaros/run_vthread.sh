#!/bin/sh
# run_vthread.sh HOST ARGS...: runs the vthread host, or exits 77 (CTest: skipped) when
# this machine has no usable /dev/kvm.
host=$1
shift
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
  echo "SKIPPED: no usable /dev/kvm"
  exit 77
fi
exec "$host" "$@"
