#!/bin/sh
# crashsig dedup: store growth across runs, table, JSON Lines, --outdir,
# marking bugs fixed/closed, exit codes, errors.
# usage: cli_dedup.sh CRASHSIG_BINARY SOURCE_DIR
bin=$1
src=$2
. "$src/tests/dedup/checks.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="sqlite:$tmp/bugs.db"
mkdir -p "$tmp/in/sub"
sed '1,/^$/d' "$src/fixtures/report/seed-000-xsk_poll" > "$tmp/in/a.log"
sed '1,/^$/d' "$src/fixtures/report/seed-004-bpf_check" > "$tmp/in/sub/b.log"
cp "$src/fixtures/realkernel/gpf.log" "$tmp/in/sub/gpf.log"

# first run: a directory, read recursively
out=$("$bin" dedup --db "$db" "$tmp/in"); rc=$?
check first-exit 0 $rc
check first-bugs 4 "$(echo "$out" | wc -l)" # header + 3 bugs
has first-title "general protection fault in xsk_poll" "$out"
has first-header "FIRST SEEN" "$out"
# reading the same log again adds nothing (every crash has an id)
"$bin" dedup --db "$db" "$tmp/in/a.log" >/dev/null
out=$("$bin" dedup --db "$db" --json --list)
check same-log-again 1 "$(echo "$out" | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o["title"] == "general protection fault in xsk_poll":
        print(o["count"])')"
# ... the same crash in another log adds to the same store: counts grow
cp "$tmp/in/a.log" "$tmp/a2.log"
"$bin" dedup --db "$db" "$tmp/a2.log" >/dev/null
out=$("$bin" dedup --db "$db" --json --list)
check json-lines 3 "$(echo "$out" | wc -l)"
count=$(echo "$out" | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    assert isinstance(o["count"], int) and isinstance(o["id"], int)
    assert isinstance(o["first_seen"], int)
    if o["title"] == "general protection fault in xsk_poll":
        print(o["count"])')
check count-grows 2 "$count"
# standard input
out=$(cat "$tmp/in/sub/b.log" | "$bin" dedup --db "$db" --json); rc=$?
check stdin-exit 0 $rc
id=$(echo "$out" | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o["title"] == "WARNING in bpf_check":
        assert o["count"] == 2, o
        print(o["id"])')
test -n "$id" && pass=$((pass + 1)) || { echo "FAIL stdin-count"; fail=$((fail + 1)); }
# a fixed bug attracts nothing: the next crash opens "title (2)"
"$bin" dedup --db "$db" --fix "$id" >/dev/null; rc=$?
check fix-exit 0 $rc
cp "$tmp/in/sub/b.log" "$tmp/b2.log"
out=$("$bin" dedup --db "$db" "$tmp/b2.log")
has fixed-status "fixed" "$out"
has seq2 "WARNING in bpf_check (2)" "$out"
# --outdir: one directory per bug with its report
"$bin" dedup --db "$db" --list --outdir "$tmp/out" >/dev/null; rc=$?
check outdir-exit 0 $rc
check outdir-dirs 4 "$(ls "$tmp/out" | wc -l)"
check outdir-desc "general protection fault in xsk_poll" "$(cat "$tmp/out/1/description")"
grep -q "xsk_poll" "$tmp/out/1/report" && pass=$((pass + 1)) || { echo "FAIL outdir-report"; fail=$((fail + 1)); }
# no crash: exit 1
out=$(printf 'hello\n' | "$bin" dedup --db "$db" --json); rc=$?
check none-exit 1 $rc
# errors: exit 2, the file and the reason
err=$("$bin" dedup --db "$db" /nonexistent/x.log 2>&1 >/dev/null); rc=$?
check missing-exit 2 $rc
has missing-msg "/nonexistent/x.log: No such file or directory" "$err"
err=$("$bin" dedup --db "sqlite:/nonexistent/dir/b.db" "$tmp/in/a.log" 2>&1 >/dev/null); rc=$?
check baddb-exit 2 $rc
has baddb-msg "/nonexistent/dir/b.db" "$err"
err=$("$bin" dedup --db "$db" --fix 999 2>&1 >/dev/null); rc=$?
check fix-missing 2 $rc
has fix-missing-msg "no bug 999" "$err"
"$bin" dedup --bogus >/dev/null 2>&1; rc=$?
check bad-option 2 $rc
"$bin" dedup --help | grep -q "merge-similar" && pass=$((pass + 1)) || { echo "FAIL help"; fail=$((fail + 1)); }
# similarity's tables come from the rules in use. The double free caught
# by the freelist check in crashgen_run (kernel BUG at mm/slub.c) and the
# BUG() in crashgen_bug share their callers: the built-in assert-site table
# keeps them apart (two assertions in two files); without it the generic
# table lets the stacks meet at 0.17; without both (no 90-dedup.rules) the
# generic frames keep them apart again.
mkdir "$tmp/rules" "$tmp/rules2" "$tmp/sim"
cp "$src"/rules/*.rules "$tmp/rules/" && rm "$tmp/rules/90-dedup.rules"
cp "$src"/rules/*.rules "$tmp/rules2/" && grep -v '^assert-site ' "$src/rules/90-dedup.rules" > "$tmp/rules2/90-dedup.rules"
sed '1,/^$/d' "$src/fixtures/report/kernel-bug-real-debian61-bug" > "$tmp/sim/1.log"
sed '1,/^$/d' "$src/fixtures/report/kernel-bug-real-debian61-slub-doublefree" > "$tmp/sim/2.log"
out=$("$bin" dedup --db "sqlite:$tmp/sim1.db" "$tmp/sim")
case "$out" in *"similar to"*) echo "FAIL site-builtin: $out"; fail=$((fail + 1));; *) pass=$((pass + 1));; esac
check site-builtin-bugs 3 "$(echo "$out" | wc -l)"
out=$("$bin" dedup --rules "$tmp/rules2" --db "sqlite:$tmp/sim3.db" "$tmp/sim")
has generic-no-site "kernel BUG in crashgen_run  [similar to bug 1 (distance 0.17)]" "$out"
out=$("$bin" dedup --rules "$tmp/rules" --db "sqlite:$tmp/sim2.db" "$tmp/sim")
case "$out" in *"similar to"*) echo "FAIL generic-rules: $out"; fail=$((fail + 1));; *) pass=$((pass + 1));; esac
check generic-rules-bugs 3 "$(echo "$out" | wc -l)"
# compressed input (gzip, xz, zstd, recognised by content): files, a
# directory of them, standard input; the bug keeps the decompressed report
mkdir "$tmp/z"
sed '1,/^$/d' "$src/fixtures/report/seed-000-xsk_poll" > "$tmp/z/plain.log"
gzip -c "$tmp/z/plain.log" > "$tmp/z/a.log.gz"
xz -c "$tmp/z/plain.log" > "$tmp/z/b.log.xz"
zstd -q -c "$tmp/z/plain.log" > "$tmp/z/c.log.zst"
out=$("$bin" dedup --db "sqlite:$tmp/z.db" --json "$tmp/z"); rc=$?
check z-dir-exit 0 $rc
check z-dir-bugs 1 "$(echo "$out" | wc -l)"
has z-dir-count '"count":4' "$out"
has z-dir-title '"title":"general protection fault in xsk_poll"' "$out"
# the same files again: nothing added, whatever their compression
out=$("$bin" dedup --db "sqlite:$tmp/z.db" --json "$tmp/z/b.log.xz" "$tmp/z/c.log.zst"); rc=$?
check z-files-exit 0 $rc
has z-files-count '"count":4' "$out"
out=$(gzip -c "$tmp/z/plain.log" | "$bin" dedup --db "sqlite:$tmp/z.db" --json -); rc=$?
check z-stdin-exit 0 $rc
has z-stdin-count '"count":5' "$out"
"$bin" dedup --db "sqlite:$tmp/z.db" --list --outdir "$tmp/zout" >/dev/null
grep -q "xsk_poll+0x" "$tmp/zout/1/report" && pass=$((pass + 1)) || { echo "FAIL z-outdir-report"; fail=$((fail + 1)); }
# a truncated compressed file is an error naming the file (exit 2)
head -c 200 "$tmp/z/a.log.gz" > "$tmp/trunc.log.gz"
err=$("$bin" dedup --db "sqlite:$tmp/z.db" "$tmp/trunc.log.gz" 2>&1 >/dev/null); rc=$?
check z-trunc-exit 2 $rc
has z-trunc-msg "$tmp/trunc.log.gz: gzip: truncated input" "$err"
# write errors are caught
if [ -w /dev/full ]; then
	"$bin" dedup --db "$db" --list >/dev/full 2>/dev/null; rc=$?
	check write-error 2 $rc
fi
echo "cli_dedup: $pass passed, $fail failed"
[ $fail -eq 0 ]
