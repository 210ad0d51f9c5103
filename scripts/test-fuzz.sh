#!/bin/sh
# Fuzz every parser for a short fixed time (CRASHSIG_FUZZ_SECONDS, default
# 60 s per target) with libFuzzer + ASan + UBSan; fails on any finding (crash,
# leak, sanitizer report, timeout, abort from a target's own check).
# Needs clang; skips visibly without it. Separate build dir: build-fuzz.
# Long runs: bench/README.md ("Fuzzing").
set -e
cd "$(dirname "$0")/.."
CC=${CRASHSIG_FUZZ_CC:-$(command -v clang-14 || command -v clang || true)}
if [ -z "$CC" ]; then
	echo "skipped: fuzzing because clang is not installed"
	exit 0
fi
secs=${CRASHSIG_FUZZ_SECONDS:-60}
B=${CRASHSIG_FUZZ_BUILD:-build-fuzz}
. scripts/fuzz-targets.sh
targets=$fuzz_targets
cmake -S . -B "$B" -DCMAKE_C_COMPILER="$CC" -DCRASHSIG_FUZZ=ON -DCRASHSIG_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# shellcheck disable=SC2086
cmake --build "$B" -j"$(nproc)" --target symbolize_fixtures $targets >/dev/null
shared=""
[ -d ../shared/corpus ] && shared=$(cd ../shared && pwd)
[ -n "$shared" ] || echo "skipped: seeds from ../shared because it is absent"
rm -rf "$B/fuzz-seeds"
python3 scripts/fuzz-seeds.py "$B/fuzz-seeds" "$B/tests/symbolize-fixtures" $shared
mkdir -p "$B/fuzz-findings"
fail=0
for t in $targets; do
	max=$(fuzz_max_len "$t")
	mkdir -p "$B/fuzz-corpus/$t"
	log="$B/fuzz-findings/$t.log"
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$B/fuzz/$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 \
		-max_len="$max" -print_final_stats=1 \
		-artifact_prefix="$B/fuzz-findings/$t-" \
		"$B/fuzz-corpus/$t" "$B/fuzz-seeds/$t" >"$log" 2>&1; then
		echo "$t: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)" \
			"$(grep -E 'stat::average_exec_per_sec' "$log" | tr -s ' ')"
	else
		echo "$t: FINDING (see $log and $B/fuzz-findings/$t-*)"
		tail -40 "$log"
		fail=1
	fi
done
exit $fail
