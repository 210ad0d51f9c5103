"""Annotated logs (fixtures/report, the shared corpus): headers, a blank
line, then the log. Shared by the Python tests.

Corpus-wide tests start one crashsig process for all their files
(reports_of), never one per file: a process costs more than parsing a log,
ten times more under ASan."""
import json
import os
import subprocess

# Bytes of file names given to one crashsig process (far below ARG_MAX):
# every corpus of today fits in one.
ARGV_BYTES = 1 << 20


def logs(directory):
    """Yield (name, log text) for every annotated log of directory."""
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        if '\n\n' in text:
            yield name, text.split('\n\n', 1)[1]


def argv_batches(paths):
    """paths in as few pieces as the command line takes: one, in practice."""
    i = 0
    while i < len(paths):
        batch, size = [], 0
        while i < len(paths) and (not batch or size + len(paths[i]) < ARGV_BYTES):
            batch.append(paths[i])
            size += len(paths[i]) + 1
            i += 1
        yield batch


def reports_of(crashsig, paths, fields):
    """Every crash crashsig finds in each of paths (crashsig --all, each file
    parsed on its own), in order: {path: [{field: value}, ...]} for every
    path, with the JSON fields asked for. One process for all the paths."""
    out = {p: [] for p in paths}
    for batch in argv_batches(paths):
        r = subprocess.run([crashsig, '--all', '--fields', ','.join(('file',) + tuple(fields))]
                           + batch, capture_output=True)
        if r.returncode not in (0, 1):
            raise SystemExit(f'{crashsig} --all on {len(batch)} files from {batch[0]}: '
                             f'exit {r.returncode}: {r.stderr.decode(errors="replace")}')
        for line in r.stdout.decode('utf-8').splitlines():
            o = json.loads(line)
            out[o.pop('file')].append(o)
    return out


def titles_of(crashsig, paths):
    """{path: [titles of every crash crashsig finds in it]}, one process."""
    return {p: [o['title'] for o in rs] for p, rs in reports_of(crashsig, paths, ('title',)).items()}
