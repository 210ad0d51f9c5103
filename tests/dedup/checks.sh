# The checks of the dedup shell tests, sourced by them: each counts into
# $pass or $fail and says what failed.
#   check NAME WANT GOT         GOT is WANT
#   has NAME NEEDLE HAYSTACK    HAYSTACK holds NEEDLE
#   hasnt NAME NEEDLE HAYSTACK  HAYSTACK does not hold NEEDLE
fail=0
pass=0
check() {
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		echo "FAIL $1: want [$2] got [$3]"; fail=$((fail + 1)); fi
}
has() {
	case "$3" in *"$2"*) pass=$((pass + 1));; *) echo "FAIL $1: no [$2] in [$3]"; fail=$((fail + 1));; esac
}
hasnt() {
	case "$3" in *"$2"*) echo "FAIL $1: [$2] in [$3]"; fail=$((fail + 1));; *) pass=$((pass + 1));; esac
}
