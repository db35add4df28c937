#!/usr/bin/env bash
# Fuzzes the loader's note parser, record validation and patcher with libFuzzer
# (clang-19 -fsanitize=fuzzer,address,undefined) for longer than CI's 10 seconds.
# Usage: scripts/fuzz-notes.sh [SECONDS] (default 300). Crashes land in the build dir
# as crash-*; the corpus grows in <build>/tests/loader/note_fuzzer_corpus.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AFTERBURNER_BUILD_DIR:-$root/build}
seconds=${1:-300}
"$root/scripts/setup.sh"
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target loader_note_fuzzer -j 2
fuzzer=$build/tests/loader/loader_note_fuzzer
[ -x "$fuzzer" ] || { echo "fuzz-notes.sh: no fuzzer built (clang++-19 with libFuzzer missing?)" >&2; exit 1; }
corpus=$build/tests/loader/note_fuzzer_corpus
mkdir -p "$corpus"
exec "$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix="$build/tests/loader/" "$corpus" "$root/tests/loader/fuzz/seeds"
