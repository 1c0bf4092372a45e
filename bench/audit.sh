#!/usr/bin/env bash
# Benchmark of the audit log (issue #4).
# (a) Write throughput of POST record.json (durable, API token) with the audit log off
#     ([audit] enabled = 0) and on, in alternating runs A B, B A, ... on one data directory (a
#     fresh server each run, so the machine's noise hits both alike), with the server's CPU
#     time per request from /proc. Target: B costs at most 15 % of A's throughput.
# (b) `madoguchi audit verify` of 1,000,000 entries written by bench/audit_gen.py (an
#     independent Python implementation of the format). Target: < 10 s.
# Needs wrk, node, python3 with cryptography (apt-get install python3-cryptography).
# Appends to bench/results.md. Env: N (seed records), DUR, CONN, ROUNDS, VERIFY_N, DB (PostgreSQL URL).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
DBFLAG=()
BACKEND="SQLite (WAL)"
if [ -n "${DB:-}" ]; then
    DBFLAG=(--db "$DB")
    BACKEND="PostgreSQL (Unix socket, same machine)"
fi
N=${N:-1000}
DUR=${DUR:-10}
CONN=${CONN:-32}
ROUNDS=${ROUNDS:-5}
VERIFY_N=${VERIFY_N:-1000000}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench-audit.XXXXXX)
KEYDIR=$DIR/keys # outside the data directory, as docs/audit.md asks
PW=bench-password-1
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)"; exit 1; }
mkdir -m 700 "$KEYDIR"
export MADOGUCHI_AUDIT_KEY_FILE=$KEYDIR/audit.key

start() { # extra flags...
  $BIN serve --data "$DIR/data" "${DBFLAG[@]}" --listen 127.0.0.1:$PORT "$@" 2>>"$DIR/server.log" &
  SERVER=$!
  for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && return; sleep 0.1; done
  echo "bench: server did not start"; tail "$DIR/server.log"; exit 1
}
stop() { kill $SERVER; wait $SERVER 2>/dev/null || true; SERVER=; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$SERVER/stat; }

echo "$PW" | $BIN user add --data "$DIR/data" "${DBFLAG[@]}" --login bench --password-stdin --admin --service >/dev/null
start
echo "seeding $N records..."
APP=$(node bench/seed.mjs $URL bench $PW $N | sed 's/.*"app":\([0-9]*\).*/\1/')
stop
TOKEN=$($BIN token add --data "$DIR/data" "${DBFLAG[@]}" --app $APP --view --add | tail -n 1)
export APP TOKEN
TICK_MS=$(awk -v h="$(getconf CLK_TCK)" 'BEGIN {print 1000 / h}')

one() { # label flags... → "req/s cpu_ms_per_request"
  local label=$1; shift
  start "$@"
  local t0=$(cpu_ticks)
  wrk -t2 -c$CONN -d${DUR}s --latency -s bench/post_record.lua $URL > "$DIR/$label.txt" 2>&1
  local t1=$(cpu_ticks)
  stop
  local errs=$(awk '/Non-2xx/ {print $5}' "$DIR/$label.txt")
  [ -z "$errs" ] || { echo "bench: $label had $errs non-2xx responses"; cat "$DIR/$label.txt"; exit 1; }
  local rps=$(awk '/Requests\/sec/ {print $2}' "$DIR/$label.txt")
  local n=$(awk '/requests in/ {print $1}' "$DIR/$label.txt")
  echo "$rps $(awk -v d=$((t1 - t0)) -v t=$TICK_MS -v n=$n 'BEGIN {printf "%.3f", d * t / n}')"
}
A=(); B=(); CA=(); CB=()
for i in $(seq "$ROUNDS"); do
  # A B, then B A: a drift of the machine over the run does not favour either
  if [ $((i % 2)) = 1 ]; then
    read -r r c <<<"$(one a$i --audit-enabled 0)"; A+=("$r"); CA+=("$c")
    read -r r c <<<"$(one b$i --audit-enabled 1)"; B+=("$r"); CB+=("$c")
  else
    read -r r c <<<"$(one b$i --audit-enabled 1)"; B+=("$r"); CB+=("$c")
    read -r r c <<<"$(one a$i --audit-enabled 0)"; A+=("$r"); CA+=("$c")
  fi
  echo "round $i: audit off ${A[-1]} req/s (${CA[-1]} ms CPU/req), on ${B[-1]} req/s (${CB[-1]} ms CPU/req)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
MA=$(median "${A[@]}"); MB=$(median "${B[@]}"); MCA=$(median "${CA[@]}"); MCB=$(median "${CB[@]}")
COST=$(awk -v a=$MA -v b=$MB 'BEGIN {printf "%.1f", 100 * (a - b) / a}')
CCOST=$(awk -v a=$MCA -v b=$MCB 'BEGIN {printf "%.1f", 100 * (b - a) / a}')
ENTRIES=$($BIN audit verify --data "$DIR/data" "${DBFLAG[@]}" | sed -n 's/^OK: \([0-9]*\) entries.*/\1/p')
[ -n "$ENTRIES" ] || { echo "bench: the log of the write runs does not verify"; exit 1; }
echo "write cost of the audit log: $COST % of throughput, $CCOST % CPU per request; $ENTRIES entries verify"

# (b) verify of VERIFY_N entries (SQLite: generated straight into a fresh database; 0 = skip)
if [ "$VERIFY_N" -gt 0 ]; then
  VDIR=$DIR/verify
  $BIN migrate --data "$VDIR" >/dev/null
  python3 bench/audit_gen.py "$VDIR/madoguchi.db" "$KEYDIR/verify.key" "$VERIFY_N"
  T0=$(date +%s.%N)
  VOUT=$($BIN audit verify --data "$VDIR" --key-file "$KEYDIR/verify.key")
  T1=$(date +%s.%N)
  VSECS=$(awk -v a=$T0 -v b=$T1 'BEGIN {printf "%.2f", b - a}')
  echo "$VOUT in $VSECS s"
fi
{
  echo
  echo "## $(date -u +%Y-%m-%d) — audit log ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB. $BACKEND, release build, wrk -t2 -c$CONN -d${DUR}s."
  echo "POST record.json (durable, API token), a fresh server per run on one data directory."
  echo "A: [audit] enabled = 0. B: audit log on (one chained entry per request, written in the"
  echo "request's transaction; checkpoint every 1,000). CPU: the server's user+system time per request."
  echo
  echo "| run | A req/s | A CPU ms/req | B req/s | B CPU ms/req |"
  echo "|---|---|---|---|---|"
  for i in $(seq "$ROUNDS"); do echo "| $i | ${A[$((i-1))]} | ${CA[$((i-1))]} | ${B[$((i-1))]} | ${CB[$((i-1))]} |"; done
  echo "| **median** | **$MA** | **$MCA** | **$MB** | **$MCB** |"
  echo
  echo "Cost of the audit log: **$COST %** of write throughput, $CCOST % CPU per request (target ≤ 15 %)."
  echo "The $ENTRIES entries of these runs verify."
  [ "$VERIFY_N" -gt 0 ] || exit 0
  echo
  echo "\`madoguchi audit verify\` of $VERIFY_N entries (1,000 checkpoints; bench/audit_gen.py): **$VSECS s** (target < 10 s): \`$VOUT\`."
} >> bench/results.md
