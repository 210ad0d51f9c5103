#!/bin/sh
# crashsig serve under load, by hand (the CI runs the small load test,
# tests/serve/serve_load.py): writes on SQLite (one serve process) and on
# PostgreSQL (two serve processes on one store, through scripts/test-pg.sh),
# then reads of every page over a store built from the shared corpus.
# Prints requests/s and p50/p99 latencies; see bench/README.md.
#
# usage: bench/bench_serve.sh [BUILD_DIR] [CLIENTS] [CRASHES_PER_CLIENT] [PG_CRASHES_PER_CLIENT]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
clients=${2:-8}
crashes=${3:-10000}
pg_crashes=${4:-5000}
bin=$build/crashsig
echo "== writes, SQLite, 1 serve process (4 threads)"
python3 tests/serve/serve_load.py "$bin" . --clients "$clients" --crashes "$crashes"
echo "== writes, PostgreSQL, 2 serve processes (4 threads each)"
./scripts/test-pg.sh --run sh -c "python3 tests/serve/serve_load.py '$bin' . --clients $clients \
--crashes $pg_crashes --pg \"\$CRASHSIG_TEST_PG\""
echo "== reads (4 clients x 200 requests per page)"
python3 bench/bench_serve_read.py "$bin" . ../shared 4 200
