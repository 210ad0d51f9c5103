#!/bin/sh
# crashsig dedup parses in one thread while it stores in another (a bounded
# pipe between them); --sequential does both in one. Both must give the
# same store, output, messages (in the same order) and exit status, each
# run one process over a real input set: the shared corpus (else the
# fixtures), the same logs concatenated into one large log (its crashes
# have 64K log excerpts: the pipe's 8 MiB fill up, and the parser waits for
# room), inputs that fail or are skipped; and standard input (the large log
# gzipped).
# Then a store that fails mid-ingest (a trigger refuses the 300th crash):
# the message and exit status of the sequential run, no message of an
# input after the failing crash, the same store as the sequential run,
# and the parser side stopped also while it waits for an input (a FIFO
# nobody writes, a standard input that stays open).
# usage: cli_dedup_pipe.sh CRASHSIG_BINARY SOURCE_DIR [SHARED_DIR]
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # the runs cd
src=$(cd "$2" && pwd)
shared=${3:-$src/../shared}
[ -d "$shared" ] && shared=$(cd "$shared" && pwd)
. "$src/tests/dedup/checks.sh"
same() { # name file-a file-b
	if cmp -s "$2" "$3"; then pass=$((pass + 1)); else
		echo "FAIL $1: $2 and $3 differ:"; diff "$2" "$3" | head -5 | cut -c1-300
		fail=$((fail + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
corpus=$shared/corpus/syzkaller/linux/report
if [ ! -d "$corpus" ]; then
	echo "(no $corpus: the fixtures instead)"
	corpus=$src/fixtures/report
fi
# The export without the time each crash was received (now, at each run).
norm() {
	LC_ALL=C sed 's/"received":[0-9]*,"received_utc":"[^"]*",//'
}
# Bugs and crashes without any time (standard input's crashes are dated
# when they are read).
untimed() { # DB
	{ "$bin" dedup --db "$1" --list --json; "$bin" dedup --db "$1" --crashes --json; } |
		python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    print(json.dumps({k: v for k, v in o.items()
                      if not ("time" in k or "seen" in k or k.startswith("received"))},
                     sort_keys=True))'
}

# ---- the input set --------------------------------------------------------
mkdir "$tmp/in" "$tmp/in/fifodir"
python3 - "$corpus" "$tmp/in/big.log" <<'EOF'
import os, sys
with open(sys.argv[2], "wb") as out:
    for name in sorted(os.listdir(sys.argv[1])):
        with open(os.path.join(sys.argv[1], name), "rb") as f:
            out.write(f.read() + b"\n")
EOF
gzip -1 -c "$tmp/in/big.log" >"$tmp/in/big.log.gz"
mkfifo "$tmp/in/fifodir/pipe"
cp "$src/fixtures/realkernel/gpf.log" "$tmp/in/fifodir/gpf.log"
set -- "$tmp/in/missing-1" "$corpus" "$src/fixtures/realkernel" "$tmp/in/big.log" \
	"$tmp/in/fifodir" "$tmp/in/missing-2"

# ---- pipelined (the default) and sequential: the same ---------------------
# (texts and logs kept of fewer crashes: a smaller export to compare)
keep="--keep 3 --keep-every 1000"
for mode in pipe seq; do
	mkdir "$tmp/$mode"
	opt=
	[ $mode = seq ] && opt=--sequential
	(cd "$tmp/$mode" && "$bin" dedup $opt $keep --db bugs.db "$@" >out 2>err; echo $? >rc)
	"$bin" dedup --db "$tmp/$mode/bugs.db" --export | norm >"$tmp/$mode/export"
done
check rc 2 "$(cat "$tmp/pipe/rc")"
same rc-same "$tmp/seq/rc" "$tmp/pipe/rc"
same stdout-same "$tmp/seq/out" "$tmp/pipe/out"
same stderr-same "$tmp/seq/err" "$tmp/pipe/err"
same export-same "$tmp/seq/export" "$tmp/pipe/export"
err=$(cat "$tmp/pipe/err")
check stderr-order "missing-1: No such file or directory
fifodir/pipe: skipped: a FIFO
missing-2: No such file or directory" "$(printf "%s\n" "$err" | sed 's/.*\/in\///')"
crashes=$(grep -c '"record":"crash"' "$tmp/pipe/export")
bugs=$(grep -c '"record":"bug"' "$tmp/pipe/export")
# many crashes in many bugs (1,800 in 410 with the corpus, 770 in 200
# with the fixtures)
if [ "$crashes" -gt 500 ] && [ "$bugs" -gt 100 ]; then pass=$((pass + 1)); else
	echo "FAIL export-size: $crashes crashes, $bugs bugs"; fail=$((fail + 1)); fi
# every crash counted once, bug ids in the order of first crash
check counts "$crashes" "$("$bin" dedup --db "$tmp/pipe/bugs.db" --list --json |
	python3 -c 'import json, sys; print(sum(json.loads(l)["count"] for l in sys.stdin))')"
# again: nothing new
"$bin" dedup --db "$tmp/pipe/bugs.db" --list --json >"$tmp/pipe/list"
(cd "$tmp/pipe" && "$bin" dedup $keep --db bugs.db "$@" >/dev/null 2>&1)
"$bin" dedup --db "$tmp/pipe/bugs.db" --list --json >"$tmp/pipe/list2"
same again-nothing-new "$tmp/pipe/list" "$tmp/pipe/list2"

# ---- standard input -------------------------------------------------------
for mode in pipe seq; do
	opt=
	[ $mode = seq ] && opt=--sequential
	# (the table shows the times: now)
	"$bin" dedup $opt --db "$tmp/$mode/stdin.db" --source big <"$tmp/in/big.log.gz" \
		>/dev/null 2>"$tmp/$mode/stdin.out"
	echo $? >>"$tmp/$mode/stdin.out"
	untimed "$tmp/$mode/stdin.db" >"$tmp/$mode/stdin.export"
done
check stdin-rc 0 "$(tail -1 "$tmp/pipe/stdin.out")"
same stdin-out-same "$tmp/seq/stdin.out" "$tmp/pipe/stdin.out"
same stdin-export-same "$tmp/seq/stdin.export" "$tmp/pipe/stdin.export"
n=$(grep -c '"bug": ' "$tmp/pipe/stdin.export")
if [ "$n" -gt 300 ]; then pass=$((pass + 1)); else
	echo "FAIL stdin-crashes: $n"; fail=$((fail + 1)); fi

# ---- a store that fails mid-ingest ----------------------------------------
# A store that refuses its 300th crash, and is slow: a count to 5,000 per
# crash, so that the parser side runs far ahead of the store side, past
# the crash that fails, past missing-2, to the input that makes it wait.
failing_store() { # DB
	"$bin" dedup --db "$1" "$src/fixtures/realkernel/gpf.log" >/dev/null
	python3 - "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("""CREATE TRIGGER test_full BEFORE INSERT ON crashes
	WHEN (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000)
	      SELECT count(*) FROM n) > 0 AND (SELECT count(*) FROM crashes) >= 300
	BEGIN SELECT RAISE(ABORT, 'the test store is full'); END""")
c.commit()
EOF
}
# Files: a FIFO nobody writes after the corpus (a parser side waiting to
# open or read it would wait for good: timeout's 124). Standard input: a
# pipe that stays open for 60 s after the large log, read without log
# excerpts (small reports: the parser side reads all of them and waits for
# more).
mkfifo "$tmp/in/never-written" "$tmp/in/stdin"
for mode in pipe seq; do
	mkdir "$tmp/$mode/fail" "$tmp/$mode/fail-stdin"
	opt=
	[ $mode = seq ] && opt=--sequential
	failing_store "$tmp/$mode/fail/bugs.db"
	(cd "$tmp/$mode/fail" && timeout 60 "$bin" dedup $opt --batch 100 --db bugs.db \
		"$tmp/in/missing-1" "$corpus" "$tmp/in/missing-2" "$tmp/in/never-written" \
		"$tmp/in/missing-3" >out 2>err; echo $? >rc)
	"$bin" dedup --db "$tmp/$mode/fail/bugs.db" --export | norm >"$tmp/$mode/fail/export"
	failing_store "$tmp/$mode/fail-stdin/bugs.db"
	(cat "$tmp/in/big.log"; exec sleep 60) >"$tmp/in/stdin" 2>/dev/null &
	writer=$!
	(cd "$tmp/$mode/fail-stdin" && timeout 30 "$bin" dedup $opt --batch 100 --log-excerpt 0 \
		--db bugs.db <"$tmp/in/stdin" >out 2>err; echo $? >rc)
	kill $writer 2>/dev/null
	wait $writer 2>/dev/null
	untimed "$tmp/$mode/fail-stdin/bugs.db" >"$tmp/$mode/fail-stdin/export"
done
for f in fail fail-stdin; do
	check $f-rc 2 "$(cat "$tmp/pipe/$f/rc")"
	same $f-rc-same "$tmp/seq/$f/rc" "$tmp/pipe/$f/rc"
	same $f-stdout-same "$tmp/seq/$f/out" "$tmp/pipe/$f/out"
	same $f-stderr-same "$tmp/seq/$f/err" "$tmp/pipe/$f/err"
	same $f-export-same "$tmp/seq/$f/export" "$tmp/pipe/$f/export"
done
check fail-stdin-stderr "crashsig dedup: bugs.db: sqlite: the test store is full" \
	"$(cat "$tmp/pipe/fail-stdin/err")"
err=$(cat "$tmp/pipe/fail/err")
check fail-stderr "crashsig dedup: $tmp/in/missing-1: No such file or directory
crashsig dedup: bugs.db: sqlite: the test store is full" "$err"
# (the parser side is past missing-2 long before the store fails: the
# message, which the sequential run never prints, must not be printed)
hasnt fail-nothing-after "missing-2" "$err"
hasnt fail-nothing-after-3 "missing-3" "$err"
# the batches before the failing one are kept: the first crash and 200
n=$(grep -c '"record":"crash"' "$tmp/pipe/fail/export")
if [ "$n" -gt 100 ] && [ "$n" -lt 300 ]; then pass=$((pass + 1)); else
	echo "FAIL fail-kept: $n crashes"; fail=$((fail + 1)); fi

echo "cli_dedup_pipe: $pass passed, $fail failed"
[ $fail -eq 0 ]
