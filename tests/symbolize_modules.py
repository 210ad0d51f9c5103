#!/usr/bin/env python3
"""Module files that exist but cannot be used are named with the reason (in
each frame's note and in the "modules not found" message), and decompression
is bounded by the module's own ELF headers (issue 15, issue 19 item 4,
fixtures/reliability/symbolize).

usage: symbolize_modules.py CRASHSIG SOURCE_DIR ELF
"""
import gzip
import json
import lzma
import os
import resource
import subprocess
import sys
import tempfile


def notes_of(exe, elf, moddir, log):
    p = subprocess.run([exe, "symbolize", "--json", "--vmlinux", elf, "--modules", moddir,
                        log], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    out = []
    for line in p.stdout.decode().splitlines():
        r = json.loads(line)
        if r.get("module") == "crashgen":
            out.append(r)
    return out


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
        # the "modules not found" message names the file and the reason
        # (the loader's text, shared with validate)
        err = p.stderr.decode()
        want = f"  crashgen: not used: {os.path.join(rel, d, fname)}: "
        line = next((l for l in err.splitlines() if l.startswith(want)), None)
        if "modules not found: crashgen" not in err or not line or reason not in line:
            raise SystemExit(f"FAIL {d}: stderr does not name {fname} and {reason!r}:\n{err}")
        if max(rss, before) > 400 * 1024:
            raise SystemExit(f"FAIL {d}: peak RSS {rss} KB (decompression not bounded)")
        print(f"{d}: {sorted(notes)[0]} (peak RSS of the children so far {rss} KB)")
    # made here from the real module: truncated, padded beyond its ELF
    # header, and intact (compressed modules still work)
    ko = open(os.path.join(src, "fixtures/realkernel/crashgen.ko"), "rb").read()
    made = {
        "crashgen.ko": (ko[:len(ko) // 2], "truncated"),
        "crashgen.ko.xz": (lzma.compress(ko[:len(ko) - 100]), "truncated"),
        "crashgen.ko.gz": (gzip.compress(ko + bytes(1 << 20)), "more than"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, (data, reason) in made.items():
            d = os.path.join(tmp, name.replace(".", "_"))
            os.mkdir(d)
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            notes = {r.get("note") or "" for r in notes_of(exe, elf, d, log)}
            if not notes or any(name not in n or reason not in n for n in notes):
                raise SystemExit(f"FAIL {name}: notes {notes} lack {name!r} and {reason!r}")
            print(f"{name} ({reason}): {sorted(notes)[0]}")
        for name, data in (("crashgen.ko.xz", lzma.compress(ko)),
                           ("crashgen.ko.gz", gzip.compress(ko))):
            d = os.path.join(tmp, "ok_" + name.replace(".", "_"))
            os.mkdir(d)
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            rs = notes_of(exe, elf, d, log)
            if not rs or any("crashgen" in (r.get("note") or "") and "module" in (r.get("note") or "")
                             for r in rs):
                raise SystemExit(f"FAIL intact {name}: {[r.get('note') for r in rs]}")
            print(f"intact {name}: {len(rs)} frames of crashgen looked up, no module problem")


if __name__ == "__main__":
    main()
