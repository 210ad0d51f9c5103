#!/usr/bin/env python3
"""Titles do not depend on symbolization, on real symbolized reports.

syzbot mails its reports symbolized ("file:line" after each frame, and a
line per inlined function marked "[inline]"), but titles them from the raw
console output. For every annotated log of the given directories (the
syzbot emails, the syzkaller corpus), strip what a symbolizer adds --
lines with "[inline]" and the " file:line" after a frame's +off/size --
and check that crashsig gives both versions the same titles, in order.
Both versions of every log are written to a temporary directory and titled
by one crashsig process.

usage: stripped_titles.py CRASHSIG DIR...
A directory that does not exist is skipped, visibly.
"""
import os
import re
import sys
import tempfile

from annotated import logs, titles_of

# " path/file.c:123" (or ":123:45", or ":-1"; sometimes twice) right after
# "+0xoff/0xsize" and an optional " [module]"
SRC = re.compile(r'(\+0x[0-9a-f]+/0x[0-9a-f]+(?: \[[^\]]+\])?)'
                 r'(?: [A-Za-z0-9_.\-/]+\.[A-Za-z]+:(?:-1|\d+)(?::\d+)?)+')


def strip(log):
    out = []
    for line in log.split('\n'):
        if ' [inline]' in line:
            continue
        out.append(SRC.sub(r'\1', line))
    return '\n'.join(out)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    crashsig = sys.argv[1]
    checked = changed = 0
    with tempfile.TemporaryDirectory() as tmp:
        pairs = []  # (name for messages, symbolized log, stripped copy)
        for d in sys.argv[2:]:
            if not os.path.isdir(d):
                print(f'skipped: {d} because it does not exist')
                continue
            for name, log in logs(d):
                stripped = strip(log)
                if stripped == log:
                    continue
                sym = os.path.join(tmp, f'{len(pairs)}.sym')
                raw = os.path.join(tmp, f'{len(pairs)}.raw')
                with open(sym, 'w', encoding='utf-8') as f:
                    f.write(log)
                with open(raw, 'w', encoding='utf-8') as f:
                    f.write(stripped)
                pairs.append((f'{d}/{name}', sym, raw))
        titles = titles_of(crashsig, [p for _, sym, raw in pairs for p in (sym, raw)])
        for name, sym, raw in pairs:
            a, b = titles[sym], titles[raw]
            checked += 1
            if a != b:
                changed += 1
                print(f'{name}: symbolized {a} stripped {b}')
    print(f'{checked} symbolized logs, {changed} with titles that change when stripped')
    return 1 if changed else 0


if __name__ == '__main__':
    sys.exit(main())
