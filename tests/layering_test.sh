#!/bin/sh
# scripts/check-layering.sh passes on the tree and fails on trees that break
# each of its rules.  usage: layering_test.sh SOURCE_DIR
src=$1
check=$src/scripts/check-layering.sh
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$check" "$src" || { echo "FAIL: the source tree breaks the layering"; fail=1; }

# tree NAME: a minimal good tree in $tmp/NAME
tree() {
	t=$tmp/$1
	mkdir -p "$t/src/base" "$t/src/classify" "$t/src/symbolize" "$t/src/tool" "$t/include/crashsig"
	printf '#include "crashsig/base.h"\n' > "$t/src/base/util.h"
	printf '#include "base/util.h"\n#include "crashsig/classify.h"\n' > "$t/src/classify/a.c"
	printf '#include "classify/a.h"\n#include "base/util.h"\n' > "$t/src/symbolize/s.c"
	printf '#include "crashsig/symbolize.h"\n' > "$t/src/tool/main.c"
	printf '#include "crashsig/base.h"\n' > "$t/include/crashsig/classify.h"
	echo "$t"
}
# expect NAME PATTERN: the check fails on tree NAME and says PATTERN
expect() {
	out=$("$check" "$tmp/$1" 2>&1) && { echo "FAIL $1: check passed"; fail=1; return; }
	echo "$out" | grep -q "$2" || { echo "FAIL $1: no '$2' in: $out"; fail=1; }
}

t=$(tree good)
"$check" "$t" > /dev/null || { echo "FAIL good: a good tree fails"; fail=1; }

t=$(tree base_up)
printf '#include "classify/a.h"\n' >> "$t/src/base/util.h"
expect base_up "base must not depend on classify"

t=$(tree cycle)
printf '#include "symbolize/s.h"\n' >> "$t/src/classify/a.c"
expect cycle "include cycle between capabilities"

t=$(tree modcycle)
printf '#include "symbolize/y.h"\n' > "$t/src/symbolize/x.c"
printf '#include "symbolize/x.h"\n' > "$t/src/symbolize/y.c"
expect modcycle "include cycle between the modules of src/symbolize"

# the internal DWARF layer: above base, below its users
t=$(tree dwarf_ok)
mkdir -p "$t/src/dwarf"
printf '#include "crashsig/base.h"\n#include "dwarf/cursor.h"\n' > "$t/src/dwarf/die.h"
printf '#include "dwarf/die.h"\n' >> "$t/src/symbolize/s.c"
"$check" "$t" > /dev/null || { echo "FAIL dwarf_ok: a good tree with src/dwarf fails"; fail=1; }
t=$(tree dwarf_up)
mkdir -p "$t/src/dwarf"
printf '#include "classify/a.h"\n' > "$t/src/dwarf/die.h"
expect dwarf_up "dwarf is a bottom layer"
# the input layer: under every command, on base only
t=$(tree input_up)
mkdir -p "$t/src/input"
printf '#include "base/util.h"\n#include "classify/a.h"\n' > "$t/src/input/mail.c"
expect input_up "input is a bottom layer"
t=$(tree public_private)
mkdir -p "$t/src/dwarf"
printf '#include "base/util.h"\n' > "$t/src/dwarf/die.h"
printf '#include "dwarf/die.h"\n' >> "$t/include/crashsig/classify.h"
expect public_private "a public header) includes the private dwarf/die.h"

t=$(tree umbrella)
printf '#include "crashsig/crashsig.h"\n' >> "$t/src/classify/a.c"
expect umbrella "umbrella"

t=$(tree tool)
printf '#include "base/util.h"\n' >> "$t/src/tool/main.c"
expect tool "the front end src/tool/ uses only"

# the web front end: public API and the CLI's helpers only
t=$(tree serve_ok)
mkdir -p "$t/src/serve"
printf '#include "crashsig/base.h"\n#include "tool/json.h"\n#include "serve/html.h"\n' > "$t/src/serve/http.c"
"$check" "$t" > /dev/null || { echo "FAIL serve_ok: a good tree with src/serve fails"; fail=1; }
t=$(tree serve_private)
mkdir -p "$t/src/serve"
printf '#include "base/util.h"\n' > "$t/src/serve/http.c"
expect serve_private "the front end src/serve/ uses only"
t=$(tree tool_serve)
mkdir -p "$t/src/serve"
printf '#include "serve/serve.h"\n' >> "$t/src/tool/main.c"
expect tool_serve "the CLI does not depend on src/serve"

[ $fail = 0 ] && echo "layering_test: ok"
exit $fail
