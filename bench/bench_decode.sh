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
per_in=$(awk '/us per dump \(median\)/ { for (i = 1; i <= NF; i++) if ($(i+1) == "us") print $i }' /tmp/bench_decode.$$.inproc)
per_best=$(awk '/us per dump \(median\)/ { for (i = 1; i <= NF; i++) if ($(i+1) == "us" && $(i+2) == "(best)") print $i }' /tmp/bench_decode.$$.inproc)
awk -v a="$per_od" -v b="$per_in" -v c="$per_best" 'BEGIN {
	printf "speed-up per dump: %.0fx with the median in-process pass, %.0fx with the best (target >= 100x)\n", a / b, a / c }'

echo "== agreement with objdump (x86-64 dumps; objdump -D -b binary -m i386 -M x86-64 as syzbot)"
mkdir -p "$tmp/v"
# shellcheck disable=SC2086
"$bin" --verify "$tmp/v" $files > /dev/null
total=0
bad=0
for b in "$tmp"/v/*.bin; do
	objdump -D -b binary -m i386 -M x86-64 "$b" | sed -n '/<.data>:/,$p' | tail -n +2 |
		sed 's/ *$//' | grep -v '^$' > "$tmp/od.txt"
	sed 's/ *$//' "${b%.bin}.txt" > "$tmp/our.txt"
	t=$(wc -l < "$tmp/od.txt")
	d=$(diff "$tmp/od.txt" "$tmp/our.txt" | grep -c '^<' || true)
	total=$((total + t))
	bad=$((bad + d))
done
awk -v t="$total" -v b="$bad" 'BEGIN {
	printf "objdump lines: %d, identical in crashsig output: %d (%.2f%%)\n", t, t - b, 100 * (t - b) / t }'
