#!/bin/sh
# Benchmark: decoding all Code: dumps in-process (libcrashsig + capstone)
# against what a developer runs today: objdump once per Code: line (the core
# of scripts/decodecode), and scripts/decodecode itself (from the kernel
# source, when /usr/src/linux-source-*.tar.xz is installed).
#
# Only the tool under test is inside each timed loop: the Code: bytes are
# converted to binary files before the objdump loop starts (tr/xxd are not
# timed), and decodecode is run as a user would run it, on one Code: line.
#
# usage: bench/bench_decode.sh [BUILD_DIR]   (default: build)
# Inputs: the shared corpus (../shared/corpus/syzkaller/linux/report/*, found
# the way the tests find it: CRASHSIG_SHARED_DIR from the environment, else
# from BUILD_DIR's CMake cache, else ../shared next to the source tree).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=$(cd "${1:-$src/build}" && pwd)
shared=${CRASHSIG_SHARED_DIR:-}
if [ -z "$shared" ] && [ -f "$build/CMakeCache.txt" ]; then
	shared=$(sed -n 's/^CRASHSIG_SHARED_DIR:PATH=//p' "$build/CMakeCache.txt")
fi
[ -n "$shared" ] || shared=$src/../shared
bin=$build/bench/bench_decode
[ -x "$bin" ] || { echo "build first: cmake --build $build --target bench_decode" >&2; exit 2; }
files=""
for f in "$shared"/corpus/syzkaller/linux/report/* "$shared"/realkernel/reports/*.log; do
	[ -f "$f" ] && files="$files $f"
done
[ -n "$files" ] || { echo "skipped: no corpus under $shared (set CRASHSIG_SHARED_DIR)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== in-process (crashsig_decoder_decode over every file, all dumps)"
# shellcheck disable=SC2086
"$bin" $files | tee "$tmp/inproc"
per_in=$(awk '/us per dump \(median\)/ { for (i = 1; i <= NF; i++) if ($(i+1) == "us") { print $i; exit } }' "$tmp/inproc")
per_best=$(awk '/us per dump \(median\)/ { for (i = 1; i <= NF; i++) if ($(i+1) == "us" && $(i+2) == "(best)") print $i }' "$tmp/inproc")

# The x86 Code: lines of the corpus, as bytes.
# shellcheck disable=SC2086
cat $files | tr -d '\r' | sed -n 's/^.*Code: \(\([0-9a-f][0-9a-f] \|<[0-9a-f][0-9a-f]> \)*\(<\?[0-9a-f][0-9a-f]>\?\)\) *$/\1/p' \
	> "$tmp/lines"
n=$(wc -l < "$tmp/lines")
mkdir "$tmp/bin"
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" | tr -d '<>' | xxd -r -p > "$tmp/bin/$i.bin"
done < "$tmp/lines"

echo "== objdump alone, once per Code: line ($n x86-64 lines; conversion not timed)"
start=$(date +%s.%N)
i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	objdump -D -b binary -m i386:x86-64 "$tmp/bin/$i.bin" > /dev/null
done
end=$(date +%s.%N)
per_od=$(awk -v s="$start" -v e="$end" -v n="$n" 'BEGIN { printf "%.1f", (e - s) * 1e6 / n }')
awk -v s="$start" -v e="$end" -v n="$n" 'BEGIN {
	printf "objdump: %d lines in %.3f s, %.1f us per line\n", n, e - s, (e - s) * 1e6 / n }'

echo "== scripts/decodecode (the kernel's own script), once per Code: line"
dc=""
for tarball in /usr/src/linux-source-*.tar.xz; do
	[ -f "$tarball" ] || continue
	cache=$build/bench/decodecode
	if [ ! -f "$cache" ]; then
		top=$(basename "$tarball" .tar.xz)
		echo "(extracting $top/scripts/decodecode from $tarball once; cached in $cache)"
		tar -xJf "$tarball" -C "$tmp" "$top/scripts/decodecode"
		cp "$tmp/$top/scripts/decodecode" "$cache"
	fi
	dc=$cache
	break
done
per_dc=""
if [ -n "$dc" ] && command -v bash >/dev/null && command -v as >/dev/null; then
	# decodecode decodes the last Code: line of its input: one run per line,
	# the way a developer pastes one oops.
	m=$n
	[ "$m" -gt 200 ] && m=200
	head -n "$m" "$tmp/lines" | sed 's/^/Code: /' > "$tmp/dclines"
	start=$(date +%s.%N)
	while IFS= read -r line; do
		printf '%s\n' "$line" | ARCH=x86_64 bash "$dc" > /dev/null 2>&1 || true
	done < "$tmp/dclines"
	end=$(date +%s.%N)
	per_dc=$(awk -v s="$start" -v e="$end" -v n="$m" 'BEGIN { printf "%.1f", (e - s) * 1e6 / n }')
	awk -v s="$start" -v e="$end" -v n="$m" 'BEGIN {
		printf "decodecode: %d lines in %.3f s, %.1f us per line\n", n, e - s, (e - s) * 1e6 / n }'
else
	echo "skipped: decodecode because no /usr/src/linux-source-*.tar.xz (or bash/as) is installed"
fi

echo "== ratios (per dump; in-process median $per_in us, best $per_best us)"
awk -v a="$per_od" -v b="$per_in" -v c="$per_best" 'BEGIN {
	printf "objdump alone:  %.0fx the median in-process pass, %.0fx the best\n", a / b, a / c }'
if [ -n "$per_dc" ]; then
	awk -v a="$per_dc" -v b="$per_in" -v c="$per_best" 'BEGIN {
		printf "decodecode:     %.0fx the median in-process pass, %.0fx the best\n", a / b, a / c }'
fi

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
