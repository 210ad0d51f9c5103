#!/bin/sh
# crashsig dedup on PostgreSQL ($CRASHSIG_TEST_PG, set by scripts/test-pg.sh):
# the corpus read twice counts once; the crash list; and the server ending
# the connection in the middle of an ingest (reliability F12): exit 2, one
# error line that says why, and a consistent store.
# usage: cli_dedup_pg.sh CRASHSIG_BINARY SOURCE_DIR
bin=$1
src=$2
if [ -z "${CRASHSIG_TEST_PG:-}" ]; then
	echo "skipped: cli_dedup_pg because CRASHSIG_TEST_PG is not set (scripts/test-pg.sh sets it)"
	exit 0
fi
. "$src/tests/dedup/checks.sh"
sql() { psql -X -q -t -A -d "$CRASHSIG_TEST_PG" -c "$1"; }
# a fresh schema per store, through the connection's search_path
url() { # name
	sql "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $1 CASCADE; CREATE SCHEMA $1" >/dev/null
	echo "$CRASHSIG_TEST_PG&options=-csearch_path%3D$1"
}
total() { python3 -c 'import json,sys; print(sum(json.loads(l)["count"] for l in sys.stdin))'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
corpus=$src/../shared/corpus/syzkaller/linux/report

db=$(url cli_twice)
if [ -d "$corpus" ]; then
	once=$("$bin" dedup --db "$db" --json "$corpus" | total)
	twice=$("$bin" dedup --db "$db" --json "$corpus" | total)
	echo "corpus on PostgreSQL: $once crashes, read again: $twice"
	check corpus-twice "$once" "$twice"
	n=$("$bin" dedup --db "$db" --crashes --json | wc -l)
	check corpus-crash-rows "$once" "$n"
else
	echo "skipped: the corpus read twice because $corpus is absent"
fi
"$bin" dedup --db "$db" --machine vm1 "$src/fixtures/realkernel/gpf.log" >/dev/null
out=$("$bin" dedup --db "$db" --crashes --machine vm1 --json)
check pg-crashes 1 "$(printf "%s\n" "$out" | wc -l)"
has pg-crash-release '"release":"6.1.0-56-cloud-amd64"' "$out"

# F12: the server ends the connection in the middle of an ingest
mkdir "$tmp/logs"
i=0
while [ $i -lt 300 ]; do cp "$src/fixtures/realkernel/gpf.log" "$tmp/logs/$i.log"; i=$((i + 1)); done
db=$(url cli_lost)
"$bin" dedup --db "$db&application_name=crashsig_cli_lost" --batch 1 "$tmp/logs" \
	>/dev/null 2>"$tmp/err" &
pid=$!
n=0
while [ "$(sql "SELECT COUNT(*) FROM cli_lost.crashes" 2>/dev/null || echo 0)" -lt 5 ] && [ $n -lt 600 ]; do
	sleep 0.05
	n=$((n + 1))
done
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'crashsig_cli_lost'" >/dev/null
wait $pid
rc=$?
check f12-exit 2 $rc
check f12-one-line 1 "$(wc -l < "$tmp/err")"
has f12-reason "postgresql: " "$(cat "$tmp/err")"
case "$(cat "$tmp/err")" in *"postgresql: "|*": ") echo "FAIL f12-empty-reason: $(cat "$tmp/err")"; fail=$((fail + 1));; *) pass=$((pass + 1));; esac
rows=$(sql "SELECT COUNT(*) FROM cli_lost.crashes")
counted=$(sql "SELECT SUM(count) FROM cli_lost.bugs")
check f12-consistent "$rows" "$counted"
echo "after the server ended the connection: $(cat "$tmp/err"); $rows crashes kept, counted $counted"

echo "cli_dedup_pg: $pass passed, $fail failed"
[ $fail -eq 0 ]
