#!/bin/bash
# crashsig side by side with its peers, in one run: what issue 22 measures.
#
#   bench/bench_compare.sh [BUILD_DIR]
#
#  1. objects   shared objects of the binary (ldd) and loaded by each
#               command (LD_DEBUG=files): the target is <= 16 without
#               PostgreSQL.
#  2. startup   CPU (task-clock) of `crashsig FILE` on one small report
#               against `grep -c` on the same file: RUNS_STARTUP (21)
#               interleaved single runs of perf stat, medians.
#  3. symbolize bench/bench_symbolize.sh (one report with its modules
#               directory, and 10,000 addresses) against llvm-symbolizer-14,
#               addr2line and eu-addr2line, when Debian's debug vmlinux is
#               installed (linux-image-6.1.0-56-cloud-amd64-dbg).
#  4. scan      a crash-free console log of SCAN_MB (1024) MiB made of the
#               boot output of the real Debian logs (as bench_extract.sh):
#               `crashsig --all` against `grep -F -c` with 14 crash
#               patterns, RUNS_SCAN (5) interleaved runs, medians of wall
#               and CPU time; crashsig must find no crash.
#  5. classify  bench_classify -n ROUNDS (20) on the annotated corpus,
#               ALTERNATIONS (5) times, alternating with BASE: the median
#               over the alternations of the median round's MB/s, and syzkaller's pkg/report on the same logs when
#               SYZKALLER names a syzkaller checkout and `go` can build it
#               (bench/syzkaller/main.go is copied into it, built, removed).
#               Without it the figure recorded on this machine class is
#               shown and marked so.
#
# BASE=OTHER_BUILD_DIR adds another build of crashsig (e.g. an older commit's)
# to the startup, scan and classify rows, measured in the same minutes.
# SKIP="symbolize scan" leaves sections out. Needs perf (linux-perf).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
b=$(cd "${1:-$root/build}" && pwd)
shared=$root/../shared
BASE=${BASE:-}
[ -n "$BASE" ] && BASE=$(cd "$BASE" && pwd)
SKIP=${SKIP:-}
RUNS_STARTUP=${RUNS_STARTUP:-21}
RUNS_SCAN=${RUNS_SCAN:-5}
SCAN_MB=${SCAN_MB:-1024}
ROUNDS=${ROUNDS:-20}
ALTERNATIONS=${ALTERNATIONS:-5}
VMLINUX=${VMLINUX:-/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64}
SAMPLE=${SAMPLE:-$root/fixtures/samples/gpf.log}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
skip() { case " $SKIP " in *" $1 "*) return 0 ;; esac; return 1; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'; }
builds() { echo "$b"; [ -n "$BASE" ] && echo "$BASE"; }
name() { if [ "$1" = "$b" ]; then echo "crashsig"; else echo "base"; fi; }

echo "crashsig: $b/crashsig ($(cd "$root" && git describe --always --dirty 2>/dev/null))"
[ -n "$BASE" ] && echo "base:     $BASE/crashsig"
echo "machine:  $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %T UTC')"

# ---------------------------------------------------------------- objects
if ! skip objects; then
	echo
	echo "== 1. shared objects (target <= 16 without PostgreSQL)"
	echo "ldd $b/crashsig: $(ldd "$b/crashsig" | wc -l) lines"
	loaded() { # command...: objects the dynamic loader opened (the program, ld.so and vdso included)
		LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -c 'file=.*\[0\];  generating link map' || true
	}
	printf '%-40s %s\n' "command" "objects loaded"
	printf '%-40s %s\n' "crashsig --version" "$(( $(loaded "$b/crashsig" --version) + 2 ))"
	printf '%-40s %s\n' "crashsig FILE" "$(( $(loaded "$b/crashsig" "$SAMPLE") + 2 ))"
	printf '%-40s %s\n' "crashsig decode FILE" "$(( $(loaded "$b/crashsig" decode "$SAMPLE") + 2 ))"
	printf '%-40s %s\n' "crashsig dedup --db SQLITE FILE" \
		"$(( $(loaded "$b/crashsig" dedup --db "$tmp/bugs.db" "$SAMPLE") + 2 ))"
	[ -f "$shared/seeds/000_603f08325a4841f5.txt" ] &&
		printf '%-40s %s\n' "crashsig bisect SEED" \
			"$(( $(loaded "$b/crashsig" bisect "$shared/seeds/000_603f08325a4841f5.txt") + 2 ))"
	[ -f "$VMLINUX" ] &&
		printf '%-40s %s\n' "crashsig symbolize --vmlinux V FILE" \
			"$(( $(loaded "$b/crashsig" symbolize --vmlinux "$VMLINUX" "$SAMPLE") + 2 ))"
fi

# ---------------------------------------------------------------- startup
if ! skip startup; then
	echo
	echo "== 2. startup: CPU of one small report (target <= 3x grep -c), $RUNS_STARTUP interleaved runs"
	echo "file: $SAMPLE ($(stat -c %s "$SAMPLE") bytes)"
	clock() { # command...: task-clock in ms of one run
		perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '$3 ~ /task-clock/ {print $1}'
	}
	: > "$tmp/st.grep"
	for x in $(builds); do : > "$tmp/st.$(name "$x")"; done
	for _ in $(seq "$RUNS_STARTUP"); do
		clock grep -c 'BUG' "$SAMPLE" >> "$tmp/st.grep"
		for x in $(builds); do clock "$x/crashsig" "$SAMPLE" >> "$tmp/st.$(name "$x")"; done
	done
	g=$(median < "$tmp/st.grep")
	printf '%-10s median %6.2f ms (%s-%s)\n' "grep -c" "$g" "$(sort -g "$tmp/st.grep" | head -1)" \
		"$(sort -g "$tmp/st.grep" | tail -1)"
	for x in $(builds); do
		f="$tmp/st.$(name "$x")"
		m=$(median < "$f")
		printf '%-10s median %6.2f ms (%s-%s) = %sx grep -c\n' "$(name "$x")" "$m" \
			"$(sort -g "$f" | head -1)" "$(sort -g "$f" | tail -1)" "$(ratio "$m" "$g")"
	done
fi

# ---------------------------------------------------------------- symbolize
if ! skip symbolize; then
	echo
	echo "== 3. symbolize (targets: one report with its modules <= 0.02 s and >= 4x llvm-symbolizer; 10k addresses >= 3x)"
	if [ -f "$VMLINUX" ]; then
		RUNS=${RUNS_SYMBOLIZE:-7} sh "$here/bench_symbolize.sh" "$b/crashsig" 2>&1
	else
		echo "skipped: $VMLINUX is not installed (apt install linux-image-6.1.0-56-cloud-amd64-dbg)"
	fi
fi

# ---------------------------------------------------------------- scan
if ! skip scan; then
	echo
	echo "== 4. crash-free scan (target >= 2x grep -F), $RUNS_SCAN interleaved runs"
	for f in "$shared"/realkernel/reports/*.log; do
		awk '/Command line/ {print; next} /BUG|WARNING|Oops|general protection|divide error|invalid opcode|Kernel panic|INFO:|watchdog|rcu:|refcount_t|list_|crashgen/{exit} {print}' "$f"
	done > "$tmp/boot1.log"
	n=$(( SCAN_MB * 1048576 / $(stat -c %s "$tmp/boot1.log") + 1 ))
	for _ in $(seq "$n"); do cat "$tmp/boot1.log"; done > "$tmp/clean.log"
	printf '%s\n' 'BUG:' 'WARNING:' 'general protection fault' 'Oops' 'Kernel panic' 'INFO: task' \
		'rcu: INFO' 'watchdog: BUG' 'KASAN:' 'UBSAN:' 'kernel BUG at' 'divide error' \
		'invalid opcode' 'Unable to handle kernel' > "$tmp/pat"
	echo "log: $(stat -c %s "$tmp/clean.log") bytes ($(wc -l < "$tmp/boot1.log") boot lines x $n), 14 patterns"
	cat "$tmp/clean.log" > /dev/null
	timed() { # out command...: "wall cpu" appended to out
		/usr/bin/time -o "$tmp/t" -f '%e %U %S' "${@:2}" > "$tmp/o" 2>/dev/null
		# (time says "Command exited with non-zero status 1" first when grep counts 0)
		tail -n 1 "$tmp/t" | awk '{print $1, $2 + $3}' >> "$1"
	}
	: > "$tmp/sc.grep"
	for x in $(builds); do : > "$tmp/sc.$(name "$x")"; done
	for _ in $(seq "$RUNS_SCAN"); do
		timed "$tmp/sc.grep" grep -F -c -f "$tmp/pat" "$tmp/clean.log"
		for x in $(builds); do
			timed "$tmp/sc.$(name "$x")" "$x/crashsig" --all "$tmp/clean.log"
			[ -s "$tmp/o" ] && echo "FAIL: $(name "$x") found crashes in the crash-free log"
		done
	done
	gw=$(cut -d' ' -f1 "$tmp/sc.grep" | median)
	gc=$(cut -d' ' -f2 "$tmp/sc.grep" | median)
	printf '%-10s median wall %5.2f s, CPU %5.2f s\n' "grep -F" "$gw" "$gc"
	for x in $(builds); do
		f="$tmp/sc.$(name "$x")"
		w=$(cut -d' ' -f1 "$f" | median)
		c=$(cut -d' ' -f2 "$f" | median)
		printf '%-10s median wall %5.2f s, CPU %5.2f s = %sx grep -F (wall), %sx (CPU)\n' \
			"$(name "$x")" "$w" "$c" "$(ratio "$gw" "$w")" "$(ratio "$gc" "$c")"
	done
	rm -f "$tmp/clean.log"
fi

# ---------------------------------------------------------------- classify
if ! skip classify; then
	echo
	echo "== 5. classify in one process (target >= 100x syzkaller by MB/s), $ALTERNATIONS x $ROUNDS rounds"
	corpus=$shared/corpus/syzkaller/linux/report
	# median MB/s = the bytes of a round (mean MB/s x mean ms per round)
	# over the median round, and over the fastest round (older builds print
	# no MB/s for them)
	mbs() {
		awk '/ MB\/s \(/ {for (i = 1; i <= NF; i++) {if ($i == "MB/s") r = $(i - 1); if ($i == "per") ms = $(i - 2)}; mb = r * ms}
		     /^median round/ {for (i = 1; i <= NF; i++) if ($i == "fastest") f = $(i + 2)
				       printf "%.1f %.1f", mb / $3, mb / f}'
	}
	for x in $(builds); do : > "$tmp/cl.$(name "$x")"; done
	for _ in $(seq "$ALTERNATIONS"); do
		for x in $(builds); do
			[ -x "$x/bench/bench_classify" ] || continue
			"$x/bench/bench_classify" -n "$ROUNDS" "$corpus" | mbs >> "$tmp/cl.$(name "$x")"
			echo >> "$tmp/cl.$(name "$x")"
		done
	done
	for x in $(builds); do
		[ -s "$tmp/cl.$(name "$x")" ] &&
			echo "$(name "$x"): MB/s of the median, fastest round of $ALTERNATIONS alternations: $(paste -sd';' "$tmp/cl.$(name "$x")" | sed 's/;/; /g')"
	done
	syz=
	if [ -n "${SYZKALLER:-}" ] && command -v go > /dev/null; then
		d="$SYZKALLER/tools/crashsig-syzbench.$$"
		mkdir -p "$d" && cp "$here/syzkaller/main.go" "$d/"
		if (cd "$SYZKALLER" && go build -o "$tmp/syzbench" "./tools/crashsig-syzbench.$$") > "$tmp/gobuild" 2>&1; then
			"$tmp/syzbench" -n "${SYZ_ROUNDS:-5}" "$corpus" | tee "$tmp/syz"
			syz=$(awk '{for (i = 1; i <= NF; i++) if ($i == "MB/s") print $(i - 1)}' "$tmp/syz")
		else
			echo "syzkaller: go build failed:"; sed 's/^/  /' "$tmp/gobuild" | head -5
		fi
		rm -rf "$d"
	fi
	if [ -z "$syz" ]; then
		syz=3.2
		echo "syzkaller: not measured here (set SYZKALLER=checkout, with go); recorded on this machine class: $syz MB/s (bench/README.md)"
	fi
	for x in $(builds); do
		[ -s "$tmp/cl.$(name "$x")" ] || continue
		m=$(cut -d' ' -f1 "$tmp/cl.$(name "$x")" | median)
		f=$(cut -d' ' -f2 "$tmp/cl.$(name "$x")" | median)
		echo "$(name "$x"): median rounds $m MB/s = $(ratio "$m" "$syz")x syzkaller; fastest rounds $f MB/s = $(ratio "$f" "$syz")x"
	done
fi
