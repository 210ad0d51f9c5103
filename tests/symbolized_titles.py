#!/usr/bin/env python3
"""Titles do not depend on symbolization.

For every annotated log of the given directories, make the copy that a
symbolizer (syzkaller's, or scripts/decode_stacktrace.sh) would print: each
reliable frame gets its "file:line" and an inline frame above it, and the
RIP line is split into an inline and an outer line. Both copies must get the
same titles from crashsig, in the same order. Both copies of every log are
written to a temporary directory and titled by one crashsig process.

usage: symbolized_titles.py CRASHSIG DIR...
"""
import os
import re
import sys
import tempfile

from annotated import logs, titles_of

PREFIX = r'(?P<pre>(?:\[[^\]]*\])*\s*)'
FRAME = re.compile(PREFIX + r'(?P<func>[A-Za-z_][A-Za-z0-9_.]*)\+(?P<off>0x[0-9a-f]+)/'
                   r'(?P<size>0x[0-9a-f]+)(?P<mod> \[[^\]]+\])?\s*$')
RIP = re.compile(PREFIX + r'(?P<rip>RIP: [0-9a-f]{4}:)(?P<func>[A-Za-z_][A-Za-z0-9_.]*)\+'
                 r'(?P<off>0x[0-9a-f]+)/(?P<size>0x[0-9a-f]+)\s*$')


def symbolize(log):
    out = []
    for i, line in enumerate(log.split('\n')):
        m = RIP.match(line)
        if m:
            out.append(f"{m['pre']}{m['rip']}inlined_at_ip include/linux/ip.h:{i} [inline]")
            out.append(f"{m['pre']}{m['rip']}{m['func']}+{m['off']}/{m['size']} kernel/ip.c:{i}")
            continue
        m = FRAME.match(line)
        if m and not m['pre'].rstrip().endswith('?'):
            base = m['func'].split('.')[0]
            out.append(f"{m['pre']}inlined_into_{base} include/linux/inl.h:{i} [inline]")
            out.append(f"{m['pre']}{m['func']}+{m['off']}/{m['size']}{m['mod'] or ''}"
                       f" kernel/frame.c:{i}")
            continue
        out.append(line)
    return '\n'.join(out)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    crashsig = sys.argv[1]
    checked = changed = 0
    with tempfile.TemporaryDirectory() as tmp:
        pairs = []  # (name for messages, raw copy, symbolized copy)
        for d in sys.argv[2:]:
            for name, log in logs(d):
                raw = os.path.join(tmp, f'{len(pairs)}.raw')
                sym = os.path.join(tmp, f'{len(pairs)}.sym')
                with open(raw, 'w', encoding='utf-8') as f:
                    f.write(log)
                with open(sym, 'w', encoding='utf-8') as f:
                    f.write(symbolize(log))
                pairs.append((f'{d}/{name}', raw, sym))
        titles = titles_of(crashsig, [p for _, raw, sym in pairs for p in (raw, sym)])
        for name, raw, sym in pairs:
            a, b = titles[raw], titles[sym]
            checked += 1
            if a != b:
                changed += 1
                print(f'{name}: raw {a} symbolized {b}')
    print(f'{checked} logs, {changed} with titles that change when symbolized')
    return 1 if changed or not checked else 0


if __name__ == '__main__':
    sys.exit(main())
