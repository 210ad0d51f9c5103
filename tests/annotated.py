"""Annotated logs (fixtures/report, the shared corpus): headers, a blank
line, then the log. Shared by the Python tests."""
import os
import subprocess


def logs(directory):
    """Yield (name, log text) for every annotated log of directory."""
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        if '\n\n' in text:
            yield name, text.split('\n\n', 1)[1]


def titles(crashsig, path):
    """Titles of every crash crashsig finds in path (crashsig --all)."""
    r = subprocess.run([crashsig, '--all', path], capture_output=True, text=True,
                       errors='replace')
    if r.returncode not in (0, 1):
        raise SystemExit(f'{crashsig} {path}: exit {r.returncode}: {r.stderr}')
    return r.stdout.splitlines()
