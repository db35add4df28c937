#!/usr/bin/env bash
# The README's main job: set-up, build, then boot the sample guest on every platform and
# print a table. Until the samples exist it builds and says what is not there yet.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
hello=$build/samples/hello/hello
if [ ! -x "$build/afterburner/tool/afterburner" ] || [ ! -f "$hello" ]; then
  echo "demo: built what exists; the sample guest ($hello) is not there yet, so nothing was booted."
  exit 0
fi
