#!/usr/bin/env python3
"""Nothing lost: the corpus logs one after another give the crashes of the
parts.

Concatenate the logs of the annotated corpus (headers and the REPORT:
section dropped, as score-corpus feeds them) into one file, in name order,
and check that `crashsig --all` finds exactly as many crashes in it as in
the logs parsed one by one.

usage: concat_corpus.py CRASHSIG CORPUS_DIR [--write FILE]
Exits 77 (skipped) when CORPUS_DIR does not exist. With --write, the
concatenation goes to FILE and the only output is the sum over the parts
(bench/bench_extract.sh checks its big log against it).
"""
import os
import subprocess
import sys
import tempfile

from annotated import reports_of


def log_of(path):
    """The console log of an annotated file, as score-corpus reads it."""
    with open(path, 'rb') as f:
        lines = f.read().replace(b'\r', b'').split(b'\n')
    i = 0
    while i < len(lines) and lines[i] != b'':
        i += 1
    out = []
    prev_empty = False
    for ln in lines[i + 1:]:
        if prev_empty and ln == b'REPORT:':
            break
        out.append(ln)
        prev_empty = ln == b''
    return b'\n'.join(out)


def concatenate(crashsig, corpus, out):
    """Write the logs one after another to out; return the sum of the
    crashes crashsig finds in each of them alone (each log written to a
    file of its own, all of them counted by one crashsig process)."""
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for n in sorted(os.listdir(corpus), key=lambda n: (len(n), n)):
            log = log_of(os.path.join(corpus, n))
            parts.append(os.path.join(tmp, str(len(parts))))
            with open(parts[-1], 'wb') as f:
                f.write(log)
            out.write(log.rstrip(b'\n') + b'\n')
        out.flush()
        return sum(len(rs) for rs in reports_of(crashsig, parts, ()).values())


def main():
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != '--write'):
        raise SystemExit(__doc__)
    crashsig, corpus = sys.argv[1:3]
    if not os.path.isdir(corpus):
        print(f'skipped: {corpus} because it does not exist')
        return 77
    if len(sys.argv) == 5:
        with open(sys.argv[4], 'wb') as out:
            print(concatenate(crashsig, corpus, out))
        return 0
    names = os.listdir(corpus)
    with tempfile.NamedTemporaryFile() as big:
        parts = concatenate(crashsig, corpus, big)
        r = subprocess.run([crashsig, '--all', big.name], capture_output=True)
        found = len(r.stdout.splitlines())
    print(f'{len(names)} logs: {parts} crashes parsed one by one, {found} in their concatenation')
    return 0 if found == parts and parts else 1


if __name__ == '__main__':
    sys.exit(main())
