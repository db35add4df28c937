#!/usr/bin/env bash
# Freestanding libraries may leave undefined only what another freestanding library of
# ours defines, or what is on this short allowlist (the compiler emits calls to these
# even with -ffreestanding; the guest kernel provides them). Exit 1 on any other.
set -u
allowlist='memcpy memset memmove memcmp'
[ $# -eq 0 ] && { echo "freestanding symbols: no freestanding libraries built yet"; exit 0; }
defined=$(nm --defined-only -g "$@" 2>/dev/null | awk 'NF==3 {print $3}' | sort -u)
violations=0
for library in "$@"; do
  while read -r symbol; do
    [ -z "$symbol" ] && continue
    grep -qxF "$symbol" <<<"$defined" && continue
    case " $allowlist " in *" $symbol "*) continue ;; esac
    echo "$(basename "$library"): undefined symbol '$symbol' is neither ours nor allowed"
    violations=$((violations + 1))
  done < <(nm -u "$library" 2>/dev/null | awk '$1 == "U" || $1 == "w" {print $NF}' | sort -u)
done
[ "$violations" -eq 0 ] && { echo "freestanding symbols: ok ($# libraries)"; exit 0; }
exit 1
