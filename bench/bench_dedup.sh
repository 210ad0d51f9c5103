#!/bin/sh
# crashsig dedup throughput and memory: the corpus logs, repeated, into a
# fresh SQLite store on one core at two input sizes (peak RSS must not
# grow), then into PostgreSQL (a throw-away local server, see
# scripts/test-pg.sh, or $CRASHSIG_BENCH_PG).
#
# usage: bench/bench_dedup.sh [BUILD_DIR] [CRASHES]    (default: build 1000000)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-1000000}
CORPUS=../shared/corpus/syzkaller/linux/report
if [ ! -d "$CORPUS" ]; then
	echo "skipped: bench_dedup because $CORPUS is absent"
	exit 0
fi
bin="$BUILD/bench/bench_dedup"
echo "== SQLite, one core (taskset -c 0), $((N / 10)) and $N crashes"
taskset -c 0 "$bin" -n $((N / 10)) "$CORPUS"
taskset -c 0 "$bin" -n "$N" "$CORPUS"
PGN=$((N / 10))
echo "== PostgreSQL, $PGN crashes"
if [ -n "${CRASHSIG_BENCH_PG:-}" ]; then
	taskset -c 0 "$bin" -n "$PGN" --db "$CRASHSIG_BENCH_PG" "$CORPUS"
else
	./scripts/test-pg.sh --run sh -c \
		'taskset -c 0 "$0" -n "$1" --db "$CRASHSIG_TEST_PG" "$2"' "$bin" "$PGN" "$CORPUS"
fi
