#!/usr/bin/env python3
"""crashsig serve over HTTP: the API (POST /api/crashes, duplicates,
sources, filters, bugs, crashes), the refusals (401 without a token, 403
for a browser's write without tokens, 413 for a body over the limit or one
that expands too much, 400 for corrupt input, 404, 405), escaping of a
title full of <script>, every page, one log line per request, the options
that must fail, and that no other command loads libmicrohttpd.

usage: cli_serve.py CRASHSIG_BINARY SOURCE_DIR"""
import gzip
import html
import json
import time
import lzma
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_util import Checks, Server, store_bugs, store_crashes  # noqa: E402

binary, src = sys.argv[1], sys.argv[2]
T = Checks("cli_serve")
tmp = tempfile.mkdtemp(prefix="crashsig-serve-")
fixtures = os.path.join(src, "fixtures")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run(*args, env=None):
    p = subprocess.run([binary] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, check=False)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# A crash whose title and task name are full of markup, quotes and invalid
# UTF-8 (a kernel panic's message is free text in its title).
XSS_TITLE_PART = b'<script>document.body.setAttribute("data-pwned","1")</script>'
XSS_LOG = (b"[   10.000000] Kernel panic - not syncing: " + XSS_TITLE_PART +
           b" 'q' \xff\xfe&amp;\n"
           b"[   10.000001] CPU: 0 PID: 1 Comm: <img src=x onerror=alert(1)> Not tainted 6.1.0 #1\n")

try:
    # ---- options and start-up errors ----
    rc, out, _ = run("help", "serve")
    T.eq("help exit", 0, rc)
    T.ok("help names the API", "POST /api/crashes" in out and "--tokens" in out, out[:200])
    rc, _, err = run("serve", "--db", os.path.join(tmp, "x.db"), "--listen", "0.0.0.0:0")
    T.eq("non-loopback without tokens: exit", 2, rc)
    T.ok("non-loopback without tokens: says why", "loopback only" in err, err)
    short = os.path.join(tmp, "short.tokens")
    with open(short, "w") as f:
        f.write("tooshort\n")
    rc, _, err = run("serve", "--db", os.path.join(tmp, "x.db"), "--tokens", short)
    T.eq("short token: exit", 2, rc)
    T.ok("short token: names the line", "short.tokens:1" in err, err)
    rc, _, err = run("serve", "--db", os.path.join(tmp, "no/such/dir/x.db"), "--listen", "127.0.0.1:0")
    T.eq("bad store: exit", 2, rc)
    T.ok("bad store: names it", "no/such/dir" in err, err)
    for bad in (["--max-body", "0"], ["--threads", "x"], ["--listen", "nonsense"], ["extra"]):
        rc, _, err = run("serve", *bad)
        T.eq("bad option %s: exit" % bad, 2, rc)

    # ---- only serve maps libmicrohttpd ----
    env = dict(os.environ, LD_DEBUG="files")
    for args in (["--version"], ["dedup", "--db", os.path.join(tmp, "none.db"), "--list"],
                 [os.path.join(fixtures, "realkernel", "warn.log")]):
        _, _, err = run(*args, env=env)
        T.ok("crashsig %s does not load libmicrohttpd" % args[0],
             "libmicrohttpd" not in err and "file=" in err, err[-300:])

    # ---- a server with tokens and a small body limit ----
    tokens = os.path.join(tmp, "tokens")
    with open(tokens, "w") as f:
        f.write("# writers\nci-secret-token-0123456789 ci-runner\n\nfarm-token-abcdefghijklmnop\n")
    os.chmod(tokens, 0o600)
    db = os.path.join(tmp, "s.db")
    log = os.path.join(tmp, "serve.log")
    S = Server(binary, db, log, "--tokens", tokens, "--max-body", "64K",
               "--max-expanded", "1M")
    with open("/proc/%d/maps" % S.proc.pid) as f:
        T.ok("serve maps libmicrohttpd.so.12", "libmicrohttpd.so.12" in f.read())
    auth = {"Authorization": "Bearer ci-secret-token-0123456789"}
    raw_requests = 0  # sent on a socket of our own

    def req(method, path, body=None, headers=None):
        return S.request(method, path, body, headers)

    warn = read(os.path.join(fixtures, "realkernel", "warn.log"))
    st, hd, body = req("POST", "/api/crashes?machine=vm1", warn)
    T.eq("no token: 401", 401, st)
    T.ok("no token: WWW-Authenticate", "Bearer" in hd.get("WWW-Authenticate", ""), hd)
    T.ok("no token: a JSON error", json.loads(body).get("status") == 401, body)
    st, _, _ = req("POST", "/api/crashes?machine=vm1", warn,
                   {"Authorization": "Bearer ci-secret-token-012345678"})
    T.eq("a prefix of a token: 401", 401, st)
    st, _, _ = req("POST", "/api/crashes?machine=vm1", warn,
                   {"Authorization": "Bearer ci-secret-token-0123456789X"})
    T.eq("a token and more: 401", 401, st)
    T.eq("refused writes add nothing", [], store_crashes(binary, db))

    st, _, body = req("POST", "/api/crashes?machine=vm1", warn, auth)
    T.eq("token: 200", 200, st)
    first = json.loads(body)["crashes"]
    T.ok("answer fields", len(first) >= 1 and set(first[0]) >= {"id", "bug", "title", "new_bug", "duplicate"},
         first)
    T.ok("first time: not duplicates", all(not c["duplicate"] for c in first), first)
    st, _, body = req("POST", "/api/crashes?machine=vm1", warn,
                      {"Authorization": "Bearer farm-token-abcdefghijklmnop"})
    again = json.loads(body)["crashes"]
    T.eq("the same body again: the same ids", [c["id"] for c in first], [c["id"] for c in again])
    T.ok("the same body again: duplicates", all(c["duplicate"] and not c["new_bug"] for c in again), again)
    T.eq("the same body again: counts once", len(first), len(store_crashes(binary, db)))
    bug = first[0]["bug"]
    T.eq("bug count", len([c for c in first if c["bug"] == bug]), S.json("/api/bugs/%d" % bug)["bug"]["count"])
    # the same log compressed: the same content, the same crashes
    for name, data in (("gzip", gzip.compress(warn)), ("xz", lzma.compress(warn)),
                       ("gzip, another level", gzip.compress(warn, 1))):
        st, _, body = req("POST", "/api/crashes?machine=vm1", data, auth)
        gz = json.loads(body)["crashes"]
        T.eq("%s body: 200" % name, 200, st)
        T.eq("%s body: the same crashes" % name, [c["id"] for c in first], [c["id"] for c in gz])
        T.ok("%s body: duplicates" % name, all(c["duplicate"] for c in gz), gz)
    # a body of more crashes than a request holds parsed (256): written
    # alone as it is parsed, all or nothing
    one = read(os.path.join(fixtures, "report", "arm-alignment-trap"))
    n_one = len(subprocess.run([binary, "--all", "-"], input=one, stdout=subprocess.PIPE,
                               check=True).stdout.splitlines())
    many = one * (300 // n_one + 1)
    before = len(store_crashes(binary, db))
    st, _, body = req("POST", "/api/crashes?machine=vm1&source=many", gzip.compress(many), auth)
    T.eq("a body of many crashes: 200", 200, st)
    got = json.loads(body)["crashes"] if st == 200 else []
    T.ok("a body of many crashes: more than 256, none a duplicate",
         len(got) > 256 and not any(c["duplicate"] for c in got), len(got))
    T.eq("a body of many crashes: all kept", before + len(got), len(store_crashes(binary, db)))
    st, _, body = req("POST", "/api/crashes?machine=vm1&source=many", gzip.compress(many), auth)
    T.ok("a body of many crashes again: all duplicates",
         st == 200 and all(c["duplicate"] for c in json.loads(body)["crashes"]), body[:300])
    toolong = one * ((1 << 20) // len(one) + 10)  # past --max-expanded 1M after 256 crashes
    T.ok("(the body is over 1M expanded)", len(toolong) > (1 << 20), len(toolong))
    st, _, _ = req("POST", "/api/crashes?machine=vm1&source=toolong", gzip.compress(toolong), auth)
    T.eq("a body written alone, then over the limit: 413", 413, st)
    T.eq("... and none of its crashes kept", before + len(got), len(store_crashes(binary, db)))
    # another source: other crashes (the same text sent as another log)
    st, _, body = req("POST", "/api/crashes?machine=vm1&source=warn-gz", gzip.compress(warn), auth)
    gz = json.loads(body)["crashes"]
    T.ok("another source: new crashes", gz and not any(c["duplicate"] for c in gz), gz)
    T.eq("another source: the same titles", [c["title"] for c in first], [c["title"] for c in gz])
    # a growing log under one source: what was read before is a duplicate
    gpf = read(os.path.join(fixtures, "realkernel", "gpf.log"))
    st, _, body = req("POST", "/api/crashes?machine=vm2&source=console", gpf, auth)
    one = json.loads(body)["crashes"]
    st, _, body = req("POST", "/api/crashes?machine=vm2&source=console", gpf + warn, auth)
    grown = json.loads(body)["crashes"]
    T.eq("grown log: the old crashes are duplicates", [True] * len(one),
         [c["duplicate"] for c in grown[:len(one)]])
    T.ok("grown log: the new ones are not", grown[len(one):] and
         all(not c["duplicate"] for c in grown[len(one):]), grown)

    # ---- refusals of bodies ----
    st, _, body = req("POST", "/api/crashes", b"x" * (70 * 1024), auth)
    T.eq("body over --max-body: 413", 413, st)
    T.ok("413 says the limit", b"65536" in body, body)
    # chunked, without Content-Length: read and dropped, then 413
    s = socket.create_connection(("127.0.0.1", S.port))
    s.sendall(b"POST /api/crashes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ci-secret-token-0123456789\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    for _ in range(6):
        s.sendall(b"4000\r\n" + b"y" * 0x4000 + b"\r\n")
    s.sendall(b"0\r\n\r\n")
    s.settimeout(10)
    T.ok("chunked body over the limit: 413", s.recv(100).startswith(b"HTTP/1.1 413"))
    s.close()
    raw_requests += 1
    bomb = gzip.compress(b"\n" * (3 << 20))
    st, _, body = req("POST", "/api/crashes", bomb, auth)
    T.eq("a body expanding beyond --max-expanded: 413", 413, st)
    st, _, body = req("POST", "/api/crashes?source=cut", gzip.compress(warn)[:-20], auth)
    T.eq("a truncated gzip body: 400", 400, st)
    T.ok("400 says why", b"error" in body, body)
    st, _, body = req("POST", "/api/crashes?machine=a%01b", warn, auth)
    T.eq("a machine name with a control character: 400", 400, st)
    n_before = len(store_crashes(binary, db))

    # ---- a title full of <script> ----
    st, _, body = req("POST", "/api/crashes?machine=%3Cb%3Efuzzer%22%3C%2Fb%3E", XSS_LOG, auth)
    x = json.loads(body)["crashes"]
    T.eq("xss crash: 200", 200, st)
    T.ok("xss crash: the API keeps the title", x and "<script>document.body" in x[0]["title"], x)
    xbug = x[0]["bug"]
    for path in ("/", "/bug/%d" % xbug, "/crash/" + x[0]["id"], "/machines", "/top", "/stats",
                 "/?q=script"):
        st, hd, page = req("GET", path)
        T.eq("GET %s" % path, 200, st)
        T.ok("%s: no <script> (escaped)" % path, b"<script" not in page.lower(), page[:200])
        T.ok("%s: no injected attribute" % path, b"<img" not in page and b"<b>" not in page)
        T.ok("%s: CSP" % path, "script-src" not in hd.get("Content-Security-Policy", "x") and
             "default-src 'none'" in hd.get("Content-Security-Policy", ""), hd)
        page.decode("utf-8")  # always valid UTF-8
    st, _, page = req("GET", "/bug/%d" % xbug)
    T.ok("bug page shows the escaped title", b"&lt;script&gt;document.body.setAttribute(&quot;data-pwned&quot;" in page)
    st, _, page = req("GET", "/crash/" + x[0]["id"])
    T.ok("crash page: invalid UTF-8 as U+FFFD", "\ufffd\ufffd&amp;amp;".encode() in page, page[-2000:])
    T.ok("crash page: the task name escaped", b"&lt;img src=x onerror=alert(1)&gt;" in page)
    st, _, page = req("GET", "/machines")
    T.ok("machines page: the machine name escaped", b"&lt;b&gt;fuzzer&quot;&lt;/b&gt;" in page)
    T.ok("machines page: the link encoded", b"/?machine=%3Cb%3Efuzzer%22%3C%2Fb%3E" in page)

    # ---- the JSON API ----
    bugs = S.json("/api/bugs")["bugs"]
    T.eq("GET /api/bugs: every bug", len(store_bugs(binary, db)), len(bugs))
    T.eq("bug objects are the CLI's", sorted(store_bugs(binary, db)[0]), sorted(bugs[0]))
    T.eq("status filter", len(bugs), len(S.json("/api/bugs?status=open")["bugs"]))
    T.eq("status filter: none fixed", 0, len(S.json("/api/bugs?status=fixed")["bugs"]))
    only = S.json("/api/bugs?title=%5EWARNING")["bugs"]
    T.ok("title regex", only and all(b["title"].startswith("WARNING") for b in only), only)
    T.eq("machine filter", {c["bug"] for c in grown},
         {b["id"] for b in S.json("/api/bugs?machine=vm2")["bugs"]})
    counts = [b["count"] for b in S.json("/api/bugs?sort=count")["bugs"]]
    T.eq("sort=count: largest first", sorted(counts, reverse=True), counts)
    T.eq("limit", 2, len(S.json("/api/bugs?limit=2")["bugs"]))
    T.eq("search box over titles and frames", {xbug},
         {b["id"] for b in S.json("/api/bugs?q=PWNED")["bugs"]})
    T.ok("search by a frame", any(b["id"] == bug for b in S.json("/api/bugs?q=crashgen_warn")["bugs"]))
    for bad in ("/api/bugs?sort=nope", "/api/bugs?status=nope", "/api/bugs?title=(",
                "/api/bugs?since=yesterday", "/api/bugs?limit=-1", "/api/crashes?after=x"):
        st, _, body = req("GET", bad)
        T.eq("GET %s: 400" % bad, 400, st)
        T.ok("GET %s: JSON error" % bad, "error" in json.loads(body), body)
    one_bug = S.json("/api/bugs/%d" % bug)
    T.ok("bug with its report", one_bug["bug"]["report"] and "events" in one_bug, list(one_bug))
    crashes = S.json("/api/bugs/%d/crashes" % bug)
    T.eq("bug crashes: one per count", one_bug["bug"]["count"], len(crashes["crashes"]))
    T.eq("bug crashes: no more pages", None, crashes["next_after"])
    paged = S.json("/api/crashes?limit=2")
    T.eq("crash paging: limit", 2, len(paged["crashes"]))
    nxt = S.json("/api/crashes?limit=2&after=%d" % paged["next_after"])
    T.ok("crash paging: the next page follows", nxt["crashes"][0]["seq"] > paged["crashes"][1]["seq"])
    allc = S.json("/api/crashes?limit=100000")["crashes"]
    T.eq("GET /api/crashes: every crash", len(store_crashes(binary, db)), len(allc))
    T.eq("nothing of the refused bodies was kept", n_before + len(x), len(allc))
    c1 = S.json("/api/crashes/" + first[0]["id"])
    T.ok("one crash with its report and log", c1["report"] and c1["log"] and c1["machine"] == "vm1", c1)
    for path, want in (("/api/bugs/999999", 404), ("/api/bugs/0", 404), ("/api/bugs/1/x", 404),
                       ("/api/crashes/nope", 404), ("/bug/999999", 404), ("/bug/abc", 404),
                       ("/nothing", 404), ("/api/nothing", 404)):
        st, _, _ = req("GET", path)
        T.eq("GET %s" % path, want, st)
    st, hd, _ = req("DELETE", "/api/bugs")
    T.eq("DELETE /api/bugs: 405", 405, st)
    T.eq("405 names the methods", "GET, HEAD", hd.get("Allow"))
    st, hd, body = req("HEAD", "/")
    T.eq("HEAD /", 200, st)
    T.eq("HEAD: no body", b"", body)
    st, hd, page = req("GET", "/?sort=24h&status=open&machine=vm1")
    T.eq("bug list sorted and filtered", 200, st)
    T.ok("bug list rows are the machine's bugs",
         len(re.findall(rb'<tr class="bug"', page)) == len(S.json("/api/bugs?machine=vm1")["bugs"]))
    st, _, _ = req("GET", "/?sort=nope")
    T.eq("bug list: a bad sort is 400", 400, st)
    st, _, page = req("GET", "/bug/%d?limit=1" % bug)
    T.eq("bug page: one crash per page", 1, len(re.findall(rb'<tr class="crash"', page)))
    # the bug list in pages, and its columns against the crashes
    ids = sorted(b["id"] for b in S.json("/api/bugs")["bugs"])
    def rows(path):
        return [int(i) for i in re.findall(rb'<tr class="bug" data-id="(\d+)"', req("GET", path)[2])]
    _, _, page = req("GET", "/?sort=id&limit=2")
    T.eq("bug list: the first page", ids[:2], rows("/?sort=id&limit=2"))
    T.ok("bug list: a next link, no previous", b'rel="next" href="/?sort=id&amp;limit=2&amp;offset=2' in page
         and b'rel="prev"' not in page, page[-600:])
    _, _, page = req("GET", "/?sort=id&limit=2&offset=2&status=open")
    T.eq("bug list: the second page", ids[2:4], rows("/?sort=id&limit=2&offset=2"))
    T.ok("bug list: a previous link keeping the filters",
         b'rel="prev" href="/?sort=id&amp;limit=2&amp;offset=0&amp;status=open"' in page, page[-600:])
    T.eq("bug list: the last page", ids[-1:], rows("/?sort=id&limit=5&offset=%d" % (len(ids) - 1)))
    T.eq("bug list: past the end", [], rows("/?sort=id&offset=%d" % len(ids)))
    _, _, page = req("GET", "/?sort=id&limit=100000")
    now = time.time()
    for b in S.json("/api/bugs?sort=count&limit=3")["bugs"]:
        times = [c["time"] for c in S.json("/api/bugs/%d/crashes" % b["id"])["crashes"]]
        m = re.search(rb'<tr class="bug" data-id="%d">.*?</td><td class="n">(\d+)</td>'
                      rb'<td class="n">(\d+)</td><td class="n">(\d+)</td>' % b["id"], page)
        T.ok("bug %d: its row" % b["id"], m is not None)
        if m:
            T.eq("bug %d: count, 24 h, 7 d" % b["id"],
                 (b["count"], sum(t >= now - 86400 + 5 for t in times), sum(t >= now - 7 * 86400 + 5 for t in times)),
                 tuple(int(x) for x in m.groups()))
        machines = sorted({c["machine"] for c in S.json("/api/bugs/%d/crashes" % b["id"])["crashes"] if c["machine"]})
        cell = re.search(rb'<tr class="bug" data-id="%d">.*?</tr>' % b["id"], page).group(0)
        T.eq("bug %d: its machines" % b["id"], machines[:3],
             [html.unescape(x.decode()) for x in re.findall(rb'<a href="/\?machine=[^"]*">([^<]*)</a>', cell)])

    # ---- one log line per request, then a clean stop ----
    T.eq("SIGTERM: exit 0", 0, S.stop(signal.SIGTERM))
    lines = [l for l in S.log_text().splitlines() if re.match(r"\d{4}-\d\d-\d\dT", l)]
    T.eq("one log line per request", S.requests + raw_requests, len(lines))
    T.ok("a log line: method, path, query, status, client",
         any(re.search(r" 127\.0\.0\.1 POST /api/crashes\?machine=vm1 200 \d+ [\d.]+ms client=ci-runner crashes=", l)
             for l in lines), "\n".join(lines[:5]))
    T.ok("the token never in the log", "0123456789" not in S.log_text())
    T.ok("the log escapes control characters", "a\\x01b" in S.log_text())

    # ---- without tokens: loopback, and no writes from web pages ----
    S = Server(binary, db, log)
    st, _, _ = S.request("POST", "/api/crashes", warn, {"Origin": "https://evil.example"})
    T.eq("a browser's write without tokens: 403", 403, st)
    st, _, body = S.request("POST", "/api/crashes?machine=vm1", warn)
    T.eq("a write without tokens on loopback: 200", 200, st)
    T.ok("... a duplicate", all(c["duplicate"] for c in json.loads(body)["crashes"]))
    # bug pages symbolize the report with --vmlinux (Debian's 6.1 debug
    # vmlinux and the crashgen module of the real-kernel fixtures)
    vmlinux = "/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64"
    if os.path.exists(vmlinux):
        V = Server(binary, db, log, "--vmlinux", vmlinux, "--modules",
                   os.path.join(fixtures, "realkernel"))
        st, _, body = V.request("POST", "/api/crashes?machine=vm3",
                                read(os.path.join(fixtures, "realkernel", "gpf.log")))
        gbug = json.loads(body)["crashes"][0]["bug"]
        st, _, page = V.request("GET", "/bug/%d" % gbug)
        T.ok("--vmlinux: the report is symbolized",
             b"crashgen_gpf+0xc/0x20 [crashgen] /tmp/crashgen-work/module/crashgen.c:99" in page and
             b"symbolized with" in page, page[:300])
        st, _, page = V.request("GET", "/crash/" + json.loads(body)["crashes"][0]["id"])
        T.ok("the crash page keeps the report as received", b"crashgen.c:99" not in page)
        V.stop()
    else:
        print("skipped: --vmlinux because %s is absent (Debian package "
              "linux-image-6.1.0-56-cloud-amd64-dbg)" % vmlinux)

    # DNS rebinding: a loopback server answers only to its own names
    for host, want in (("evil.example", 403), ("evil.example:%d" % S.port, 403),
                       ("localhost:%d" % S.port, 200), ("127.0.0.2", 200),
                       ("[::1]:%d" % S.port, 200), ("proxy.example", 403)):
        st, _, _ = S.request("GET", "/api/bugs", headers={"Host": host})
        T.eq("Host: %s" % host, want, st)
    T.eq("SIGINT: exit 0", 0, S.stop(signal.SIGINT))
    S = Server(binary, db, log, "--allow-host", "proxy.example")
    st, _, _ = S.request("GET", "/", headers={"Host": "proxy.example:443"})
    T.eq("--allow-host: its name is answered", 200, st)
    st, _, _ = S.request("GET", "/", headers={"Host": "other.example"})
    T.eq("--allow-host: other names are not", 403, st)
    S.stop()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(T.done())
