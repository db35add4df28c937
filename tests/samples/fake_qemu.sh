#!/bin/sh
# fake_qemu.sh: stands in for qemu-system-x86_64 so the launcher's verdict logic is tested
# without booting anything. Behaviour from $FAKE_QEMU_MODE:
#   success      SUCCESS, then exit 33 (isa-debug-exit)     -> launcher 0
#   reset        SUCCESS, then exit 0 (triple fault + -no-reboot looks like this) -> 1
#   failure      FAILURE, then exit 3                       -> 1
#   panic        a Xen panic line, then hangs               -> 1, killed at once
#   hang         prints a line, then hangs                  -> 1 at --timeout
#   crlf         SUCCESS with a serial "\r\n", exit 33      -> 0
#   args         prints its arguments, SUCCESS, exit 33     -> 0 (the test greps them)
case "${FAKE_QEMU_MODE:-success}" in
  success) echo "booting"; echo "SUCCESS"; exit 33 ;;
  reset) echo "SUCCESS"; exit 0 ;;
  failure) echo "FAILURE"; exit 3 ;;
  panic) echo "(XEN) Panic on CPU 0:"; exec sleep 60 ;;
  hang) echo "waiting forever"; exec sleep 60 ;;
  crlf) printf 'SUCCESS\r\n'; exit 33 ;;
  args) for argument in "$@"; do echo "argument: $argument"; done; echo "SUCCESS"; exit 33 ;;
esac
exit 99
