#!/bin/sh
# CLI behaviour: titles of the seeds, exit codes, options, errors.
# usage: cli_test.sh CRASHSIG_BINARY SOURCE_DIR
bin=$1
src=$2
fail=0
pass=0
check() { # name expected actual
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		echo "FAIL $1: want [$2] got [$3]"; fail=$((fail + 1)); fi
}
t() { "$bin" "$@" 2>/dev/null; }
# the log of an annotated fixture (headers, blank line, log)
log() { sed '1,/^$/d' "$1"; }
S0=$(mktemp); S1=$(mktemp); S4=$(mktemp)
trap 'rm -f "$S0" "$S1" "$S4"' EXIT
log "$src/fixtures/report/seed-000-xsk_poll" > "$S0"
log "$src/fixtures/report/seed-001-do_tcp_getsockopt" > "$S1"
log "$src/fixtures/report/seed-004-bpf_check" > "$S4"

check seed000 "general protection fault in xsk_poll" "$(t "$S0")"
check seed001 "general protection fault in do_tcp_getsockopt" "$(t "$S1")"
check seed004 "WARNING in bpf_check" "$(t "$S4")"

# stdin and exit status 0
out=$(cat "$S0" | "$bin" -); rc=$?
check stdin "general protection fault in xsk_poll" "$out"
check exit-found 0 $rc
# no crash: exit 1, no output
out=$(printf 'hello\nall runs: crashed: general protection fault in xsk_poll\n' | "$bin"); rc=$?
check exit-none 1 $rc
check none-output "" "$out"
# missing file: exit 2, message names the file
err=$("$bin" /nonexistent/file 2>&1 >/dev/null); rc=$?
check exit-error 2 $rc
case "$err" in *"/nonexistent/file"*) pass=$((pass+1));; *) echo "FAIL error-names-file: $err"; fail=$((fail+1));; esac
# several files: "FILE: title"
out=$(t "$S0" "$S4" | sed -n 2p)
check multi "$S4: WARNING in bpf_check" "$out"
# --json is valid JSON Lines with the fields
if command -v python3 >/dev/null; then
	out=$(t --json "$S1" | python3 -c '
import json,sys
for l in sys.stdin:
    o=json.loads(l)
    for k in ("file","title","alt_titles","type","corrupted","suppressed","panicked","frame","executor","kind","rule","start","end","report","stacks"):
        assert k in o, k
    print(o["title"], o["frame"], o["type"], o["alt_titles"][0], o["kind"], o["rule"].split(":")[0])
    break')
	check json "general protection fault in do_tcp_getsockopt do_tcp_getsockopt DoS bad-access in do_tcp_getsockopt general-protection-fault 20-faults.rules" "$out"
fi
# --version, --help, bad option
check version "crashsig" "$(t --version | cut -d' ' -f1)"
t --help | grep -q -- '--json'; check help 0 $?
"$bin" --bogus >/dev/null 2>&1; check bad-option 2 $?
# --rules with a missing directory is an error
"$bin" --rules /nonexistent "$S0" >/dev/null 2>&1; check bad-rules 2 $?
# --rules with the source rules gives the same answer as the built-in ones
check rules-dir "general protection fault in xsk_poll" "$(t --rules "$src/rules" "$S0")"
# --all finds every crash of a concatenation, in order
n=$(cat "$S0" "$S4" | "$bin" --all | grep -c .)
check all-count 2 "$n"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
