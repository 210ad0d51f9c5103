#!/usr/bin/env python3
"""Module files that exist but cannot be used are named with the reason, and
decompression is bounded by the module's own ELF headers (issue 15,
fixtures/reliability/symbolize).

usage: symbolize_modules.py CRASHSIG SOURCE_DIR ELF
"""
import json
import os
import resource
import subprocess
import sys


def main():
    exe, src, elf = sys.argv[1:4]
    rel = os.path.join(src, "fixtures/reliability/symbolize")
    log = os.path.join(src, "fixtures/realkernel/gpf.log")  # frames in [crashgen]
    cases = {
        "mod_xz_bomb": ("crashgen.ko.xz", "not an ELF file"),
        "mod_zst_bomb": ("crashgen.ko.zst", "not an ELF file"),
        "mod_ko_notelf": ("crashgen.ko", "not an ELF file"),
        "mod_gz_corrupt": ("crashgen.ko.gz", "gzip"),
    }
    for d, (fname, reason) in sorted(cases.items()):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        p = subprocess.run([exe, "symbolize", "--json", "--vmlinux", elf, "--modules",
                            os.path.join(rel, d), log], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        notes = set()
        for line in p.stdout.decode().splitlines():
            r = json.loads(line)
            if r.get("module") == "crashgen":
                notes.add(r.get("note") or "")
        if not notes:
            raise SystemExit(f"FAIL {d}: no frame of module crashgen in the output")
        for n in notes:
            if fname not in n or reason not in n:
                raise SystemExit(f"FAIL {d}: note {n!r} does not name {fname} and {reason!r}")
        if max(rss, before) > 400 * 1024:
            raise SystemExit(f"FAIL {d}: peak RSS {rss} KB (decompression not bounded)")
        print(f"{d}: {sorted(notes)[0]} (peak RSS of the children so far {rss} KB)")


if __name__ == "__main__":
    main()
