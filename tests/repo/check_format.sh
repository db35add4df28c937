#!/usr/bin/env bash
# One style: every tracked C/C++ source matches .clang-format (clang-format 14, Debian 12's).
# Prints the files that do not, with the command that fixes them; exit 1 if any.
set -u
root=${1:?usage: check_format.sh SOURCE_ROOT}
cd "$root" || exit 2
formatter=$(command -v clang-format-14 || command -v clang-format) ||
  { echo "format: clang-format not found: run scripts/setup.sh"; exit 1; }
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
  { echo "format: $root is not a git checkout; nothing to check"; exit 0; }
mapfile -t files < <(git ls-files '*.c' '*.cpp' '*.h')
unformatted=()
for file in "${files[@]}"; do
  "$formatter" --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
[ ${#unformatted[@]} -eq 0 ] && { echo "format: ok (${#files[@]} files)"; exit 0; }
printf 'format: not formatted: %s\n' "${unformatted[@]}"
echo "format: fix with: $formatter -i ${unformatted[*]}"
exit 1
