#!/usr/bin/env bash
# Benchmark of backups (issue #9): N records (bench/seed.mjs, through the API) and BLOBS
# attachments of SIZE random bytes each (build/backup_seed: stored exactly like uploads), then
# `madoguchi backup` (full: snapshot + every blob, then its verify), an incremental backup after
# 100 new attachments, `backup verify` alone and a whole `restore`. Targets (100,000 records,
# 2 GB of attachments): full backup < 2 min, verify < 1 min. Appends to bench/results.md.
# N (default 100000), BLOBS (20000), SIZE (104858 = 2 GB in all), KEEP.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/madoguchi}
N=${N:-100000}
BLOBS=${BLOBS:-20000}
SIZE=${SIZE:-104858}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/madoguchi-bench-backup.XXXXXX)
PW=bench-password-1
SERVER=
trap '[ -z "$SERVER" ] || kill $SERVER 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
export MADOGUCHI_BACKUP_ENABLED=0
echo "$PW" | $BIN user add --data "$DIR/data" --login bench --password-stdin --admin --service >/dev/null
$BIN serve --data "$DIR/data" --listen 127.0.0.1:$PORT 2>>"$DIR/server.log" & SERVER=$!
for _ in $(seq 100); do curl -fs $URL/readyz >/dev/null 2>&1 && break; sleep 0.1; done
echo "seeding $N records ..."
node bench/seed.mjs $URL bench $PW "$N" >/dev/null
kill $SERVER; wait $SERVER 2>/dev/null || true; SERVER=
echo "seeding $BLOBS attachments of $SIZE bytes ..."
build/backup_seed "$DIR/data" "$BLOBS" "$SIZE"
DATA_MB=$(du -sm "$DIR/data" | cut -f1)
BLOB_MB=$(du -sm "$DIR/data/blobs" | cut -f1)
$BIN backup keygen --key-file "$DIR/backup.key" >/dev/null
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true # cold cache when allowed (root)
timed() { # label command... → prints "seconds peakKB" of the command
  /usr/bin/time -f '%e %M' -o "$DIR/time.txt" "$@" > "$DIR/out.txt" 2>"$DIR/err.txt" || { cat "$DIR/err.txt"; exit 1; }
  tail -1 "$DIR/time.txt"
}
FULL=$(timed $BIN backup --data "$DIR/data" --key-file "$DIR/backup.key")
cat "$DIR/out.txt"
ARCH=$(tail -1 "$DIR/out.txt")
SPLIT=$(grep -o 'backup [0-9.]* s, verify [0-9.]* s' "$DIR/out.txt")
ARCH_MB=$(( $(stat -c %s "$ARCH") / 1048576 ))
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
VER=$(timed $BIN backup verify --data "$DIR/data" --key-file "$DIR/backup.key" "$ARCH")
build/backup_seed "$DIR/data" 100 "$SIZE"
INC=$(timed $BIN backup --data "$DIR/data" --key-file "$DIR/backup.key")
INC_SPLIT=$(grep -o 'backup [0-9.]* s, verify [0-9.]* s' "$DIR/out.txt")
ARCH2=$(tail -1 "$DIR/out.txt")
ARCH2_MB=$(( $(stat -c %s "$ARCH2") / 1048576 ))
mkdir -p "$DIR/restored/keys" && cp "$DIR/data/keys/"* "$DIR/restored/keys/"
REST=$(timed $BIN restore --data "$DIR/restored" --key-file "$DIR/backup.key" --from "$ARCH2")
echo "full: $FULL ($SPLIT); verify alone: $VER; incremental: $INC ($INC_SPLIT); restore: $REST"
{
  echo
  echo "## $(date -u +%Y-%m-%d) — backups ($(git rev-parse --short HEAD 2>/dev/null || echo worktree))"
  echo
  echo "Machine: $(nproc) cores ($(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB, $(df -h "$DIR" | awk 'NR==2 {print $1}'). SQLite, release build."
  echo "$N records (bench/seed.mjs, 15 fields) + $BLOBS attachments of $SIZE random bytes"
  echo "(data directory $DATA_MB MB, blobs $BLOB_MB MB). \`make bench-backup\` (\`bench/backup.sh\`; N, BLOBS, SIZE)."
  echo "Seconds are wall time of the command; peak = resident memory."
  echo
  echo "| measure | result | target |"
  echo "|---|---|---|"
  echo "| full backup (\`madoguchi backup\`, includes its verify) | **${FULL% *} s** ($SPLIT), peak ${FULL#* } KB, archive $ARCH_MB MB | backup < 120 s |"
  echo "| \`backup verify\` alone | **${VER% *} s**, peak ${VER#* } KB | < 60 s |"
  echo "| incremental after 100 new attachments (chain of 2 verified) | ${INC% *} s ($INC_SPLIT), archive $ARCH2_MB MB | |"
  echo "| whole \`restore\` of the incremental (reads both archives) | ${REST% *} s, peak ${REST#* } KB | |"
} >> bench/results.md
tail -12 bench/results.md
