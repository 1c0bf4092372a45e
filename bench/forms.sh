#!/usr/bin/env bash
# Benchmark of the public forms (issue #5): the server time of one form page (60-field form;
# wrk with one connection, so latency = server time + loopback) and the end-to-end time of a
# submission with 3 attachments of 5 MB (bench/forms.mjs). Targets: page < 5 ms median,
# submission < 1 s. Appends to bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
DUR=${DUR:-10}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
SMTP_PORT=$((PORT + 1))
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench-forms.XXXXXX)
PW=bench-password-1
trap 'kill $SERVER 2>/dev/null || true; grep -v " INFO " "$DIR/server.log" | tail -20; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)"; exit 1; }
[ -f tests/browser/node_modules/smtp-server/package.json ] || (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
echo "$PW" | $BIN user add --data "$DIR/data" --login bench --password-stdin --admin --service >/dev/null
MADOGUCHI_MAIL_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT MADOGUCHI_MAIL_STARTTLS=off \
  $BIN serve --data "$DIR/data" --listen 127.0.0.1:$PORT 2>>"$DIR/server.log" & SERVER=$!
for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && break; sleep 0.1; done
node bench/forms.mjs $URL bench $PW $SMTP_PORT 5 > "$DIR/forms.json"
PAGE=$(sed -n 1p "$DIR/forms.json" | sed 's/.*"page":"\([^"]*\)".*/\1/')
COOKIE=$(sed -n 1p "$DIR/forms.json" | sed 's/.*"cookie":"\([^"]*\)".*/\1/')
SUBMIT=$(sed -n 2p "$DIR/forms.json")
export PAGE COOKIE
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$URL$PAGE")
[ "$code" = 200 ] || { echo "bench: the form page answered $code"; exit 1; }
wrk -t1 -c1 -d${DUR}s --latency -s bench/apply_page.lua $URL > "$DIR/page.txt" 2>&1
P50=$(awk '/ 50%/ {print $2; exit}' "$DIR/page.txt")
RPS=$(awk '/Requests\/sec/ {print $2}' "$DIR/page.txt")
MED=$(echo "$SUBMIT" | sed 's/.*"median_ms":\([0-9.]*\).*/\1/')
echo "form page: median $P50 ($RPS pages/s, one connection); submission 3 × 5 MB: median ${MED} ms ($SUBMIT)"
{
  echo
  echo "## $(date -u +%Y-%m-%d) — public forms ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB. SQLite (WAL), release build."
  echo
  echo "| measure | median | target |"
  echo "|---|---|---|"
  echo "| GET form step page (60-field form, 20 fields shown, verified applicant; wrk -c1 -d${DUR}s, $RPS pages/s) | $P50 | < 5 ms |"
  echo "| submission: draft + 3 uploads of 5 MB + submit, end to end on loopback (5 runs) | ${MED} ms | < 1 s |"
} >> bench/results.md
