#!/usr/bin/env bash
# Installs what is missing, then configures and builds Afterburner into build/ (or $AFTERBURNER_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$build.configure.log" 2>&1 \
    || { cat "$build.configure.log" >&2; echo "build.sh: configure failed" >&2; exit 1; }
fi
cmake --build "$build" -j "$jobs"
