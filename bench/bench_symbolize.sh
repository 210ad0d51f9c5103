#!/bin/sh
# Benchmark: crashsig symbolize against addr2line, eu-addr2line and
# llvm-symbolizer-14 on Debian's debug vmlinux (6.1.0-56-cloud-amd64, DWARF 5).
#
#   bench/bench_symbolize.sh [CRASHSIG_BINARY]
#
# Environment: VMLINUX (debug vmlinux), REPORTS (dir with uaf_write.log and
# crashgen.ko), MODTREE (a module tree for the whole-report row; default
# Debian's /usr/lib/debug/lib/modules/6.1.0-56-cloud-amd64 when installed),
# N (number of random addresses, default 10000), SEED (42),
# RUNS (timed runs per tool and workload, best wall time kept; default 3),
# RUNS_B (the same for workload (b); default 1), CRASHSIG_ARGS (extra
# options for crashsig symbolize, e.g. --libdw-only to time it without the
# built-in DWARF readers), PEERS (0: time crashsig only; default 1),
# CALLGRIND (1: also count the instructions of crashsig's (a) runs with
# valgrind --tool=callgrind and its system calls with strace -c: figures
# that do not move with the machine's load; default 0).
#
# Workloads, each tool run as one process:
#  (a) the first Call Trace of uaf_write.log. crashsig reads the report text
#      (func+off/size lines, the crashgen module too); the peers get the
#      same frames as addresses (vmlinux frames; func+off resolved with nm,
#      PC-1 for return addresses, i.e. what decode_stacktrace.sh feeds them).
#      Also: crashsig on the whole uaf_write.log with MODTREE as --modules
#      (the command of issue 22: a report and its module directory).
#  (b) N random addresses inside .text functions, picked from the symbol
#      table with a fixed seed.
# Reported: wall time, CPU time (user + system) and max RSS of the run with
# the best wall time, the speed-up against
# llvm-symbolizer-14 on the same vmlinux frames, and agreement of function
# and file:line (whole inline chain) with addr2line, overall and on the
# addresses where addr2line and eu-addr2line agree with each other.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
CRASHSIG=${1:-$root/build/crashsig}
VMLINUX=${VMLINUX:-/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64}
REPORTS=${REPORTS:-$root/fixtures/realkernel}
N=${N:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
LLVM=${LLVM:-llvm-symbolizer-14}
CRASHSIG_ARGS=${CRASHSIG_ARGS:-}
PEERS=${PEERS:-1}
CALLGRIND=${CALLGRIND:-0}
MODTREE=${MODTREE:-/usr/lib/debug/lib/modules/6.1.0-56-cloud-amd64}

for t in "$CRASHSIG" "$VMLINUX" "$REPORTS/uaf_write.log"; do
	[ -e "$t" ] || { echo "bench_symbolize: missing $t" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "bench_symbolize: needs python3" >&2; exit 2; }

work=$(mktemp -d /tmp/bench_symbolize.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# --- inputs (not timed) ----------------------------------------------------
nm -n --defined-only "$VMLINUX" > "$work/nm.txt"
python3 - "$work" "$REPORTS/uaf_write.log" "$N" "$SEED" <<'EOF'
import random, re, sys
work, log, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
syms = []
first = {}
for l in open(work + '/nm.txt'):
    p = l.split()
    if len(p) != 3 or p[1] not in 'tTwW':
        continue
    a = int(p[0], 16)
    syms.append((a, p[2]))
    first.setdefault(p[2], a)
# (a) first Call Trace of uaf_write.log
lines = open(log, 'rb').read().decode('utf-8', 'replace').split('\n')
start = next(i for i, l in enumerate(lines) if 'Call Trace:' in l)
report, addrs = [], []
for l in lines[start:]:
    l = l.rstrip('\r')
    report.append(l)
    if '</TASK>' in l:
        break
    body = re.sub(r'^\[[ 0-9.]+\]', '', l)
    m = re.match(r'\s*(\? )?([A-Za-z0-9_.$]+)\+0x([0-9a-f]+)/0x([0-9a-f]+)(\s+\[(\S+)\])?', body)
    if not m or m.group(6):
        continue  # module frames: crashsig only (peers need -j per section)
    if m.group(2) not in first:
        continue
    off = int(m.group(3), 16)
    addrs.append('0x%x' % (first[m.group(2)] + off - (1 if off else 0)))
open(work + '/report.log', 'w').write('\n'.join(report) + '\n')
open(work + '/report_addrs.txt', 'w').write('\n'.join(addrs) + '\n')
# (b) N random .text addresses
text = [s for s in syms if s[1] not in ('_stext', '_text')]
text = [s for s in text if 0xffffffff81000000 <= s[0] < 0xffffffff82000000]
random.seed(seed)
out = []
for _ in range(n):
    i = random.randrange(len(text) - 1)
    a, b = text[i][0], text[i + 1][0]
    out.append('0x%x' % (a + random.randrange(max(b - a, 1))))
open(work + '/rand_addrs.txt', 'w').write('\n'.join(out) + '\n')
print('report: %d lines, %d vmlinux frame addresses; random: %d addresses'
      % (len(report), len(addrs), len(out)))
EOF

mkdir -p "$work/modules"
cp "$REPORTS/crashgen.ko" "$work/modules/" 2>/dev/null || true

# --- timing ------------------------------------------------------------------
# run NAME OUTFILE CMD...: best wall time of RUNS runs, with the CPU time
# (user + system) and max RSS of that run (os.wait4: microseconds, not the
# 10 ms of /usr/bin/time). Exit status 1 (crashsig: no frame fits) is not a
# failure.
cat > "$work/timeit.py" <<'EOF'
import os, subprocess, sys, time
runs, out, err, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
best = None
for _ in range(runs):
    with open(out, 'wb') as o, open(err, 'wb') as e:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=o, stderr=e)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(1)
    if best is None or wall < best[0]:
        best = (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss)
print('%.4f %d %.4f' % (best[0], best[2], best[1]))
EOF
run() {
	name=$1 out=$2
	shift 2
	if ! python3 "$work/timeit.py" "$RUNS" "$out" "$work/stderr" "$@" > "$work/time"; then
		echo "bench_symbolize: $name failed: $(tail -3 "$work/stderr")" >&2
		echo "$name - - -" >> "$work/results"
		return 0
	fi
	echo "$name $(cat "$work/time")" >> "$work/results"
}

# count NAME CMD...: instructions (callgrind) and system calls (strace -c)
# of one run of CMD.
count() {
	name=$1
	shift
	ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*refs: *//p' | tr -d ,)
	sc=-
	if command -v strace >/dev/null; then
		strace -f -c -o "$work/strace" "$@" >/dev/null 2>&1 || true
		sc=$(awk '$NF == "total" { print $(NF - 2) }' "$work/strace")
	fi
	echo "$name ${ir:--} $sc" >> "$work/counts"
}

: > "$work/results"
V=$VMLINUX
# shellcheck disable=SC2086 # CRASHSIG_ARGS: words
run "a.crashsig(report)" "$work/a_cs_report.txt" "$CRASHSIG" symbolize $CRASHSIG_ARGS --vmlinux "$V" --modules "$work/modules" "$work/report.log"
if [ -d "$MODTREE" ]; then
	# shellcheck disable=SC2086
	run "a.crashsig(whole)" "$work/a_cs_whole.txt" "$CRASHSIG" symbolize $CRASHSIG_ARGS --vmlinux "$V" --modules "$MODTREE" "$REPORTS/uaf_write.log"
fi
# shellcheck disable=SC2086
run "a.crashsig" "$work/a_cs.txt" "$CRASHSIG" symbolize $CRASHSIG_ARGS --vmlinux "$V" --addresses --print-address "$work/report_addrs.txt"
: > "$work/counts"
if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null; then
	# shellcheck disable=SC2086
	count "a.crashsig(report)" "$CRASHSIG" symbolize $CRASHSIG_ARGS --vmlinux "$V" --modules "$work/modules" "$work/report.log"
	if [ -d "$MODTREE" ]; then
		# shellcheck disable=SC2086
		count "a.crashsig(whole)" "$CRASHSIG" symbolize $CRASHSIG_ARGS --vmlinux "$V" --modules "$MODTREE" "$REPORTS/uaf_write.log"
	fi
	# shellcheck disable=SC2086
	count "a.crashsig" "$CRASHSIG" symbolize $CRASHSIG_ARGS --vmlinux "$V" --addresses --print-address "$work/report_addrs.txt"
fi
[ "$PEERS" = 0 ] || run "a.addr2line" "$work/a_a2l.txt" sh -c "addr2line -fia -e '$V' < '$work/report_addrs.txt'"
if [ "$PEERS" != 0 ] && command -v eu-addr2line >/dev/null; then
	run "a.eu-addr2line" "$work/a_eu.txt" sh -c "eu-addr2line -fia -e '$V' < '$work/report_addrs.txt'"
fi
if [ "$PEERS" != 0 ] && command -v "$LLVM" >/dev/null; then
	run "a.llvm-symbolizer" "$work/a_llvm.txt" sh -c "$LLVM --obj='$V' --output-style=GNU -f -i -a < '$work/report_addrs.txt'"
fi
RUNS_B=${RUNS_B:-1}
RUNS_SAVE=$RUNS
RUNS=$RUNS_B
# shellcheck disable=SC2086
run "b.crashsig" "$work/b_cs.txt" "$CRASHSIG" symbolize $CRASHSIG_ARGS --vmlinux "$V" --addresses --print-address "$work/rand_addrs.txt"
[ "$PEERS" = 0 ] || run "b.addr2line" "$work/b_a2l.txt" sh -c "addr2line -fia -e '$V' < '$work/rand_addrs.txt'"
if [ "$PEERS" != 0 ] && command -v eu-addr2line >/dev/null; then
	run "b.eu-addr2line" "$work/b_eu.txt" sh -c "eu-addr2line -fia -e '$V' < '$work/rand_addrs.txt'"
fi
if [ "$PEERS" != 0 ] && command -v "$LLVM" >/dev/null; then
	run "b.llvm-symbolizer" "$work/b_llvm.txt" sh -c "$LLVM --obj='$V' --output-style=GNU -f -i -a < '$work/rand_addrs.txt'"
fi
RUNS=$RUNS_SAVE

# --- agreement and table -----------------------------------------------------
python3 - "$work" <<'EOF'
import os, re, sys
work = sys.argv[1]

def norm_path(p):
    p = re.sub(r' \(discriminator \d+\)$', '', p.strip())
    m = re.search(r'/build/reproducible-path/[^/]+/', p)
    if m: p = p[m.end():]
    m = re.search(r'(^|/)debian/build/build_[^/]+/', p)
    if m: p = p[m.end():]
    m = re.match(r'^(.*?):(\d+|\?)(:\d+)?$', p)   # drop eu-addr2line's column
    if m: p = m.group(1) + ':' + m.group(2)
    return p

def parse(path):
    """-fia style output: '0x...' line, then func / file:line pairs."""
    if not os.path.exists(path): return None
    res, cur, want_file = {}, None, False
    for l in open(path, errors='replace'):
        l = l.rstrip('\n')
        if not l.strip(): continue
        if not want_file and re.match(r'^0x[0-9a-f]+$', l):
            cur = int(l, 16); res[cur] = []; continue
        if cur is None: continue
        if not want_file:
            func = l.split(' inlined at ')[0].strip()
            res[cur].append([func, None]); want_file = True
        else:
            res[cur][-1][1] = norm_path(l); want_file = False
    return {k: [tuple(x) for x in v] for k, v in res.items()}

def agree(x, y):
    return x is not None and y is not None and x == y

rows = {}
for l in open(work + '/results'):
    name, t, m, c = l.split()
    rows[name] = (t, m, c)
counts = {}
for l in open(work + '/counts'):
    name, ir, sc = l.split()
    counts[name] = (ir, sc)

def mb(m):
    return '-' if m == '-' else '%.0f' % (int(m) / 1024)

def speedup(wl, key):
    """llvm-symbolizer-14's wall time over crashsig's on the same workload."""
    llvm = rows.get(f'{wl}.llvm-symbolizer')
    if not llvm or llvm[0] == '-' or key not in rows or rows[key][0] == '-':
        return ''
    return '%.1fx' % (float(llvm[0]) / max(float(rows[key][0]), 0.005))

out = []
for wl, label in (('a', 'first Call Trace of uaf_write.log'), ('b', 'random .text addresses')):
    a2l = parse(f'{work}/{wl}_a2l.txt') or {}
    eu = parse(f'{work}/{wl}_eu.txt') or {}
    keys = list(a2l.keys())
    peers = [k for k in keys if k in eu and agree(a2l[k], eu[k])]
    nlev = sum(len(a2l[k]) for k in keys)
    out.append(f'\n({wl}) {label}: {len(keys)} addresses, {nlev} frames with inlines (addr2line)')
    out.append('| tool | wall s | CPU s | max RSS MB | llvm-symbolizer-14 / tool | = addr2line (all) '
               '| = addr2line where addr2line == eu-addr2line |')
    out.append('|---|---|---|---|---|---|---|')
    for tool, f in (('crashsig', 'cs'), ('addr2line', 'a2l'), ('eu-addr2line', 'eu'),
                    ('llvm-symbolizer-14', 'llvm')):
        key = f'{wl}.{tool.split("-14")[0]}'
        if key not in rows: continue
        t, m, c = rows[key]
        r = parse(f'{work}/{wl}_{f}.txt') or {}
        all_ok = sum(1 for k in keys if agree(r.get(k), a2l[k]))
        p_ok = sum(1 for k in peers if agree(r.get(k), a2l[k]))
        out.append(f'| {tool} | {t} | {c} | {mb(m)} | {speedup(wl, key)} | {all_ok}/{len(keys)} '
                   f'| {p_ok}/{len(peers)} |')
    if wl == 'a':
        for key, what in (('a.crashsig(report)', 'report text in, module frames too'),
                          ('a.crashsig(whole)', 'whole uaf_write.log, --modules MODTREE')):
            if key not in rows: continue
            t, m, c = rows[key]
            lines = open(f'{work}/a_cs_{key[11:-1]}.txt').read().count('\n')
            out.append(f'| crashsig ({what}, {lines} lines out) | {t} | {c} | {mb(m)} '
                       f'| {speedup(wl, key)} | | |')
if counts:
    out.append('\ncallgrind and strace -c, one run each:')
    out.append('| crashsig run | instructions | system calls |')
    out.append('|---|---|---|')
    for key, (ir, sc) in counts.items():
        out.append(f'| {key[2:]} | {int(ir):,} | {sc} |' if ir != '-' else f'| {key[2:]} | - | {sc} |')
print('\n'.join(out))
# Show where crashsig and the agreeing peers differ (first few).
for wl in ('a', 'b'):
    a2l = parse(f'{work}/{wl}_a2l.txt') or {}
    eu = parse(f'{work}/{wl}_eu.txt') or {}
    cs = parse(f'{work}/{wl}_cs.txt') or {}
    bad = [k for k in a2l if k in eu and a2l[k] == eu[k] and cs.get(k) != a2l[k]]
    for k in bad[:5]:
        print(f'differs ({wl}) 0x{k:x}: peers {a2l[k]} crashsig {cs.get(k)}')
EOF
