#!/bin/sh
# Installs the Debian packages madoguchi builds and tests with. As root it runs apt-get;
# otherwise it prints the one command to run. "--check" only reports what is missing.
set -eu
PKGS="gcc make pkg-config libh2o-evloop-dev libssl-dev zlib1g-dev libjansson-dev
libsqlite3-dev libpq-dev libsodium-dev libgmime-3.0-dev libinih-dev libunistring-dev
libmagic-dev libzstd-dev libcmocka-dev liboath-dev libqrencode-dev libcurl4-openssl-dev libpcre2-dev
libcairo2-dev libpango1.0-dev libpoppler-glib-dev libzip-dev libxlsxwriter-dev fonts-ipaexfont"
TEST_PKGS="nodejs npm wrk postgresql postgresql-contrib openssl sqlite3 chromium poppler-utils qpdf"
want="$PKGS"
[ "${1:-}" = "--test" ] && want="$PKGS $TEST_PKGS"
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# nodejs may come from elsewhere (nvm, NodeSource): accept any node >= 18 on PATH
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(echo "$missing" | tr ' ' '\n' | grep -vx 'nodejs' | grep -vx 'npm' | tr '\n' ' ')
fi
missing=$(echo "$missing" | xargs)
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "installing: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing >/dev/null
else
    echo "missing packages; run:"
    echo "  sudo apt-get install -y $missing"
    exit 1
fi
