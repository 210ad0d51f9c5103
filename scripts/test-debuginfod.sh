#!/bin/sh
# crashsig symbolize against a real debuginfod server (elfutils' debuginfod,
# Debian package debuginfod) started on localhost over the test's own ELF
# fixtures (tests/symbolize: fix_prog standing in for vmlinux, fixmod.ko for
# a module, given a build id with ld -r --build-id as kbuild does):
#  - vmlinux fetched by the build id at the end of the CPU: line;
#  - a module fetched by the build id of its frames;
#  - an unknown build id is an error that says so.
# usage: scripts/test-debuginfod.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$build/crashsig
fix=$build/tests/symbolize-fixtures
if ! command -v debuginfod >/dev/null; then
	echo "skipped: debuginfod test because the debuginfod binary is missing (apt-get install debuginfod)"
	exit 0
fi
if ! [ -f /usr/lib/x86_64-linux-gnu/libdebuginfod.so.1 ] && ! ldconfig -p 2>/dev/null | grep -q libdebuginfod.so.1; then
	echo "skipped: debuginfod test because libdebuginfod.so.1 is missing (apt-get install libdebuginfod1)"
	exit 0
fi
[ -x "$bin" ] && [ -f "$fix/fix_prog" ] || { echo "test-debuginfod: build first ($build)" >&2; exit 2; }
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() {
	echo "test-debuginfod: FAIL: $*" >&2
	[ -f "$tmp/server.log" ] && tail -20 "$tmp/server.log" >&2
	exit 1
}
buildid() { readelf -n "$1" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p' | head -1; }

mkdir -p "$tmp/srv" "$tmp/cache" "$tmp/empty-root" "$tmp/no-modules"
cp "$fix/fix_prog" "$tmp/srv/vmlinux-fixture"
ld -r --build-id=sha1 -o "$tmp/srv/fixmod.ko" "$fix/modules/extra/fixmod.ko"
vid=$(buildid "$tmp/srv/vmlinux-fixture")
mid=$(buildid "$tmp/srv/fixmod.ko")
[ -n "$vid" ] && [ -n "$mid" ] || fail "fixtures have no build ids"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
debuginfod -p "$port" -d "$tmp/db.sqlite" -F -t 0 -g 0 "$tmp/srv" > "$tmp/server.log" 2>&1 &
pid=$!
url=http://127.0.0.1:$port
i=0
until curl -sf -o /dev/null "$url/buildid/$vid/debuginfo" && curl -sf -o /dev/null "$url/buildid/$mid/debuginfo"; do
	i=$((i + 1))
	[ $i -lt 150 ] || fail "debuginfod did not index the fixtures in 30 s"
	kill -0 "$pid" 2>/dev/null || fail "debuginfod exited"
	sleep 0.2
done
echo "test-debuginfod: server on $url indexed vmlinux $vid and fixmod $mid"
export DEBUGINFOD_URLS="$url" DEBUGINFOD_CACHE_PATH="$tmp/cache" DEBUGINFOD_TIMEOUT=10

# A report whose release is installed nowhere (--sysroot of an empty tree),
# with the vmlinux build id on the CPU: line and a module frame with its
# build id, as CONFIG_STACKTRACE_BUILD_ID kernels print them.
printf '%s\n' \
	"[    1.000000] CPU: 0 PID: 1 Comm: t Tainted: G           OE      6.1.0-fixture #1 $vid" \
	"[    1.000000] Call Trace:" \
	"[    1.000000]  fixmod_slowpath+0x4 [fixmod $mid]" \
	"[    1.000000]  fix_split+0x3" > "$tmp/report.log"
out=$("$bin" symbolize --sysroot "$tmp/empty-root" --modules "$tmp/no-modules" "$tmp/report.log" 2>"$tmp/err") ||
	fail "symbolize exited $?: $(cat "$tmp/err")"
grep -q "using $tmp/cache/.*(debuginfod, build id $vid)" "$tmp/err" || fail "vmlinux not fetched: $(cat "$tmp/err")"
echo "$out" | grep -q 'fix_split+0x3 .*fix_prog.c:' || fail "vmlinux frame not resolved: $out"
echo "$out" | grep -q "fixmod_slowpath+0x4 \[fixmod $mid\] .*fixmod.c:" || fail "module frame not resolved: $out"
echo "test-debuginfod: vmlinux and module fetched by build id and resolved"

# Unknown build id: an error naming it.
sed "s/$vid/0000000000000000000000000000000000000000/" "$tmp/report.log" > "$tmp/unknown.log"
if "$bin" symbolize --sysroot "$tmp/empty-root" "$tmp/unknown.log" >/dev/null 2>"$tmp/err"; then
	fail "unknown build id accepted"
fi
grep -q "not found" "$tmp/err" || fail "unknown build id message: $(cat "$tmp/err")"
echo "test-debuginfod: unknown build id is an error: $(grep 'debuginfod:' "$tmp/err")"
