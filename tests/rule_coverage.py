#!/usr/bin/env python3
"""Every title format in rules/ has a fixture of its own.

Each `format` of every rules file must be the one that names (the `rule`
field of `crashsig --json`) at least one crash of the annotated logs under
fixtures/report: a format no fixture reaches describes a kernel output
nobody has shown, or is shadowed by another format.

usage: rule_coverage.py CRASHSIG RULES_DIR FIXTURES_DIR
"""
import os
import sys
import tempfile

from annotated import logs, reports_of


def formats(rules_dir):
    out = {}
    for name in sorted(os.listdir(rules_dir)):
        if not name.endswith('.rules'):
            continue
        crash = None
        with open(os.path.join(rules_dir, name)) as f:
            for n, line in enumerate(f, 1):
                if line.startswith('crash '):
                    crash = line.split()[1]
                if line.strip() == 'format':
                    out[f'{name}:{n}'] = crash
    return out


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    crashsig, rules_dir, fixtures = sys.argv[1:]
    want = formats(rules_dir)
    used = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}  # copy of the log -> fixture name; one crashsig for all
        for name, text in logs(fixtures):
            log = os.path.join(tmp, str(len(paths)))
            with open(log, 'w', encoding='utf-8') as f:
                f.write(text)
            paths[log] = name
        for log, reps in reports_of(crashsig, list(paths), ('rule',)).items():
            for r in reps:
                if r['rule']:
                    used.setdefault(r['rule'], paths[log])
    missing = [k for k in want if k not in used]
    for k in missing:
        print(f'{k} (crash {want[k]}): no fixture is named by this format')
    print(f'{len(want)} formats, {len(want) - len(missing)} named by a fixture')
    return 1 if missing or not want else 0


if __name__ == '__main__':
    sys.exit(main())
