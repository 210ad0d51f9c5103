#!/bin/sh
# Run the PostgreSQL tests of the bug store against a real, throw-away
# server: a new cluster in a temporary directory (Debian's initdb/pg_ctl),
# owned by and running as an unprivileged user, listening only on a unix
# socket in that directory. The server is stopped and removed at the end.
#
# usage: scripts/test-pg.sh [BUILD_DIR]     (default: build)
#        scripts/test-pg.sh --run CMD [ARG...]  (CMD runs instead of the tests,
#                                               e.g. bench/bench_dedup.sh)
# Without Debian's postgresql package the PostgreSQL tests are skipped, and
# say so.
set -eu
cd "$(dirname "$0")/.."
run_cmd=""
if [ "${1:-}" = "--run" ]; then
	shift
	run_cmd=1
	BUILD=build
else
	BUILD=${1:-build}
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
	echo "skipped: PostgreSQL tests because no server is installed" \
		"(Debian package postgresql; scripts/deps.sh installs it)"
	exit 0
fi

# The server refuses to run as root: run it as an unprivileged user.
run_as=""
if [ "$(id -u)" -eq 0 ]; then
	user=crashsig-pg
	if ! id "$user" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$user" 2>/dev/null ||
			user=nobody
	fi
	run_as="runuser -u $user --"
fi

tmp=$(mktemp -d /tmp/crashsig-pg.XXXXXX)
chmod 755 "$tmp"
[ -n "$run_as" ] && chown "${user}" "$tmp"
stop() {
	$run_as "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap stop EXIT INT TERM

$run_as "$bindir/initdb" -D "$tmp/data" -U crashsig -A trust -E UTF8 --no-sync \
	>"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; exit 1; }
# No TCP at all (listen_addresses empty); the socket lives in $tmp.
$run_as "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
	-o "-c listen_addresses='' -c unix_socket_directories=$tmp -c fsync=off" \
	start >/dev/null || { cat "$tmp/server.log"; exit 1; }

export CRASHSIG_TEST_PG="postgresql://crashsig@/postgres?host=$tmp"
echo "PostgreSQL $($bindir/postgres --version | awk '{print $3}') on $tmp (unix socket only)"
if [ -n "$run_cmd" ]; then
	"$@"
	exit $?
fi
status=0
for t in test_store test_ingest test_query test_concurrency test_dedup_corpus; do
	[ -x "$BUILD/tests/$t" ] || continue
	"$BUILD/tests/$t" || status=1
done
tests/dedup/cli_dedup_pg.sh "$BUILD/crashsig" . || status=1
# crashsig serve: two serve processes on one PostgreSQL store under load,
# one killed (SIGKILL) in the middle
if [ -x "$BUILD/crashsig" ] && "$BUILD/crashsig" help serve >/dev/null 2>&1; then
	python3 tests/serve/serve_load.py "$BUILD/crashsig" . --kill --pg "$CRASHSIG_TEST_PG" ||
		status=1
fi
exit $status
