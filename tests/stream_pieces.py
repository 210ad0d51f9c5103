#!/usr/bin/env python3
"""decode and symbolize stream their input (bounded memory): the output is
the same whether the input is worked on in small pieces or large ones, long
lines are bounded, and nothing is lost.

usage: stream_pieces.py CRASHSIG SOURCE_DIR ELF [SHARED_DIR]
CRASHSIG_TEST_PIECE_BYTES makes the pieces small (a test knob of the CLI).
"""
import os
import subprocess
import sys
import tempfile


def run(cmd, piece=None, stdin=None):
    env = dict(os.environ)
    if piece:
        env["CRASHSIG_TEST_PIECE_BYTES"] = str(piece)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       input=stdin, timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    exe, src, elf = sys.argv[1:4]
    shared = sys.argv[4] if len(sys.argv) > 4 else ""
    files = []
    for d in ("fixtures/report", "fixtures/decode", "fixtures/realkernel"):
        dd = os.path.join(src, d)
        files += [os.path.join(dd, n) for n in sorted(os.listdir(dd)) if not n.endswith(".ko")]
    rep = os.path.join(shared, "corpus/syzkaller/linux/report")
    if shared and os.path.isdir(rep):
        files += [os.path.join(rep, n) for n in sorted(os.listdir(rep))]
    else:
        print("skipped: the shared corpus part because ../shared is absent")
    data = b"".join(open(f, "rb").read() for f in files)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "all.log")
        with open(path, "wb") as f:
            f.write(data)
        cases = [("decode --json", [exe, "decode", "--json", path]),
                 ("decode", [exe, "decode", path]),
                 ("symbolize", [exe, "symbolize", "--vmlinux", elf, path]),
                 ("symbolize --json", [exe, "symbolize", "--json", "--vmlinux", elf, path])]
        for name, cmd in cases:
            # one piece of everything: what the library gives for the
            # whole input at once
            rc, ref, _ = run(cmd, 1 << 40)
            if not ref:
                raise SystemExit(f"FAIL {name}: no output")
            for piece in (None, 4096, 65536):
                rc2, out, _ = run(cmd, piece)
                if (rc2, out) != (rc, ref):
                    raise SystemExit(f"FAIL {name}: pieces of {piece or 'default'} bytes differ "
                                     f"(exit {rc2} vs {rc}, {len(out)} vs {len(ref)} bytes)")
            print(f"{name}: {len(ref)} bytes of output, the same in one piece and in "
                  "pieces of 4 KiB, 64 KiB and 1 MiB (the default)")
        # one Code: line of 3 MB: bounded, reported, not decoded
        big = os.path.join(tmp, "big.log")
        with open(big, "wb") as f:
            f.write(b"[  1.0] RIP: 0010:f+0x1/0x2\n[  1.0] Code: " + b"48 8b 45 00 " * 262144
                    + b"<0f> 0b\nafter\n")
        rc, out, err = run([exe, "decode", big])
        if rc != 1 or b"over the 8192-byte limit" not in err or b"big.log:2:" not in err:
            raise SystemExit(f"FAIL: long Code: line: exit {rc}, {err[:300]!r}")
        print("decode: a 3 MB Code: line is reported:", err.decode().splitlines()[-1])
        # symbolize copies a line too long to be a frame unchanged
        with open(big, "wb") as f:
            f.write(b"hello\n" + b"x" * 3000000 + b"\nafter\n")
        rc, out, err = run([exe, "symbolize", "--vmlinux", elf, big])
        if out != open(big, "rb").read():
            raise SystemExit(f"FAIL: symbolize changed a long line ({len(out)} bytes out)")
        rc, out, err = run([exe, "symbolize", "--vmlinux", elf, "-"], stdin=b"no newline")
        if out != b"no newline":
            raise SystemExit(f"FAIL: symbolize: last line without newline: {out!r}")
        print("symbolize: long lines and a last line without newline copied unchanged")


if __name__ == "__main__":
    main()
