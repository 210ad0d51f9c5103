#!/bin/sh
# A crash's time is the time its log gives when the log has one: the crash
# of fixtures/input/journal-short-iso.log (journalctl -o short-iso, the
# line "2026-12-01T15:39:35+00:00 debian kernel: general protection fault")
# carries 2026-12-01 15:39:35 UTC with time_source "log", not the file's
# modification time. The input layer gives the log's time
# (crashsig_report_time); until it does, this test fails.
# usage: cli_dedup_logtime.sh CRASHSIG_BINARY SOURCE_DIR
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/fixtures/input/journal-short-iso.log" "$tmp/journal.log"
touch -d '2030-01-01 00:00:00' "$tmp/journal.log"
"$bin" dedup --db "sqlite:$tmp/t.db" "$tmp/journal.log" >/dev/null || exit 1
"$bin" dedup --db "sqlite:$tmp/t.db" --crashes --json | python3 -c '
import json, sys
crashes = [json.loads(l) for l in sys.stdin]
assert len(crashes) == 1, crashes
c = crashes[0]
print("time %s (%s), time_source %s" % (c["time_utc"], c["time"], c["time_source"]))
assert c["time_source"] == "log", c["time_source"]
assert c["time"] == 1796139575, c["time"]  # 2026-12-01T15:39:35Z
'
