#!/bin/sh
# Streaming extraction on large logs: throughput, peak memory, nothing lost.
# usage: bench/bench_extract.sh [BUILD_DIR] [SIZE_MB]
#  1. A log of SIZE_MB (default 1024) made of the shared corpus logs,
#     concatenated again and again: crashsig --all must find exactly
#     copies x (the sum of the crashes of the corpus logs parsed one by one,
#     tests/concat_corpus.py), whatever the 1 MiB read boundaries cut.
#  2. A crash-free console log of the same size (the boot output of the real
#     Debian logs before their crash): scan speed.
# Peak RSS comes from /usr/bin/time.
set -e
b=${1:-build}
mb=${2:-1024}
here=$(cd "$(dirname "$0")" && pwd)
shared=$here/../../shared
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repeat() { # src dst: concatenate src until dst has mb MiB
	n=$(( mb * 1048576 / $(stat -c %s "$1") + 1 ))
	i=0; : > "$2"
	while [ $i -lt $n ]; do cat "$1" >> "$2"; i=$((i+1)); done
	echo $n
}
# the corpus logs one after another, and the sum over the parts
one=$(python3 "$here/../tests/concat_corpus.py" "$b/crashsig" \
	"$shared/corpus/syzkaller/linux/report" --write "$tmp/one.log")
copies=$(repeat "$tmp/one.log" "$tmp/big.log")
echo "crash log: $(stat -c %s "$tmp/big.log") bytes = $copies copies of the corpus logs, $one crashes each (parsed one by one)"
cat "$tmp/big.log" > /dev/null
/usr/bin/time -f "  wall %e s, user %U s, peak RSS %M KB" "$b/crashsig" --all "$tmp/big.log" > "$tmp/out" 2> "$tmp/time"
cat "$tmp/time"
got=$(wc -l < "$tmp/out")
echo "  crashes found: $got, expected: $((one * copies))"
for f in "$shared"/realkernel/reports/*.log; do
	awk '/Command line/ {print; next} /BUG|WARNING|Oops|general protection|divide error|invalid opcode|Kernel panic|INFO:|watchdog|rcu:|refcount_t|list_|crashgen/{exit} {print}' "$f"
done > "$tmp/boot1.log"
repeat "$tmp/boot1.log" "$tmp/clean.log" > /dev/null
sz=$(stat -c %s "$tmp/clean.log")
cat "$tmp/clean.log" > /dev/null # timed from the page cache, as the crash log
/usr/bin/time -o "$tmp/time2" -f "%e %M" "$b/crashsig" --all "$tmp/clean.log" > "$tmp/out2" 2>/dev/null || true
set -- $(tail -n 1 "$tmp/time2")
echo "crash-free log ($(wc -l < "$tmp/boot1.log") boot lines repeated): $sz bytes, $(wc -l < "$tmp/out2") crashes, wall $1 s, peak RSS $2 KB, $(echo "$sz $1" | awk '{printf "%.2f GB/s", $1/$2/1e9}')"
[ "$got" -eq $((one * copies)) ]
