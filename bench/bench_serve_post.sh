#!/bin/sh
# Submit throughput of crashsig serve with a C load client
# (bench_serve_post: 8 keep-alive connections, one crash per request,
# every tenth sent again), so that the client costs little of the two
# cores: on SQLite (one serve process) and on PostgreSQL (two serve
# processes on one store, through scripts/test-pg.sh). Each store is new
# and holds the fixtures' bugs first. See bench/README.md.
#
# usage: bench/bench_serve_post.sh [BUILD_DIR] [CLIENTS] [REQUESTS_PER_CLIENT] [ROUNDS]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
clients=${2:-8}
n=${3:-2000}
rounds=${4:-3}
bin=$build/crashsig
tmp=$(mktemp -d /tmp/crashsig-post.XXXXXX)
trap 'kill $(cat "$tmp"/pid* 2>/dev/null) 2>/dev/null; rm -rf "$tmp"' EXIT
# the fixtures that hold exactly one crash
"$bin" --all --fields file fixtures/report/* | python3 -c '
import collections, json, sys
c = collections.Counter(json.loads(l)["file"] for l in sys.stdin)
print("\n".join(sorted(f for f, k in c.items() if k == 1)))' >"$tmp/files"
echo "$(wc -l <"$tmp/files") bodies of one crash each"

start() { # DB PORT_FILE PID_FILE
	"$bin" serve --db "$1" --listen 127.0.0.1:0 --threads 4 >/dev/null 2>"$2" &
	echo $! >"$3"
	for _ in $(seq 100); do
		grep -q "listening on" "$2" && break
		sleep 0.1
	done
	sed -n 's|.*listening on http://\(127.0.0.1:[0-9]*\)/.*|\1|p' "$2"
}

echo "== SQLite, 1 serve process (4 threads)"
"$bin" dedup --db "$tmp/s.db" fixtures/report >/dev/null
a=$(start "$tmp/s.db" "$tmp/log1" "$tmp/pid1")
for r in $(seq "$rounds"); do
	# shellcheck disable=SC2046
	"$build/bench/bench_serve_post" "$a" "$clients" "$n" $(cat "$tmp/files")
done
kill "$(cat "$tmp/pid1")"; rm -f "$tmp/pid1"
wait 2>/dev/null || true

echo "== PostgreSQL, 2 serve processes (4 threads each) on one store"
./scripts/test-pg.sh --run sh -c '
	set -eu
	"$1" dedup --db "$CRASHSIG_TEST_PG" fixtures/report >/dev/null
	"$1" serve --db "$CRASHSIG_TEST_PG" --listen 127.0.0.1:0 --threads 4 >/dev/null 2>"$2/pg1" & p1=$!
	"$1" serve --db "$CRASHSIG_TEST_PG" --listen 127.0.0.1:0 --threads 4 >/dev/null 2>"$2/pg2" & p2=$!
	for _ in $(seq 100); do
		grep -q "listening on" "$2/pg1" && grep -q "listening on" "$2/pg2" && break
		sleep 0.1
	done
	a1=$(sed -n "s|.*listening on http://\(127.0.0.1:[0-9]*\)/.*|\1|p" "$2/pg1")
	a2=$(sed -n "s|.*listening on http://\(127.0.0.1:[0-9]*\)/.*|\1|p" "$2/pg2")
	for r in $(seq "$5"); do
		"$3/bench/bench_serve_post" "$a1,$a2" "$4" "$6" $(cat "$2/files")
	done
	kill $p1 $p2; wait' sh "$bin" "$tmp" "$build" "$clients" "$rounds" "$n"
