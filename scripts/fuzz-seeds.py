#!/usr/bin/env python3
"""Build the seed corpora of the fuzz targets (tests/fuzz) at run time from
fixtures/, rules/, the test ELF fixtures and ../shared when present (nothing
is copied into the tree).

usage: fuzz-seeds.py OUTDIR SYMFIX_DIR [SHARED_DIR]
"""
import hashlib
import os
import sys


def files(d, skip=()):
    out = []
    if not os.path.isdir(d):
        return out
    for root, dirs, names in os.walk(d):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if os.path.isfile(p) and not n.endswith(skip):
                out.append(p)
    return out


def put(outdir, target, data, cap):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    data = data[:cap]
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def main():
    out, symfix = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else ""
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fx = os.path.join(src, "fixtures")
    logs = (files(os.path.join(fx, "report")) + files(os.path.join(fx, "realkernel"), (".ko",))
            + files(os.path.join(fx, "reliability", "parser"))
            + [p for p in files(os.path.join(fx, "reliability", "cli")) if p.endswith((".log", ".txt"))])
    if shared:
        logs += files(os.path.join(shared, "corpus/syzkaller/linux/report"))
        logs += files(os.path.join(shared, "seeds"))
        logs += files(os.path.join(shared, "realkernel"), (".ko",))
        logs += files(os.path.join(shared, "corpus/syzbot-emails"))[:150]
    else:
        print("fuzz-seeds: ../shared absent: seeds from fixtures only")
    # the same logs compressed, and a tar of two (the input layer's paths)
    import bz2, gzip, io, lzma, tarfile
    for i, p in enumerate(logs[:40]):
        data = open(p, "rb").read()[:16384]
        comp = (bz2.compress, gzip.compress, lzma.compress)[i % 3]
        put(out, "fuzz_parser", comp(data), 65536)
        put(out, "fuzz_mail", comp(data), 65536)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for p in logs[:2]:
            t.add(p, arcname=os.path.basename(p))
    put(out, "fuzz_parser", buf.getvalue()[:65536], 65536)
    put(out, "fuzz_mail", buf.getvalue()[:65536], 65536)
    decode = files(os.path.join(fx, "decode"))
    frames = set()
    for p in logs:
        data = open(p, "rb").read()
        put(out, "fuzz_parser", data, 65536)
        put(out, "fuzz_dedup", data, 32768)
        if b"Code: " in data or b"Instruction dump" in data:
            decode.append(p)
        for line in data.splitlines():
            if (b"+0x" in line or b"[<" in line) and len(frames) < 3000:
                frames.add(line[:512])
    for line in frames:
        put(out, "fuzz_frame", line, 512)
    for p in decode:
        put(out, "fuzz_decode", open(p, "rb").read(), 16384)
    rules = files(os.path.join(src, "rules"), (".md",))
    rules += [p for p in files(os.path.join(fx, "reliability")) if p.endswith(".rules")
              or "/rules/" in p]
    for p in rules:
        put(out, "fuzz_rules", open(p, "rb").read(), 65536)
    sym = [p for p in logs if b"+0x" in open(p, "rb").read()][:400]
    for p in sym:
        put(out, "fuzz_symbolize", open(p, "rb").read(), 16384)
    put(out, "fuzz_symbolize", b"main+0x12/0x80\nfixmod:fixmod_slowpath+0x6\n"
        b" fix_dup+0x2/0x10\n RIP: 0010:fixmod_entry+0x10/0x40 [fixmod]\n"
        b"Kernel Offset: 0x1000 from 0xffffffff81000000\n 0x401136\n", 16384)
    elf = files(symfix) + files(os.path.join(fx, "reliability", "symbolize"))
    elf += [p for p in files(os.path.join(fx, "realkernel")) if p.endswith(".ko")]
    for p in elf:
        put(out, "fuzz_elf", open(p, "rb").read(), 1 << 19)
    bis = []
    if shared:
        bis += files(os.path.join(shared, "seeds"))
    bis += [p for p in files(os.path.join(fx, "bisect"))]
    for p in bis:
        put(out, "fuzz_bisect", open(p, "rb").read(), 262144)
    # validate: a title line, then report text / MAINTAINERS excerpts
    val = files(os.path.join(fx, "validate"), (".c",))
    for p in val + sym[:100]:
        data = open(p, "rb").read()
        title = b"general protection fault in fix_dup\n"
        for line in data.splitlines():
            if line.startswith((b"BUG:", b"WARNING:", b"general protection", b"KASAN:")):
                title = line + b"\n"
                break
        put(out, "fuzz_validate", title + data, 16384)
    for t in ("WARNING in fix_dup", "KASAN: use-after-free Read in main",
              "KCSAN: data-race in fix_dup / main", "INFO: task hung in fix_other_entry"):
        put(out, "fuzz_validate", t.encode() + b"\n", 16384)
    # mail: raw messages of the list archives, our hostile mail fixtures
    mails = [p for p in files(os.path.join(fx, "input", "hostile"))
             if p.endswith((".eml", ".mbox"))]
    if shared:
        for d in sorted(os.listdir(os.path.join(shared, "corpus", "mail"))):
            mails += [p for p in files(os.path.join(shared, "corpus", "mail", d))
                      if p.endswith(".eml")][:150]
    for p in mails:
        put(out, "fuzz_mail", open(p, "rb").read(), 65536)
    for t in sorted(os.listdir(out)):
        print(f"fuzz-seeds: {t}: {len(os.listdir(os.path.join(out, t)))} seeds")


if __name__ == "__main__":
    main()
