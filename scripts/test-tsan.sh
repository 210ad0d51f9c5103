#!/bin/sh
# ThreadSanitizer: the corpus classified in several threads with several
# contexts (tests/classify/test_threads.c), compared with a single-threaded
# run; crashsig dedup's parser and store threads (tests/dedup/
# cli_dedup_pipe.sh: a race report stops crashsig with its message, and
# the run no longer matches the sequential one); and crashsig serve's
# thread pool under a small load with a kill -9 (tests/serve/serve_load.py;
# a race report stops serve, and the test fails). Separate build dir:
# build-tsan.
set -e
cd "$(dirname "$0")/.."
B=${CRASHSIG_TSAN_BUILD:-build-tsan}
cmake -S . -B "$B" -DCRASHSIG_WERROR=ON -DCRASHSIG_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$B" -j"$(nproc)" --target test_threads test_title crashsig >/dev/null
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	ctest --test-dir "$B" --output-on-failure -R '^(test_threads|test_title|cli_dedup_pipe)$'
if "$B/crashsig" help serve >/dev/null 2>&1; then
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
		python3 tests/serve/serve_load.py "$B/crashsig" . --clients 8 --crashes 300 --kill
fi
