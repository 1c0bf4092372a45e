#!/usr/bin/env bash
# Benchmark of the applicant portal (issue #6): GET /my/ of an applicant with 50 applications
# (target: < 10 ms server time, median) and GET /my/{receipt} of one of them. Set-up in
# bench/portal.mjs (one app with a process, one form, 50 applications of the applicant among
# 8 × 40 of others, 20 of the 50 moved by status actions). Measures with wrk (ROUNDS runs each of
# 1 and 8 connections; medians of wrk's p50 and req/s) and the server time of each request from
# the access log (the duration it prints: from the request's arrival to the end of the handler),
# median over all requests of the 1-connection runs. Appends to bench/results.md.
# PERF=1: also a perf profile of the server during one more 1-connection run of GET /my/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
DUR=${DUR:-10}
ROUNDS=${ROUNDS:-3}
MINE=${MINE:-50}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
SMTP_PORT=$((PORT + 1))
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench-portal.XXXXXX)
PW=bench-password-1
NODE=
trap 'kill $SERVER 2>/dev/null || true; [ -z "$NODE" ] || kill $NODE 2>/dev/null || true; { grep -v " INFO " "$DIR/server.log" | tail -20 || true; }; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)"; exit 1; }
echo "$PW" | $BIN user add --data "$DIR/data" --login bench --password-stdin --admin --service >/dev/null
MADOGUCHI_MAIL_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT MADOGUCHI_MAIL_STARTTLS=off \
  $BIN serve --data "$DIR/data" --listen 127.0.0.1:$PORT 2>>"$DIR/server.log" & SERVER=$!
for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && break; sleep 0.1; done
echo "setting up: $MINE applications of one applicant, 8 × 40 of others..."
node bench/portal.mjs $URL bench $PW $SMTP_PORT "$MINE" 8 40 > "$DIR/setup.json" & NODE=$!
until [ -s "$DIR/setup.json" ]; do kill -0 $NODE 2>/dev/null || { echo "bench: set-up failed"; exit 1; }; sleep 0.5; done
SETUP=$(cat "$DIR/setup.json")
COOKIE=$(echo "$SETUP" | sed 's/.*"cookie":"\([^"]*\)".*/\1/')
RECEIPT=$(echo "$SETUP" | sed 's/.*"receipt":"\([^"]*\)".*/\1/')
echo "$SETUP" | sed 's/"cookie":"[^"]*",//'
rows=$(curl -fsS -H "Cookie: $COOKIE" "$URL/my/" | grep -o "/my/R-[0-9]*" | sort -u | wc -l)
[ "$rows" = "$MINE" ] || { echo "bench: /my/ lists $rows applications, expected $MINE"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$URL/my/$RECEIPT")
[ "$code" = 200 ] || { echo "bench: /my/$RECEIPT answered $code"; exit 1; }
export COOKIE
sleep 1

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f\n", v}' <<<"$1"; }
# run NAME PATH CONNS: ROUNDS wrk runs; sets P50 (ms, median of the runs' p50), RPS, SRV (server
# time, ms, median over every request of the runs, from the access log)
run() {
  local name=$1 path=$2 conns=$3 p=() q=() start
  start=$(wc -l < "$DIR/server.log")
  export MYPATH=$path
  for i in $(seq "$ROUNDS"); do
    wrk -t1 -c"$conns" -d"${DUR}"s --latency -s bench/portal.lua $URL > "$DIR/$name-$i.txt" 2>&1
    errs=$(awk '/Non-2xx/ {print $5}' "$DIR/$name-$i.txt")
    [ -z "$errs" ] || { echo "bench: $name run $i had $errs non-2xx responses"; cat "$DIR/$name-$i.txt"; exit 1; }
    p+=("$(ms "$(awk '$1=="50%" {print $2; exit}' "$DIR/$name-$i.txt")")")
    q+=("$(awk '/Requests\/sec/ {print $2}' "$DIR/$name-$i.txt")")
    echo "$name run $i: p50 ${p[-1]} ms, ${q[-1]} req/s"
  done
  P50=$(median "${p[@]}")
  RPS=$(median "${q[@]}")
  tail -n +"$((start + 1))" "$DIR/server.log" | awk -v path="$path" '$5 == path && $6 == "200" {sub(/ms$/, "", $8); print $8}' > "$DIR/$name.srv"
  SRV=$(sort -g "$DIR/$name.srv" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
  SRV99=$(sort -g "$DIR/$name.srv" | awk '{a[NR]=$1} END {print a[int(NR*0.99)]}')
  echo "$name: median p50 $P50 ms, $RPS req/s; server time median $SRV ms, p99 $SRV99 ms ($(wc -l < "$DIR/$name.srv") requests)"
}
run list1 /my/ 1; L1=("$P50" "$RPS" "$SRV" "$SRV99")
run list8 /my/ 8; L8=("$P50" "$RPS" "$SRV" "$SRV99")
run one1 "/my/$RECEIPT" 1; O1=("$P50" "$RPS" "$SRV" "$SRV99")
run one8 "/my/$RECEIPT" 8; O8=("$P50" "$RPS" "$SRV" "$SRV99")
if [ -n "${PERF:-}" ]; then # where the time of GET /my/ goes (not appended to results.md)
  export MYPATH=/my/
  perf record -F 2999 -g -p $SERVER -o "$DIR/perf.data" -- sleep "$DUR" >/dev/null 2>&1 &
  wrk -t1 -c1 -d"${DUR}"s -s bench/portal.lua $URL >/dev/null 2>&1
  wait $!
  perf report -i "$DIR/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -40
  perf report -i "$DIR/perf.data" --children --sort symbol --stdio -g none --percent-limit 3 2>/dev/null | grep -E "%" | head -60
fi
verdict=$(awk -v s="${L1[2]}" 'BEGIN {print (s < 10) ? "met" : "MISSED"}')
echo "GET /my/ ($MINE applications): server time median ${L1[2]} ms (target < 10 ms: $verdict)"
{
  echo
  echo "## $(date -u +%Y-%m-%d) — applicant portal ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB. SQLite (WAL), release build, wrk -t1 -d${DUR}s, $ROUNDS runs per row."
  echo "One applicant with $MINE applications (20 moved by status actions: 5 補正依頼, 8 許可, 7 審査) among"
  echo "320 applications of 8 other applicants; app of 12 fields, process of 4 statuses with applicantLabel."
  echo "Server time: the duration the access log prints (arrival to end of handler), median over all"
  echo "requests of the runs. Latency: median of wrk's p50 over the runs. \`make bench-portal\`"
  echo "(\`bench/portal.sh\`; DUR, ROUNDS, MINE)."
  echo
  echo "| page | conns | server time median | server time p99 | wrk p50 | req/s | target |"
  echo "|---|---|---|---|---|---|---|"
  echo "| GET /my/ ($MINE applications) | 1 | **${L1[2]} ms** | ${L1[3]} ms | ${L1[0]} ms | ${L1[1]} | < 10 ms ($verdict) |"
  echo "| GET /my/ ($MINE applications) | 8 | ${L8[2]} ms | ${L8[3]} ms | ${L8[0]} ms | ${L8[1]} | |"
  echo "| GET /my/{receipt} | 1 | ${O1[2]} ms | ${O1[3]} ms | ${O1[0]} ms | ${O1[1]} | |"
  echo "| GET /my/{receipt} | 8 | ${O8[2]} ms | ${O8[3]} ms | ${O8[0]} ms | ${O8[1]} | |"
} >> bench/results.md
