#!/bin/sh
# Fuzz every parser for a short fixed time (CRASHSIG_FUZZ_SECONDS, default
# 30 s per target) with libFuzzer + ASan + UBSan, CRASHSIG_FUZZ_JOBS targets
# at a time (default: one per core); fails on any finding (crash, leak,
# sanitizer report, timeout, abort from a target's own check). Every target
# first runs all of its seeds, however short the time.
# Needs clang; skips visibly without it. Separate build dir: build-fuzz.
# Long runs: bench/fuzz_long.sh and bench/README.md ("Fuzzing").
# usage: scripts/test-fuzz.sh [--build | --run]
#   --build: only build the targets and their seeds; --run: only run them
#   (built before); both by default.
set -e
cd "$(dirname "$0")/.."
B=${CRASHSIG_FUZZ_BUILD:-build-fuzz}
secs=${CRASHSIG_FUZZ_SECONDS:-30}
. scripts/fuzz-targets.sh

# One target (run by the loop below, CRASHSIG_FUZZ_JOBS at a time): its log
# in $B/fuzz-findings/TARGET.log, its one-line result in TARGET.result.
if [ "${1:-}" = --target ]; then
	t=$2
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
			"$(grep -E 'stat::average_exec_per_sec' "$log" | tr -s ' ')" >"$B/fuzz-findings/$t.result"
	else
		echo "$t: FINDING (see $log and $B/fuzz-findings/$t-*)" >"$B/fuzz-findings/$t.result"
	fi
	exit 0
fi

CC=${CRASHSIG_FUZZ_CC:-$(command -v clang-14 || command -v clang || true)}
if [ -z "$CC" ]; then
	echo "skipped: fuzzing because clang is not installed"
	exit 0
fi
jobs=${CRASHSIG_FUZZ_JOBS:-$(nproc)}
targets=$fuzz_targets
mode=${1:-all}
case $mode in
all | --build | --run) ;;
*) echo "usage: scripts/test-fuzz.sh [--build | --run]" >&2; exit 2 ;;
esac
if [ "$mode" != --run ]; then
	cmake -S . -B "$B" -DCMAKE_C_COMPILER="$CC" -DCRASHSIG_FUZZ=ON -DCRASHSIG_WERROR=ON \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	# shellcheck disable=SC2086
	cmake --build "$B" -j"$(nproc)" --target symbolize_fixtures $targets >/dev/null
	shared=""
	[ -d ../shared/corpus ] && shared=$(cd ../shared && pwd)
	[ -n "$shared" ] || echo "skipped: seeds from ../shared because it is absent"
	rm -rf "$B/fuzz-seeds"
	python3 scripts/fuzz-seeds.py "$B/fuzz-seeds" "$B/tests/symbolize-fixtures" $shared
fi
[ "$mode" != --build ] || exit 0
mkdir -p "$B/fuzz-findings"
rm -f "$B"/fuzz-findings/*.result
echo "fuzzing $(echo $targets | wc -w) targets for ${secs} s each, $jobs at a time"
export B secs
# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$jobs" -I{} sh scripts/test-fuzz.sh --target {}
fail=0
for t in $targets; do
	if [ -f "$B/fuzz-findings/$t.result" ]; then
		cat "$B/fuzz-findings/$t.result"
	else
		echo "$t: did not run (see $B/fuzz-findings/$t.log)"
	fi
	if ! [ -f "$B/fuzz-findings/$t.result" ] || grep -q ': FINDING' "$B/fuzz-findings/$t.result"; then
		[ -f "$B/fuzz-findings/$t.log" ] && tail -40 "$B/fuzz-findings/$t.log"
		fail=1
	fi
done
exit $fail
