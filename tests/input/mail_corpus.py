#!/usr/bin/env python3
"""Raw mail (issue 19) over the shared list archives (../shared/corpus/mail):

1. Mail handling loses nothing: the crashes crashsig finds in each raw
   message (RFC 5322 + MIME) are those it finds in the message's decoded,
   unquoted body, as Python's email package decodes it (an independent
   MIME, quoted-printable, base64 and charset decoder): same titles, same
   order. The body is each text part (not HTML alternatives, not binary
   attachments), format=flowed joined, with quoted text ("> ", the
   attribution, below "-----Original Message-----") and syzbot's title
   lines (the line after "still triggering an issue:", its title tables)
   left out.
2. Nothing lost, nothing invented: the messages of each archive written
   as one mbox (mboxrd), concatenated as they are (cat), and the mbox fed
   to standard input in pieces of random sizes give the crashes of the
   messages one by one: same titles, message ids, offsets in the message.
3. The score of ../shared/tools/score-mail (messages right, crashes found in
   messages that hold none, first title right) does not fall below
   tests/input/mail-ratchet.txt.

One crashsig process reads all messages, one all bodies.
usage: mail_corpus.py CRASHSIG RATCHET DIR..."""
import email
import email.policy
import json
import os
import re
import subprocess
import sys
import tempfile

exe, ratchet = sys.argv[1:3]
dirs = sys.argv[3:]

TEXT_SKIP = {'text/html', 'text/enriched', 'text/richtext', 'text/calendar', 'text/x-vcard',
             'text/vcard', 'text/rtf', 'text/css', 'text/xml'}
ATTRIB = ('wrote:', 'writes:', 'schrieb:', 'a \u00e9crit :', 'a \u00e9crit:', 'escribi\u00f3:',
          'scrisse:', 'napisa\u0142:', '\u043d\u0430\u043f\u0438\u0441\u0430\u043b:', '\u5199\u9053\uff1a',
          '\u5199\u9053:')


def is_text(part):
    t = part.get_content_type()
    name = (part.get_filename() or part.get_param('name') or '')
    if isinstance(name, tuple):
        name = name[2]
    name = str(name).lower()
    if t.startswith('multipart/'):
        return True
    if t.startswith('text/'):
        return t not in TEXT_SKIP
    return t == 'application/octet-stream' and name.endswith(('.log', '.txt', '.dmesg'))


def unflow(text, delsp):
    out, cur, depth = [], None, 0
    for l in text.split('\n'):
        d = len(l) - len(l.lstrip('>'))
        c = l[d:]
        if c.startswith(' '):
            c = c[1:]
        soft = c.endswith(' ') and c != '-- '
        if cur is not None and d != depth:
            out.append(cur)
            cur = None
        if cur is None:
            cur, depth = ('>' * d + (' ' if d else '')), d
        cur += c[:-1] if soft and delsp else c
        if not soft:
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return '\n'.join(out)


def texts(msg):
    """The decoded text parts of a message, as str (bytes kept through
    surrogateescape)."""
    out = []

    def walk(part, alternative):
        if part.is_multipart():
            if part.get_content_type() == 'message/rfc822' or not part.get_boundary():
                pass
            alt = part.get_content_type() == 'multipart/alternative'
            seen = [False]
            for p in part.get_payload():
                walk(p, seen if alt else None)
            return
        if not is_text(part):
            return
        if alternative is not None:
            if alternative[0]:
                return
            alternative[0] = True
        raw = part.get_payload(decode=True) or b''
        cs = part.get_content_charset() or 'utf-8'
        if cs in ('gb2312',):
            cs = 'gbk'
        try:
            t = raw.decode(cs, 'surrogateescape')
        except LookupError:
            t = raw.decode('utf-8', 'surrogateescape')
        t = t.replace('\r\n', '\n').replace('\r', '\n')
        if (part.get_param('format') or '').lower() == 'flowed':
            t = unflow(t, (part.get_param('delsp') or '').lower() == 'yes')
        out.append(t)

    walk(msg, None)
    return out


def own_text(t, syzbot):
    """The lines that are the message's own console text."""
    keep, orig, expect, table, prev_from = [], False, False, False, False
    for l in t.split('\n'):
        q = l.startswith('>')
        s = l.strip()
        if re.match(r'^\s*-{5,}\s*Original Message\s*-{5,}\s*$', l):
            orig = True
        if not q and prev_from and l.startswith('Sent: '):
            orig = True  # Outlook: the original's From:/Sent:/To: header
        prev_from = not q and l.startswith('From: ')
        if q or orig or s.endswith(ATTRIB):
            continue
        if expect and s:
            expect = False
            continue
        if s.endswith(('still triggering an issue:', 'found the following issue:')) or \
                (syzbot and l == '***'):
            expect = True
        if re.match(r'^\s*(Ref\s+)?Crashes\s+Repro\s+Title\s*$', l) or \
                s.endswith('found the following issues:'):
            table = True
        elif table and not s:
            table = False
        if table:
            continue
        keep.append(l)
    return '\n'.join(keep)


def titles(paths, full=False):
    """crashsig --all over all paths in one process: titles per path (with
    full: (title, message_id, start, end))."""
    res = {p: [] for p in paths}
    for i in range(0, len(paths), 500):
        chunk = paths[i:i + 500]
        p = subprocess.run([exe, '--all', '--json', '-f', 'file,title,start,end,message_id']
                           + chunk, capture_output=True)
        for l in p.stdout.decode('utf-8', 'replace').splitlines():
            d = json.loads(l)
            res[d['file']].append((d['title'], d['message_id'], d['start'], d['end'])
                                  if full else d['title'])
    return res


def mboxrd(msg):
    """One message as mboxrd writes it."""
    out = [b'From mboxrd@z Thu Jan  1 00:00:00 1970\n']
    for l in msg.splitlines(keepends=True):
        if re.match(rb'^>*From ', l):
            l = b'>' + l
        out.append(l)
    if msg and not msg.endswith(b'\n'):
        out.append(b'\n')
    out.append(b'\n')
    return b''.join(out)


def crashes_of(args, data=None, chunks=0):
    """(title, message_id, start, end) of every crash crashsig finds."""
    p = subprocess.Popen([exe, '--all', '--json', '-f', 'title,start,end,message_id'] + args,
                         stdin=subprocess.PIPE if data is not None else None,
                         stdout=subprocess.PIPE, bufsize=0)
    if data is not None:
        import random
        import threading
        got = []
        t = threading.Thread(target=lambda: got.append(p.stdout.read()))
        t.start()
        rng = random.Random(len(data))
        off = 0
        while off < len(data):
            k = rng.randint(1, chunks)
            p.stdin.write(data[off:off + k])
            off += k
        p.stdin.close()
        t.join()
        out = got[0]
    else:
        out = p.stdout.read()
    p.wait()
    return [(d['title'], d['message_id'], d['start'], d['end'])
            for d in map(json.loads, out.decode('utf-8', 'replace').splitlines())]


fails = 0
tot = [0, 0, 0, 0, 0]
with tempfile.TemporaryDirectory() as tmp:
    emls, bodies, labels = [], {}, {}
    for d in dirs:
        rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(d, 'labels.tsv'))][1:]
        for name, kind, crashes, title, subject in rows:
            path = os.path.join(d, name)
            labels[path] = (int(crashes), title)
            msg = email.message_from_bytes(open(path, 'rb').read(), policy=email.policy.compat32)
            frm = ' '.join(str(msg.get(h, '')) for h in ('From', 'X-Original-From', 'Reply-To'))
            syz = re.search(r'syzbot[+@-]|@syzkaller\.appspotmail\.com|^"?syzbot', frm) is not None
            body = '\n'.join(own_text(t, syz) for t in texts(msg))
            b = os.path.join(tmp, '%d.txt' % len(emls))
            open(b, 'wb').write(body.encode('utf-8', 'surrogateescape'))
            bodies[path] = b
            emls.append(path)
    got = titles(emls)
    ref = titles(list(bodies.values()))
    for path in emls:
        if got[path] != ref[bodies[path]]:
            fails += 1
            print('FAIL %s: the message gives %r, its decoded body %r'
                  % (path, got[path][:4], ref[bodies[path]][:4]))
        want, title = labels[path]
        if want < 0:
            continue
        g = got[path]
        tot[1] += 1
        tot[0] += (len(g) == 0) if want == 0 else (len(g) >= want)
        if want == 0:
            tot[2] += len(g)
        if want == 1:
            tot[4] += 1
            tot[3] += bool(g) and g[0] == title
    print('%d messages, %d differ from their decoded body' % (len(emls), fails))
    # one archive at a time: an mbox, a plain concatenation, the mbox on
    # stdin in odd-sized pieces
    full = titles(emls, True)
    for d in dirs:
        paths = [p for p in emls if os.path.dirname(p) == d]
        want = [c for p in paths for c in full[p]]
        raw = [open(p, 'rb').read() for p in paths]
        mb = os.path.join(tmp, 'all.mbox')
        open(mb, 'wb').write(b''.join(mboxrd(m) for m in raw))
        cat = os.path.join(tmp, 'all.eml')
        open(cat, 'wb').write(b''.join(m if m.endswith(b'\n') else m + b'\n' for m in raw))
        for what, got in (('mbox', crashes_of([mb])), ('cat', crashes_of([cat])),
                          ('mbox on stdin', crashes_of(['-'], open(mb, 'rb').read(), 4093))):
            if got != want:
                fails += 1
                diff = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                            min(len(got), len(want)))
                print('FAIL %s as %s: %d crashes, one by one %d; first difference at %d: %r / %r'
                      % (d, what, len(got), len(want), diff, got[diff:diff + 1],
                         want[diff:diff + 1]))
            else:
                print('ok   %s as %s: the %d crashes of its %d messages one by one'
                      % (d, what, len(got), len(paths)))

count = 100.0 * tot[0] / max(1, tot[1])
extra = 100.0 * tot[2] / max(1, tot[1])
title = 100.0 * tot[3] / max(1, tot[4])
print('count %d/%d (%.1f%%) extra %d (%.2f%% of messages) title %d/%d (%.1f%%)'
      % (tot[0], tot[1], count, tot[2], extra, tot[3], tot[4], title))
r = dict(l.split() for l in open(ratchet) if l.strip() and not l.startswith('#'))
if count < float(r['count']) or extra > float(r['extra']) or title < float(r['title']):
    fails += 1
    print('FAIL below the ratchet %s: %r' % (ratchet, r))
sys.exit(1 if fails else 0)
