#!/bin/sh
# Install the Debian packages crashsig needs to build and test
# (libmicrohttpd-dev: the header crashsig serve is built with; libmicrohttpd12:
# loaded when it runs; chromium: the headless browser of its page tests).
set -e
PKGS="build-essential cmake pkg-config libdw-dev libelf-dev libpcre2-dev \
libcapstone-dev libiberty-dev libzstd-dev liblzma-dev zlib1g-dev libbz2-dev bzip2 libcmocka-dev python3 \
binutils elfutils libsqlite3-dev sqlite3 libpq5 postgresql \
debuginfod libdebuginfod1 curl gzip xz-utils zstd groff-base bsdutils clang-14 libclang-rt-14-dev \
libmicrohttpd-dev libmicrohttpd12 chromium"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
