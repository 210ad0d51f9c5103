#!/bin/sh
# Conventions every crashsig command follows (issue 14): getopt_long with
# bundled flags, 'help CMD', exit status 0/1/2, strerror in messages, bad
# arguments are errors, write errors exit 2 (SIGPIPE quiet), --fields, JSON
# types, kernel metadata, progress only on a terminal, compressed input,
# console prefixes, symbolize finding vmlinux from the release.
# usage: cli_conventions_test.sh CRASHSIG SOURCE_DIR SYMBOLIZE_FIXTURE_DIR
bin=$1
src=$2
symfix=$3
fail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { # name expected actual
	if [ "$2" = "$3" ]; then ok; else bad "$1: want [$2] got [$3]"; fi
}
contains() { # name haystack needle
	case "$2" in *"$3"*) ok ;; *) bad "$1: [$3] not in [$2]" ;; esac
}
lacks() {
	case "$2" in *"$3"*) bad "$1: [$3] unexpected in [$2]" ;; *) ok ;; esac
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gpf=$src/fixtures/realkernel/gpf.log
warn=$src/fixtures/realkernel/warn.log
title="general protection fault in crashgen_gpf"

# --- option parsing -----------------------------------------------------
out=$("$bin" -ar "$gpf"); rc=$?
check bundled-rc 0 "$rc"
check bundled-title "$title" "$(printf '%s\n' "$out" | head -1)"
contains bundled-report "$out" "Call Trace:"
contains bundled-decoded "$out" "Code disassembly (best guess)"
check options-after-files "$title" "$("$bin" "$gpf" -a | head -1)"
out=$("$bin" help); rc=$?
check help-rc 0 "$rc"
contains help-lists-symbolize "$out" "symbolize"
contains help-exit-status "$out" "Exit status"
out=$("$bin" help decode); rc=$?
check help-cmd-rc 0 "$rc"
contains help-cmd "$out" "usage: crashsig decode"
out=$("$bin" help symbolize)
contains help-symbolize "$out" "usage: crashsig symbolize"
contains help-symbolize-exit "$out" "Exit status"
err=$("$bin" help nosuchcmd 2>&1 >/dev/null); rc=$?
check help-unknown-rc 2 "$rc"
contains help-unknown-msg "$err" "nosuchcmd"
"$bin" decode --bogus "$gpf" >/dev/null 2>&1; check decode-bad-option 2 $?
"$bin" symbolize --bogus "$gpf" >/dev/null 2>&1; check symbolize-bad-option 2 $?
"$bin" decode --arch vax "$gpf" >/dev/null 2>&1; check decode-bad-arch 2 $?
out=$("$bin" decode -jA x86_64 "$src/fixtures/decode/x86_64_ud2.txt"); rc=$?
check decode-bundled-rc 0 "$rc"
contains decode-bundled-json "$out" '"arch":"x86_64"'

# the man page documents every JSON field and every command --help lists
help=$("$bin" --help)
for f in $(printf '%s\n' "$help" | sed -n '/^JSON fields/,/^$/p' | awk 'NR > 2 && NF { print $1 }'); do
	if grep -q "$f" "$src/doc/crashsig.1"; then ok; else bad "man page lacks JSON field $f"; fi
done
for c in $(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
	if grep -q "COMMAND: $c" "$src/doc/crashsig.1" || grep -qF 'crashsig\-'"$c"' (1)' "$src/doc/crashsig.1"; then ok
	else bad "man page lacks command $c"; fi
done

# --- exit status and messages -------------------------------------------
for cmd in "" decode "symbolize --vmlinux $symfix/fix_prog"; do
	# shellcheck disable=SC2086
	err=$("$bin" $cmd /nonexistent/log 2>&1 >/dev/null); rc=$?
	check "missing-file-rc [$cmd]" 2 "$rc"
	contains "missing-file-names-file [$cmd]" "$err" "/nonexistent/log"
	contains "missing-file-strerror [$cmd]" "$err" "No such file or directory"
done
printf 'no crash here\n' > "$tmp/none.log"
"$bin" "$tmp/none.log" >/dev/null 2>&1; check none-rc 1 $?
"$bin" decode "$tmp/none.log" >/dev/null 2>&1; check decode-none-rc 1 $?
"$bin" symbolize --vmlinux "$symfix/fix_prog" "$tmp/none.log" >/dev/null 2>&1
check symbolize-none-rc 1 $?
printf ' fix_split+0x3\n' > "$tmp/frame.log"
"$bin" symbolize --vmlinux "$symfix/fix_prog" "$tmp/frame.log" >/dev/null 2>&1
check symbolize-found-rc 0 $?
# bad arguments
err=$("$bin" symbolize --vmlinux "$symfix/fix_prog" --modules /nonexistent-dir "$tmp/frame.log" 2>&1 >/dev/null); rc=$?
check modules-missing-rc 2 "$rc"
contains modules-missing-msg "$err" "/nonexistent-dir: No such file or directory"
err=$("$bin" symbolize --vmlinux /bin/ls "$tmp/frame.log" 2>&1 >/dev/null); rc=$?
check vmlinux-not-kernel-rc 2 "$rc"
contains vmlinux-not-kernel-msg "$err" "/bin/ls"
err=$("$bin" symbolize --vmlinux /nonexistent-vmlinux "$tmp/frame.log" 2>&1 >/dev/null); rc=$?
check vmlinux-missing-rc 2 "$rc"
contains vmlinux-missing-msg "$err" "nonexistent-vmlinux"
"$bin" --fields title,nosuchfield "$gpf" >/dev/null 2>&1; check bad-field-rc 2 $?

# --- write errors and SIGPIPE -------------------------------------------
if [ -w /dev/full ]; then
	for cmd in "" "--all --json" "decode" "symbolize --vmlinux $symfix/fix_prog"; do
		case "$cmd" in symbolize*) in=$tmp/frame.log ;; decode) in=$src/fixtures/decode/x86_64_ud2.txt ;; *) in=$gpf ;; esac
		# shellcheck disable=SC2086
		err=$("$bin" $cmd "$in" 2>&1 >/dev/full); rc=$?
		check "dev-full-rc [$cmd]" 2 "$rc"
		contains "dev-full-msg [$cmd]" "$err" "write error: No space left on device"
	done
else
	echo "skipped: write-error checks because /dev/full is not writable"
fi
i=0
while [ $i -lt 400 ]; do cat "$gpf"; i=$((i + 1)); done > "$tmp/big.log"
( "$bin" --all --json "$tmp/big.log" 2>"$tmp/pipe.err"; echo $? > "$tmp/pipe.rc" ) | head -1 >/dev/null
check sigpipe-quiet "" "$(cat "$tmp/pipe.err")"
rc=$(cat "$tmp/pipe.rc")
case "$rc" in 141|2) ok ;; *) bad "sigpipe-rc: $rc" ;; esac

# --- JSON: --fields, types, metadata -------------------------------------
if command -v python3 >/dev/null; then
	out=$("$bin" --fields title,release,taint,cpu,pid,comm,hardware,start "$gpf" | python3 -c '
import json, sys
o = json.loads(sys.stdin.readline())
print(sorted(o.keys()) == sorted("title release taint cpu pid comm hardware start".split()),
      o["release"], ",".join(o["taint"]), o["cpu"], o["pid"], o["comm"],
      o["hardware"].startswith("QEMU Standard PC"), type(o["start"]).__name__)')
	check fields-metadata "True 6.1.0-56-cloud-amd64 OOT_MODULE,UNSIGNED_MODULE 1 94 sh True int" "$out"
	# every crash of warn.log has the metadata of its own CPU: line
	out=$("$bin" -j -f pid,cpu "$warn")
	check warn-meta '{"cpu":1,"pid":95}' "$out"
	# default JSON: all fields, numbers as numbers in every command
	out=$("$bin" --json "$gpf" | python3 -c '
import json, sys
o = json.loads(sys.stdin.readline())
f = o["stacks"][1]["frames"][0]
print(type(f["offset"]).__name__, type(f["size"]).__name__, type(o["end"]).__name__,
      type(o["cpu"]).__name__, "release" in o, "code" in o)')
	check json-types-main "int int int int True True" "$out"
	out=$("$bin" symbolize --json --vmlinux "$symfix/fix_prog" "$tmp/frame.log" | python3 -c '
import json, sys
o = json.loads(sys.stdin.readline())
print(type(o["offset"]).__name__, type(o["size"]).__name__, type(o["line"]).__name__,
      type(o["addr"]).__name__, o["file"])')
	check json-types-symbolize "int int int str $tmp/frame.log" "$out"
	out=$("$bin" decode --json "$src/fixtures/decode/x86_64_ud2.txt" | python3 -c '
import json, sys
o = json.loads(sys.stdin.readline())
c = o["code"][0]
print(type(c["trap_offset"]).__name__, type(c["line"]).__name__, type(c["instructions"][0]["addr"]).__name__)')
	check json-types-decode "int int str" "$out"
else
	echo "skipped: JSON checks because python3 is missing"
fi

# --- progress and summary: only on a terminal, never in pipes or JSON ----
"$bin" --progress -a "$gpf" >/dev/null 2>"$tmp/prog.err"
check progress-not-in-pipe "" "$(cat "$tmp/prog.err")"
if command -v script >/dev/null && script -qc true /dev/null >/dev/null 2>&1; then
	out=$(script -qc "'$bin' --progress -a '$gpf' '$warn' >/dev/null" /dev/null | tr -d '\r')
	contains summary-on-tty "$out" "crashsig: 2 crashes, 2 distinct titles"
	out=$(script -qc "'$bin' -a '$gpf' >/dev/null" /dev/null | tr -d '\r')
	check no-summary-small-input "" "$out"
	out=$(script -qc "'$bin' --progress --json -a '$gpf' >/dev/null" /dev/null | tr -d '\r')
	check no-summary-json "" "$out"
	# over 256 MiB (here a crash-free stream on stdin): progress, then summary
	out=$(script -qc "yes '[    1.000000] console line' | head -c 300000000 | '$bin' >/dev/null" /dev/null | tr -d '\r')
	contains progress-big-input "$out" "MiB, 0 crashes,"
	contains summary-big-input "$out" "crashsig: 0 crashes, 0 distinct titles,"
	out=$(yes '[    1.000000] console line' | head -c 300000000 | "$bin" 2>&1 >/dev/null)
	check no-progress-in-pipe-big "" "$out"
else
	echo "skipped: terminal progress checks because script(1) is missing"
fi

# --- compressed input: by content, files and stdin, every command --------
for z in "gzip -c" "xz -c" "zstd -qc"; do
	name=${z%% *}
	if ! command -v "$name" >/dev/null; then
		echo "skipped: $name input because $name is missing"
		continue
	fi
	$z < "$gpf" > "$tmp/log.$name"
	check "compressed-file [$name]" "$title" "$("$bin" "$tmp/log.$name")"
	check "compressed-stdin [$name]" "$title" "$("$bin" < "$tmp/log.$name")"
	out=$("$bin" decode < "$tmp/log.$name" 2>/dev/null | head -1)
	contains "compressed-decode [$name]" "$out" "x86_64 kernel code"
	$z < "$tmp/frame.log" > "$tmp/frame.$name"
	out=$("$bin" symbolize --vmlinux "$symfix/fix_prog" "$tmp/frame.$name" 2>/dev/null)
	contains "compressed-symbolize [$name]" "$out" "fix_prog.c:"
	head -c 2000 "$tmp/log.$name" > "$tmp/cut.$name"
	err=$("$bin" "$tmp/cut.$name" 2>&1 >/dev/null); rc=$?
	check "truncated-rc [$name]" 2 "$rc"
	contains "truncated-msg [$name]" "$err" "$tmp/cut.$name: $name: truncated input"
done

# --- console prefixes: every fixtures/input form equals the plain log ----
ref=$("$bin" -j -f title,frame,stacks,release,taint,cpu,pid,comm,hardware,code "$gpf")
for f in "$src"/fixtures/input/*.log; do
	check "prefix $(basename "$f")" "$ref" "$("$bin" -j -f title,frame,stacks,release,taint,cpu,pid,comm,hardware,code "$f")"
done

# --- symbolize: several files, and the vmlinux found from the release ----
out=$("$bin" symbolize --vmlinux "$symfix/fix_prog" "$tmp/frame.log" "$tmp/none.log" 2>/dev/null)
check multi-file-headers "==> $tmp/frame.log <==|==> $tmp/none.log <==" \
	"$(printf '%s\n' "$out" | grep '^==> ' | paste -sd'|')"
rel=6.1.0-99-test-amd64
printf '[ 1.0] CPU: 0 PID: 1 Comm: t Not tainted %s #1\n[ 1.0]  fix_split+0x3\n' "$rel" > "$tmp/rel.log"
for layout in usr/lib/debug/boot/vmlinux-$rel usr/lib/debug/lib/modules/$rel/vmlinux \
	lib/modules/$rel/build/vmlinux; do
	root=$tmp/root-$(echo "$layout" | tr / _)
	mkdir -p "$root/$(dirname "$layout")"
	cp "$symfix/fix_prog" "$root/$layout"
	out=$("$bin" symbolize --sysroot "$root" "$tmp/rel.log" 2>"$tmp/sym.err"); rc=$?
	check "release-layout-rc [$layout]" 0 "$rc"
	contains "release-layout-resolved [$layout]" "$out" "fix_prog.c:"
	contains "release-layout-says-file [$layout]" "$(cat "$tmp/sym.err")" "using $root/$layout"
done
# standard input (spooled to a temporary file and read twice), plain and
# gzip'ed: the same output as the file; a large one keeps memory bounded
out_file=$("$bin" symbolize --sysroot "$root" "$tmp/rel.log" 2>/dev/null)
check stdin-release-same "$out_file" "$("$bin" symbolize --sysroot "$root" < "$tmp/rel.log" 2>/dev/null)"
check stdin-release-gzip "$out_file" "$(gzip -c "$tmp/rel.log" | "$bin" symbolize --sysroot "$root" 2>/dev/null)"
contains stdin-release-says-stdin "$("$bin" symbolize --sysroot "$root" < "$tmp/rel.log" 2>&1 >/dev/null)" "from <stdin>"
i=0; : > "$tmp/rel-big.log"
while [ $i -lt 16 ]; do cat "$tmp/rel.log" "$tmp/rel.log" "$tmp/rel.log" "$tmp/rel.log" >> "$tmp/rel-big.log"; i=$((i + 1)); done
i=0; while [ $i -lt 12 ]; do cat "$tmp/rel-big.log" "$tmp/rel-big.log" > "$tmp/rel-big2.log"; mv "$tmp/rel-big2.log" "$tmp/rel-big.log"; i=$((i + 1)); done
if command -v /usr/bin/time >/dev/null 2>&1; then
	# 22 MB of input: read from stdin it costs what the file costs (held
	# whole, as before the spool, it cost 22 MB more)
	/usr/bin/time -f '%M' -o "$tmp/rss" "$bin" symbolize --sysroot "$root" < "$tmp/rel-big.log" > "$tmp/big.out" 2>/dev/null
	/usr/bin/time -f '%M' -o "$tmp/rss-file" "$bin" symbolize --sysroot "$root" "$tmp/rel-big.log" > /dev/null 2>/dev/null
	check stdin-release-big-lines "$(($(wc -l < "$tmp/rel-big.log") + 0))" "$(($(wc -l < "$tmp/big.out") + 0))"
	rss=$(tail -1 "$tmp/rss"); rss_file=$(tail -1 "$tmp/rss-file")
	if [ "$rss" -lt $((rss_file + 8000)) ]; then pass=$((pass + 1)); else
		echo "FAIL stdin-release-big-rss: $rss KB from stdin, $rss_file KB from the file"; fail=$((fail + 1)); fi
fi
# several inputs from different kernels: one vmlinux, and a warning
sed "s/$rel/6.1.0-98-other/" "$tmp/rel.log" > "$tmp/rel2.log"
"$bin" symbolize --sysroot "$root" "$tmp/rel.log" "$tmp/rel2.log" >/dev/null 2>"$tmp/sym.err"
contains other-kernel-warning "$(cat "$tmp/sym.err")" "$tmp/rel2.log is from kernel 6.1.0-98-other"
lacks same-kernel-no-warning "$(cat "$tmp/sym.err")" "$tmp/rel.log is from"
mkdir -p "$tmp/empty-root"
err=$("$bin" symbolize --sysroot "$tmp/empty-root" "$tmp/rel.log" 2>&1 >/dev/null); rc=$?
check release-missing-rc 2 "$rc"
contains release-missing-names-release "$err" "no vmlinux for kernel $rel"
contains release-missing-says-where "$err" "$tmp/empty-root/usr/lib/debug/boot/vmlinux-$rel"
err=$("$bin" symbolize "$tmp/frame.log" 2>&1 >/dev/null); rc=$?
check no-release-rc 2 "$rc"
contains no-release-msg "$err" "--vmlinux"
printf 'CPU: 0 PID: 1 Comm: t Not tainted ../../etc #1\n' > "$tmp/evil.log"
"$bin" symbolize "$tmp/evil.log" >/dev/null 2>&1; check release-path-rejected 2 $?
# the real Debian kernel, when its debug package is installed
vml=/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64
if [ -f "$vml" ]; then
	out=$("$bin" symbolize "$gpf" 2>"$tmp/sym.err"); rc=$?
	check real-release-rc 0 "$rc"
	contains real-release-used "$(cat "$tmp/sym.err")" "using $vml"
	contains real-release-resolved "$out" "proc_reg_write+0x56/0xa0 fs/proc/inode.c:"
	contains real-missing-module "$(cat "$tmp/sym.err")" "crashgen"
	contains real-missing-where "$(cat "$tmp/sym.err")" "/usr/lib/debug/lib/modules/6.1.0-56-cloud-amd64"
else
	echo "skipped: symbolize of the real Debian oops because $vml is absent"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
