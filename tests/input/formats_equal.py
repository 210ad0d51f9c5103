#!/usr/bin/env python3
"""One input layer under every command (issue 19): crashsig symbolize and
crashsig decode give, on every console format of fixtures/input/ (dmesg -T,
journalctl in 8 forms, /dev/kmsg, netconsole, serial CRLF, ...), the same
frames and the same disassembly as on the bare log; classify the same title.

usage: formats_equal.py CRASHSIG SOURCE_DIR FIX_PROG
  decode and classify: fixtures/input/*.log against the bare excerpt of
  fixtures/realkernel/gpf.log they were made from;
  symbolize: a report whose frames are FIX_PROG's functions (the test's
  own ELF, built by tests/symbolize/fixtures.cmake), rendered in every
  format by fixtures/input/generate.py --base, against the bare report.
Exit status 0 when every format agrees, 1 otherwise."""
import json
import os
import re
import subprocess
import sys
import tempfile

exe, src, fixprog = sys.argv[1:4]
fails = 0


def run(args, data=None):
    p = subprocess.run([exe] + args, input=data, capture_output=True)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def code_view(out):
    """decode --json: the dumps as (bytes, trap, skipped, instructions)."""
    d = json.loads(out.splitlines()[0])
    return [(c.get('bytes'), c.get('trap_offset'), c.get('skipped'),
             [(i.get('offset'), i.get('text')) for i in c.get('instructions', [])])
            for c in d['code']]


def frames_view(out):
    """symbolize --json: every frame line's resolution."""
    res = []
    for l in out.splitlines():
        d = json.loads(l)
        if 'frames' in d or d.get('symbol'):
            res.append((d.get('symbol'), d.get('offset'), d.get('status'),
                        [(f['func'], f.get('file'), f.get('line'), f.get('inline'))
                         for f in d.get('frames', [])]))
    return res


def check(what, name, got, want):
    global fails
    if got != want:
        fails += 1
        print('FAIL %s %s: %s\n  want %s' % (what, name, got, want))
    else:
        print('ok   %s %s (%d)' % (what, name, len(got)))


inputs = os.path.join(src, 'fixtures', 'input')
formats = sorted(f for f in os.listdir(inputs) if f.endswith('.log'))
if len(formats) < 16:
    print('FAIL fixtures/input has %d formats, want 16' % len(formats))
    sys.exit(1)

# The bare log the fixtures were made from (generate.py: gpf.log lines
# 320-391, timestamps removed).
gpf = open(os.path.join(src, 'fixtures', 'realkernel', 'gpf.log'), 'rb').read().decode().splitlines()
bare = '\n'.join(re.sub(r'^\[\s*\d+\.\d+\] ?', '', l) for l in gpf[320:391]) + '\n'
with tempfile.TemporaryDirectory() as tmp:
    bare_path = os.path.join(tmp, 'bare.log')
    open(bare_path, 'w').write(bare)
    rc, out, err = run(['decode', '--json', bare_path])
    want_code = code_view(out)
    rc, want_title, err = run([bare_path])
    if len(want_code) != 3:
        print('FAIL the bare log decodes to %d dumps, want 3' % len(want_code))
        sys.exit(1)
    for f in formats:
        path = os.path.join(inputs, f)
        rc, out, err = run(['decode', '--json', path])
        check('decode', f, code_view(out) if rc == 0 else 'exit %d: %s' % (rc, err), want_code)
        rc, out, err = run([path])
        check('title', f, out, want_title)

    # symbolize: FIX_PROG's functions in a report, every format
    base = os.path.join(tmp, 'base.log')
    open(base, 'w').write(
        '[    1.000000] hello from the test\n'
        '[    1.000100] BUG: unable to handle page fault for address: 0000000000000000\n'
        '[    1.000200] RIP: 0010:fix_split+0x3\n'
        '[    1.000300] Call Trace:\n'
        '[    1.000400]  <TASK>\n'
        '[    1.000500]  fix_use_inlines+0x1\n'
        '[    1.000600]  fix_other_entry+0x2\n'
        '[    1.000700]  main+0x10\n'
        '[    1.000800]  </TASK>\n')
    gen = os.path.join(tmp, 'gen')
    os.mkdir(gen)
    subprocess.run([sys.executable, os.path.join(inputs, 'generate.py'), '--base', base,
                    '--out', gen], check=True)
    barelog = os.path.join(tmp, 'bare-sym.log')
    open(barelog, 'w').write(re.sub(r'(?m)^\[\s*\d+\.\d+\] ?', '', open(base).read()))
    rc, out, err = run(['symbolize', '--json', '--vmlinux', fixprog, barelog])
    want = frames_view(out)
    if len(want) != 4 or not all(w[3] and w[3][-1][1] for w in want):
        print('FAIL the bare report resolves to %r' % (want,))
        sys.exit(1)
    made = sorted(os.listdir(gen))
    check('formats', 'generate.py --base', made, formats)
    for f in made:
        rc, out, err = run(['symbolize', '--json', '--vmlinux', fixprog, os.path.join(gen, f)])
        check('symbolize', f, frames_view(out) if rc == 0 else 'exit %d: %s' % (rc, err), want)
        # and the text output keeps each line's prefix, with file:line added
        rc, out, err = run(['symbolize', '--vmlinux', fixprog, os.path.join(gen, f)])
        lines = open(os.path.join(gen, f), newline='').read().replace('\r\n', '\n').split('\n')
        kept = [l for l in lines if 'fix_split+0x3' in l or 'main+0x10' in l]
        for k in kept:
            k = k.lstrip('\r')
            if not any(o.startswith(k) and 'fix_' in o and '.c:' in o for o in out.splitlines()) \
                    and not any(o.startswith(k) and '.c:' in o for o in out.splitlines()):
                fails += 1
                print('FAIL symbolize %s: line %r not kept with its prefix' % (f, k))
print('%s' % ('formats_equal: ok' if not fails else 'formats_equal: %d failures' % fails))
sys.exit(1 if fails else 0)
