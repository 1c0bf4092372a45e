#!/usr/bin/env bash
# Benchmark of documents (issue #7): one-page permits with a background PDF (the official
# form, itself printed by `madoguchi print`) and 20 elements, rendered one by one by
# build/pdf_bench (median and p99 of one render, resident memory after 100 and after all), and
# `madoguchi print --zip` of N records (wall time and peak memory, against the same run for
# N/10: memory must stay flat). Targets: < 30 ms median; 1,000 documents < 60 s.
# Appends to bench/results.md. N (default 1000), ROUNDS (3), KEEP.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
N=${N:-1000}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench-pdf.XXXXXX)
PW=bench-password-1
SERVER=
trap '[ -z "$SERVER" ] || kill $SERVER 2>/dev/null || true; { grep -v " INFO " "$DIR/server.log" 2>/dev/null | tail -20 || true; }; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
echo "$PW" | $BIN user add --data "$DIR/data" --login bench --password-stdin --admin --service >/dev/null
$BIN serve --data "$DIR/data" --listen 127.0.0.1:$PORT 2>>"$DIR/server.log" & SERVER=$!
for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && break; sleep 0.1; done
APP=$(node bench/pdf.mjs $URL bench $PW setup "$N")
$BIN print --data "$DIR/data" --app "$APP" --template frame --query 'limit 1' --out "$DIR/yoshiki.pdf" 2>/dev/null
node bench/pdf.mjs $URL bench $PW permit "$APP" "$DIR/yoshiki.pdf" >/dev/null
kill $SERVER; wait $SERVER 2>/dev/null || true; SERVER=
echo "one by one ($N records × $ROUNDS):"
build/pdf_bench --data "$DIR/data" --app "$APP" --template kyoka --rounds "$ROUNDS" | tee "$DIR/one.txt"
batch() { # query → seconds and peak KB of `print --zip`
  /usr/bin/time -f '%e %M' -o "$DIR/time.txt" $BIN print --data "$DIR/data" --app "$APP" --template kyoka \
    --query "$1" --zip --out "$DIR/batch.zip" 2>"$DIR/print.err" || { cat "$DIR/print.err"; exit 1; }
  tail -1 "$DIR/time.txt"
}
SMALL=$(batch "\$id <= $((N / 10)) order by \$id asc")
BIG=$(batch "order by \$id asc")
echo "print --zip: $((N / 10)) documents: ${SMALL% *} s, peak ${SMALL#* } KB; $N documents: ${BIG% *} s, peak ${BIG#* } KB"
MED=$(awk '/render median/ {print $3}' "$DIR/one.txt")
P99=$(awk '/render median/ {print $6}' "$DIR/one.txt")
MEM=$(awk '/resident memory/ {print $4 " / " $8 " / " $12}' "$DIR/one.txt")
{
  echo
  echo "## $(date -u +%Y-%m-%d) — documents from templates ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB. SQLite, release build."
  echo "A one-page 建築許可書: background PDF (the 様式, printed by madoguchi itself) + 20 elements"
  echo "(和暦 dates, numbers with separators, check marks, a table of 2 rows, a wrapped text box, a QR"
  echo "code), IPAex fonts embedded as subsets. \`make bench-pdf\` (\`bench/pdf.sh\`; N, ROUNDS)."
  echo
  echo "| measure | result | target |"
  echo "|---|---|---|"
  echo "| one render, build/pdf_bench ($N records × $ROUNDS) | median **$MED ms**, p99 $P99 ms | < 30 ms |"
  echo "| resident memory of pdf_bench: start / after 100 / after all (KB) | $MEM | flat |"
  echo "| \`print --zip\` of $((N / 10)) documents | ${SMALL% *} s, peak ${SMALL#* } KB | |"
  echo "| \`print --zip\` of $N documents | **${BIG% *} s**, peak ${BIG#* } KB | < 60 s, flat |"
} >> bench/results.md
