#!/usr/bin/env bash
# Benchmark of online restore (issue #9): build/restore_bench (in process, through the real route
# table) on SQLite and, when PostgreSQL is available, on a throwaway cluster (scripts/pg-temp.sh,
# durability off: a restore is one transaction, so that costs one commit). An app of N records,
# every record changed after the snapshot, 1% deleted, 10 created after it: the worst case.
# Targets: one record < 1 s; an app of 10,000 records < 10 s. Appends to bench/results.md.
# N (default 10000), ROUNDS (20), PG=0 to skip PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
ROUNDS=${ROUNDS:-20}
OUT=$(mktemp /tmp/madoguchi-bench-restore.XXXXXX)
PGDIR=
trap 'rm -f "$OUT"; [ -z "$PGDIR" ] || scripts/pg-temp.sh stop "$PGDIR" >/dev/null 2>&1 || true' EXIT
build/restore_bench "$N" "$ROUNDS" 2>/dev/null | tee "$OUT"
if [ "${PG:-1}" != 0 ]; then
  PGDIR=/tmp/pg-bench-restore-$$
  if DSN=$(scripts/pg-temp.sh start "$PGDIR" 2>/dev/null); then
    TEST_PG_DSN="$DSN" build/restore_bench "$N" "$ROUNDS" 2>/dev/null | tee -a "$OUT"
  else
    PGDIR=
  fi
fi
row() { # backend → table rows
  awk -v b="$1" '
    /^backend/ {on = ($2 == b)} !on {next}
    /^snapshot/ {snap = $2}
    /^record restore/ {med = $4; max = $7}
    /^app preview/ {prev = $3}
    /^app restore/ {app = $3; sub(/:$/, "", app) ; what = $6 " changed, " $8 " undeleted, " $10 " soft-deleted"}
    END {
      if (!app) exit
      printf "| %s | %s ms | median **%s ms**, max %s ms | %s ms | **%s ms** (%s) |\n", b, snap, med, max, prev, app, what
    }' "$OUT"
}
{
  echo
  echo "## $(date -u +%Y-%m-%d) — online restore ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r). Release build."
  echo "\`make bench-restore\` (\`bench/restore.sh\`, build/restore_bench): in process through the route table"
  echo "(the API test harness: SQLite in memory; PostgreSQL 15 on a local socket, durability off)."
  echo "An app of $N records, 10 fields (one unique), a comment on every 10th; a snapshot; then every"
  echo "record changed, 1% deleted and 10 created after it. Record restore: $ROUNDS single requests"
  echo "(open the snapshot, compare, write a revision). Targets: one record < 1 s; $N records < 10 s."
  echo
  echo "| backend | snapshot (snap_export) | one record restore | app preview | app restore |"
  echo "|---|---|---|---|---|"
  row sqlite
  row postgresql
} >> bench/results.md
tail -12 bench/results.md
