#!/usr/bin/env bash
# The loader's patch cost per site, hosted: validate + patch a 3,000-site table with the
# loader's real sources (goal: <= 200 ns/site), with a bare-metal run and a memcpy floor
# measured side by side in the same run. Usage: scripts/bench-loader.sh [SITES] [RUNS]
# The goals are judged on the GUEST's code: scripts/bench-loader-guest.sh runs the guests'
# own loader archive natively beside this bench and samples/loaderbench's emulated boots.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target loader_bench -j 2 >/dev/null
exec "$build/tests/loader/loader_bench" "${1:-3000}" "${2:-51}"
