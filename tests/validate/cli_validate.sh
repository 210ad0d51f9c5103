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
