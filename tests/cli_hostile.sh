#!/bin/sh
# CLI reproducers of issue 15 (fixtures/reliability): write errors, a
# directory where a file is expected, control characters in messages.
# usage: cli_hostile.sh CRASHSIG SOURCE_DIR ELF
# Not yet in tests/CMakeLists.txt: write errors, --addresses DIR and
# escaping are fixed on branch cli; add it there (add_test with
# $<TARGET_FILE:crashsig>, the source dir and symbolize-fixtures/fix_prog)
# when that branch lands.
set -u
exe=$1
src=$2
elf=$3
rel=$src/fixtures/reliability
log=$src/fixtures/realkernel/gpf.log
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# write errors are caught: exit 2 and a message
if [ -w /dev/full ]; then
	for args in "--all $log" "--all --json $log" "decode $src/fixtures/decode/x86_64_ud2.txt" \
		"symbolize --vmlinux $elf $log"; do
		# shellcheck disable=SC2086
		"$exe" $args > /dev/full 2> "$tmp/err"
		rc=$?
		[ $rc -eq 2 ] || bad "crashsig $args > /dev/full: exit $rc, want 2"
		[ -s "$tmp/err" ] || bad "crashsig $args > /dev/full: no message"
	done
else
	echo "skipped: write errors because /dev/full is absent"
fi

# a directory where a file is expected is an error naming it
mkdir -p "$tmp/dir" "$tmp/rules/x.rules"
cp "$src/rules/"*.rules "$tmp/rules/"
for args in "$tmp/dir" "decode $tmp/dir" "symbolize --vmlinux $elf $tmp/dir" \
	"symbolize --vmlinux $elf --addresses $tmp/dir" "--rules $tmp/rules $log"; do
	# shellcheck disable=SC2086
	"$exe" $args > /dev/null 2> "$tmp/err"
	rc=$?
	[ $rc -ne 0 ] || bad "crashsig $args: exit 0 for a directory"
	grep -q "directory" "$tmp/err" || bad "crashsig $args: message does not say directory: $(cat "$tmp/err")"
done

# control characters from the input are escaped in messages
"$exe" --rules "$rel/cli/rules_esc" "$log" > /dev/null 2> "$tmp/err"
[ -s "$tmp/err" ] || bad "rules_esc: no message"
if LC_ALL=C grep -q "$(printf '[\033\007]')" "$tmp/err"; then
	bad "rules_esc: raw control characters in the message"
fi
exit $fail
