#!/bin/sh
# crashsig dedup throughput and memory: the corpus logs, repeated, into a
# fresh SQLite store at two input sizes (peak RSS must not grow), then into
# PostgreSQL (a throw-away local server, see scripts/test-pg.sh, or
# $CRASHSIG_BENCH_PG). bench_dedup parses in one thread and stores in
# another, as crashsig dedup does: it uses both cores of the machine (no
# taskset). For the one-thread figure on one core: taskset -c 0
# BUILD/bench/bench_dedup -s -n N CORPUS.
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
echo "== SQLite, a parser and a store thread on $(nproc) cores, $((N / 10)) and $N crashes"
"$bin" -n $((N / 10)) "$CORPUS"
"$bin" -n "$N" "$CORPUS"
PGN=$((N / 10))
echo "== PostgreSQL, a parser and a store thread, $PGN crashes"
if [ -n "${CRASHSIG_BENCH_PG:-}" ]; then
	"$bin" -n "$PGN" --db "$CRASHSIG_BENCH_PG" "$CORPUS"
else
	./scripts/test-pg.sh --run sh -c \
		'"$0" -n "$1" --db "$CRASHSIG_TEST_PG" "$2"' "$bin" "$PGN" "$CORPUS"
fi
