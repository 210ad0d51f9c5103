#!/bin/sh
# Peak memory of the three commands on large input (issue 15: memory is
# bounded by one report, not by the input).
# usage: bench/bench_memory.sh [BUILD_DIR] [SIZE_MB] [VMLINUX]
#  1. SIZE_MB (default 1024) of the shared corpus logs concatenated again and
#     again: `crashsig --all`, `crashsig decode` and `crashsig symbolize
#     --vmlinux V` (V: Debian's vmlinux with DWARF when installed, else the
#     test fixture fix_prog), wall time and peak RSS (/usr/bin/time).
#  2. One 90 MB `Code:` line: `crashsig decode` (the line is over the Code line
#     limit: reported, not decoded) and `crashsig --all`.
set -e
b=${1:-build}
mb=${2:-1024}
vm=${3:-/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64}
[ -f "$vm" ] || vm=$b/tests/symbolize-fixtures/fix_prog
here=$(cd "$(dirname "$0")" && pwd)
shared=$here/../../shared
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$shared"/corpus/syzkaller/linux/report/*; do sed '1,/^$/d' "$f"; echo; done > "$tmp/one.log"
n=$(( mb * 1048576 / $(stat -c %s "$tmp/one.log") + 1 ))
i=0; : > "$tmp/big.log"
while [ $i -lt $n ]; do cat "$tmp/one.log" >> "$tmp/big.log"; i=$((i+1)); done
echo "input: $(stat -c %s "$tmp/big.log") bytes ($n copies of the corpus logs); vmlinux: $vm"
run() { # label, command...
	label=$1; shift
	cat "$tmp/big.log" > /dev/null
	/usr/bin/time -o "$tmp/t" -f "%e %M" "$@" > "$tmp/out" 2> /dev/null || true
	set -- $(tail -n 1 "$tmp/t")
	echo "  $label: wall $1 s, peak RSS $2 KB, output $(wc -l < "$tmp/out") lines"
}
run "crashsig --all" "$b/crashsig" --all "$tmp/big.log"
run "crashsig decode" "$b/crashsig" decode "$tmp/big.log"
run "crashsig symbolize" "$b/crashsig" symbolize --vmlinux "$vm" "$tmp/big.log"
rm -f "$tmp/big.log"
python3 -c "
import sys
sys.stdout.write('[  1.0] RIP: 0010:f+0x1/0x2\n[  1.0] Code: ' + '48 8b 45 00 ' * 7864320 + '<0f> 0b\n')" > "$tmp/big.log"
echo "one Code: line of $(stat -c %s "$tmp/big.log") bytes"
run "crashsig decode" "$b/crashsig" decode "$tmp/big.log"
run "crashsig --all" "$b/crashsig" --all "$tmp/big.log"
