#!/usr/bin/env python3
"""crashsig serve under load, on loopback: CLIENTS clients each send
CRASHES crashes (one per request, from the fixtures that hold exactly one
crash; each request its own source, so each crash its own id), every
tenth one sent again at once (a retry). With --kill, serve is killed with
SIGKILL once 40% of the crashes are acknowledged and started again; the
clients send what was not acknowledged again, as a client would.

Checks: every request is acknowledged in the end; a crash is answered
"duplicate": false at most once; a request answered at its first attempt
is not a duplicate, and its retry is (the same id, the same bug); the
store holds exactly the acknowledged crashes, each counted once (the sum
of the bugs' counts); every crash acknowledged before the kill is there.

Against SQLite one serve process; with --pg URL (a fresh schema of that
server) two serve processes on one PostgreSQL store, each client sending
to one of them and to the other while its own is down.

usage: serve_load.py CRASHSIG_BINARY SOURCE_DIR [--clients N] [--crashes N]
                     [--threads N] [--kill] [--pg URL] [--quiet-log]
Prints requests/s and the latency (p50, p99) of acknowledged requests."""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_util import Checks, Server, store_bugs, store_crashes  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("src")
ap.add_argument("--clients", type=int, default=8)
ap.add_argument("--crashes", type=int, default=2000)
ap.add_argument("--threads", type=int, default=4)
ap.add_argument("--kill", action="store_true")
ap.add_argument("--pg")
args = ap.parse_args()

backend = "postgresql" if args.pg else "sqlite"
T = Checks("serve_load (%s)" % backend)
tmp = tempfile.mkdtemp(prefix="crashsig-load-")

# the fixtures holding exactly one crash (one process reads them all)
rdir = os.path.join(args.src, "fixtures", "report")
out = subprocess.run([args.binary, "--all", "--fields", "file"] +
                     [os.path.join(rdir, f) for f in sorted(os.listdir(rdir))],
                     stdout=subprocess.PIPE, check=False).stdout
per = {}
for line in out.splitlines():
    f = json.loads(line)["file"]
    per[f] = per.get(f, 0) + 1
bodies = []
for f in sorted(f for f, n in per.items() if n == 1):
    with open(f, "rb") as fh:
        bodies.append(fh.read())
T.ok("fixtures with one crash", len(bodies) >= 50, len(bodies))


def pg_url(schema):
    sql = "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (
        schema, schema)
    subprocess.run(["psql", "-X", "-q", "-d", args.pg, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)
    return args.pg + ("&" if "?" in args.pg else "?") + "options=-csearch_path%3D" + schema


db = pg_url("serve_load") if args.pg else os.path.join(tmp, "load.db")
log = os.path.join(tmp, "serve.log")
common = ["--threads", str(args.threads)]
servers = [Server(args.binary, db, log + "0", *common)]
if args.pg:
    servers.append(Server(args.binary, db, log + "1", *common))

lock = threading.Lock()
acked = {}        # crash id -> (client, k, bug)
fresh = {}        # crash id -> answers with duplicate: false
first_try_dup = []  # requests acknowledged at their first attempt but duplicates
retry_bad = []    # retries not answered as the duplicate of the same crash
failures = [0]    # attempts that failed (connection, 5xx)
lat = []
done = [0]
killed_before = set()  # acknowledged before the kill


def attempt(conn_box, server_index, method, path, body):
    """One request on the client's connection; None when it failed."""
    s = servers[server_index]
    try:
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
        c = conn_box[0]
        c.request(method, path, body=body)
        r = c.getresponse()
        data = r.read()
        if r.status != 200:
            raise IOError("HTTP %d %s" % (r.status, data[:200]))
        return json.loads(data)["crashes"]
    except (OSError, http.client.HTTPException, ValueError):
        if conn_box[0] is not None:
            conn_box[0].close()
        conn_box[0] = None
        return None


def client(i):
    box = [None]
    home = i % len(servers)
    for k in range(args.crashes):
        body = bodies[(i * 31 + k) % len(bodies)]
        path = "/api/crashes?machine=load-%d&source=load-%d-%d" % (i, i, k)
        tries = 0
        t0 = time.time()
        while True:
            # a client of a fleet sends to the other server while its own is down
            srv = home if tries % 2 == 0 else (home + 1) % len(servers)
            crashes = attempt(box, srv, "POST", path, body)
            if crashes is not None:
                break
            tries += 1
            with lock:
                failures[0] += 1
            if tries > 600:
                raise RuntimeError("client %d: request %d never acknowledged" % (i, k))
            time.sleep(0.05)
            box[0] = None
        el = time.time() - t0
        with lock:
            if len(crashes) != 1:
                retry_bad.append(("not one crash", i, k, crashes))
                continue
            c = crashes[0]
            if not tries:
                lat.append(el)
                if c["duplicate"]:
                    first_try_dup.append((i, k, c))
            if not c["duplicate"]:
                fresh[c["id"]] = fresh.get(c["id"], 0) + 1
            prev = acked.get(c["id"])
            if prev and prev[:2] != (i, k):
                retry_bad.append(("id of another request", i, k, c, prev))
            acked[c["id"]] = (i, k, c["bug"])
            done[0] += 1
        if k % 10 == 9:
            # a retry of an acknowledged request: the same crash, counted once
            again = None
            while again is None:
                again = attempt(box, home, "POST", path, body)
                if again is None:
                    time.sleep(0.05)
                    home = (home + 1) % len(servers)
            if not (len(again) == 1 and again[0]["duplicate"] and again[0]["id"] == c["id"] and
                    again[0]["bug"] == c["bug"]):
                with lock:
                    retry_bad.append(("retry", i, k, c, again))
    if box[0] is not None:
        box[0].close()


total = args.clients * args.crashes
t0 = time.time()
threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
for t in threads:
    t.start()
if args.kill:
    while done[0] < total * 0.4 and any(t.is_alive() for t in threads):
        time.sleep(0.01)
    victim = servers[0]
    victim.kill9()
    with lock:
        killed_before = set(acked)
    print("killed serve (SIGKILL) after %d acknowledged crashes" % len(killed_before))
    time.sleep(0.5)
    victim.start()
    print("started again on port %d" % victim.port)
for t in threads:
    t.join()
elapsed = time.time() - t0
for s in servers:
    T.eq("serve stops cleanly", 0, s.stop())

lat.sort()
n = len(lat)
print("%s: %d clients x %d crashes (+%d retries) in %.1f s: %.0f requests/s; "
      "latency p50 %.1f ms, p99 %.1f ms; %d failed attempts (kill)" %
      (backend, args.clients, args.crashes, total // 10, elapsed,
       (total + total // 10) / elapsed, lat[n // 2] * 1000 if n else 0,
       lat[min(n - 1, int(n * 0.99))] * 1000 if n else 0, failures[0]))
T.eq("every request acknowledged", total, done[0])
T.eq("one crash id per request", total, len(acked))
T.eq("no crash answered as new twice", [], [i for i, c in fresh.items() if c > 1][:5])
T.eq("first attempts are new crashes", [], first_try_dup[:5])
T.eq("retries answer the same crash as a duplicate", [], retry_bad[:5])
stored = store_crashes(args.binary, db)
ids = [c["id"] for c in stored]
T.eq("the store has one row per crash id", len(ids), len(set(ids)))
T.eq("the store holds exactly the acknowledged crashes", set(acked), set(ids))
T.ok("crashes acknowledged before the kill are there", killed_before <= set(ids),
     len(killed_before - set(ids)))
T.eq("each acknowledged crash in the bug it was acknowledged in", [],
     [c["id"] for c in stored if c["id"] in acked and acked[c["id"]][2] != c["bug"]][:5])
T.eq("counted once: the bugs' counts add up", len(ids),
     sum(b["count"] for b in store_bugs(args.binary, db)))
if args.kill:
    T.ok("the kill happened in the middle", 0 < len(killed_before) < total, len(killed_before))
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(T.done())
