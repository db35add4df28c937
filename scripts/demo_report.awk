# demo_report.awk: bench logs -> a per-op table (stdout), JSON and an SVG bar chart.
# Called by scripts/demo.sh:
#   awk -v configurations="native kvm-trap ..." -v json=F -v svg=F -v results=F LOG...
# with one LOG per configuration, in the same order. Each log holds the guest's lines
#   bench op=NAME cycles=N ns=N iterations=N
# Plain POSIX awk (Debian's default is mawk).

BEGIN {
  count = split(configurations, names, " ")
  for (i = 1; i < ARGC; i++)
    column[ARGV[i]] = i
  while ((getline line < results) > 0) {
    split(line, words, " ")
    outcome[words[1]] = substr(line, length(words[1]) + 2)
  }
}

/^bench op=/ {
  op = ""
  cycles = ""
  for (i = 2; i <= NF; i++) {
    split($i, pair, "=")
    if (pair[1] == "op") op = pair[2]
    if (pair[1] == "cycles") cycles = pair[2]
  }
  if (op == "" || cycles == "") next
  if (!(op in seen)) { seen[op] = 1; order[++ops] = op }
  value[op, column[FILENAME]] = cycles
}

function cell(op, index_) { return ((op, index_) in value) ? value[op, index_] : "-" }

function printTable(   i, j, line) {
  line = sprintf("%-12s", "op")
  for (j = 1; j <= count; j++) line = line sprintf(" %12s", names[j])
  print line
  for (i = 1; i <= ops; i++) {
    line = sprintf("%-12s", order[i])
    for (j = 1; j <= count; j++) line = line sprintf(" %12s", cell(order[i], j))
    print line
  }
  if (ops == 0) print "(no bench lines: every bench run failed; see the outcomes below)"
}

function jsonString(text) { gsub(/\\/, "\\\\", text); gsub(/"/, "\\\"", text); return "\"" text "\"" }

function writeJson(   i, j, separator) {
  print "{" > json
  print "  \"unit\": \"TSC cycles per op, empty loop subtracted\"," > json
  printf "  \"configurations\": [" > json
  for (j = 1; j <= count; j++) printf "%s%s", (j > 1 ? ", " : ""), jsonString(names[j]) > json
  print "]," > json
  print "  \"outcomes\": {" > json
  for (j = 1; j <= count; j++)
    printf "    %s: %s%s\n", jsonString(names[j]), jsonString(outcome[names[j]]), (j < count ? "," : "") > json
  print "  }," > json
  print "  \"ops\": [" > json
  for (i = 1; i <= ops; i++) {
    printf "    {\"op\": %s", jsonString(order[i]) > json
    for (j = 1; j <= count; j++) {
      separator = cell(order[i], j)
      printf ", %s: %s", jsonString(names[j]), (separator == "-" ? "null" : separator) > json
    }
    printf "}%s\n", (i < ops ? "," : "") > json
  }
  print "  ]" > json
  print "}" > json
  close(json)
}

# log10 scale from 1 cycle to the largest value, rounded up to a power of ten.
function scaleX(cycles) { return left + width * (log(cycles < 1 ? 1 : cycles) / log(10)) / decades }

function writeSvg(   i, j, k, y, v, maximum, height, colors, x) {
  split("#4e79a7 #f28e2b #e15759 #76b7b2 #59a14f #edc948 #b07aa1 #ff9da7", colors, " ")
  maximum = 10
  for (i = 1; i <= ops; i++)
    for (j = 1; j <= count; j++)
      if (cell(order[i], j) != "-" && value[order[i], j] + 0 > maximum) maximum = value[order[i], j] + 0
  decades = int(log(maximum) / log(10) + 0.999999)
  left = 110; width = 620; bar = 9
  group = count * bar + 12
  top = 40 + 16 * int((count + 3) / 4)
  height = top + ops * group + 40
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", left + width + 30, height > svg
  printf "<text x=\"%d\" y=\"18\" font-size=\"14\">Afterburner bench: TSC cycles per op (log scale)</text>\n", left > svg
  for (j = 1; j <= count; j++) {
    x = left + ((j - 1) % 4) * 150
    y = 34 + 16 * int((j - 1) / 4)
    printf "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n", x, y - 9, colors[j], x + 14, y, names[j] > svg
  }
  for (k = 0; k <= decades; k++) {
    x = left + width * k / decades
    printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1e%d</text>\n", x, top - 4, x, height - 30, x, height - 16, k > svg
  }
  for (i = 1; i <= ops; i++) {
    y = top + (i - 1) * group
    printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 6, y + group / 2, order[i] > svg
    for (j = 1; j <= count; j++) {
      if (cell(order[i], j) == "-") continue
      v = value[order[i], j] + 0
      printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %s: %d cycles</title></rect>\n", left, y + (j - 1) * bar, scaleX(v) - left, bar - 1, colors[j], order[i], names[j], v > svg
    }
  }
  print "</svg>" > svg
  close(svg)
}

END {
  printTable()
  writeJson()
  writeSvg()
}
