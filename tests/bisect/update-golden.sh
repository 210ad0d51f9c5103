#!/bin/sh
# Regenerate the golden outputs of `crashsig bisect` (text and JSON) for the
# fixtures in fixtures/bisect/ and, when ../shared is present, the seeds.
# Review the diff before committing: the goldens are what the tests expect.
# usage: tests/bisect/update-golden.sh [BUILD_DIR]
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/build}" && pwd)/crashsig
out=$root/fixtures/bisect/golden
mkdir -p "$out"
cd "$root/fixtures/bisect"
for f in *.txt; do
	"$bin" bisect "$f" >"$out/${f%.txt}.out" || [ $? -eq 1 ]
	"$bin" bisect --json "$f" >"$out/${f%.txt}.json" || [ $? -eq 1 ]
done
seeds=$root/../shared/seeds
if [ -d "$seeds" ]; then
	cd "$seeds"
	for f in *.txt; do
		"$bin" bisect "$f" >"$out/seed-${f%.txt}.out"
		"$bin" bisect --json "$f" >"$out/seed-${f%.txt}.json"
	done
else
	echo "skipped: seed goldens because $seeds is absent" >&2
fi
