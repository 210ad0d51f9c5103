#!/bin/sh
# The input layer through the CLI (issue 19): every command reads bzip2,
# archives and mail; hostile inputs (fixtures/input/hostile, made by its
# generate.sh) get a best effort or a clear error, with bounded memory;
# compressed files cut short are errors, not text (reliability F15); NUL
# bytes before line ends do not hide frames or dumps (F9).
# usage: cli_input.sh CRASHSIG SOURCE_DIR
set -u
exe=$1
src=$2
hostile=$src/fixtures/input/hostile
gpf=$src/fixtures/realkernel/gpf.log
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }
TITLE="general protection fault in crashgen_gpf"

# peak RSS in KB of a command (GNU time when there is one, else none)
rss() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$tmp/rss" "$@" > "$tmp/out" 2> "$tmp/err"
		echo $? > "$tmp/rc"
	else
		"$@" > "$tmp/out" 2> "$tmp/err"
		echo $? > "$tmp/rc"
		echo 0 > "$tmp/rss"
	fi
}

# --- hostile inputs: titles found, exit status, memory -----------------
# (the two 1 GiB files take seconds: not under the sanitizers)
for f in truncated-mime.eml unknown-charset.eml wrong-charset.eml mbox-from-in-body.mbox \
	nested-10000.eml.gz garbage-base64.eml header-1g.eml.bz2 bomb-1g.bz2; do
	case $f in *-1g*) [ "${CRASHSIG_SANITIZED:-0}" = 1 ] && { echo "skipped: $f under the sanitizers"; continue; } ;; esac
	rss "$exe" --all "$hostile/$f"
	rc=$(cat "$tmp/rc")
	case $f in
	garbage-base64.eml | bomb-1g.bz2) want_rc=1 ;;
	*) want_rc=0 ;;
	esac
	[ "$rc" = "$want_rc" ] || bad "$f: exit $rc, want $want_rc ($(cat "$tmp/err"))"
	if [ "$want_rc" = 0 ]; then
		grep -qx "$TITLE" "$tmp/out" || bad "$f: no '$TITLE' in: $(cat "$tmp/out")"
	fi
	kb=$(tail -n 1 "$tmp/rss")
	[ "$kb" -lt 100000 ] || bad "$f: peak RSS $kb KB"
	ok "$f: exit $rc, $(wc -l < "$tmp/out") crash(es), $kb KB"
done
# the mbox: two messages, one crash, "From " body lines are text
"$exe" --all --json -f title,document,subject "$hostile/mbox-from-in-body.mbox" > "$tmp/out"
[ "$(cat "$tmp/out")" = '{"title":"'"$TITLE"'","document":0,"subject":"one"}' ] ||
	bad "mbox: $(cat "$tmp/out")"

# --- every command decompresses bzip2 ---------------------------------
bzip2 -c "$gpf" > "$tmp/gpf.log.bz2"
[ "$("$exe" "$tmp/gpf.log.bz2")" = "$("$exe" "$gpf")" ] || bad "bzip2: classify differs"
"$exe" decode "$tmp/gpf.log.bz2" 2>&1 | sed "s#$tmp/gpf.log.bz2#F#" > "$tmp/a"
"$exe" decode "$gpf" 2>&1 | sed "s#$gpf#F#" > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || bad "bzip2: decode differs"
ok "bzip2 input: classify and decode as the plain log"
for seed in "$src"/fixtures/bisect/2020-merge-culprit.txt; do
	for z in gzip bzip2 xz zstd; do
		$z -c "$seed" > "$tmp/bisect.$z"
		"$exe" bisect "$tmp/bisect.$z" > "$tmp/a" 2>&1 || bad "bisect $z: exit $?"
		"$exe" bisect "$seed" | sed "s#$seed#$tmp/bisect.$z#" > "$tmp/b"
		cmp -s "$tmp/a" "$tmp/b" || bad "bisect on $z differs (F16)"
	done
	# CR-only line ends (old Macs, some serial captures)
	tr '\n' '\r' < "$seed" > "$tmp/bisect.cr"
	"$exe" bisect --json "$tmp/bisect.cr" > "$tmp/a" || bad "bisect CR-only: exit $?"
	"$exe" bisect --json "$seed" | sed "s#$seed#$tmp/bisect.cr#" > "$tmp/b"
	cmp -s "$tmp/a" "$tmp/b" || bad "bisect CR-only differs (F16)"
done
ok "bisect reads gzip, bzip2, xz, zstd and CR-only logs"
# F17: bisect's memory does not grow with the input (64 MiB of text that
# is no bisection: exit 1, a few MB)
head -c 50000000 /dev/zero | tr '\0' 'x' | fold -w 100 > "$tmp/garbage.txt"
rss "$exe" bisect "$tmp/garbage.txt"
kb=$(tail -n 1 "$tmp/rss")
[ "$(cat "$tmp/rc")" = 1 ] || bad "bisect on garbage: exit $(cat "$tmp/rc"), want 1"
[ "$kb" -lt 60000 ] || bad "bisect on 50 MB of garbage: peak RSS $kb KB (F17)"
ok "bisect on 50 MB of garbage: $kb KB (F17)"

# --- F15: compressed files cut to their first bytes ---------------------
for z in xz zstd bzip2 gzip; do
	$z -c "$gpf" > "$tmp/full.$z"
	for n in 3 4 5 9; do
		[ $z = bzip2 ] && [ $n -lt 5 ] && continue
		head -c $n "$tmp/full.$z" > "$tmp/cut"
		"$exe" "$tmp/cut" > /dev/null 2> "$tmp/err"
		rc=$?
		[ $rc = 2 ] || bad "$z cut to $n bytes: exit $rc, want 2"
		grep -q "truncated" "$tmp/err" || bad "$z cut to $n bytes: $(cat "$tmp/err")"
	done
done
ok "compressed files cut short are errors (F15)"

# --- F9: NUL before every line end ----------------------------------------
tr '\n' '\001' < "$gpf" | sed 's/\x01/\x00\n/g' > "$tmp/nul.log"
"$exe" decode "$tmp/nul.log" > "$tmp/a" 2>&1 || bad "F9: decode exit $?"
[ "$(grep -c 'trapping instruction' "$tmp/a")" -ge 3 ] || bad "F9: decode found $(grep -c trapping "$tmp/a") dumps"
[ "$("$exe" "$tmp/nul.log")" = "$("$exe" "$gpf")" ] || bad "F9: title differs"
ok "NUL bytes before line ends (F9)"

# --- archives: a tar of logs and mail, compressed members -----------------
mkdir -p "$tmp/t/logs"
cp "$gpf" "$tmp/t/logs/a.log"
gzip -c "$gpf" > "$tmp/t/logs/b.log.gz"
cp "$hostile/mbox-from-in-body.mbox" "$tmp/t/logs/c.mbox"
(cd "$tmp/t" && tar cf ../logs.tar logs && tar cf - logs | xz > ../logs.tar.xz)
for a in logs.tar logs.tar.xz; do
	"$exe" --all --json -f member,document,title "$tmp/$a" > "$tmp/out"
	want=0
	for m in a.log b.log.gz c.mbox; do
		n=$("$exe" --all "$tmp/t/logs/$m" | wc -l)
		got=$(grep -c "\"member\":\"logs/$m\"" "$tmp/out")
		[ "$got" = "$n" ] || bad "$a: member $m has $got crashes, alone $n"
		want=$((want + n))
	done
	[ "$(wc -l < "$tmp/out")" = "$want" ] || bad "$a: $(wc -l < "$tmp/out") crashes, want $want"
done
ok "tar archives: every member's crashes, as the files alone"

# --- mail: quoted crashes only with --quoted -----------------------------
{
	printf 'From: a@example.org\nSubject: Re: oops\nMessage-ID: <q@example.org>\n'
	printf 'Date: Wed, 07 Jan 2026 11:05:18 +0100\n\nOn Tue, syzbot wrote:\n'
	sed -n '/general protection fault/,/Modules linked in/p' "$gpf" | sed 's/^\[[^]]*\] /> /'
} > "$tmp/reply.eml"
"$exe" --all "$tmp/reply.eml" > "$tmp/out"
rc=$?
[ $rc = 1 ] || bad "reply: exit $rc, want 1 (no crash of its own): $(cat "$tmp/out")"
"$exe" --all --quoted --json -f title,quoted,message_id,time,time_source "$tmp/reply.eml" > "$tmp/out"
[ "$(cat "$tmp/out")" = '{"title":"'"$TITLE"'","time":"2026-01-07T10:05:18Z","time_source":"mail","message_id":"<q@example.org>","quoted":true}' ] ||
	bad "reply --quoted: $(cat "$tmp/out")"
ok "mail: a quoted crash is listed only with --quoted"

# --- the journal's wall clock time -------------------------------------
"$exe" --json -f time,time_source "$src/fixtures/input/journal-short-iso.log" > "$tmp/out"
[ "$(cat "$tmp/out")" = '{"time":"2026-12-01T15:39:35Z","time_source":"log"}' ] ||
	bad "journal-short-iso time: $(cat "$tmp/out")"

[ $fail = 0 ] && echo "cli_input: ok"
exit $fail
