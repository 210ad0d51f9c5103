#!/bin/sh
# crashsig validate on the fixture kernel: exit statuses, JSON Lines, errors.
#   cli_validate.sh CRASHSIG FIXTURE_DIR SOURCE_DIR
set -u
bin=$1 fix=$2 src=$3
fail=0
check() { # expected-status description command...
	want=$1 what=$2
	shift 2
	"$@" >/tmp/cli_validate.$$ 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"
		cat /tmp/cli_validate.$$
		fail=1
	fi
}
v="$bin validate --vmlinux $fix/vfix --modules= --module $fix/vfixmod.ko"
check 0 "titles that hold" $v -t "WARNING in vfix_holder_a" -t "x in vfixmod_entry" -t "lost connection to test machine"
check 1 "an inline-only title" $v -t "WARNING in vfix_helper"
check 1 "an absent title" $v -t "WARNING in vfix_holder_a" -t "BUG in nowhere_to_be_found"
check 2 "no vmlinux" "$bin" validate -t "WARNING in x"
check 2 "missing vmlinux" "$bin" validate --vmlinux /nonexistent -t "WARNING in x"
check 2 "unknown option" $v --frobnicate
check 2 "missing report file" $v /nonexistent/report.txt
check 0 "help" "$bin" validate --help
if [ -w /dev/full ]; then
	check 2 "write error" sh -c "$v -t 'WARNING in vfix_holder_a' >/dev/full"
fi
# one loader for vmlinux and modules, with symbolize's messages (audit F10,
# F13): a module is no vmlinux; a truncated or i386 file says so; a
# directory is named as one wherever a file is expected
err_of() { # expected-text description command...
	want=$1 what=$2
	shift 2
	"$@" >/dev/null 2>/tmp/cli_validate_err.$$
	got=$?
	if [ "$got" != 2 ] || ! grep -qF -- "$want" /tmp/cli_validate_err.$$; then
		echo "FAIL: $what: exit $got, expected 2 and '$want' in:"
		cat /tmp/cli_validate_err.$$
		fail=1
	fi
}
tmpd=$(mktemp -d)
err_of "crashgen.ko: a kernel module, not a vmlinux" "module as vmlinux" \
	"$bin" validate --vmlinux "$src/fixtures/realkernel/crashgen.ko" --modules= -t "WARNING in crashgen_warn"
head -c 64 "$fix/vfix" > "$tmpd/cut64"
err_of "cut64: truncated file" "vmlinux cut at 64 bytes" "$bin" validate --vmlinux "$tmpd/cut64" -t "WARNING in x"
python3 - "$tmpd/i386" <<'PY'
import struct, sys
# an ELF32 i386 header without sections
h = b"\x7fELF\x01\x01\x01" + bytes(9) + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0, 0, 0, 0, 52, 0, 0, 0, 0, 0)
open(sys.argv[1], "wb").write(h)
PY
err_of "i386: wrong architecture: i386 (32-bit)" "i386 vmlinux" "$bin" validate --vmlinux "$tmpd/i386" -t "WARNING in x"
for f in "$tmpd/i386" "$tmpd/cut64" "$src/fixtures/realkernel/crashgen.ko" "$tmpd"; do
	a=$("$bin" symbolize --vmlinux "$f" /dev/null 2>&1 >/dev/null | sed 's/^crashsig symbolize: //')
	b=$("$bin" validate --vmlinux "$f" -t x 2>&1 >/dev/null | sed 's/^crashsig validate: //')
	[ -n "$a" ] && [ "$a" = "$b" ] || { echo "FAIL: $f: symbolize says '$a', validate '$b'"; fail=1; }
done
err_of "$tmpd: Is a directory" "directory as REPORT" $v "$tmpd"
err_of "$tmpd: Is a directory" "directory as --title-file" $v -T "$tmpd"
err_of "$tmpd: Is a directory" "directory as --maintainers" $v --maintainers "$tmpd" -t "WARNING in vfix_helper"
# a module the loader refuses: an explicit one is an error, one of the tree
# a warning naming the file and why (both exit as usual otherwise)
printf 'not ELF' > "$tmpd/bad.ko"
err_of "$tmpd/bad.ko: not an ELF file" "refused --module" $v --module "$tmpd/bad.ko" -t "WARNING in vfix_holder_a"
mkdir "$tmpd/tree" && cp "$fix/vfixmod.ko" "$tmpd/bad.ko" "$tmpd/tree/"
"$bin" validate --vmlinux "$fix/vfix" --modules "$tmpd/tree" -t "x in vfixmod_entry" >"$tmpd/out" 2>"$tmpd/err"
rc=$?
[ $rc = 0 ] && grep -q "symbol\|module" "$tmpd/out" &&
	grep -qF "warning: module not used: $tmpd/tree/bad.ko: not an ELF file" "$tmpd/err" ||
	{ echo "FAIL: refused module of the tree (exit $rc):"; cat "$tmpd/out" "$tmpd/err"; fail=1; }
# invalid regexes in MAINTAINERS: a warning naming FILE:LINE (audit F18)
printf 'THE REST\nM:\tA <a@example.org>\nF:\t*\nN:\tfoo(\n' > "$tmpd/MAINTAINERS"
$v --maintainers "$tmpd/MAINTAINERS" -t "WARNING in vfix_holder_a" >/dev/null 2>"$tmpd/err"
rc=$?
[ $rc = 0 ] && grep -qF "warning: $tmpd/MAINTAINERS:4: N: 'foo(' is not a valid regular expression" "$tmpd/err" ||
	{ echo "FAIL: MAINTAINERS regex warning (exit $rc):"; cat "$tmpd/err"; fail=1; }
rm -rf "$tmpd" /tmp/cli_validate_err.$$
# one line per title for people
out=$($v -t "WARNING in vfix_holder_a" -t "WARNING in vfix_helper")
[ "$(printf '%s\n' "$out" | wc -l)" = 2 ] || { echo "FAIL: two lines expected: $out"; fail=1; }
printf '%s\n' "$out" | grep -q "^WARNING in vfix_helper: inline-only vfix_helper .*inlined into" ||
	{ echo "FAIL: inline-only line: $out"; fail=1; }
# JSON Lines with stable types
$v --json -t "WARNING in vfix_helper" -t "x in vfix_dup" -t "y in sys_vfixcall" >/tmp/cli_validate.$$ || true
python3 - /tmp/cli_validate.$$ <<'PY' || fail=1
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3, rows
a, b, c = rows
assert a["status"] == "inline-only" and a["producible"] is False, a
assert sorted(a["items"]) == ["vfix_holder_a", "vfix_holder_b"], a
assert isinstance(a["holders_total"], int) and isinstance(a["decl_line"], int), a
assert b["status"] == "multiple-static" and len(b["items"]) == 2, b
assert c["status"] == "symbol" and c["syscall_wrapper"] == "__x64_sys_vfixcall", c
PY
# --libdw-only: the same answers without crashsig's own DWARF reader
a=$($v --json -t "WARNING in vfix_helper" -t "x in vfix_dup" -t "y in sys_vfixcall" \
	-t "WARNING in vfix_holder_a")
b=$($v --json --libdw-only -t "WARNING in vfix_helper" -t "x in vfix_dup" \
	-t "y in sys_vfixcall" -t "WARNING in vfix_holder_a")
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "FAIL: --libdw-only differs: $a / $b"; fail=1; }
rm -f /tmp/cli_validate.$$
[ $fail = 0 ] && echo "cli_validate: ok"
exit $fail
