#!/bin/sh
# Long libFuzzer runs (issue 15): run the given targets of build-fuzz for
# SECONDS each, PAR at a time, at nice 19, continuing the corpus in
# build-fuzz/long/corpus-<target>. Prints one summary line per target:
# wall seconds, CPU seconds, execs, exec/s, final cov/ft/corpus, result.
# Usage: bench/fuzz_long.sh SECONDS PAR [target...]   (default: every target)
#   (./scripts/test-fuzz.sh first: it builds build-fuzz and the seeds)
set -u
cd "$(dirname "$0")/.."
secs=$1 par=$2
shift 2
. scripts/fuzz-targets.sh
B=${CRASHSIG_FUZZ_BUILD:-build-fuzz}
L=$B/long
mkdir -p "$L/bin"
run_one() {
	t=$1
	max=$(fuzz_max_len "$t")
	cp "$B/fuzz/$t" "$L/bin/$t" # a rebuild of build-fuzz cannot swap it mid-run
	mkdir -p "$L/corpus-$t"
	log=$L/$t.log
	prev="" # what the CI runs found before is a seed too
	[ -d "$B/fuzz-corpus/$t" ] && prev=$B/fuzz-corpus/$t
	start=$(date +%s)
	/usr/bin/time -f '%U %S' -o "$L/$t.time" env \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		nice -n 19 "$L/bin/$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 \
		-max_len="$max" -print_final_stats=1 -artifact_prefix="$L/$t-" \
		"$L/corpus-$t" "$B/fuzz-seeds/$t" $prev >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	cpu=$(awk '{printf "%.0f", $1 + $2}' "$L/$t.time" 2>/dev/null)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 |
		sed 's/.*\(cov: [0-9]* ft: [0-9]* corp: [^ ]*\).*/\1/')
	if [ $rc -eq 0 ]; then res=clean; else res="FINDING rc=$rc (see $log)"; fi
	echo "$t wall=$((end - start))s cpu=${cpu}s execs=$execs exec/s=$eps $done_line $res"
}
[ $# -gt 0 ] || set -- $fuzz_targets
n=0
for t in "$@"; do
	run_one "$t" >>"$L/summary.txt" &
	n=$((n + 1))
	if [ $n -ge "$par" ]; then
		wait
		n=0
	fi
done
wait
cat "$L/summary.txt"
