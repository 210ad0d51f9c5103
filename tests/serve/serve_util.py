"""Helpers of the crashsig serve tests: start `crashsig serve` on a free
loopback port (port 0; the port is read from its "listening on" line),
talk HTTP with http.client, stop it. Standard library only."""
import atexit
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time


_running = []


@atexit.register
def _kill_left_over():
    """A test that fails with an exception leaves no server behind."""
    for s in _running:
        if s.proc and s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


class Server:
    def __init__(self, binary, db, logpath, *args, env=None, listen="127.0.0.1:0"):
        self.binary = binary
        self.db = db
        self.logpath = logpath
        self.args = list(args)
        self.env = env
        self.listen = listen
        self.proc = None
        self.port = None
        self.requests = 0  # made through request() and json()
        _running.append(self)
        self.start()

    def start(self):
        self.log = open(self.logpath, "ab")
        self.logstart = self.log.tell()
        cmd = [self.binary, "serve", "--db", self.db, "--listen", self.listen] + self.args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.log,
                                     env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            text = self.log_text()
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", text)
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise RuntimeError("crashsig serve exited %d:\n%s" % (self.proc.returncode, text))
            time.sleep(0.02)
        raise RuntimeError("crashsig serve did not start:\n" + self.log_text())

    def log_text(self):
        """What this run of the server wrote to stderr."""
        with open(self.logpath, "rb") as f:
            f.seek(self.logstart)
            return f.read().decode("utf-8", "replace")

    def conn(self, timeout=60):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        self.requests += 1
        c = self.conn()
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def json(self, path):
        status, _, data = self.request("GET", path)
        if status != 200:
            raise AssertionError("GET %s: %d %s" % (path, status, data[:300]))
        return json.loads(data)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()


class Checks:
    """Counts passed and failed checks; a failed one is printed."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def ok(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s: %s %s" % (self.name, what, detail))
            sys.stdout.flush()
        return cond

    def eq(self, what, want, got):
        return self.ok(what, want == got, "want [%r] got [%r]" % (want, got))

    def done(self):
        print("%s: %d checks passed, %d failed" % (self.name, self.passed, self.failed))
        return 1 if self.failed or not self.passed else 0


def store_crashes(binary, db):
    """Every crash of the store, through `crashsig dedup --crashes --json`."""
    out = subprocess.run([binary, "dedup", "--db", db, "--crashes", "--json"],
                         stdout=subprocess.PIPE, check=False).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def store_bugs(binary, db):
    out = subprocess.run([binary, "dedup", "--db", db, "--list", "--json"],
                         stdout=subprocess.PIPE, check=False).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]
