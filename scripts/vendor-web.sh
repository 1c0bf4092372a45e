#!/bin/sh
# Copies the staff app's browser libraries from the npm registry into web/vendor/ (committed, so
# the C build needs no npm): Preact, its hooks and htm as ES modules — the hooks' bare
# "preact" import rewritten to the file next to it, since the CSP allows no import map — and
# Chart.js as its standalone build. Versions are pinned in tools/web-vendor/package-lock.json.
set -eu
cd "$(dirname "$0")/.."
(cd tools/web-vendor && npm ci --no-audit --no-fund --loglevel=error)
m=tools/web-vendor/node_modules
out=web/vendor
mkdir -p "$out"
cp "$m/preact/dist/preact.module.js" "$out/preact.module.js"
sed 's|from"preact"|from"./preact.module.js"|g; s|from "preact"|from "./preact.module.js"|g' \
    "$m/preact/hooks/dist/hooks.module.js" > "$out/hooks.module.js"
cp "$m/htm/dist/htm.module.js" "$out/htm.module.js"
cp "$m/chart.js/dist/chart.umd.min.js" "$out/chart.umd.min.js"
{
    echo "Third-party files in this folder (copied by scripts/vendor-web.sh):"
    for p in preact htm chart.js; do
        v=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$m/$p/package.json")
        echo "- $p $v, MIT License: https://www.npmjs.com/package/$p"
    done
} > "$out/LICENSES.txt"
sed -i 's/\r$//' "$out/LICENSES.txt"
grep -q 'preact.module.js' "$out/hooks.module.js" || { echo "vendor-web: hooks import not rewritten" >&2; exit 1; }
echo "web/vendor updated"
