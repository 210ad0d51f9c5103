#!/bin/sh
# Throughput and memory of crash extraction on a large log.
# usage: bench/bench_extract.sh [BUILD_DIR] [SIZE_MB]
# Builds a log of SIZE_MB (default 1024) by concatenating the shared corpus
# logs, counts the crashes of one copy, and checks that crashsig --all finds
# exactly copies * count crashes with peak RSS printed by /usr/bin/time.
set -e
b=${1:-build}
mb=${2:-1024}
corpus=$(dirname "$0")/../../shared/corpus/syzkaller/linux/report
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$corpus"/*; do sed '1,/^$/d' "$f"; echo; done > "$tmp/one.log"
one=$("$b/crashsig" --all "$tmp/one.log" | wc -l)
sz=$(stat -c %s "$tmp/one.log")
copies=$(( mb * 1048576 / sz + 1 ))
i=0; : > "$tmp/big.log"
while [ $i -lt $copies ]; do cat "$tmp/one.log" >> "$tmp/big.log"; i=$((i+1)); done
echo "one copy: $sz bytes, $one crashes; $copies copies: $(stat -c %s "$tmp/big.log") bytes"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$b/crashsig" --all "$tmp/big.log" > "$tmp/out" 2> "$tmp/time"
cat "$tmp/time"
got=$(wc -l < "$tmp/out")
echo "crashes found: $got, expected: $((one * copies))"
[ "$got" -eq $((one * copies)) ]
# crash-free scan speed: the log with crash lines removed
grep -v -e 'BUG' -e 'WARNING' -e 'INFO:' -e 'Kernel panic' -e 'general protection' -e 'KASAN' "$tmp/one.log" > "$tmp/clean1.log" || true
i=0; : > "$tmp/clean.log"; c2=$(( mb * 1048576 / $(stat -c %s "$tmp/clean1.log") + 1 ))
while [ $i -lt $c2 ]; do cat "$tmp/clean1.log" >> "$tmp/clean.log"; i=$((i+1)); done
/usr/bin/time -f "crash-free scan of $(stat -c %s "$tmp/clean.log") bytes: wall %e s, peak RSS %M KB" "$b/crashsig" --all "$tmp/clean.log" > /dev/null 2> "$tmp/time2" || true
cat "$tmp/time2"
