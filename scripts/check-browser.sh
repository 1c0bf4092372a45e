#!/usr/bin/env bash
# check-browser.sh — the browser tests (tests/browser): playwright-core driving Debian's
# chromium against the real server binary (build/madoguchi-asan), axe-core for WCAG 2.1 AA.
# Installs tests/browser/node_modules with `npm ci` when missing. Needs /usr/bin/chromium
# (scripts/deps.sh --test installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/browser
say() { printf 'check-browser: %s\n' "$*"; }
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    say "FAILED: chromium is not installed (scripts/deps.sh --test, or apt-get install chromium)"
    exit 1
fi
if [ ! -f "$dir/node_modules/playwright-core/package.json" ] || [ ! -f "$dir/node_modules/axe-core/axe.min.js" ]; then
    say "installing node packages (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { say "FAILED: npm ci"; exit 1; }
fi
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export MADOGUCHI_BIN=${MADOGUCHI_BIN:-$PWD/build/madoguchi-asan}
start=$(date +%s)
set +e
timeout -k 10 900 node --test --test-reporter=tap --test-concurrency=1 "$dir"/*.test.mjs
rc=$?
set -e
if [ $rc -ne 0 ]; then
    say "FAILED: node --test exit $rc"
    exit 1
fi
say "all browser tests passed ($(( $(date +%s) - start )) s)"
