#!/usr/bin/env bash
# Dependencies point inward: loader/ includes no wedge; no wedge includes another;
# freestanding code includes no hosted header. Prints every violation, exit 1 if any.
set -u
root=${1:?usage: check_includes.sh SOURCE_ROOT}
cd "$root" || exit 2
violations=0
report() { echo "$1"; violations=$((violations + 1)); }

sources() { find "$@" -type f \( -name '*.c' -o -name '*.cpp' -o -name '*.h' -o -name '*.S' \) 2>/dev/null; }

# 1. The loader never reaches into wedges/.
while IFS= read -r hit; do report "loader includes a wedge: $hit"; done \
  < <(sources loader | xargs -r grep -HnE '#\s*include\s*[<"][^>"]*wedges/' )

# 2. A wedge includes only itself, wedges/common and the public headers.
for wedge in xen kvm akaros; do
  for other in xen kvm akaros; do
    [ "$wedge" = "$other" ] && continue
    while IFS= read -r hit; do report "wedges/$wedge includes wedges/$other: $hit"; done \
      < <(sources "wedges/$wedge" | xargs -r grep -HnE "#\s*include\s*[<\"]([^>\"]*/)?(wedges/)?$other/" )
  done
done
while IFS= read -r hit; do report "wedges/common includes a wedge: $hit"; done \
  < <(sources wedges/common | xargs -r grep -HnE '#\s*include\s*[<"][^>"]*(wedges/)?(xen|kvm|akaros)/[a-z_]+\.h' | grep -v 'xen/include\|<xen/')

# 3. Freestanding code includes only freestanding headers (compiler-provided or ours).
allowed='^(stdint|stddef|stdbool|stdarg|limits|float|stdalign|stdnoreturn)\.h$|^(afterburner|xen|wedges|loader|samples)/|^[a-z_]+\.h$'
while IFS=: read -r file line text; do
  header=$(sed -nE 's/.*#\s*include\s*<([^>]+)>.*/\1/p' <<<"$text")
  [ -z "$header" ] && continue
  # Host-side code kept beside a wedge (the vthread host) or a sample (a hosted program
  # that runs guest functions, samples/vthreads/host) is hosted by design.
  case "$file" in wedges/*/host/*|wedges/*/tools/*|samples/*/host/*) continue ;; esac
  grep -qE "$allowed" <<<"$header" || report "freestanding code includes a hosted header <$header>: $file:$line"
done < <(sources loader wedges samples | xargs -r grep -HnE '#\s*include\s*<')

[ "$violations" -eq 0 ] && { echo "include rules: ok"; exit 0; }
echo "include rules: $violations violation(s)"
exit 1
