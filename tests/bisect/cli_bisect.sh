#!/bin/sh
# crashsig bisect: exit codes, JSON Lines, errors naming the file, write errors.
# usage: cli_bisect.sh CRASHSIG_BINARY SOURCE_DIR
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
fix=$src/fixtures/bisect
fail=0
pass=0
check() { # name expected actual
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		echo "FAIL $1: want [$2] got [$3]"; fail=$((fail + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# parsed and audited: 0, the golden text on stdout
(cd "$fix" && "$bin" bisect 2024-with-time.txt >"$tmp/out"); check audited 0 $?
cmp -s "$tmp/out" "$fix/golden/2024-with-time.out"; check golden-text 0 $?
# stdin
"$bin" bisect <"$fix/2019-inconclusive.txt" >"$tmp/out"; check stdin 0 $?
check stdin-name "<stdin>: cause bisection, log format 2019, rules of then 2019, outcome inconclusive" \
	"$(head -1 "$tmp/out")"
# JSON Lines: one object per log, each valid JSON
"$bin" bisect --json "$fix/2019-inconclusive.txt" "$fix/2024-lost-connection.txt" >"$tmp/json"
check json-exit 0 $?
check json-lines 2 "$(wc -l <"$tmp/json" | tr -d ' ')"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys
for l in open(sys.argv[1]): d=json.loads(l); assert isinstance(d["revisions"], int); assert d["label"] in ("high","medium","low")' "$tmp/json"
	check json-valid 0 $?
else
	echo "skipped: JSON validation because python3 is absent"
fi
# no bisection in the input: 1, the reason on stderr
printf 'BUG: unable to handle kernel paging request\n' >"$tmp/oops"
"$bin" bisect "$tmp/oops" >"$tmp/out" 2>"$tmp/err"; check none 1 $?
check none-stdout "" "$(cat "$tmp/out")"
check none-stderr "crashsig bisect: $tmp/oops: no bisection log found" "$(cat "$tmp/err")"
# one log and one non-log: 1
"$bin" bisect "$fix/2024-with-time.txt" "$tmp/oops" >/dev/null 2>&1; check mixed 1 $?
# error: missing file, 2, file and reason named
"$bin" bisect "$tmp/missing" 2>"$tmp/err"; check missing 2 $?
check missing-msg "crashsig bisect: $tmp/missing: No such file or directory" "$(cat "$tmp/err")"
# bad option: 2
"$bin" bisect --frobnicate >/dev/null 2>&1; check badopt 2 $?
# --help: 0
"$bin" bisect --help | grep -q '^usage: crashsig bisect'; check help 0 $?
# write error: 2
if [ -w /dev/full ]; then
	"$bin" bisect "$fix/2024-with-time.txt" >/dev/full 2>/dev/null; check write-error 2 $?
else
	echo "skipped: write error check because /dev/full is absent"
fi
echo "cli_bisect: $pass passed, $fail failed"
[ $fail -eq 0 ]
