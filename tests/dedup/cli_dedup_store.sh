#!/bin/sh
# crashsig dedup as a crash record: crash lists (--crashes, JSON fields),
# one bug (--bug), one crash (--crash), the export, filters and sorts, the
# life cycle (--fix, --invalid, --reopen, --dup, --reason), a growing log,
# retention options; and the store-side findings of the reliability audit
# (../shared/reliability/README.md): F2 (--outdir through planted links),
# F3-F5 (links and FIFOs in directory inputs), F6 (read-only commands
# create nothing), F7 (--threshold nan), F11 (no password in messages).
# usage: cli_dedup_store.sh CRASHSIG_BINARY SOURCE_DIR
bin=$1
src=$2
. "$src/tests/dedup/checks.sh"
py() { python3 -c "$1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="sqlite:$tmp/bugs.db"
real=$src/fixtures/realkernel

# ---- crash lists --------------------------------------------------------
"$bin" dedup --db "$db" --machine vm1 "$real" >/dev/null; rc=$?
check ingest-exit 0 $rc
cp "$real/gpf.log" "$tmp/gpf-again.log"
"$bin" dedup --db "$db" --machine vm2 "$tmp/gpf-again.log" >/dev/null
gpf=$("$bin" dedup --db "$db" --list --json --title 'general protection fault in crashgen_gpf$' |
	py 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
out=$("$bin" dedup --db "$db" --crashes --bug "$gpf" --json); rc=$?
check crashes-exit 0 $rc
check crashes-lines 2 "$(printf "%s\n" "$out" | wc -l)"
check crashes-fields ok "$(printf "%s\n" "$out" | py '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    for k in ("id", "bug", "time", "time_source", "machine", "release", "source", "title"):
        assert k in o, k
    assert isinstance(o["time"], int) and isinstance(o["bug"], int)
    assert o["time_source"] == "file", o
    assert o["release"] == "6.1.0-56-cloud-amd64", o
    assert o["arch"] == "x86_64" and o["taint"] == "GOE", o
    assert o["machine"] in ("vm1", "vm2"), o
    assert o["source"].endswith("gpf.log") or o["source"].endswith("gpf-again.log"), o
    assert o["kept"] and o["title"] == "general protection fault in crashgen_gpf"
print("ok")')"
# every crash of every bug is listed, and the counts are the crashes
check crashes-all ok "$("$bin" dedup --db "$db" --crashes --json | python3 -c '
import json, subprocess, sys
crashes = [json.loads(l) for l in sys.stdin]
bugs = [json.loads(l) for l in subprocess.run([sys.argv[1], "dedup", "--db", sys.argv[2], "--list",
        "--json"], capture_output=True, text=True).stdout.splitlines()]
assert sum(b["count"] for b in bugs) == len(crashes), (len(crashes), bugs)
for b in bugs:
    assert b["count"] == sum(1 for c in crashes if c["bug"] == b["id"]), b
assert len(set(c["id"] for c in crashes)) == len(crashes)
print("ok")' "$bin" "$db")"
out=$("$bin" dedup --db "$db" --crashes --machine vm2)
check crashes-machine 2 "$(printf "%s\n" "$out" | wc -l)" # header + 1
has crashes-table "general protection fault in crashgen_gpf" "$out"
out=$("$bin" dedup --db "$db" --crashes --machine nobody); rc=$?
check crashes-none-exit 1 $rc
check crashes-none-out "" "$out"
# one crash, one bug
cid=$("$bin" dedup --db "$db" --crashes --bug "$gpf" --json --limit 1 | py 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
out=$("$bin" dedup --db "$db" --crash "$cid"); rc=$?
check crash-exit 0 $rc
has crash-report "RIP: 0010:crashgen_gpf" "$out"
has crash-log "Log:" "$out"
check crash-json ok "$("$bin" dedup --db "$db" --crash "$cid" --json | py '
import json, sys
o = json.loads(sys.stdin.read())
assert "crashgen_gpf" in o["report"] and o["log"] and "general protection fault" in o["log"], o.keys()
print("ok")')"
err=$("$bin" dedup --db "$db" --crash no-such-id 2>&1 >/dev/null); rc=$?
check crash-missing 2 $rc
has crash-missing-msg "no crash 'no-such-id'" "$err"
out=$("$bin" dedup --db "$db" --bug "$gpf"); rc=$?
check bug-exit 0 $rc
has bug-title "Bug $gpf: general protection fault in crashgen_gpf" "$out"
has bug-report "Report (" "$out"
has bug-crashes "CRASH" "$out"
check bug-json ok "$("$bin" dedup --db "$db" --bug "$gpf" --json | py '
import json, sys
o = json.loads(sys.stdin.read())
assert o["count"] == 2 and len(o["crashes"]) == 2 and "crashgen_gpf" in o["report"]
assert o["events"] == []
print("ok")')"
err=$("$bin" dedup --db "$db" --bug 999 2>&1 >/dev/null); rc=$?
check bug-missing 2 $rc
has bug-missing-msg "no bug 999" "$err"

# ---- life cycle ------------------------------------------------------------
"$bin" dedup --db "$db" --fix "$gpf" --reason "fixed by 0123abcd" >/dev/null; rc=$?
check fix-exit 0 $rc
cp "$real/gpf.log" "$tmp/gpf-3.log"
out=$("$bin" dedup --db "$db" "$tmp/gpf-3.log")
has fix-seq2 "general protection fault in crashgen_gpf (2)" "$out"
err=$("$bin" dedup --db "$db" --reopen "$gpf" 2>&1 >/dev/null); rc=$?
check reopen-refused 2 $rc
has reopen-msg "(2)') is open with the same title" "$err"
gpf2=$("$bin" dedup --db "$db" --list --json --title 'crashgen_gpf \(2\)' | py 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
warn=$("$bin" dedup --db "$db" --list --json --title 'WARNING in crashgen_warn' | py 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
"$bin" dedup --db "$db" --dup "$warn:$gpf2" --reason "same bug" >/dev/null; rc=$?
check dup-exit 0 $rc
out=$("$bin" dedup --db "$db" --bug "$gpf2" --json)
check dup-merged ok "$(printf "%s\n" "$out" | py '
import json, sys
o = json.loads(sys.stdin.read())
assert o["count"] == 2 and len(o["crashes"]) == 2, o
assert "WARNING in crashgen_warn" in o["alt_titles"], o["alt_titles"]
print("ok")')"
out=$("$bin" dedup --db "$db" --bug "$warn")
has dup-status "Status:     dup of bug $gpf2" "$out"
has dup-history "open -> dup of bug $gpf2 (1 crashes moved): same bug" "$out"
out=$("$bin" dedup --db "$db" --bug "$gpf")
has fix-history "open -> fixed: fixed by 0123abcd" "$out"
err=$("$bin" dedup --db "$db" --dup "$gpf2:$warn" 2>&1 >/dev/null); rc=$?
check dup-cycle 2 $rc
has dup-cycle-msg "cannot be a duplicate of one of its own duplicates" "$err"
"$bin" dedup --db "$db" --dup "5" >/dev/null 2>&1; rc=$?
check dup-syntax 2 $rc
"$bin" dedup --db "$db" --close "$gpf2" >/dev/null; rc=$?
check close-alias 0 $rc
out=$("$bin" dedup --db "$db" --list --status invalid --json)
check status-invalid "$gpf2" "$(printf "%s\n" "$out" | py 'import json,sys; print(",".join(str(json.loads(l)["id"]) for l in sys.stdin))')"
"$bin" dedup --db "$db" --list --status bogus >/dev/null 2>&1; rc=$?
check status-bad 2 $rc

# ---- filters and sorts -----------------------------------------------------
# counts: gpf 2 (vm1, vm2), gpf2 2 (its own and the duplicate's), the
# duplicate 0, the others 1
out=$("$bin" dedup --db "$db" --list --sort count --json)
check sort-count "2 2 1 1 1 1 0" "$(printf "%s\n" "$out" | py 'import json,sys; print(" ".join(str(json.loads(l)["count"]) for l in sys.stdin))')"
check sort-count-ties "$gpf" "$(printf "%s\n" "$out" | py 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')"
out=$("$bin" dedup --db "$db" --list --sort count --reverse --limit 2 --json)
check sort-reverse "0 1" "$(printf "%s\n" "$out" | py 'import json,sys; print(" ".join(str(json.loads(l)["count"]) for l in sys.stdin))')"
out=$("$bin" dedup --db "$db" --list --title 'NULL pointer dereference' --status open)
check title-regex 3 "$(printf "%s\n" "$out" | wc -l)" # header + nullderef + timer_fn
out=$("$bin" dedup --db "$db" --list --since 2000-01-01 --until 2000-01-02); rc=$?
check since-none 1 $rc
out=$("$bin" dedup --db "$db" --list --since 7d --json | wc -l)
check since-age "$("$bin" dedup --db "$db" --list --json | py 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)["count"]))')" "$out"
out=$("$bin" dedup --db "$db" --list --release 6.1.0-56-cloud-amd64 --machine vm2 --json | wc -l)
check release-machine 1 "$out"
"$bin" dedup --db "$db" --list --since yesterday >/dev/null 2>&1; rc=$?
check since-bad 2 $rc
"$bin" dedup --db "$db" --list --sort size >/dev/null 2>&1; rc=$?
check sort-bad 2 $rc

# ---- the export -----------------------------------------------------------
check export ok "$("$bin" dedup --db "$db" --export | py '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
bugs = [r for r in recs if r["record"] == "bug"]
crashes = [r for r in recs if r["record"] == "crash"]
events = [r for r in recs if r["record"] == "event"]
assert sum(b["count"] for b in bugs) == len(crashes), (len(crashes), [b["count"] for b in bugs])
assert len(events) == 3, events
assert all("report" in c and "log" in c for c in crashes)
assert any(c["report"] and "Call Trace" in c["report"] for c in crashes)
print("ok")')"

# ---- a growing log, and re-reading ------------------------------------------
head -c 25000 "$real/uaf_write.log" > "$tmp/console.log"
out=$("$bin" dedup --db "sqlite:$tmp/grow.db" --json "$tmp/console.log")
check grow-1 1 "$(printf "%s\n" "$out" | py 'import json,sys; print(sum(json.loads(l)["count"] for l in sys.stdin))')"
head -c 29800 "$real/uaf_write.log" > "$tmp/console.log"
out=$("$bin" dedup --db "sqlite:$tmp/grow.db" --json "$tmp/console.log")
check grow-2 2 "$(printf "%s\n" "$out" | py 'import json,sys; print(sum(json.loads(l)["count"] for l in sys.stdin))')"
cat "$real/uaf_write.log" > "$tmp/console.log"
out=$("$bin" dedup --db "sqlite:$tmp/grow.db" --json "$tmp/console.log" "$tmp/./console.log")
check grow-3 2 "$(printf "%s\n" "$out" | py 'import json,sys; print(sum(json.loads(l)["count"] for l in sys.stdin))')"
# standard input read twice, named
out=$("$bin" dedup --db "sqlite:$tmp/grow.db" --source vm1:dmesg --json - < "$real/gpf.log")
out=$("$bin" dedup --db "sqlite:$tmp/grow.db" --source vm1:dmesg --json - < "$real/gpf.log")
check stdin-twice 3 "$(printf "%s\n" "$out" | py 'import json,sys; print(sum(json.loads(l)["count"] for l in sys.stdin))')"

# ---- mail and archives -----------------------------------------------------
# a crash in a mail: its time is the Date:, its id comes from the
# Message-ID, so the same mail in an mbox is not a new crash
mail() { # message-id
	printf 'From: bot@example.com\nTo: list@example.com\nSubject: a crash\n'
	printf 'Date: Tue, 01 Dec 2026 10:00:00 +0000\nMessage-ID: %s\n\n' "$1"
	cat "$real/gpf.log"
}
mail "<crash-1@example.com>" > "$tmp/crash.eml"
out=$("$bin" dedup --db "sqlite:$tmp/mail.db" --json "$tmp/crash.eml"); rc=$?
check mail-exit 0 $rc
{ echo "From bot@example.com Tue Dec  1 10:00:00 2026"; mail "<crash-2@example.com>"; echo
  echo "From bot@example.com Tue Dec  1 10:00:00 2026"; mail "<crash-1@example.com>"; } > "$tmp/list.mbox"
"$bin" dedup --db "sqlite:$tmp/mail.db" "$tmp/list.mbox" >/dev/null
out=$("$bin" dedup --db "sqlite:$tmp/mail.db" --crashes --json)
check mail-crashes 2 "$(printf "%s\n" "$out" | wc -l)"
check mail-fields ok "$(printf "%s\n" "$out" | py '
import json, sys
cs = [json.loads(l) for l in sys.stdin]
assert [c["message_id"] for c in cs] == ["<crash-1@example.com>", "<crash-2@example.com>"], cs
for c in cs:
    assert c["time_source"] == "mail" and c["time_utc"] == "2026-12-01 10:00:00", c
    assert c["uptime"] is not None and c["uptime"] > 0, c
    assert c["title"] == "general protection fault in crashgen_gpf", c
print("ok")')"
# messages without a Message-ID in one mbox are told apart by where they
# start: two copies of one crash mail are two crashes, read again none
nomid() {
	printf 'From: bot@example.com\nSubject: a crash\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n\n'
	cat "$real/gpf.log"
}
{ echo "From bot@example.com Tue Dec  1 10:00:00 2026"; nomid; echo
  echo "From bot@example.com Tue Dec  1 10:00:00 2026"; nomid; } > "$tmp/nomid.mbox"
"$bin" dedup --db "sqlite:$tmp/nomid.db" "$tmp/nomid.mbox" >/dev/null
out=$("$bin" dedup --db "sqlite:$tmp/nomid.db" --json "$tmp/nomid.mbox")
check mail-no-message-id 2 "$(printf "%s\n" "$out" | py 'import json,sys; print(sum(json.loads(l)["count"] for l in sys.stdin))')"
# a tar archive: each member is a log, its source PATH/MEMBER
mkdir "$tmp/tarred"
cp "$real/gpf.log" "$real/warn.log" "$tmp/tarred/"
tar -C "$tmp/tarred" -cf "$tmp/logs.tar" gpf.log warn.log
"$bin" dedup --db "sqlite:$tmp/tar.db" "$tmp/logs.tar" >/dev/null
"$bin" dedup --db "sqlite:$tmp/tar.db" "$tmp/logs.tar" >/dev/null
out=$("$bin" dedup --db "sqlite:$tmp/tar.db" --crashes --json)
check tar-sources "$tmp/logs.tar/gpf.log $tmp/logs.tar/warn.log" "$(printf "%s\n" "$out" | py '
import json, sys
print(" ".join(json.loads(l)["source"] for l in sys.stdin))')"

# ---- retention options ------------------------------------------------------
mkdir "$tmp/many"
for i in 1 2 3 4 5 6 7; do cp "$real/warn.log" "$tmp/many/w$i.log"; done
"$bin" dedup --db "sqlite:$tmp/keep.db" --keep 2 --keep-every 3 "$tmp/many" >/dev/null
out=$("$bin" dedup --db "sqlite:$tmp/keep.db" --crashes --json)
check keep-kept "first first sample - - sample last" "$(printf "%s\n" "$out" | py '
import json, sys
print(" ".join((json.loads(l)["kept"] or ["-"])[0] for l in sys.stdin))')"
"$bin" dedup --db "sqlite:$tmp/keep.db" --keep 0 "$tmp/many" >/dev/null 2>&1; rc=$?
check keep-bad 2 $rc
"$bin" dedup --db "sqlite:$tmp/nolog.db" --log-excerpt 0 "$real/gpf.log" >/dev/null
cid=$("$bin" dedup --db "sqlite:$tmp/nolog.db" --crashes --json | py 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
check no-log null "$("$bin" dedup --db "sqlite:$tmp/nolog.db" --crash "$cid" --json | py 'import json,sys; o=json.loads(sys.stdin.read()); print("null" if o["log"] is None and o["report"] else "set")')"

# ---- F2: --outdir never writes through a planted link -------------------------
mkdir -p "$tmp/out/1"
echo ORIGINAL > "$tmp/victim"
ln -s "$tmp/victim" "$tmp/out/1/description"
mkdir "$tmp/elsewhere"
ln -s "$tmp/elsewhere" "$tmp/out/2"
err=$("$bin" dedup --db "$db" --list --outdir "$tmp/out" 2>&1 >/dev/null); rc=$?
check f2-victim ORIGINAL "$(cat "$tmp/victim")"
check f2-replaced "general protection fault in crashgen_gpf" "$(cat "$tmp/out/1/description")"
test -L "$tmp/out/1/description" && { echo "FAIL f2-still-link"; fail=$((fail + 1)); } || pass=$((pass + 1))
check f2-dir-link 2 $rc
has f2-dir-msg "$tmp/out/2: a symbolic link, not a directory crashsig made" "$err"
check f2-elsewhere "" "$(ls "$tmp/elsewhere")"

# ---- F3-F5: links and FIFOs in directory inputs ------------------------------
mkdir -p "$tmp/l1/a" "$tmp/ld/a/b" "$tmp/outside"
cp "$real/gpf.log" "$tmp/l1/a/x.log"
ln -s .. "$tmp/l1/a/up"
mkfifo "$tmp/l1/fifo"
cp "$real/gpf.log" "$tmp/ld/a/b/x.log"
ln -s .. "$tmp/ld/a/b/up"
ln -s . "$tmp/ld/a/self"
ln -s "$tmp/ld" "$tmp/ld/a/b/abs"
ln -s "$tmp/outside" "$tmp/ld/out"
ln -s "$tmp/nothing" "$tmp/ld/dangling"
cp "$real/warn.log" "$tmp/outside/w.log"
err=$(timeout 60 "$bin" dedup --db "sqlite:$tmp/l.db" "$tmp/l1" "$tmp/ld" 2>&1 >/dev/null); rc=$?
check f345-exit 0 $rc
out=$("$bin" dedup --db "sqlite:$tmp/l.db" --crashes --json)
check f345-crashes 2 "$(printf "%s\n" "$out" | wc -l)" # l1/a/x.log and ld/a/b/x.log, once each
has f4-fifo "$tmp/l1/fifo: skipped: a FIFO" "$err"
has f3-loop "$tmp/l1/a/up: skipped: a directory already read" "$err"
has f5-out "$tmp/ld/out: skipped: a symbolic link out of" "$err"
has f5-dangling "$tmp/ld/dangling: skipped: a symbolic link to nothing readable" "$err"
# a FIFO named on the command line is read (a shell's <(...))
mkfifo "$tmp/pipe"
cat "$real/warn.log" > "$tmp/pipe" &
out=$(timeout 60 "$bin" dedup --db "sqlite:$tmp/fifo.db" --json "$tmp/pipe"); rc=$?
wait
check fifo-arg 0 $rc
has fifo-arg-title "WARNING in crashgen_warn" "$out"

# ---- F6: read-only commands create nothing -----------------------------------
for action in --list --crashes --export "--bug 1" "--crash x"; do
	# shellcheck disable=SC2086
	err=$("$bin" dedup --db "$tmp/nothere.db" $action 2>&1 >/dev/null); rc=$?
	check "f6-exit $action" 2 $rc
	has "f6-msg $action" "$tmp/nothere.db" "$err"
	test -e "$tmp/nothere.db" && { echo "FAIL f6-created $action"; fail=$((fail + 1)); } || pass=$((pass + 1))
done
"$bin" dedup --db "$tmp/nothere.db" --fix 1 >/dev/null 2>&1; rc=$?
check f6-fix 2 $rc
test -e "$tmp/nothere.db" && { echo "FAIL f6-created-fix"; fail=$((fail + 1)); } || pass=$((pass + 1))

# ---- F7: --threshold must be a number in (0, 1] -------------------------------
for t in nan NaN inf -0.1 0 1.5 0.2x; do
	err=$("$bin" dedup --db "sqlite:$tmp/t.db" --threshold "$t" "$real/gpf.log" 2>&1 >/dev/null); rc=$?
	check "f7 $t" 2 $rc
	has "f7-msg $t" "is not a number in (0, 1]" "$err"
done
"$bin" dedup --help | grep -q "threshold D     similarity threshold in (0, 1\] (default 0.2)" &&
	pass=$((pass + 1)) || { echo "FAIL help-threshold-default"; fail=$((fail + 1)); }

# ---- F11: a password never appears in messages ---------------------------------
err=$("$bin" dedup --db "postgresql://crash:hunter2@127.0.0.1:1/x?connect_timeout=3" --list 2>&1); rc=$?
check f11-exit 2 $rc
hasnt f11-password hunter2 "$err"
has f11-url "postgresql://crash:***@127.0.0.1:1/x" "$err"
err=$("$bin" dedup --db "postgresql://crash@127.0.0.1:1/x?password=hunter2&connect_timeout=3" "$real/gpf.log" 2>&1); rc=$?
check f11-param-exit 2 $rc
hasnt f11-param hunter2 "$err"

# ---- the man page and the help name the same options ---------------------------
# (option names in the page are written \-\-name\-with\-dashes)
man_opts=$(grep -o '\\-\\-[a-z]\([a-z]\|\\-\)*' "$src/doc/crashsig-dedup.1" | sed 's/\\//g; s/^--//' | sort -u)
help=$("$bin" dedup --help)
for opt in $man_opts; do
	has "help-has-$opt" "--$opt" "$help"
done
help_opts=$(printf "%s\n" "$help" | grep -o '\-\-[a-z][a-z-]*' | sed 's/^--//' | sort -u)
for opt in $help_opts; do
	printf "%s\n" "$man_opts" | grep -qx -- "$opt" && pass=$((pass + 1)) ||
		{ echo "FAIL man-has-$opt"; fail=$((fail + 1)); }
done
check man-options-count "$(printf "%s\n" "$man_opts" | wc -l)" "$(printf "%s\n" "$help_opts" | wc -l)"

echo "cli_dedup_store: $pass passed, $fail failed"
[ $fail -eq 0 ]
