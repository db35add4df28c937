#!/usr/bin/env bash
# A wedge exports exactly one object, afterburner_wedge_<name> (wedge_abi.h section 1):
# every other global data symbol of its library is a violation.
set -u
library=${1:?usage: check_exports.sh LIBRARY WEDGE_OBJECT}
expected=${2:?usage: check_exports.sh LIBRARY WEDGE_OBJECT}
objects=$(nm -g --defined-only "$library" | awk 'NF == 3 && $2 ~ /^[BDGRSVu]$/ {print $3}' | sort -u)
if [ "$objects" = "$expected" ]; then
  echo "exports: ok ($expected)"
  exit 0
fi
echo "$(basename "$library"): global objects are '$(echo $objects)', expected only '$expected'"
exit 1
