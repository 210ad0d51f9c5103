#!/bin/sh
# Benchmark issue 5: decoding all Code: dumps in-process (libcrashsig +
# capstone) against running objdump once per Code: line the way
# scripts/decodecode does (bytes written to a file, objdump -D -b binary).
#
# usage: bench/bench_decode.sh [BUILD_DIR]   (default: build)
# Inputs: ../shared/corpus/syzkaller/linux/report/* and
#         ../shared/realkernel/reports/*.log (skipped when absent).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-$src/build}
shared=${CRASHSIG_SHARED_DIR:-$src/../shared}
bin=$build/bench/bench_decode
[ -x "$bin" ] || { echo "build first: cmake --build $build --target bench_decode" >&2; exit 2; }
files=""
for f in "$shared"/corpus/syzkaller/linux/report/* "$shared"/realkernel/reports/*.log; do
	[ -f "$f" ] && files="$files $f"
done
[ -n "$files" ] || { echo "no corpus under $shared" >&2; exit 2; }

echo "== in-process (crashsig_decoder_decode over every file, all dumps)"
# shellcheck disable=SC2086
"$bin" $files | tee /tmp/bench_decode.$$.inproc

echo "== objdump once per Code: line (x86 byte form, as decodecode)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" /tmp/bench_decode.$$.inproc' EXIT
# shellcheck disable=SC2086
cat $files | tr -d '\r' | sed -n 's/^.*Code: \(\([0-9a-f][0-9a-f] \|<[0-9a-f][0-9a-f]> \)*\(<\?[0-9a-f][0-9a-f]>\?\)\) *$/\1/p' \
	> "$tmp/lines"
n=$(wc -l < "$tmp/lines")
start=$(date +%s.%N)
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" | tr -d '<>' | xxd -r -p > "$tmp/code.bin"
	objdump -D -b binary -m i386:x86-64 "$tmp/code.bin" > "$tmp/out.txt"
done < "$tmp/lines"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$n" 'BEGIN {
	t = e - s; printf "objdump: %d Code: lines in %.3f s, %.1f us per line\n", n, t, t * 1e6 / n }' \
	| tee "$tmp/od"
per_od=$(awk '{ for (i = 1; i <= NF; i++) if ($(i+1) == "us") print $i }' "$tmp/od")
per_in=$(awk '/^in-process/ { for (i = 1; i <= NF; i++) if ($(i+1) == "us") print $i }' /tmp/bench_decode.$$.inproc)
awk -v a="$per_od" -v b="$per_in" 'BEGIN { printf "speed-up per dump: %.0fx (target >= 100x)\n", a / b }'
