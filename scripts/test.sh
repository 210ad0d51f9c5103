#!/bin/sh
# Build with -Werror and run every test (ctest in parallel), the install,
# debuginfod and PostgreSQL checks; then build again with AddressSanitizer +
# UBSan and run the whole suite once more; fuzz every parser briefly; run the
# threaded test under ThreadSanitizer. At the end, also when a phase fails,
# prints the wall time and the CPU time (user+sys of every process the phase
# waited for) of each phase.
#   CRASHSIG_JOBS          parallel build and test jobs (default: nproc)
#   CRASHSIG_SKIP_SANITIZE=1  no ASan+UBSan pass
#   CRASHSIG_FUZZ_SECONDS, CRASHSIG_FUZZ_JOBS  see scripts/test-fuzz.sh
set -e
cd "$(dirname "$0")/.."
jobs=${CRASHSIG_JOBS:-$(nproc)}

# --- phase timing ---------------------------------------------------------
# The shell's `times` gives the CPU time of the children it has waited for;
# it runs in this shell (not in $(...)), so it writes to a file.
timing=$(mktemp)
times_file=$(mktemp)
now() { date +%s.%N; }
cpu() { # user+sys seconds of the children waited for so far, into $cpu_s
	times >"$times_file"
	cpu_s=$(awk 'NR == 2 { s = 0
		for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
		printf "%.2f\n", s }' "$times_file")
}
phase() { # NAME COMMAND...: run COMMAND as a phase of the table
	name=$1
	shift
	echo "=== $name"
	w0=$(now)
	cpu
	c0=$cpu_s
	rc=0
	"$@" || rc=$?
	w1=$(now)
	cpu
	c1=$cpu_s
	res=ok
	[ $rc -eq 0 ] || res="FAILED ($rc)"
	echo "$name $w0 $w1 $c0 $c1 $res" >>"$timing"
	return $rc
}
report() {
	rc=$?
	if [ -s "$timing" ]; then
		echo
		awk 'BEGIN { printf "%-16s %8s %8s\n", "phase", "wall s", "cpu s" }
			{ w = $3 - $2; c = $5 - $4; tw += w; tc += c
			  r = $6; for (i = 7; i <= NF; i++) r = r " " $i
			  printf "%-16s %8.1f %8.1f  %s\n", $1, w, c, r == "ok" ? "" : r }
			END { printf "%-16s %8.1f %8.1f\n", "total", tw, tc }' "$timing"
		echo "(cpu: user+sys of all processes of the phase; $(nproc) cores, ctest -j$jobs)"
	fi
	rm -f "$timing" "$times_file"
	exit $rc
}
trap report EXIT
trap 'exit 130' INT TERM

# --- phases ---------------------------------------------------------------
build() { # DIR CMAKE_OPTION...
	b=$1
	shift
	# (no set -e inside a function called by phase: hence &&)
	cmake -S . -B "$b" -DCRASHSIG_WERROR=ON "$@" >/dev/null &&
		cmake --build "$b" -j"$jobs"
}
asan() {
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$@"
}

phase deps ./scripts/deps.sh
phase build build build
phase ctest ctest --test-dir build --output-on-failure -j"$jobs"
phase install ./scripts/test-install.sh build
phase debuginfod ./scripts/test-debuginfod.sh build
phase pg ./scripts/test-pg.sh build
if [ "${CRASHSIG_SKIP_SANITIZE:-0}" != 1 ]; then
	phase asan-build build build-asan -DCRASHSIG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	phase asan-ctest asan ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi
phase fuzz-build ./scripts/test-fuzz.sh --build
phase fuzz ./scripts/test-fuzz.sh --run
phase tsan ./scripts/test-tsan.sh
