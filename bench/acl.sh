#!/usr/bin/env bash
# Benchmark of permission checks (issue #3): GET records (100 rows, indexed view query) as a
# staff account, first with the app's default permissions, then with a record ACL of 5 rules
# and a field ACL on 3 fields that apply to that account (rows filtered in SQL, two fields
# stripped from every row, one read-only). Runs alternate A B A B A B in one server so the
# machine's noise hits both alike; reports each run and the medians. Target: B >= 80 % of A.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
DBFLAG=()
BACKEND="SQLite (WAL)"
if [ -n "${DB:-}" ]; then
    DBFLAG=(--db "$DB")
    BACKEND="PostgreSQL 15 (Unix socket, same machine)"
fi
N=${N:-100000}
DUR=${DUR:-10}
CONN=${CONN:-32}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench-acl.XXXXXX)
PW=bench-password-1
trap 'kill $SERVER 2>/dev/null || true; grep -v " INFO " "$DIR/server.log" | tail -20; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)"; exit 1; }
echo "$PW" | $BIN user add --data "$DIR/data" "${DBFLAG[@]}" --login bench --password-stdin --admin --service >/dev/null
echo "$PW" | $BIN user add --data "$DIR/data" "${DBFLAG[@]}" --login reader --password-stdin --service >/dev/null
$BIN serve --data "$DIR/data" "${DBFLAG[@]}" ${SERVE_FLAGS:-} --listen 127.0.0.1:$PORT 2>>"$DIR/server.log" & SERVER=$!
for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && break; sleep 0.1; done
echo "seeding $N records..."
APP=$(node bench/seed.mjs $URL bench $PW $N | sed 's/.*"app":\([0-9]*\).*/\1/')
AUTH=$(printf 'reader:%s' "$PW" | base64 -w0)
ADMIN=$(printf 'bench:%s' "$PW" | base64 -w0)
export APP AUTH

api() { curl -fsS -X "$1" -H "X-Cybozu-Authorization: $ADMIN" -H 'Content-Type: application/json' \
        "$URL$2" -d "$3" >/dev/null; }
default_acl() {
  api PUT /k/v1/preview/record/acl.json "{\"app\":$APP,\"rights\":[]}"
  api PUT /k/v1/preview/field/acl.json "{\"app\":$APP,\"rights\":[]}"
  api POST /k/v1/preview/app/deploy.json "{\"apps\":[{\"app\":$APP}]}"
}
rules_acl() {
  local E='{"entity":{"type":"GROUP","code":"everyone"}'
  api PUT /k/v1/preview/record/acl.json "{\"app\":$APP,\"rights\":[
    {\"filterCond\":\"status in (\\\"取下げ\\\")\",\"entities\":[{\"entity\":{\"type\":\"USER\",\"code\":\"bench\"},\"viewable\":true}]},
    {\"filterCond\":\"area in (\\\"烏山\\\") and status in (\\\"完了\\\")\",\"entities\":[$E,\"viewable\":true}]},
    {\"filterCond\":\"kind in (\\\"届出\\\") and amount > 900\",\"entities\":[$E,\"viewable\":true}]},
    {\"filterCond\":\"floors >= 12\",\"entities\":[$E,\"viewable\":true,\"editable\":true}]},
    {\"filterCond\":\"\",\"entities\":[$E,\"viewable\":true,\"editable\":true,\"deletable\":true}]}]}"
  api PUT /k/v1/preview/field/acl.json "{\"app\":$APP,\"rights\":[
    {\"code\":\"email\",\"entities\":[{\"accessibility\":\"WRITE\",\"entity\":{\"type\":\"USER\",\"code\":\"bench\"}}]},
    {\"code\":\"phone\",\"entities\":[{\"accessibility\":\"WRITE\",\"entity\":{\"type\":\"USER\",\"code\":\"bench\"}}]},
    {\"code\":\"memo\",\"entities\":[{\"accessibility\":\"WRITE\",\"entity\":{\"type\":\"USER\",\"code\":\"bench\"}},$E,\"accessibility\":\"READ\"}]}]}"
  api POST /k/v1/preview/app/deploy.json "{\"apps\":[{\"app\":$APP}]}"
}
one() { # label → prints req/s
  wrk -t2 -c$CONN -d${DUR}s --latency -s bench/get_records_user.lua $URL > "$DIR/$1.txt" 2>&1
  local errs=$(awk '/Non-2xx/ {print $5}' "$DIR/$1.txt")
  [ -z "$errs" ] || { echo "bench: $1 had $errs non-2xx responses"; cat "$DIR/$1.txt"; exit 1; }
  awk '/Requests\/sec/ {print $2}' "$DIR/$1.txt"
}
# the user must really be restricted: emails must be gone from the ACL run's rows
check_hidden() {
  local body=$(curl -fsS -H "X-Cybozu-Authorization: $AUTH" "$URL/k/v1/records.json?app=$APP&query=limit%201")
  case $body in *'"email"'*) echo "$1";; *) echo "$2";; esac
}
A=(); B=()
for i in $(seq "$ROUNDS"); do
  default_acl; sleep 1
  [ "$(check_hidden yes no)" = yes ] || { echo "bench: default ACL hides fields?"; exit 1; }
  A+=("$(one a$i)")
  rules_acl; sleep 1
  [ "$(check_hidden yes no)" = no ] || { echo "bench: ACL not applied"; exit 1; }
  B+=("$(one b$i)")
  echo "round $i: no ACL ${A[-1]} req/s, with ACL ${B[-1]} req/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
MA=$(median "${A[@]}"); MB=$(median "${B[@]}")
RATIO=$(awk -v a=$MA -v b=$MB 'BEGIN {printf "%.1f", 100*b/a}')
{
  echo
  echo "## $(date -u +%Y-%m-%d) — permissions ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB. $BACKEND, release build, wrk -t2 -c$CONN -d${DUR}s, $N records."
  echo "GET records.json (view query, 100 rows) as a non-admin staff account (X-Cybozu-Authorization)."
  echo "A: default permissions. B: record ACL of 5 rules (the first excludes the account, so every"
  echo "row is tested in SQL) + field ACL on 3 fields (2 hidden, 1 read-only). Alternating runs."
  echo
  echo "| run | A req/s | B req/s |"
  echo "|---|---|---|"
  for i in $(seq "$ROUNDS"); do echo "| $i | ${A[$((i-1))]} | ${B[$((i-1))]} |"; done
  echo "| **median** | **$MA** | **$MB** ($RATIO % of A; target ≥ 80 %) |"
} >> bench/results.md
echo "median: A $MA req/s, B $MB req/s = $RATIO % (target >= 80 %)"
