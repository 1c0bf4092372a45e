#!/usr/bin/env bash
# Benchmark: 100,000 records of 15 fields, wrk with 32 connections against the release build.
# Scenarios: /healthz (ceiling), GET record by id, GET records (2-condition query, 100 rows),
# POST record; RSS idle and under load; kill -9 durability of acknowledged writes.
# Appends a dated section to bench/results.md. Everything stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
DBFLAG=()
BACKEND="SQLite (WAL)"
if [ -n "${DB:-}" ]; then # e.g. DB="host=/tmp/pg dbname=madoguchi user=postgres"
    DBFLAG=(--db "$DB")
    BACKEND="PostgreSQL 15 (Unix socket, same machine)"
fi
N=${N:-100000}
DUR=${DUR:-20}
CONN=${CONN:-32}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench.XXXXXX)
OUT=$DIR/out.md
PW=bench-password-1
trap 'kill $SERVER 2>/dev/null || true; grep -v " INFO " "$DIR/server.log" | tail -20; rm -rf "$DIR"' EXIT

command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)"; exit 1; }
echo "$PW" | $BIN user add --data "$DIR/data" "${DBFLAG[@]}" --login bench --password-stdin --admin --service >/dev/null
start() { $BIN serve --data "$DIR/data" "${DBFLAG[@]}" --listen 127.0.0.1:$PORT 2>>"$DIR/server.log" & SERVER=$!
  for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && return; sleep 0.1; done; echo "server did not start"; exit 1; }
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$SERVER/status; }
start
sleep 1
START_RSS=$(rss)
echo "seeding $N records..."
t0=$(date +%s)
APP=$(node bench/seed.mjs $URL bench $PW $N | sed 's/.*"app":\([0-9]*\).*/\1/')
t1=$(date +%s)
TOKEN=$($BIN token add --data "$DIR/data" "${DBFLAG[@]}" --app $APP --view --add | tail -n 1)
export APP TOKEN N
sleep 16 # idle workers release their caches after 5 s, the heap is trimmed every 10 s
IDLE_RSS=$(rss)

run() { # name, wrk args...
  local name=$1; shift
  local peak=0
  wrk -t2 -c$CONN -d${DUR}s --latency "$@" > "$DIR/$name.txt" 2>&1 &
  local w=$!
  while kill -0 $w 2>/dev/null; do r=$(rss); peak=$(awk -v a=$peak -v b=$r 'BEGIN{print (b>a)?b:a}'); sleep 1; done
  wait $w
  local rps=$(awk '/Requests\/sec/ {print $2}' "$DIR/$name.txt")
  local p50=$(awk '$1=="50%" {print $2}' "$DIR/$name.txt")
  local p99=$(awk '$1=="99%" {print $2}' "$DIR/$name.txt")
  local errs=$(awk '/Non-2xx/ {print $5}' "$DIR/$name.txt")
  printf '| %s | %s | %s | %s | %s | %s MB |\n' "$name" "$rps" "$p50" "$p99" "${errs:-0}" "$peak" >> "$OUT"
  echo "$name: $rps req/s p50 $p50 p99 $p99 non-2xx ${errs:-0} peak RSS $peak MB"
}
{
  echo
  echo "## $(date -u +%Y-%m-%d) — $(git rev-parse --short HEAD 2>/dev/null || echo worktree)"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r)."
  echo "Server and wrk 4.1 on the same machine (wrk -t2 -c$CONN -d${DUR}s), loopback, $BACKEND, release build."
  echo "App of 15 fields, $N records seeded through bulkRequest in $((t1 - t0)) s. RSS idle at start: $START_RSS MB; idle after seeding: $IDLE_RSS MB; after the runs: \$AFTER_RSS."
  echo
  echo "| scenario | req/s | p50 | p99 | non-2xx | peak RSS |"
  echo "|---|---|---|---|---|---|"
} >> "$OUT"
run healthz $URL/healthz
run get_record_by_id -s bench/get_record.lua $URL
run get_records_query_100 -s bench/get_records.lua $URL
run get_records_like -s bench/get_records_like.lua $URL
run post_record -s bench/post_record.lua $URL

sleep 16
AFTER_RSS="$(rss) MB"
sed -i "s/\\\$AFTER_RSS/$AFTER_RSS/" "$OUT"
# durability: acknowledged writes survive kill -9
node bench/durability.mjs $URL $APP "$TOKEN" 1000000 > "$DIR/acked.json" &
DW=$!
sleep 1.5
kill -9 $SERVER
wait $DW || true
start
LOST=$(node bench/durability.mjs $URL $APP "$TOKEN" verify "$DIR/acked.json")
echo "" >> "$OUT"
echo "kill -9 during writes: $LOST" >> "$OUT"
echo "kill -9: $LOST"
cat "$OUT" >> bench/results.md
echo "results appended to bench/results.md"
