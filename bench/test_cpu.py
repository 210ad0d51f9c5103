#!/usr/bin/env python3
"""CPU time (user+sys of the test and every process it waited for) and wall
time of each ctest test, one after another, slowest first.

usage: bench/test_cpu.py BUILD_DIR [REGEX]
  e.g. ASAN_OPTIONS=detect_leaks=1 bench/test_cpu.py build-asan
A test's CPU time hardly depends on what else runs on the machine, unlike
its wall time: compare CPU times when the machine is shared. The sum is what
the ctest phase of scripts/test.sh costs; its wall time is about the sum
divided by the jobs (ctest -j), no less than the longest test.
"""
import json
import os
import re
import subprocess
import sys
import time


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    build = sys.argv[1]
    pick = re.compile(sys.argv[2]) if len(sys.argv) == 3 else None
    tests = json.loads(subprocess.run(['ctest', '--test-dir', build, '--show-only=json-v1'],
                                      capture_output=True, check=True).stdout)['tests']
    rows = []
    for t in tests:
        if pick and not pick.search(t['name']):
            continue
        props = {p['name']: p['value'] for p in t.get('properties', [])}
        env = dict(os.environ)
        for kv in props.get('ENVIRONMENT', []):
            k, _, v = kv.partition('=')
            env[k] = v
        t0 = time.monotonic()
        p = subprocess.Popen(t['command'], cwd=props.get('WORKING_DIRECTORY'), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        rc = os.waitstatus_to_exitcode(status)
        res = 'ok' if rc == 0 else 'skipped' if rc == props.get('SKIP_RETURN_CODE') else f'exit {rc}'
        rows.append((ru.ru_utime + ru.ru_stime, wall, t['name'], res))
    rows.sort(reverse=True)
    print(f'{"test":<24} {"cpu s":>8} {"wall s":>8}')
    for cpu, wall, name, res in rows:
        print(f'{name:<24} {cpu:8.1f} {wall:8.1f}  {res if res != "ok" else ""}')
    print(f'{"total":<24} {sum(r[0] for r in rows):8.1f} {sum(r[1] for r in rows):8.1f}')
    return 1 if any(r[3].startswith('exit') for r in rows) else 0


if __name__ == '__main__':
    sys.exit(main())
