#!/usr/bin/env bash
# Benchmark of status actions (issue #4): PUT record/status.json on random records of an app
# with a two-status process (A ⇄ B), as a staff account that is the assignee. Each action
# writes two revisions, the assignees, the inbox row(s) and the audit entry in one transaction.
# Target: >= 800 actions/s. Reports each run and the median.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
DBFLAG=()
BACKEND="SQLite (WAL)"
if [ -n "${DB:-}" ]; then
    DBFLAG=(--db "$DB")
    BACKEND="PostgreSQL 15 (Unix socket, same machine)"
fi
N=${N:-10000}
DUR=${DUR:-10}
CONN=${CONN:-32}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench-wf.XXXXXX)
PW=bench-password-1
trap 'kill $SERVER 2>/dev/null || true; grep -v " INFO " "$DIR/server.log" | tail -20; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)"; exit 1; }
echo "$PW" | $BIN user add --data "$DIR/data" "${DBFLAG[@]}" --login bench --password-stdin --admin --service >/dev/null
$BIN serve --data "$DIR/data" "${DBFLAG[@]}" ${SERVE_FLAGS:-} --listen 127.0.0.1:$PORT 2>>"$DIR/server.log" & SERVER=$!
for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && break; sleep 0.1; done
echo "seeding $N records..."
APP=$(node bench/seed.mjs $URL bench $PW $N | sed 's/.*"app":\([0-9]*\).*/\1/')
AUTH=$(printf 'bench:%s' "$PW" | base64 -w0)
export APP AUTH N
api() { curl -fsS -X "$1" -H "X-Cybozu-Authorization: $AUTH" -H 'Content-Type: application/json' \
        "$URL$2" -d "$3" >/dev/null; }
U='{"entity":{"type":"USER","code":"bench"}}'
api PUT /k/v1/preview/app/status.json "{\"app\":$APP,\"enable\":true,\"states\":{
  \"A\":{\"name\":\"A\",\"index\":\"0\",\"assignee\":{\"type\":\"ANY\",\"entities\":[$U]}},
  \"B\":{\"name\":\"B\",\"index\":\"1\",\"assignee\":{\"type\":\"ANY\",\"entities\":[$U]}}},
  \"actions\":[{\"name\":\"toggle\",\"from\":\"A\",\"to\":\"B\"},{\"name\":\"toggle\",\"from\":\"B\",\"to\":\"A\"}]}"
api POST /k/v1/preview/app/deploy.json "{\"apps\":[{\"app\":$APP}]}"
sleep 1
R=()
for i in $(seq "$ROUNDS"); do
  wrk -t2 -c$CONN -d${DUR}s --latency -s bench/status_action.lua $URL > "$DIR/r$i.txt" 2>&1
  errs=$(awk '/Non-2xx/ {print $5}' "$DIR/r$i.txt")
  [ -z "$errs" ] || { echo "bench: run $i had $errs non-2xx responses"; cat "$DIR/r$i.txt"; exit 1; }
  R+=("$(awk '/Requests\/sec/ {print $2}' "$DIR/r$i.txt")")
  echo "round $i: ${R[-1]} actions/s ($(awk '/ 50%/ {print $2; exit}' "$DIR/r$i.txt") median latency)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
M=$(median "${R[@]}")
{
  echo
  echo "## $(date -u +%Y-%m-%d) — status actions ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB. $BACKEND, release build, wrk -t2 -c$CONN -d${DUR}s, $N records."
  echo "PUT record/status.json on random records (A ⇄ B, assignee check, two revisions, inbox, audit)."
  echo
  echo "| run | actions/s |"
  echo "|---|---|"
  for i in $(seq "$ROUNDS"); do echo "| $i | ${R[$((i-1))]} |"; done
  echo "| **median** | **$M** (target ≥ 800) |"
} >> bench/results.md
echo "median: $M actions/s (target >= 800)"
