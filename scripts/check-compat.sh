#!/usr/bin/env bash
# check-compat.sh — runs the HTTP-level suites against the REAL server binary:
#   tests/compat  the unmodified kintone clients (@kintone/rest-api-client, cli-kintone from npm)
#   tests/e2e     raw HTTP (fetch / sockets): error shapes, encodings, robustness, shutdown
# For each suite: a fresh server (${MADOGUCHI_BIN:-build/madoguchi-asan}) on 127.0.0.1 and a
# free random port, a fresh temp data dir (plus --db "$MADOGUCHI_TEST_DB" when set: the suites
# create their own apps and never assume app ids), an admin service account, wait for /readyz,
# `node --test`, then SIGTERM: the server must exit 0 within 30 s with no sanitizer report in
# its log. Any failure → the server log tail, exit 1. Installs tests/compat/node_modules with
# `npm ci` when missing. LONG=1 enables the bigger variants of some tests.
#
# Environment: MADOGUCHI_BIN, MADOGUCHI_TEST_DB, LONG, ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS,
# CHECK_COMPAT_SUITES (default "compat e2e"), CHECK_COMPAT_KEEP=1 (keep temp dirs).
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

BIN=${MADOGUCHI_BIN:-build/madoguchi-asan}
case $BIN in /*) ;; *) BIN=$root/$BIN ;; esac
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# the Makefile exports the same; this is for direct runs of the script
if [ -z "${LSAN_OPTIONS:-}" ] && [ -f "$root/tests/lsan.supp" ]; then
    export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
fi
SUITES=${CHECK_COMPAT_SUITES:-compat e2e}
SANITIZER_RE='ERROR: AddressSanitizer|runtime error:|LeakSanitizer'
start_ts=$(date +%s)

say() { printf 'check-compat: %s\n' "$*"; }
die() { say "FAILED: $*"; exit 1; }

[ -x "$BIN" ] || die "$BIN not built (make build/madoguchi-asan)"
command -v node >/dev/null 2>&1 || die "node not found (Node.js >= 20 is needed)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js >= 20 needed, found $(node --version)"

# ---- 1. the kintone clients from npm ----------------------------------------------------------
compat_dir=$root/tests/compat
if [ ! -f "$compat_dir/node_modules/@kintone/cli/cli.js" ] ||
    [ ! -f "$compat_dir/node_modules/@kintone/rest-api-client/package.json" ] ||
    [ ! -f "$compat_dir/node_modules/smtp-server/package.json" ]; then
    command -v npm >/dev/null 2>&1 || die "npm not found"
    if [ -f "$compat_dir/package-lock.json" ]; then
        say "npm ci in tests/compat"
        (cd "$compat_dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci"
    else
        say "npm install in tests/compat (no package-lock.json)"
        (cd "$compat_dir" && npm install --no-audit --no-fund --loglevel=error) || die "npm install"
    fi
fi

# ---- helpers ------------------------------------------------------------------------------------
free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{const p=s.address().port;s.close(()=>console.log(p))})'
}

http_status() { # URL → status code, or 000 when nothing answers
    if command -v curl >/dev/null 2>&1; then
        curl -s -o /dev/null -w '%{http_code}' --max-time 2 --noproxy '*' "$1" 2>/dev/null || echo 000
        return
    fi
    node -e 'fetch(process.argv[1]).then(r=>console.log(r.status),()=>console.log("000"))' "$1" 2>/dev/null || echo 000
}

server_pid=""
tmp=""
failed=0
stop_server_now() { # emergency stop (trap): by pid only
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null
    fi
    server_pid=""
}
cleanup() {
    stop_server_now
    if [ -n "$tmp" ] && [ -d "$tmp" ] && [ "${CHECK_COMPAT_KEEP:-0}" != 1 ] && [ "$failed" = 0 ]; then
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log_tail() {
    say "---- server log tail ($1) ----"
    # the sanitizer report when there is one, else the last lines
    if grep -Eq "$SANITIZER_RE" "$1" 2>/dev/null; then
        sed -n "$(grep -En -m1 "$SANITIZER_RE" "$1" | cut -d: -f1),+80p" "$1"
    else
        tail -n 60 "$1"
    fi
    say "---- end of server log ----"
}

db_args=()
if [ -n "${MADOGUCHI_TEST_DB:-}" ]; then
    db_args=(--db "$MADOGUCHI_TEST_DB")
fi

# ---- 2..4. one server per suite -----------------------------------------------------------------
run_suite() {
    local suite=$1 dir=$root/tests/$1
    local t0 login password data log port rc node_rc
    t0=$(date +%s)
    if ! ls "$dir"/*.test.mjs >/dev/null 2>&1; then
        say "$suite: no tests, skipped"
        return 0
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/mado-compat-$suite.XXXXXX") || return 1
    data=$tmp/data
    log=$tmp/server.log
    login=compat-$suite-$$
    password=pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')

    say "$suite: admin service account $login (data $data${MADOGUCHI_TEST_DB:+, PostgreSQL})"
    if ! printf '%s\n' "$password" | "$BIN" user add --data "$data" "${db_args[@]}" --login "$login" \
        --password-stdin --admin --service >"$tmp/user.log" 2>&1; then
        cat "$tmp/user.log"
        say "FAILED: $suite: user add"
        return 1
    fi
    if grep -Eq "$SANITIZER_RE" "$tmp/user.log"; then
        cat "$tmp/user.log"
        say "FAILED: $suite: sanitizer report from 'user add'"
        return 1
    fi

    local up=0
    for attempt in 1 2 3; do
        port=$(free_port) || return 1
        "$BIN" serve --data "$data" --listen "127.0.0.1:$port" "${db_args[@]}" >"$log" 2>&1 &
        server_pid=$!
        for _ in $(seq 1 600); do # 60 s: the ASan build starts slowly on a busy machine
            if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
            if [ "$(http_status "http://127.0.0.1:$port/readyz")" = 200 ]; then up=1; break; fi
            sleep 0.1
        done
        [ "$up" = 1 ] && break
        if kill -0 "$server_pid" 2>/dev/null; then
            stop_server_now
            log_tail "$log"
            say "FAILED: $suite: server not ready within 60 s"
            return 1
        fi
        wait "$server_pid" 2>/dev/null
        server_pid=""
        say "$suite: server exited during start-up (attempt $attempt; port $port taken?)"
        tail -n 5 "$log"
    done
    if [ "$up" != 1 ]; then
        log_tail "$log"
        say "FAILED: $suite: server did not start"
        return 1
    fi
    say "$suite: server pid $server_pid on http://localhost:$port ($(($(date +%s) - t0)) s to ready)"

    # The clients must reach the server directly: no proxies, no kintone settings from the caller.
    env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy -u ALL_PROXY -u all_proxy \
        -u KINTONE_BASE_URL -u KINTONE_USERNAME -u KINTONE_PASSWORD -u KINTONE_API_TOKEN \
        -u KINTONE_GUEST_SPACE_ID -u KINTONE_BASIC_AUTH_USERNAME -u KINTONE_BASIC_AUTH_PASSWORD \
        NO_PROXY=localhost,127.0.0.1 no_proxy=localhost,127.0.0.1 \
        MADOGUCHI_URL="http://localhost:$port" MADOGUCHI_USER="$login" MADOGUCHI_PASSWORD="$password" \
        MADOGUCHI_BIN="$BIN" MADOGUCHI_DATA="$data" MADOGUCHI_TEST_DB="${MADOGUCHI_TEST_DB:-}" \
        LONG="${LONG:-0}" \
        timeout -k 10 600 node --test --test-reporter=tap --test-concurrency=1 "$dir"
    node_rc=$?

    # ---- 4. SIGTERM: exit 0 within 30 s, no sanitizer report
    local stop_rc=0 waited=0
    if kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        while kill -0 "$server_pid" 2>/dev/null && [ "$waited" -lt 300 ]; do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            say "FAILED: $suite: server still running 30 s after SIGTERM"
            kill -KILL "$server_pid" 2>/dev/null
            stop_rc=1
        fi
        wait "$server_pid" 2>/dev/null
        rc=$?
        if [ "$stop_rc" = 0 ] && [ "$rc" != 0 ]; then
            say "FAILED: $suite: server exit code $rc after SIGTERM"
            stop_rc=1
        fi
    else
        wait "$server_pid" 2>/dev/null
        rc=$?
        say "FAILED: $suite: the server died during the tests (exit $rc)"
        stop_rc=1
    fi
    server_pid=""
    if grep -Eq "$SANITIZER_RE" "$log"; then
        say "FAILED: $suite: sanitizer report in the server log"
        stop_rc=1
    fi
    if [ "$node_rc" = 124 ] || [ "$node_rc" = 137 ]; then
        say "FAILED: $suite: node --test timed out"
    elif [ "$node_rc" != 0 ]; then
        say "FAILED: $suite: node --test exit $node_rc"
    fi
    if [ "$node_rc" != 0 ] || [ "$stop_rc" != 0 ]; then
        log_tail "$log"
        say "$suite: kept $tmp"
        failed=1
        tmp=""
        return 1
    fi
    say "$suite: ok ($(($(date +%s) - t0)) s; server stopped in $((waited / 10)).$((waited % 10)) s, $(wc -l <"$log") log lines)"
    if [ "${CHECK_COMPAT_KEEP:-0}" != 1 ]; then rm -rf "$tmp"; fi
    tmp=""
    return 0
}

status=0
for s in $SUITES; do
    run_suite "$s" || status=1
done
say "done in $(($(date +%s) - start_ts)) s: $([ "$status" = 0 ] && echo 'all suites passed' || echo FAILED)"
exit "$status"
