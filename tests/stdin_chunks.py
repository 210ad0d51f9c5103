#!/usr/bin/env python3
"""Nothing lost in bytes: the concatenated corpus written to crashsig's
standard input in random piece sizes gives byte-identical `--all --json`
output (titles, offsets, texts; only "file" differs) to reading the file.

usage: stdin_chunks.py CRASHSIG SOURCE_DIR [SHARED_DIR]
"""
import os
import random
import subprocess
import sys
import tempfile
import threading


def inputs(src, shared):
    dirs = [os.path.join(src, "fixtures/report"), os.path.join(src, "fixtures/realkernel"),
            os.path.join(src, "fixtures/reliability/cli")]
    if shared and os.path.isdir(os.path.join(shared, "corpus")):
        dirs += [os.path.join(shared, "corpus/syzkaller/linux/report"),
                 os.path.join(shared, "seeds"), os.path.join(shared, "realkernel")]
    else:
        print("skipped: the shared corpus part because ../shared is absent")
    out = []
    for d in dirs:
        if os.path.isdir(d):
            out += [os.path.join(d, n) for n in sorted(os.listdir(d))
                    if os.path.isfile(os.path.join(d, n)) and not n.endswith((".ko", ".rules"))]
    return out


def strip_file(lines, name):
    pre = b'{"file":' + name + b","
    out = []
    for line in lines:
        if not line.startswith(pre):
            raise SystemExit(f"FAIL: unexpected line {line[:100]!r}")
        out.append(line[len(pre):])
    return out


def main():
    exe, src = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else None
    data = b"".join(open(p, "rb").read() for p in inputs(src, shared))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "all.log")
        with open(path, "wb") as f:
            f.write(data)
        ref = subprocess.run([exe, "--all", "--json", path], stdout=subprocess.PIPE,
                             check=False).stdout.splitlines()
    ref = strip_file(ref, b'"' + path.encode() + b'"')
    if len(ref) < 10:
        raise SystemExit(f"FAIL: only {len(ref)} reports in {len(data)} bytes")
    for seed, maxpiece in ((1, 7), (2, 300), (3, 70000)):
        rng = random.Random(seed)
        p = subprocess.Popen([exe, "--all", "--json", "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, bufsize=0)
        got = []
        t = threading.Thread(target=lambda: got.append(p.stdout.read()))
        t.start()
        off = 0
        pieces = 0
        while off < len(data):
            k = rng.randint(1, maxpiece)
            p.stdin.write(data[off:off + k])
            off += k
            pieces += 1
        p.stdin.close()
        t.join()
        p.wait()
        out = strip_file(got[0].splitlines(), b'"<stdin>"')
        if out != ref:
            for i, (a, b) in enumerate(zip(out, ref)):
                if a != b:
                    raise SystemExit(f"FAIL: pieces <= {maxpiece}: report {i} differs:\n"
                                     f"  stdin: {a[:300]!r}\n  file:  {b[:300]!r}")
            raise SystemExit(f"FAIL: pieces <= {maxpiece}: {len(out)} reports, file {len(ref)}")
        print(f"pieces <= {maxpiece} ({pieces} writes): {len(out)} reports identical")
    print(f"{len(data)} bytes")


if __name__ == "__main__":
    main()
