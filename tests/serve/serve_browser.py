#!/usr/bin/env python3
"""crashsig serve in a real browser: headless Chromium (Debian chromium)
loads the bug list and bug pages of a store built from the corpus (the
shared syzkaller corpus and the real Debian crashes when ../shared is
there, else the fixtures), and the test asserts on the DOM Chromium
rendered: one row per bug with its title, one row per crash of a bug, its
titles; a crash whose title is a <script> stays text and runs nothing.
Screenshots are kept in ARTIFACTS_DIR.

usage: serve_browser.py CRASHSIG_BINARY SOURCE_DIR ARTIFACTS_DIR SHARED_DIR
Exit 77 (skipped) without Chromium."""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_util import Checks, Server, store_bugs  # noqa: E402

binary, src, artifacts, shared = (os.path.abspath(a) for a in sys.argv[1:5])
browser = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
if not browser:
    print("skipped: serve_browser because Chromium is not installed "
          "(Debian package chromium; scripts/deps.sh installs it)")
    sys.exit(77)

T = Checks("serve_browser")
tmp = tempfile.mkdtemp(prefix="crashsig-browser-")
os.makedirs(artifacts, exist_ok=True)


def chromium(url, shot):
    """The DOM Chromium renders for url (scripts run), and a screenshot."""
    profile = tempfile.mkdtemp(dir=tmp)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--user-data-dir=" + profile, "--window-size=1400,1000",
           "--screenshot=" + os.path.join(artifacts, shot), "--dump-dom", url]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120,
                       check=False, cwd=tmp)
    T.ok("chromium %s: exit 0" % url, p.returncode == 0, p.returncode)
    T.ok("screenshot %s" % shot, os.path.getsize(os.path.join(artifacts, shot)) > 1000)
    return p.stdout.decode("utf-8")


class Dom(html.parser.HTMLParser):
    """Rows of tables (by their class) with the text of each cell, the
    elements seen, and attributes of <body>."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.rows = []  # (class, [cell texts], {attrs of the row})
        self.tags = {}
        self.body = {}
        self.texts = []  # all text
        self.cell = None
        self.h1 = ""
        self.in_h1 = False
        self.titles = []  # li.title texts
        self.in_li = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "body":
            self.body = a
        elif tag == "tr":
            self.rows.append((a.get("class", ""), [], a))
        elif tag == "td" and self.rows:
            self.rows[-1][1].append("")
            self.cell = self.rows[-1][1]
        elif tag == "h1":
            self.in_h1 = True
        elif tag == "li" and a.get("class") == "title":
            self.titles.append("")
            self.in_li = True

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "h1":
            self.in_h1 = False
        elif tag == "li":
            self.in_li = False

    def handle_data(self, data):
        self.texts.append(data)
        if self.cell is not None:
            self.cell[-1] += data
        if self.in_h1:
            self.h1 += data
        if self.in_li:
            self.titles[-1] += data

    def table(self, cls):
        return [cells for c, cells, _ in self.rows if c.split() and c.split()[0] == cls]


try:
    db = os.path.join(tmp, "bugs.db")
    corpus = os.path.join(shared, "corpus", "syzkaller", "linux", "report")
    real = os.path.join(shared, "realkernel", "reports")
    if os.path.isdir(corpus):
        inputs = [("fuzz-1", [corpus]), ("ci-2", [os.path.join(src, "fixtures", "realkernel")] +
                                           ([real] if os.path.isdir(real) else []))]
        print("store: the shared corpus %s and the real Debian crashes" % corpus)
    else:
        inputs = [("fuzz-1", [os.path.join(src, "fixtures", "report")]),
                  ("ci-2", [os.path.join(src, "fixtures", "realkernel")])]
        print("store: the fixtures (%s is absent)" % corpus)
    for machine, paths in inputs:
        p = subprocess.run([binary, "dedup", "--db", db, "--machine", machine] + paths,
                           stdout=subprocess.DEVNULL, check=False)
        T.eq("crashsig dedup %s" % machine, 0, p.returncode)
    S = Server(binary, db, os.path.join(tmp, "serve.log"))
    xss = (b"[   10.000000] Kernel panic - not syncing: "
           b"<script>document.body.setAttribute(\"data-pwned\",\"1\")</script> \"q\" 'r' \xff\n")
    st, _, body = S.request("POST", "/api/crashes?machine=%3Cscript%3Ex%3C%2Fscript%3E", xss)
    T.eq("POST a <script> title", 200, st)
    xbug = json.loads(body)["crashes"][0]["bug"]
    base = "http://127.0.0.1:%d" % S.port
    bugs = {b["id"]: b for b in store_bugs(binary, db)}

    # the bug list: one row per bug, each with its title
    dom = Dom(chromium(base + "/?limit=100000&sort=id", "bugs.png"))
    rows = dom.table("bug")
    T.eq("bug list: a row per bug", len(bugs), len(rows))
    shown = [cells[0].strip() for cells in rows]
    want = [bugs[i]["title"] for i in sorted(bugs)]
    T.eq("bug list: the titles, by id", want[:5], [s.split(" (+")[0] for s in shown][:5])
    T.ok("bug list: every title", all(s.split(" (+")[0].strip() == w for s, w in zip(shown, want)),
         [(s, w) for s, w in zip(shown, want) if s.split(" (+")[0].strip() != w][:3])
    T.eq("bug list: counts", [str(bugs[i]["count"]) for i in sorted(bugs)], [c[1] for c in rows])
    T.ok("bug list: sparklines", dom.tags.get("svg", 0) >= len(rows))

    # a bug page: its titles and one row per crash
    big = max((b for b in bugs.values() if b["count"] <= 1000 and b["id"] != xbug and
               b["title"] != "corrupted report"), key=lambda b: (b["count"], -b["id"]))
    dom = Dom(chromium(base + "/bug/%d?limit=1000" % big["id"], "bug.png"))
    T.ok("bug page: its title", big["title"] in dom.h1, (dom.h1, big["title"]))
    T.eq("bug page: a row per crash", big["count"], len(dom.table("crash")))
    T.ok("bug page: every title", all(any(t in li for li in dom.titles)
                                      for t in big["alt_titles"] + big["other_titles"]),
         (dom.titles, big["alt_titles"]))
    T.ok("bug page: the daily chart", dom.tags.get("svg", 0) >= 1)
    corrupted = next(b for b in bugs.values() if b["title"] == "corrupted report")
    dom = Dom(chromium(base + "/bug/%d?limit=1000" % corrupted["id"], "bug-corrupted.png"))
    T.eq("corrupted reports' page: a row per crash", min(corrupted["count"], 1000),
         len(dom.table("crash")))

    # similar open bugs by signature: never the bug itself, nearest first
    seen_similar = 0
    for i in sorted(bugs):
        st, _, page = S.request("GET", "/bug/%d" % i)
        rows = Dom(page.decode("utf-8", "replace")).table("similar")
        if not rows:
            continue
        seen_similar += 1
        d = [float(cells[0]) for cells in rows]
        linked = [int(x) for x in re.findall(rb'<tr class="similar[^"]*"><td class="n">[^<]*</td><td><a href="/bug/(\d+)"', page)]
        T.ok("bug %d: similar bugs nearest first, under 1" % i, d == sorted(d) and all(x < 1 for x in d), d)
        T.ok("bug %d: similar bugs are other open bugs" % i,
             len(linked) == len(rows) and i not in linked and
             all(bugs[b]["status"] == "open" for b in linked), (linked, rows))
    if os.path.isdir(corpus):
        T.ok("similar bugs listed on some bug page of the corpus", seen_similar > 0, seen_similar)

    # the <script> title: text, not code
    dom = Dom(chromium(base + "/bug/%d" % xbug, "xss.png"))
    T.eq("xss: no script element", 0, dom.tags.get("script", 0))
    T.ok("xss: the script did not run", "data-pwned" not in dom.body, dom.body)
    T.ok("xss: the title is shown as text",
         '<script>document.body.setAttribute("data-pwned","NUM")</script> "q" \'r\'' in dom.h1, dom.h1)
    dom = Dom(chromium(base + "/machines", "machines.png"))
    T.ok("machines: a row per machine", len(dom.table("machine")) == 3, dom.table("machine"))
    T.ok("machines: the <script> machine name is text",
         any("<script>x</script>" in cells[0] for cells in dom.table("machine")))
    T.eq("xss: no script element on the machines page", 0, dom.tags.get("script", 0))
    dom = Dom(chromium(base + "/top?days=30", "top.png"))
    T.ok("top crashers: rows", len(dom.table("bug")) >= 10)
    dom = Dom(chromium(base + "/stats", "stats.png"))
    T.ok("crashes per day: a chart and a row for today", dom.tags.get("svg", 0) == 1 and
         len(dom.table("day")) >= 1)
    S.stop()
    print("screenshots: %s" % artifacts)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(T.done())
