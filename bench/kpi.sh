#!/usr/bin/env bash
# Benchmark of the staff dashboard (issue #8): GET /api/kpi.json for one app of N records
# (default 100,000) on SQLite. Seeding: bench/kpi_seed.mjs posts the records through
# bulkRequest (100 per records.json, 20 per call); the server is then stopped and
# bench/kpi_clocks.sql sets statuses and legal clocks for all of them in one UPDATE (status
# actions for 100,000 records would take minutes and measure the workflow, not the
# dashboard); the server restarts (its start-up clock refresh brings running clocks to today).
# Measures ROUNDS requests each of the whole app, one office, and every app, sequentially with
# curl; reports the median total time and the median server time of the access log (its last column).
# Target: < 300 ms. Appends to bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
N=${N:-100000}
ROUNDS=${ROUNDS:-21}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench-kpi.XXXXXX)
PW=bench-password-1
SERVER=
trap '[ -z "$SERVER" ] || kill $SERVER 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
start() {
  $BIN serve --data "$DIR/data" --listen 127.0.0.1:$PORT 2>>"$DIR/server.log" & SERVER=$!
  for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && break; sleep 0.1; done
}
echo "$PW" | $BIN user add --data "$DIR/data" --login bench --password-stdin --admin --service >/dev/null
$BIN org add kita --data "$DIR/data" --name 北部建築課 >/dev/null
$BIN org add minami --data "$DIR/data" --name 南部建築課 >/dev/null
start
echo "seeding $N records..."
T0=$(date +%s)
APP=$(node bench/kpi_seed.mjs $URL bench $PW $N | sed 's/.*"app":\([0-9]*\).*/\1/')
kill $SERVER; wait $SERVER 2>/dev/null || true; SERVER=
DB=$(ls "$DIR"/data/*.db | head -1)
sqlite3 "$DB" < bench/kpi_clocks.sql
SEED=$(( $(date +%s) - T0 ))
start
AUTH=$(printf 'bench:%s' "$PW" | base64 -w0)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
measure() { # name, query → "total_ms server_ms"
  : > "$DIR/t.txt"
  local before; before=$(wc -l < "$DIR/server.log")
  for _ in $(seq "$ROUNDS"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "X-Cybozu-Authorization: $AUTH" "$URL/api/kpi.json?$2" >> "$DIR/t.txt"
  done
  local total server
  total=$(awk '{printf "%.1f\n", $1 * 1000}' "$DIR/t.txt" | median)
  server=$(tail -n +$((before + 1)) "$DIR/server.log" | grep ' /api/kpi.json' | awk '{sub(/ms$/, "", $NF); print $NF}' | median)
  echo "$1 $total ${server:-?}"
}
curl -fsS -H "X-Cybozu-Authorization: $AUTH" "$URL/api/kpi.json?app=$APP" > "$DIR/sample.json"
R1=$(measure app "app=$APP")
R2=$(measure office "app=$APP&office=kita")
R3=$(measure all "")
for r in "$R1" "$R2" "$R3"; do echo "$r"; done
row() { set -- $1; echo "$2 ms | $3 ms |"; }
{
  echo
  echo "## $(date -u +%Y-%m-%d) — staff dashboard, GET /api/kpi.json ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB. SQLite (WAL), release build."
  echo "One app of $N records (bench/kpi_seed.mjs through bulkRequest, then statuses and clocks by"
  echo "bench/kpi_clocks.sql: 60 % decided, 10 % paused, 20 % running, 10 % not received) in $SEED s."
  echo "$ROUNDS sequential requests each with curl (\`bench/kpi.sh\`); medians."
  echo
  echo "| request | total (curl) | server (access log) |"
  echo "|---|---|---|"
  echo "| one app \`?app=$APP\` | $(row "$R1")"
  echo "| one office \`?app=$APP&office=kita\` | $(row "$R2")"
  echo "| every app (no \`app\`) | $(row "$R3")"
  echo
  echo "Target: < 300 ms server time for 100,000 records. The office median leaves out nothing:"
  echo "its first request (the app's office index being built) is one of $ROUNDS."
} >> bench/results.md
tail -12 bench/results.md
