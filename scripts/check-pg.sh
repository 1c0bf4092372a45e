#!/bin/sh
# Runs the test suites against PostgreSQL: starts a throwaway cluster (scripts/pg-temp.sh), runs
# every test binary given (plus build/tests/test_db and test_query when built) with TEST_PG_DSN
# set, then the compat suite with MADOGUCHI_TEST_DB, each on a freshly created database, and
# always removes the cluster. Without a
# PostgreSQL installation it skips (exit 0) so `make check` works on SQLite-only machines.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
export PG_BINDIR

if [ ! -x "$PG_BINDIR/initdb" ] || [ ! -x "$PG_BINDIR/pg_ctl" ]; then
    echo "check-pg: PostgreSQL not installed, skipped"
    exit 0
fi

dir=$(mktemp -d /tmp/mado-pg.XXXXXX)
cleanup() {
    rc=$?
    trap - EXIT INT TERM
    "$root/scripts/pg-temp.sh" stop "$dir" || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

dsn=$("$root/scripts/pg-temp.sh" start "$dir")
echo "check-pg: cluster up ($dsn)"

# the binaries given, then the DB-level unit tests when built; each one once (by real path)
bins=""
seen=" "
for t in "$@" "$root/build/tests/test_db" "$root/build/tests/test_query"; do
    if [ ! -x "$t" ]; then
        case $t in
        "$root"/build/tests/test_db | "$root"/build/tests/test_query) continue ;;
        esac
        echo "check-pg: FAILED: $t: no such test binary"
        exit 1
    fi
    real=$(readlink -f "$t")
    case $seen in *" $real "*) continue ;; esac
    seen="$seen$real "
    bins="$bins $t"
done

# every suite starts from an empty database: earlier ones leave rows and sequences behind
for t in $bins; do
    echo "== $t (postgresql)"
    "$root/scripts/pg-temp.sh" reset "$dir"
    if ! TEST_PG_DSN="$dsn" "$t" 2>&1; then
        echo "check-pg: FAILED: $t"
        exit 1
    fi
done

compat=$root/scripts/check-compat.sh
if [ -f "$compat" ]; then
    echo "== scripts/check-compat.sh (postgresql)"
    [ -x "$compat" ] || compat="sh $compat"
    "$root/scripts/pg-temp.sh" reset "$dir"
    # shellcheck disable=SC2086 # $compat may be "sh path"
    if ! (cd "$root" && MADOGUCHI_TEST_DB="$dsn" $compat); then
        echo "check-pg: FAILED: compat"
        exit 1
    fi
fi
echo "check-pg: all PostgreSQL tests passed"
