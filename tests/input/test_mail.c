/* Mail: messages and mbox archives read through the input layer, and the
 * crashes the parser finds in them. Every case states the mail format (RFC
 * 2045-2047, 3676, 5322, mbox) or the syzbot template it stands for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include <crashsig/crashsig.h>

#include "oops.h"

#define HDRS(subject)                                                          \
	"Return-Path: <x@example.org>\n"                                       \
	"From: Some One <one@example.org>\n"                                   \
	"To: list@example.org\n"                                               \
	"Subject: " subject "\n"                                               \
	"Date: Wed, 07 Jan 2026 11:05:18 +0100\n"                              \
	"Message-ID: <m1@example.org>\n"

#define SYZ_HDRS(subject)                                                      \
	"Return-Path: <x@example.org>\n"                                       \
	"From: syzbot <syzbot+0123456789abcdef0123@syzkaller.appspotmail.com>\n" \
	"To: list@example.org\n"                                               \
	"Subject: " subject "\n"                                               \
	"Date: Wed, 07 Jan 2026 11:05:18 +0100\n"                              \
	"Message-ID: <s1@google.com>\n"

typedef struct result {
	size_t n;
	char titles[16][160];
	int quoted[16];
	uint64_t start[16];
	char claimed[16][160];
	char subject[16][160];
	char msgid[16][80];
	size_t doc[16];
	crashsig_time time[16];
	crashsig_origin origin[16];
} result;

static crashsig_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return crashsig_ctx_new(&ctx, NULL, NULL, 0);
}

static int teardown(void **state)
{
	(void)state;
	crashsig_ctx_free(ctx);
	return 0;
}

static void keep(result *r, crashsig_report *rep)
{
	if (r->n < 16) {
		size_t i = r->n;
		snprintf(r->titles[i], sizeof(r->titles[i]), "%s", crashsig_report_title(rep));
		r->quoted[i] = crashsig_report_quoted(rep);
		r->start[i] = crashsig_report_start(rep);
		const crashsig_document *d = crashsig_report_document(rep);
		snprintf(r->claimed[i], sizeof(r->claimed[i]), "%s",
			 d && d->claimed_title ? d->claimed_title : "");
		snprintf(r->subject[i], sizeof(r->subject[i]), "%s", d && d->subject ? d->subject : "");
		snprintf(r->msgid[i], sizeof(r->msgid[i]), "%s",
			 d && d->message_id ? d->message_id : "");
		r->doc[i] = d ? d->index : 0;
		crashsig_report_time(rep, &r->time[i]);
		r->origin[i] = crashsig_report_origin(rep);
	}
	r->n++;
}

/* Parse data in pieces of `step` bytes (0: at once). */
static void parse(const void *data, size_t len, size_t step, unsigned flags, result *r)
{
	memset(r, 0, sizeof(*r));
	crashsig_parser_options o = CRASHSIG_PARSER_OPTIONS_INIT;
	o.flags = flags;
	crashsig_parser *p;
	assert_int_equal(crashsig_parser_new_opts(&p, ctx, &o), 0);
	const char *d = data;
	if (!step)
		step = len ? len : 1;
	for (size_t i = 0; i < len; i += step)
		assert_int_equal(crashsig_parser_feed(p, d + i, len - i < step ? len - i : step), 0);
	assert_int_equal(crashsig_parser_finish(p), 0);
	crashsig_report *rep;
	while (crashsig_parser_next(p, &rep) == 1) {
		keep(r, rep);
		crashsig_report_free(rep);
	}
	crashsig_parser_free(p);
}

static void parse_s(const char *s, result *r)
{
	parse(s, strlen(s), 0, 0, r);
}

/* Headers are never console text: a Subject holding a title is no crash. */
static void test_headers_are_no_crash(void **state)
{
	(void)state;
	result r;
	parse_s(HDRS("Re: [syzbot] kernel BUG in f2fs_evict_inode") "\n"
		"Thanks, applied.\n", &r);
	assert_int_equal(r.n, 0);
	/* the same body as a console log */
	parse_s(HDRS("oops") "\n" OOPS, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.titles[0], TITLE);
	assert_string_equal(r.subject[0], "oops");
	assert_string_equal(r.msgid[0], "<m1@example.org>");
	assert_int_equal(r.origin[0], CRASHSIG_ORIGIN_MAIL);
	/* no wall clock in the log: the Date: (11:05:18 +0100 = 10:05:18Z) */
	assert_true(r.time[0].flags & CRASHSIG_TIME_WALL);
	assert_true(r.time[0].flags & CRASHSIG_TIME_MAIL);
	char buf[40];
	crashsig_time_format(&r.time[0], buf, sizeof(buf));
	assert_string_equal(buf, "2026-01-07T10:05:18Z");
}

/* RFC 2045 6.7: soft line breaks ("=" at the end) join lines, "=3D" is
 * "=", "=20" a blank; the report titles as if plain. */
static void test_quoted_printable(void **state)
{
	(void)state;
	result r;
	parse_s(HDRS("qp") "MIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=\"utf-8\"\n"
		"Content-Transfer-Encoding: quoted-printable\n\n"
		"general protection fault, probably for non-canonical address 0xdffffc000000=\n"
		"0000: 0000 [#1] PREEMPT SMP KASAN\n"
		"CPU: 0 PID: 1 Comm: syz-executor Not tainted 6.1.0 #1\n"
		"RIP: 0010:crashgen_gpf+0x1c/=\n"
		"0x40\n"
		"Call Trace:\n"
		" <TASK>\n"
		"=20proc_reg_write+0x1/0x2\n"
		" vfs_write+0x1/0x2\n ksys_write+0x1/0x2\n do_syscall_64+0x1/0x2\n </TASK>\n"
		"a=3Db\n", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.titles[0], TITLE);
}

static char *b64(const char *in)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), o = 0;
	char *out = malloc(n * 2 + 8);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (unsigned char)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tbl[v & 63] : '=';
		if ((i / 3 + 1) % 19 == 0)
			out[o++] = '\n'; /* 76 characters a line */
	}
	out[o++] = '\n';
	out[o] = 0;
	return out;
}

/* RFC 2045 6.8: a base64 body is read, its line structure its own. */
static void test_base64(void **state)
{
	(void)state;
	char *enc = b64(OOPS);
	char *msg = malloc(strlen(enc) + 1024);
	sprintf(msg, HDRS("b64") "Content-Type: text/plain; charset=us-ascii\n"
		     "Content-Transfer-Encoding: base64\n\n%s", enc);
	result r, s;
	parse_s(msg, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.titles[0], TITLE);
	/* any chunking gives the same */
	parse(msg, strlen(msg), 1, 0, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.titles[0], TITLE);
	assert_int_equal(s.start[0], r.start[0]);
	free(enc);
	free(msg);
}

typedef struct lines {
	char text[32][200];
	unsigned flags[32];
	unsigned quote[32];
	int n;
	char subject[200];
	char claimed[200];
	int docs;
} lines;

static int on_line(void *arg, const crashsig_line *l)
{
	lines *g = arg;
	if (g->n < 32) {
		snprintf(g->text[g->n], sizeof(g->text[0]), "%.*s", (int)l->len, l->text);
		g->flags[g->n] = l->flags;
		g->quote[g->n] = l->quote;
	}
	g->n++;
	return 0;
}

static int on_doc(void *arg, const crashsig_document *d, int end)
{
	lines *g = arg;
	if (end) {
		snprintf(g->claimed, sizeof(g->claimed), "%s",
			 d->claimed_title ? d->claimed_title : "");
		return 0;
	}
	g->docs++;
	snprintf(g->subject, sizeof(g->subject), "%s", d->subject ? d->subject : "");
	return 0;
}

static void read_lines(const char *s, lines *g)
{
	memset(g, 0, sizeof(*g));
	crashsig_input_options o = CRASHSIG_INPUT_OPTIONS_INIT;
	o.line = on_line;
	o.document = on_doc;
	o.arg = g;
	crashsig_input *in;
	assert_int_equal(crashsig_input_new(&in, ctx, &o), 0);
	assert_int_equal(crashsig_input_feed(in, s, strlen(s)), 0);
	assert_int_equal(crashsig_input_finish(in), 0);
	crashsig_input_free(in);
}

/* Charsets become UTF-8 (RFC 2046 4.1.2), RFC 2047 encoded words in
 * headers are decoded (Q and B, adjacent words joined); an unknown charset
 * passes its bytes through. */
static void test_charsets(void **state)
{
	(void)state;
	lines g;
	read_lines("From: a@b\nSubject: =?ISO-8859-1?Q?caf=E9?= =?UTF-8?B?w6k=?= ok\n"
		   "Message-ID: <x@y>\nContent-Type: text/plain; charset=iso-8859-1\n\n"
		   "na\xefve\n", &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0], "na\xc3\xafve");
	assert_string_equal(g.subject, "caf\xc3\xa9\xc3\xa9 ok");
	read_lines("From: a@b\nSubject: x\nMessage-ID: <x@y>\n"
		   "Content-Type: text/plain; charset=x-no-such-charset\n\nbyte \xff ok\n", &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0], "byte \xff ok");
	/* GB2312 (as GBK): U+4F60 U+597D */
	read_lines("From: a@b\nSubject: x\nMessage-ID: <x@y>\n"
		   "Content-Type: text/plain; charset=\"gb2312\"\n\n\xc4\xe3\xba\xc3\n", &g);
	assert_string_equal(g.text[0], "\xe4\xbd\xa0\xe5\xa5\xbd");
}

/* RFC 3676: format=flowed joins a line ending in a space with the next;
 * with delsp=yes the space goes; one leading space is stuffing. */
static void test_format_flowed(void **state)
{
	(void)state;
	lines g;
	read_lines("From: a@b\nSubject: x\nMessage-ID: <x@y>\n"
		   "Content-Type: text/plain; format=flowed; delsp=yes\n\n"
		   "RIP: 0010:crashgen_gpf+0x1c/ \n0x40\n  indented\n> quoted \n> more\n", &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.text[0], "RIP: 0010:crashgen_gpf+0x1c/0x40");
	assert_string_equal(g.text[1], " indented");
	assert_string_equal(g.text[2], "quotedmore");
	assert_int_equal(g.quote[2], 1);
}

/* Multipart (RFC 2046 5.1): text parts are read, HTML alternatives and
 * binary attachments are not; a text attachment (a console log) is the
 * message's own text; nested multiparts. */
static void test_multipart(void **state)
{
	(void)state;
	result r;
	parse_s(HDRS("mp") "MIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
		"This is a multi-part message in MIME format.\n"
		"--outer\n"
		"Content-Type: multipart/alternative; boundary=inner\n\n"
		"--inner\nContent-Type: text/plain\n\nsee the attached log\n"
		"--inner\nContent-Type: text/html\n\n<p>" OOPS "</p>\n"
		"--inner--\n"
		"--outer\n"
		"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
		"AAAA\n"
		"--outer\n"
		"Content-Type: text/plain; name=\"dmesg.log\"\n"
		"Content-Disposition: attachment; filename=\"dmesg.log\"\n\n" OOPS
		"--outer--\nepilogue\n", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.titles[0], TITLE);
}

/* Quoted text (RFC 3676 4.5 "> ", nested) is no crash of the message:
 * counted only with CRASHSIG_PARSER_QUOTED, and marked. */
static void test_quoted_reply(void **state)
{
	(void)state;
	const char *msg = HDRS("Re: oops") "\n"
			  "On Wed, 7 Jan 2026 at 10:00, syzbot <syzbot@x> wrote:\n"
			  "> general protection fault, probably for non-canonical address "
			  "0xdffffc0000000000: 0000 [#1] PREEMPT SMP KASAN\n"
			  "> CPU: 0 PID: 1 Comm: syz-executor Not tainted 6.1.0 #1\n"
			  "> RIP: 0010:crashgen_gpf+0x1c/0x40\n"
			  "> Call Trace:\n>  <TASK>\n>  proc_reg_write+0x1/0x2\n"
			  ">  vfs_write+0x1/0x2\n>  ksys_write+0x1/0x2\n>  do_syscall_64+0x1/0x2\n"
			  ">  </TASK>\n\n"
			  "#syz test\n";
	result r;
	parse_s(msg, &r);
	assert_int_equal(r.n, 0);
	parse(msg, strlen(msg), 0, CRASHSIG_PARSER_QUOTED, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.titles[0], TITLE);
	assert_int_equal(r.quoted[0], 1);
	lines g;
	read_lines(msg, &g);
	assert_true(g.flags[0] & CRASHSIG_LINE_PROSE); /* the attribution */
	assert_true(g.flags[1] & CRASHSIG_LINE_QUOTED);
	assert_string_equal(g.text[3], "RIP: 0010:crashgen_gpf+0x1c/0x40");
	/* Outlook's reply: the original below the separator, unquoted */
	parse_s(HDRS("RE: oops") "\nLooking.\n\n-----Original Message-----\n"
		"From: syzbot\nSent: today\n\n" OOPS, &r);
	assert_int_equal(r.n, 0);
	/* and without the separator line: the original's header */
	parse_s(HDRS("RE: oops") "\nLooking.\n\n________________________________\n"
		"From: syzbot <syzbot@x>\nSent: Thursday, 9 September 2021 08:09\nTo: me\n"
		"Subject: oops\n\n" OOPS, &r);
	assert_int_equal(r.n, 0);
}

/* syzbot's patch-test result (mail_test_result.txt): the crash title alone
 * on the line after "still triggering an issue:" is no crash of its own;
 * it is the claimed title. */
static void test_syzbot_test_result(void **state)
{
	(void)state;
	result r;
	parse_s(SYZ_HDRS("Re: [syzbot] [fs?] kernel BUG in f2fs_evict_inode") "\nHello,\n\n"
		"syzbot has tested the proposed patch but the reproducer is still triggering "
		"an issue:\ngeneral protection fault in crashgen_gpf\n\n" OOPS
		"\nTested on:\n\ncommit:         2adb872d f2fs: fix\n", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.titles[0], TITLE);
	assert_string_equal(r.claimed[0], TITLE);
	/* the first report names it from the Subject */
	parse_s(SYZ_HDRS("[syzbot] [fs?] general protection fault in crashgen_gpf (2)") "\n"
		"Hello,\n\nsyzbot found the following issue on:\n\n" OOPS, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.claimed[0], "general protection fault in crashgen_gpf (2)");
	/* other senders claim nothing */
	parse_s(HDRS("[syzbot] general protection fault in crashgen_gpf") "\n" OOPS, &r);
	assert_string_equal(r.claimed[0], "");
}

/* syzbot ci names its findings alone on a line ("and found the following
 * issue:", the list of "issues:", and below each "***"). */
static void test_syzbot_ci(void **state)
{
	(void)state;
	result r;
	parse_s("From: syzbot ci <syzbot+ci0123456789abcdef@syzkaller.appspotmail.com>\n"
		"Subject: [syzbot ci] Re: x: a series\nMessage-ID: <c@google.com>\n\n"
		"syzbot ci has tested the following series\n\n[v2] x: a series\n"
		"* [PATCH v2] x: a series\n\nand found the following issue:\n"
		"general protection fault in crashgen_gpf\n\nFull report is available here:\n"
		"https://ci.syzbot.org/series/0\n\n***\n\ngeneral protection fault in crashgen_gpf\n\n"
		"tree:      net-next\narch:      amd64\n\n" OOPS "\n\n***\n\nIf these findings ...\n", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.titles[0], TITLE);
	assert_string_equal(r.claimed[0], TITLE);
	parse_s("From: syzbot ci <syzbot+ci0123456789abcdef@syzkaller.appspotmail.com>\n"
		"Subject: [syzbot ci] Re: x\nMessage-ID: <c@google.com>\n\n"
		"and found the following issues:\n* general protection fault in crashgen_gpf\n"
		"* WARNING in x\n* kernel BUG in y\n\nFull report is available here:\n", &r);
	assert_int_equal(r.n, 0);
}

/* syzbot's subsystem report (mail_subsystem.txt) lists titles in a table:
 * no crash. Both table heads it has used. */
static void test_syzbot_title_table(void **state)
{
	(void)state;
	result r;
	parse_s(SYZ_HDRS("[syzbot] Monthly f2fs report (Jan 2026)") "\n"
		"Some of the still happening issues:\n\n"
		"Ref Crashes Repro Title\n"
		"<1> 1435    Yes   kernel BUG in f2fs_evict_inode (4)\n"
		"                  https://syzkaller.appspot.com/bug?extid=5c81eb8c0a380fa578b5\n"
		"<2> 1345    Yes   INFO: task hung in f2fs_balance_fs\n"
		"                  https://syzkaller.appspot.com/bug?extid=8b85865808c8908a0d8c\n"
		"\n---\nThis report is generated by a bot.\n", &r);
	assert_int_equal(r.n, 0);
	parse_s(SYZ_HDRS("[syzbot] Monthly io-uring report") "\n"
		"Crashes Repro Title\n"
		"3393    Yes   WARNING in io_ring_exit_work\n"
		"              https://syzkaller.appspot.com/bug?extid=00e15cda746c5bc70e24\n"
		"772     Yes   INFO: task hung in io_ring_exit_work\n\n", &r);
	assert_int_equal(r.n, 0);
}

/* mbox (mboxrd/mboxo): "From " separators after a blank line, followed by
 * a header; a "From " line in a body that is no separator stays text;
 * ">From " is unescaped. The crashes of the mbox are those of its
 * messages one by one, at the same offsets. */
static void test_mbox(void **state)
{
	(void)state;
	const char *m1 = HDRS("one") "\n" OOPS;
	const char *m2 = HDRS("two") "\nFrom the log above:\n>From here\n\nFrom what I see\nnothing\n";
	const char *m3 = HDRS("three") "\n" OOPS "\n";
	char mbox[8192];
	snprintf(mbox, sizeof(mbox),
		 "From mboxrd@z Thu Jan  1 00:00:00 1970\n%s\n"
		 "From mboxrd@z Thu Jan  1 00:00:00 1970\n%s\n"
		 "From 1234abcd Mon Sep 17 00:00:00 2001\n%s",
		 m1, m2, m3);
	result all, one;
	for (size_t step = 0; step < 20; step += 7) {
		parse(mbox, strlen(mbox), step, 0, &all);
		assert_int_equal(all.n, 2);
		parse_s(m1, &one);
		assert_string_equal(all.titles[0], one.titles[0]);
		assert_int_equal(all.start[0], one.start[0]);
		assert_string_equal(all.subject[0], "one");
		assert_int_equal(all.doc[0], 0);
		parse_s(m3, &one);
		assert_string_equal(all.titles[1], one.titles[0]);
		assert_int_equal(all.start[1], one.start[0]);
		assert_string_equal(all.subject[1], "three");
		assert_int_equal(all.doc[1], 2);
	}
	lines g;
	read_lines(mbox, &g);
	assert_int_equal(g.docs, 3);
	int from_text = 0;
	for (int i = 0; i < g.n && i < 32; i++)
		from_text += !strcmp(g.text[i], "From here") || !strcmp(g.text[i], "From what I see");
	assert_int_equal(from_text, 2);
}

/* Messages written one after another (cat a.eml b.eml): the second's
 * header block starts a message of its own. */
static void test_concatenated_messages(void **state)
{
	(void)state;
	const char *m1 = HDRS("one") "\n" OOPS;
	const char *m2 = HDRS("two") "\nno crash here\n";
	char cat[4096];
	snprintf(cat, sizeof(cat), "%s%s%s", m1, m2, m1);
	result r, one;
	parse_s(cat, &r);
	parse_s(m1, &one);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.doc[0], 0);
	assert_int_equal(r.doc[1], 2);
	assert_int_equal(r.start[1], one.start[0]);
	/* a forwarded header block inside a body (no Message-ID, no trace
	 * field) is text of the message */
	lines g;
	read_lines(HDRS("fwd") "\n---------- Forwarded message ---------\nFrom: syzbot <s@x>\n"
		   "Date: today\nSubject: oops\nTo: me\n\n" OOPS, &g);
	assert_int_equal(g.docs, 1);
}

/* A tar archive: each member is a file of its own (compressed members
 * too; a member may be mail). */
static void tar_member(char *out, size_t *off, const char *name, const void *data, size_t len)
{
	unsigned char *h = (unsigned char *)out + *off;
	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)len);
	memcpy(h + 136, "00000000000", 12);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	*off += 512;
	memcpy(out + *off, data, len);
	*off += (len + 511) / 512 * 512;
}

static void test_tar(void **state)
{
	(void)state;
	static char tar[16384];
	memset(tar, 0, sizeof(tar));
	size_t off = 0;
	const char *mail = HDRS("in a tar") "\n" OOPS;
	tar_member(tar, &off, "logs/a.log", OOPS, strlen(OOPS));
	tar_member(tar, &off, "logs/empty", "", 0);
	tar_member(tar, &off, "logs/m.eml", mail, strlen(mail));
	off += 1024; /* end of archive */
	result r, one;
	for (size_t step = 0; step < 600; step += 509) {
		parse(tar, off, step, 0, &r);
		assert_int_equal(r.n, 2);
		parse_s(OOPS, &one);
		assert_string_equal(r.titles[0], one.titles[0]);
		assert_int_equal(r.start[0], one.start[0]);
		assert_int_equal(r.origin[0], CRASHSIG_ORIGIN_CONSOLE);
		assert_int_equal(r.origin[1], CRASHSIG_ORIGIN_MAIL);
		assert_string_equal(r.subject[1], "in a tar");
	}
	/* read as bytes when asked */
	parse(tar, off, 0, CRASHSIG_PARSER_NO_ARCHIVE, &r);
	assert_true(r.n >= 1);
}

/* Bad input: a clear error or a best effort, never a crash. */
static void test_hostile_mime(void **state)
{
	(void)state;
	result r;
	/* truncated: no closing boundary, base64 cut in a group */
	parse_s(HDRS("t") "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nZ2Vu", &r);
	assert_int_equal(r.n, 0);
	/* garbage base64 */
	parse_s(HDRS("g") "Content-Transfer-Encoding: base64\n\n!!!!*&^%$#@\x01\x02\xff==\n", &r);
	assert_int_equal(r.n, 0);
	/* a boundary parameter without a value, an empty multipart */
	parse_s(HDRS("e") "Content-Type: multipart/mixed; boundary=\n\n" OOPS, &r);
	assert_int_equal(r.n, 1);
	/* truncated headers */
	parse_s("From: a@b\nSubject: x\nMessage-ID: <x@y>\nContent-Type: text/pl", &r);
	assert_int_equal(r.n, 0);
}

/* multipart nested 10,000 deep: followed 64 levels (then skipped as
 * opaque), bounded memory, the text after the nest still read. */
static void test_deep_multipart(void **state)
{
	(void)state;
	size_t depth = 10000;
	size_t cap = depth * 80 + 4096;
	char *m = malloc(cap);
	size_t n = (size_t)snprintf(m, cap, HDRS("deep") "Content-Type: multipart/mixed; boundary=b0\n\n");
	for (size_t i = 0; i < depth; i++)
		n += (size_t)snprintf(m + n, cap - n,
				      "--b%zu\nContent-Type: multipart/mixed; boundary=b%zu\n\n", i,
				      i + 1);
	n += (size_t)snprintf(m + n, cap - n, "--b0\nContent-Type: text/plain\n\n%s--b0--\n", OOPS);
	result r;
	parse(m, n, 4096, 0, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.titles[0], TITLE);
	free(m);
}

static long maxrss_kb(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return u.ru_maxrss;
}

/* A header line of 1 GB: streamed, memory bounded (header values are kept
 * up to 8 KiB), the message still read. */
static void test_huge_header_line(void **state)
{
	(void)state;
	crashsig_parser *p;
	assert_int_equal(crashsig_parser_new(&p, ctx), 0);
	const char *h = "From: a@b\nMessage-ID: <x@y>\nSubject: ";
	assert_int_equal(crashsig_parser_feed(p, h, strlen(h)), 0);
	size_t chunk = 1 << 20;
	char *x = malloc(chunk);
	memset(x, 'x', chunk);
	long before = maxrss_kb();
	size_t total = getenv("CRASHSIG_TEST_QUICK") ? 64 : 1024; /* MiB */
	for (size_t i = 0; i < total; i++)
		assert_int_equal(crashsig_parser_feed(p, x, chunk), 0);
	const char *rest = "\nDate: Wed, 07 Jan 2026 11:05:18 +0100\n\n" OOPS;
	assert_int_equal(crashsig_parser_feed(p, rest, strlen(rest)), 0);
	assert_int_equal(crashsig_parser_finish(p), 0);
	long grew = maxrss_kb() - before;
	assert_true(grew < 64 * 1024); /* not the gigabyte */
	crashsig_report *rep;
	assert_int_equal(crashsig_parser_next(p, &rep), 1);
	assert_string_equal(crashsig_report_title(rep), TITLE);
	assert_true(strlen(crashsig_report_document(rep)->subject) <= 8192);
	crashsig_report_free(rep);
	crashsig_parser_free(p);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_are_no_crash),
		cmocka_unit_test(test_quoted_printable),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_format_flowed),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_quoted_reply),
		cmocka_unit_test(test_syzbot_test_result),
		cmocka_unit_test(test_syzbot_title_table),
		cmocka_unit_test(test_syzbot_ci),
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_concatenated_messages),
		cmocka_unit_test(test_tar),
		cmocka_unit_test(test_hostile_mime),
		cmocka_unit_test(test_deep_multipart),
		cmocka_unit_test(test_huge_header_line),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
