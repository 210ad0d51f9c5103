#!/usr/bin/env python3
"""Every JSON line of every subcommand is valid UTF-8 and valid JSON.

usage: json_utf8.py CRASHSIG SOURCE_DIR ELF [SHARED_DIR]

Runs `crashsig --all --json`, `crashsig decode --json`, `crashsig symbolize
--json --vmlinux ELF` and `crashsig symbolize --json --addresses --vmlinux
ELF` over the fixtures (reports, decode, real kernel logs, the reliability
reproducers: encoded surrogates, overlong forms, raw 0xff bytes, CR-only
lines) and, when present, the shared corpus. Each stdout line must decode
with a strict UTF-8 decoder and parse with json.loads; the strings it holds
must encode back to UTF-8 (no lone surrogates from \\uD8xx escapes).
"""
import json
import os
import subprocess
import sys
import tempfile

from annotated import argv_batches


def files_under(d):
    out = []
    for root, dirs, names in os.walk(d):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if os.path.isfile(p) and os.path.getsize(p) < (4 << 20):
                out.append(p)
    return out


def check_output(what, data):
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        ctx = data[max(0, e.start - 60):e.end + 20]
        raise SystemExit(f"FAIL {what}: invalid UTF-8 at byte {e.start}: {ctx!r}")
    n = 0
    for i, line in enumerate(text.splitlines()):
        if not line:
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise SystemExit(f"FAIL {what}: line {i + 1} is not JSON ({e}): {line[:200]!r}")
        try:
            json.dumps(obj, ensure_ascii=False).encode("utf-8", errors="strict")
        except UnicodeEncodeError as e:
            raise SystemExit(f"FAIL {what}: line {i + 1} holds a lone surrogate: {e}")
        n += 1
    return n


def run(cmd, files, what):
    """cmd over all the files: one process (annotated.argv_batches)."""
    total = 0
    for batch in argv_batches(files):
        p = subprocess.run(cmd + batch, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=1800)
        if p.returncode not in (0, 1, 2) or p.returncode < 0:
            raise SystemExit(f"FAIL {what}: exit {p.returncode} on {batch[0]}..")
        total += check_output(f"{what} {batch[0]}..", p.stdout)
    return total


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    exe, src, elf = sys.argv[1:4]
    shared = sys.argv[4] if len(sys.argv) > 4 else None
    inputs = []
    for d in ("fixtures/report", "fixtures/decode", "fixtures/realkernel", "fixtures/bisect",
              "fixtures/reliability/parser", "fixtures/reliability/cli", "fixtures/reliability/bisect",
              "fixtures/reliability/rules"):
        inputs += files_under(os.path.join(src, d))
    inputs = [f for f in inputs if not f.endswith((".ko", ".rules", ".md"))]
    corpus = []
    if shared:
        for d in ("corpus/syzkaller/linux/report", "corpus/syzbot-emails",
                  "seeds", "realkernel", "reliability"):
            p = os.path.join(shared, d)
            if os.path.isdir(p):
                corpus += [f for f in files_under(p)
                           if not f.endswith((".ko", ".xz", ".zst", ".gz"))]
    if not corpus:
        print("skipped: the shared corpus part because ../shared is absent")
    allin = inputs + corpus
    tmp = tempfile.mkdtemp()
    counts = {
        "classify": run([exe, "--all", "--json"], allin, "crashsig --all --json"),
        "decode": run([exe, "decode", "--json"], allin, "crashsig decode --json"),
        "symbolize": run([exe, "symbolize", "--json", "--vmlinux", elf], allin,
                         "crashsig symbolize --json"),
        "bisect": run([exe, "bisect", "--json"], allin, "crashsig bisect --json"),
        "dedup": run([exe, "dedup", "--json", "--db", "sqlite:" + os.path.join(tmp, "bugs.db")],
                     allin, "crashsig dedup --json"),
        "validate": run([exe, "validate", "--json", "--vmlinux", elf, "--modules", ""],
                        inputs, "crashsig validate --json"),
        "addresses": run([exe, "symbolize", "--json", "--addresses", "--vmlinux", elf],
                         [os.path.join(src, "fixtures/reliability/cli/addr_bad.txt")],
                         "crashsig symbolize --json --addresses"),
    }
    for k, v in counts.items():
        print(f"{k}: {v} JSON lines, all valid UTF-8")
        if not v:
            raise SystemExit(f"FAIL {k}: no JSON output at all")
    print(f"{len(allin)} inputs")
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
