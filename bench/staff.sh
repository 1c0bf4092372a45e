#!/usr/bin/env bash
# Staff web application (issue #8): the two browser measurements the issue names, taken by the
# browser tests with the release binary — cold load of /staff/ up to the inbox (bytes as sent,
# gzip; time to the inbox table) and the render of a 100-row record list (data arrived → table
# laid out; median of 5) — ROUNDS times each. Prints the measured lines and appends them to
# bench/results.md. The dashboard's server time is bench/kpi.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
[ -d tests/browser/node_modules ] || (cd tests/browser && npm ci --no-audit --no-fund)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for i in $(seq "$ROUNDS"); do
  # whole files: the cold-load test signs in the user the first test enrolled
  (cd tests/browser && MADOGUCHI_BIN=$PWD/../../build/madoguchi \
     node --test --test-concurrency=1 staff-login.test.mjs staff-records.test.mjs 2>&1) |
    sed -n 's/^# \\# \(cold load\|list render\)/\1/p' | tee -a "$out" || true
done
{
  echo
  echo "## $(date -u +%F) — staff web application ($(git rev-parse --short HEAD))"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), shared; chromium $(chromium --version 2>/dev/null | awk '{print $2}'), release build, loopback."
  echo
  sed 's/^/- /' "$out"
} >> bench/results.md
