#!/bin/sh
# Check the include layering of the source tree (run by ctest as "layering").
#
#   scripts/check-layering.sh [ROOT]
#
# Capabilities are the folders src/<cap>/ and their public headers
# include/crashsig/<cap>.h. An include of "<cap>/x.h" or "crashsig/<cap>.h"
# from a file of capability A is an edge A -> <cap>. It fails (exit 1) when:
#  - src/base/ or include/crashsig/base.h includes another capability
#    (base is the bottom: everything may use it, it uses nothing);
#  - a bottom layer includes anything but base: the internal src/dwarf/ (no
#    public header: the DWARF reader of symbolize and validate) and
#    src/input/ (the one reading layer under every command) sit right above
#    base, below everything that uses them;
#  - a public header includes a private one ("<cap>/x.h");
#  - the capabilities' include graph has a cycle;
#  - inside one folder, the modules (x.c with its x.h) include each other in
#    a cycle;
#  - library code includes the umbrella "crashsig/crashsig.h" (it would
#    depend on every capability: name the one you use);
#  - a front end (src/tool/, the CLI; src/serve/, crashsig serve) includes a
#    private header of the library (they use only the public API, as curl's
#    tool uses only libcurl); src/serve/ may use the CLI's own helpers
#    ("tool/json.h"), never the other way round.
# Prints each problem, then "layering: ok" or "layering: N problem(s)".
set -eu
root=${1:-$(dirname "$0")/..}
cd "$root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
problems=0
problem() {
	echo "layering: $*"
	problems=$((problems + 1))
}

# front ends: built on the public API, not capabilities of the library
frontends="tool serve"
caps=$(for d in src/*/; do basename "$d"; done | grep -vx -e tool -e serve || true)
# bottom layers: only base below them
internal=$(printf "dwarf\ninput")

# includes FILE: the quoted "dir/name.h" includes of FILE, one per line.
includes() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([A-Za-z0-9_]*\/[A-Za-z0-9_.]*\)".*/\1/p' "$1"
}

: > "$tmp/caps"
for f in src/*/*.[ch] include/crashsig/*.h; do
	[ -e "$f" ] || continue
	case $f in
	src/tool/* | src/serve/*) continue ;;
	include/crashsig/crashsig.h) continue ;; # the umbrella
	include/*) from=$(basename "$f" .h) ;;
	*) from=$(echo "$f" | cut -d/ -f2) ;;
	esac
	for inc in $(includes "$f"); do
		dir=${inc%%/*}
		name=$(basename "$inc" .h)
		if [ "$dir" = crashsig ]; then
			if [ "$name" = crashsig ]; then
				problem "$f includes the umbrella crashsig/crashsig.h (include the capability's header)"
				continue
			fi
			to=$name
		elif echo "$caps" | grep -qx "$dir"; then
			to=$dir
		else
			continue
		fi
		[ "$to" = "$from" ] && continue
		if [ "$from" = base ]; then
			problem "$f (base) includes $inc: base must not depend on $to"
		fi
		if echo "$internal" | grep -qx "$from" && [ "$to" != base ]; then
			problem "$f ($from) includes $inc: $from is a bottom layer, it may depend only on base"
		fi
		case $f in
		include/*)
			[ "$dir" = crashsig ] ||
				problem "$f (a public header) includes the private $inc"
			;;
		esac
		echo "$from $to $f" >> "$tmp/caps"
	done
done

# cycles FILE WHAT: report the cycles tsort finds in the "a b" pairs of FILE.
cycles() {
	if ! cut -d' ' -f1,2 "$1" | sort -u | tsort > /dev/null 2> "$tmp/tsort"; then
		loop=$(grep -v 'input contains a loop' "$tmp/tsort" | sed 's/^tsort: //' | tr '\n' ' ')
		problem "include cycle between $2: $loop"
		return 1
	fi
	return 0
}

if ! cycles "$tmp/caps" "capabilities"; then
	# name the includes that make up the cycle's edges
	loop=" $(grep -v 'input contains a loop' "$tmp/tsort" | sed 's/^tsort: //' | tr '\n' ' ')"
	while read -r a b file; do
		case $loop in *" $a "*) ;; *) continue ;; esac
		case $loop in *" $b "*) echo "  $a -> $b: $file" ;; esac
	done < "$tmp/caps"
fi

# Modules inside each folder: x.c and x.h are one node.
for d in src/*/; do
	d=${d%/}
	cap=$(basename "$d")
	: > "$tmp/mods"
	for f in "$d"/*.[ch]; do
		[ -e "$f" ] || continue
		from=$(basename "$f" | sed 's/\.[ch]$//')
		for inc in $(includes "$f"); do
			[ "${inc%%/*}" = "$cap" ] || continue
			to=$(basename "$inc" .h)
			[ "$to" = "$from" ] && continue
			echo "$from $to" >> "$tmp/mods"
		done
	done
	cycles "$tmp/mods" "the modules of $d" || true
done

# The front ends use only the public API; the CLI does not use serve.
for fe in $frontends; do
	for f in src/"$fe"/*.[ch]; do
		[ -e "$f" ] || continue
		for inc in $(includes "$f"); do
			dir=${inc%%/*}
			if echo "$caps" | grep -qx "$dir"; then
				problem "$f includes the library's private $inc (the front end src/$fe/ uses only include/crashsig/)"
			elif [ "$fe" = tool ] && [ "$dir" = serve ]; then
				problem "$f includes $inc: the CLI does not depend on src/serve/"
			fi
		done
	done
done

if [ "$problems" -ne 0 ]; then
	echo "layering: $problems problem(s)"
	exit 1
fi
echo "layering: ok ($(echo $caps | wc -w) capabilities: $(echo $caps))"
