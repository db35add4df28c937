#!/usr/bin/env bash
# The README's test command: set-up, build, then every test (unit tests and the boot matrix).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir "$build" --output-on-failure -j "$jobs" "$@"
