#!/usr/bin/env python3
"""Reads from crashsig serve: CLIENTS clients (keep-alive connections) ask
for the same page N times each, over a store built from the shared corpus
(602 logs, ~440 bugs, ~950 crashes); prints requests/s and the latency
(p50, p99) per page.

usage: bench_serve_read.py CRASHSIG_BINARY SOURCE_DIR SHARED_DIR [CLIENTS] [N]
BENCH_DB=PATH: read that store instead (e.g. one made by
build/bench/bench_bigstore: 10,000 bugs, 1,000,000 crashes); it is not
changed."""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "serve"))
from serve_util import Server, store_bugs  # noqa: E402

binary, src, shared = sys.argv[1:4]
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 4
n = int(sys.argv[5]) if len(sys.argv) > 5 else 200
tmp = tempfile.mkdtemp(prefix="crashsig-bench-")
try:
    db = os.environ.get("BENCH_DB")
    if not db:
        db = os.path.join(tmp, "bugs.db")
        subprocess.run([binary, "dedup", "--db", db, "--machine", "fuzz-1",
                        os.path.join(shared, "corpus", "syzkaller", "linux", "report")],
                       stdout=subprocess.DEVNULL, check=True)
        subprocess.run([binary, "dedup", "--db", db, "--machine", "ci-2",
                        os.path.join(src, "fixtures", "realkernel")], stdout=subprocess.DEVNULL,
                       check=True)
    bugs = store_bugs(binary, db)
    top = max(bugs, key=lambda b: b["count"] if b["title"] != "corrupted report" else 0)
    S = Server(binary, db, os.path.join(tmp, "log"), "--threads", str(clients))
    print("store: %d bugs, %d crashes" % (len(bugs), sum(b["count"] for b in bugs)))
    for path in ("/", "/bug/%d" % top["id"], "/top", "/machines", "/stats", "/api/bugs",
                 "/api/bugs/%d/crashes" % top["id"]):
        lat, size = [], [0]
        lock = threading.Lock()

        def client():
            c = http.client.HTTPConnection("127.0.0.1", S.port)
            for _ in range(n):
                t = time.time()
                c.request("GET", path)
                r = c.getresponse()
                body = r.read()
                el = time.time() - t
                assert r.status == 200, r.status
                with lock:
                    lat.append(el)
                    size[0] = len(body)
            c.close()

        t0 = time.time()
        th = [threading.Thread(target=client) for _ in range(clients)]
        for t in th:
            t.start()
        for t in th:
            t.join()
        el = time.time() - t0
        lat.sort()
        print("GET %-22s %7d bytes: %6.0f requests/s, p50 %6.1f ms, p99 %6.1f ms" %
              (path, size[0], len(lat) / el, lat[len(lat) // 2] * 1000,
               lat[int(len(lat) * 0.99)] * 1000))
    S.stop()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
