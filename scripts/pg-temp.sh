#!/bin/sh
# Throwaway PostgreSQL 15 cluster for tests: `pg-temp.sh start DIR` creates and starts a cluster
# in DIR that listens only on a Unix socket in DIR (listen_addresses='', so parallel clusters and
# the system cluster never collide on a TCP port), with durability off for speed, creates the
# database madoguchi and prints its conninfo on stdout (everything else goes to stderr).
# `pg-temp.sh reset DIR` drops and recreates the database (a clean slate between suites).
# `pg-temp.sh stop DIR` stops it and removes DIR. initdb refuses to run as root, so as root the
# server runs as the `postgres` system user. Exit 3 when the PostgreSQL binaries are missing.
set -eu

PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
MARKER=.madoguchi-pg-temp

die() { echo "pg-temp: $*" >&2; exit 1; }
usage() { echo "usage: $0 start|reset|stop DIR" >&2; exit 2; }

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
dir=${dir%/}

# Runs a server-side command as the cluster owner: ourselves, or `postgres` when we are root.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            (cd "$dir" && runuser -u postgres -- "$@")
        else
            # su needs one shell string: quote every argument
            q=""
            for a in "$@"; do q="$q '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"; done
            (cd "$dir" && su postgres -s /bin/sh -c "$q")
        fi
    else
        (cd "$dir" && "$@")
    fi
}

role_name() {
    if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi
}

conninfo() {
    echo "host=$dir dbname=madoguchi user=$(role_name)"
}

is_running() {
    [ -f "$dir/data/PG_VERSION" ] && as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

pick_locale() {
    # C.UTF-8 gives Unicode character classes (pg_trgm must see Japanese letters as word
    # characters) with byte-order collation; fall back to plain C where it does not exist.
    if locale -a 2>/dev/null | grep -qix 'C.utf-\{0,1\}8'; then echo C.UTF-8; else echo C; fi
}

start() {
    for b in initdb pg_ctl postgres; do
        if [ ! -x "$PG_BINDIR/$b" ]; then
            echo "pg-temp: PostgreSQL 15 not installed ($PG_BINDIR/$b missing)" >&2
            exit 3
        fi
    done
    # the socket path must fit in sockaddr_un.sun_path (108 bytes, NUL included)
    [ ${#dir} -le 90 ] || die "path too long for a Unix socket: $dir"
    if is_running; then
        conninfo
        return 0
    fi
    [ ! -e "$dir/data" ] || die "$dir/data exists but no server runs there; run '$0 stop $dir' first"
    mkdir -p "$dir"
    : >"$dir/$MARKER"
    user=$(role_name)
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user"
        chown postgres "$dir"
        chmod 700 "$dir"
        runuser -u postgres -- test -x "$dir" 2>/dev/null ||
            die "user postgres cannot reach $dir (a parent directory is not searchable); use e.g. /tmp"
    fi
    loc=$(pick_locale)
    as_owner "$PG_BINDIR/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 \
        --locale="$loc" --lc-collate=C --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    cat >>"$dir/data/postgresql.conf" <<EOF
# pg-temp.sh: throwaway test cluster
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
log_min_messages = warning
log_min_error_statement = panic
EOF
    as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { cat "$dir/server.log" >&2; die "server did not start"; }
    create_db
    conninfo
}

# The client side (psql) runs as the caller: root may always reach the socket.
create_db() {
    env -u PGOPTIONS -u PGSERVICE "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 \
        "host=$dir dbname=postgres user=$(role_name)" >/dev/null <<'EOF' || die "cannot create database"
SET client_min_messages = warning;
DROP DATABASE IF EXISTS madoguchi WITH (FORCE);
CREATE DATABASE madoguchi TEMPLATE template0 ENCODING 'UTF8';
EOF
}

reset() {
    is_running || die "no cluster runs in $dir"
    create_db
}

stop() {
    [ -d "$dir" ] || return 0
    if [ ! -e "$dir/$MARKER" ]; then
        die "$dir was not made by pg-temp.sh; not removing it"
    fi
    if is_running; then
        as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 ||
            echo "pg-temp: pg_ctl stop failed" >&2
    fi
    rm -rf "$dir"
}

case $cmd in
start) start ;;
reset) reset ;;
stop) stop ;;
*) usage ;;
esac
