#!/usr/bin/env python3
"""Cross-check crashsig validate's verdicts against nm and llvm-dwarfdump.

  bench/check_validate_names.py [--bin build/crashsig] [--vmlinux V]
        [--modules DIR] [--count 1000] [--seed 12] [--census FILE]

Samples names (a fixed random seed): function symbols of vmlinux and of the
modules (nm), identifier strings of vmlinux's .debug_str that are not symbols
(variables, types, inline functions, ...) and made-up names. Each name is
validated as "WARNING in NAME" with `crashsig validate --json`, and the
verdict is recomputed independently:
  - nm on vmlinux: the exact name at 2+ addresses -> multiple-static; at one
    address -> partly-inlined when llvm-dwarfdump shows a DW_TAG_subprogram
    of that name with DW_AT_inline DW_INL_inlined / DW_INL_declared_inlined,
    else symbol; only NAME.suffix pieces -> symbol-suffixed;
  - nm on the modules: the name -> module, only its pieces ->
    symbol-suffixed (of that module);
  - llvm-dwarfdump --name on vmlinux: a DW_TAG_inlined_subroutine whose
    abstract origin has the name -> inline-only;
  - a module inline-only verdict is checked with llvm-dwarfdump on that
    module;
  - otherwise absent.
Every inline-only verdict of --census FILE (tests/validate/census-6.1.txt)
is checked the same way. Prints the disagreements and the totals; exit
status 0 when everything agrees.
"""
import argparse
import collections
import json
import os
import random
import re
import subprocess
import sys

VMLINUX = "/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64"
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def nm_functions(paths):
    """base name -> {exact: set of (file, addr), pieces: set of names}"""
    out = collections.defaultdict(lambda: {"exact": set(), "pieces": set()})
    for i in range(0, len(paths), 200):
        res = subprocess.run(["nm", "-A", "--defined-only"] + paths[i:i + 200],
                             capture_output=True, text=True)
        for line in res.stdout.splitlines():
            # FILE:ADDR TYPE NAME
            try:
                left, typ, name = line.rsplit(" ", 2)
                f, addr = left.rsplit(":", 1)
            except ValueError:
                continue
            if typ not in "TtWw" or name.startswith(".L"):
                continue
            if f != paths[0] and name in ("init_module", "cleanup_module"):
                continue
            base = name.split(".", 1)[0] if not name.startswith(".") else name
            if name == base:
                out[base]["exact"].add((f, addr))
            else:
                out[base]["pieces"].add(name)
    return out


def debug_str_idents(path):
    res = subprocess.run(["readelf", "-W", "-p", ".debug_str", path],
                         capture_output=True, text=True)
    names = set()
    for line in res.stdout.splitlines():
        m = re.match(r"\s*\[\s*[0-9a-f]+\]\s+(\S+)$", line)
        if m and IDENT.match(m.group(1)):
            names.add(m.group(1))
    return names


def dwarfdump(path, names):
    """name -> {"inlined_attr": bool, "instances": int}"""
    info = {n: {"inlined_attr": False, "instances": 0} for n in names}
    names = sorted(names)
    for i in range(0, len(names), 400):
        args = ["llvm-dwarfdump"] + ["--name=" + n for n in names[i:i + 400]] + [path]
        res = subprocess.run(args, capture_output=True, text=True)
        for block in res.stdout.split("\n\n"):
            tag = re.search(r"DW_TAG_(\w+)", block)
            if not tag:
                continue
            if tag.group(1) == "subprogram":
                m = re.search(r'DW_AT_name\s+\("([^"]+)"\)', block)
                if m and m.group(1) in info and re.search(
                        r"DW_AT_inline\s+\(DW_INL_(declared_)?inlined\)", block):
                    info[m.group(1)]["inlined_attr"] = True
            elif tag.group(1) == "inlined_subroutine":
                m = re.search(r'DW_AT_abstract_origin\s+\(0x[0-9a-f]+ "([^"]+)"\)', block)
                if m and m.group(1) in info:
                    info[m.group(1)]["instances"] += 1
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/crashsig")
    ap.add_argument("--vmlinux", default=VMLINUX)
    ap.add_argument("--modules", default=None)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--census", default=None)
    a = ap.parse_args()
    mdir = a.modules
    if mdir is None:
        rel = os.path.basename(a.vmlinux).split("vmlinux-", 1)[-1]
        mdir = "/usr/lib/debug/lib/modules/" + rel
    mods = []
    for root, dirs, files in os.walk(mdir):
        dirs[:] = [d for d in dirs if d != ".build-id"]
        mods += [os.path.join(root, f) for f in files if f.endswith(".ko")]
    mods.sort()
    modname = {p: os.path.basename(p)[:-3].replace("-", "_") for p in mods}

    vm = nm_functions([a.vmlinux])
    md = nm_functions(mods) if mods else {}
    rnd = random.Random(a.seed)
    vm_names = sorted(n for n in vm if IDENT.match(n))
    md_names = sorted(n for n in md if IDENT.match(n) and n not in vm)
    strs = sorted(n for n in debug_str_idents(a.vmlinux) if n not in vm and n not in md)
    skip = re.compile(r"^(sys_|SyS_|SYSC_|compat_sys_|compat_SyS_|C_SYSC_)|^(corrupted|NUM|ADDR|PTR|DEV)$")
    n_vm, n_md, n_str = a.count // 2, a.count * 3 // 20, a.count * 3 // 10
    sample = rnd.sample(vm_names, n_vm) + rnd.sample(md_names, min(n_md, len(md_names)))
    sample += rnd.sample(strs, n_str)
    fakes = []
    while len(sample) + len(fakes) < a.count:
        base = rnd.choice(vm_names)
        fakes.append(base + "_" + "".join(rnd.choice("xqzj") for _ in range(4)))
    sample = [n for n in sample + fakes if not skip.search(n)]
    census_inline = []
    if a.census:
        for line in open(a.census):
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) >= 4 and f[1] == "inline-only":
                census_inline.append(f[2])
    names = sorted(set(sample) | set(census_inline))

    titles = "/tmp/check_validate_titles.txt"
    with open(titles, "w") as f:
        for n in names:
            f.write("WARNING in %s\n" % n)
    res = subprocess.run([a.bin, "validate", "--vmlinux", a.vmlinux, "--modules", mdir,
                          "--json", "-T", titles], capture_output=True, text=True)
    if res.returncode == 2:
        sys.exit("crashsig validate failed: " + res.stderr)
    got = {}
    for line in res.stdout.splitlines():
        d = json.loads(line)
        got[d["function"]] = d

    dd = dwarfdump(a.vmlinux, [n for n in names])
    by_mod = collections.defaultdict(list)
    for n in names:
        d = got.get(n)
        if d and d["status"] == "inline-only" and d["module"]:
            by_mod[d["module"]].append(n)
    mod_path = {modname[p]: p for p in mods}
    dd_mod = {}
    for m, ns in by_mod.items():
        if m in mod_path:
            for n, v in dwarfdump(mod_path[m], ns).items():
                dd_mod[(m, n)] = v

    bad = 0
    inline_checked = 0
    counts = collections.Counter()
    for n in names:
        d = got.get(n)
        if not d:
            print("MISSING %s" % n)
            bad += 1
            continue
        st = d["status"]
        v = vm.get(n)
        if v and v["exact"]:
            addrs = {x[1] for x in v["exact"]}
            if len(addrs) >= 2:
                want = "multiple-static"
            elif dd[n]["inlined_attr"]:
                want = "partly-inlined"
            else:
                want = "symbol"
        elif v and v["pieces"]:
            want = "symbol-suffixed"
        elif n in md and md[n]["exact"]:
            want = "module"
        elif n in md:
            want = "symbol-suffixed"
        elif dd[n]["instances"]:
            want = "inline-only"
        elif st == "inline-only" and d["module"] and dd_mod.get((d["module"], n), {}).get("instances"):
            want = "inline-only"
        else:
            want = "absent"
        if st == "inline-only":
            inline_checked += 1
        counts[want] += 1
        if st != want:
            bad += 1
            print("DISAGREE %-40s crashsig=%s oracle=%s" % (n, st, want))
    print("names: %d (sample %d, census inline-only %d)" % (len(names), len(sample),
                                                         len(census_inline)))
    print("oracle verdicts: " + ", ".join("%s %d" % kv for kv in counts.most_common()))
    print("inline-only verdicts checked: %d" % inline_checked)
    print("agreement: %d/%d" % (len(names) - bad, len(names)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
