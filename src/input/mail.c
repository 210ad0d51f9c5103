/*
 * Mail: RFC 5322 messages and mbox archives. See mail.h.
 *
 * How syzbot reads mail (google/syzkaller pkg/email/parser.go: Parse,
 * parseBody) is the reference for what a message's text is: the body of a
 * text/plain entity, multipart entities read part by part, quoted-printable
 * and base64 decoded, parts with "Content-Disposition: attachment" being
 * attachments; the Subject decoded from RFC 2047 words. We keep every text
 * part (an attached console log is the message's own text) but the HTML
 * alternative, and read message/rfc822 parts as the messages they are.
 *
 * What is no console text: the headers, always; quoted text ("> ",
 * nested; the "On ... wrote:" attribution; everything after an
 * "-----Original Message-----" line), marked with its depth so that a crash
 * seen only there is not counted as the message's own; and the parts of
 * syzbot's mail templates that only name crashes (dashboard/app/templates
 * in syzkaller): the title line after "still triggering an issue:" in a
 * patch-test result (mail_test_result.txt: "{{.CrashTitle}}" alone on the
 * line before the report) and the title table of a subsystem report
 * (mail_subsystem.txt: "{{.Table}}", headed "Ref Crashes Repro Title").
 *
 * Messages follow each other in an mbox (a stream that starts with a "From "
 * line: then a "From " line after a blank line and followed by a header
 * field is the next separator, that blank line its own; ">From " lines of
 * the body are unescaped as mboxrd/mboxo write them; in a message that is
 * no mbox, a "From " line is text: git format-patch output pasted in a
 * reply), or in a stream of messages
 * written one after another (cat *.eml): a block of header fields that
 * opens with a trace field (Return-Path, Received, Delivered-To, ...) or
 * From, and holds From plus Message-ID or a trace field, where the current
 * message's body is at its top level.
 *
 * Memory: header values are kept up to MAX_HEADER bytes, decoded lines up
 * to max_line, MIME nesting up to MAX_DEPTH levels (deeper multiparts are
 * skipped as opaque), held lines (a candidate header block) up to
 * MAX_HELD_LINES lines.
 */
#include "input/mail.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/mime.h"
#include "input/when.h"

#define MAX_HEADER 8192
#define MAX_DEPTH 64
#define MAX_HELD_LINES 256
#define MAX_HELD_BYTES (256 * 1024)
#define MAX_MARKS 64

enum { ST_START, ST_HEADERS, ST_BODY };
enum { P_HEADERS, P_BODY, P_SKIP };
enum { ENC_PLAIN, ENC_QP, ENC_B64 };
/* what the held lines are */
enum { HOLD_NONE, HOLD_FROM, HOLD_BLOCK };

typedef struct frame {
	char boundary[76];
	size_t blen;
	int alternative; /* multipart/alternative: one text part is read */
	int text_seen;
} frame;

/* The headers of the entity being read (the message or a part). */
typedef struct entity {
	cs_ctype ct;
	int has_ct;
	char cte[32];
	char disp[32];
} entity;

/* A held line (copy). */
typedef struct held {
	size_t start, len; /* in held_text */
	uint64_t off, raw_len;
} held;

/* Decoded offset -> raw offset checkpoint. */
typedef struct mark {
	uint64_t dec, raw;
} mark;

struct cs_mail {
	cs_mail_ops ops;
	size_t max_line;
	int state;
	int in_message;
	int mbox;          /* "From " separators seen: unescape ">From " */
	uint64_t shift;    /* mbox: escape bytes removed so far in this message
			    * (offsets are the message's, as written) */
	int blank_held;    /* mbox: a blank body line held back: the next line
			    * may show it is the separator's */
	uint64_t blank_off, blank_len;
	int prev_blank;    /* the last raw line was blank (or none yet) */
	uint64_t msg_off;  /* stream offset of the message's first header line */
	/* the current raw line (the decoded lines' end offsets) */
	uint64_t cur_off, cur_end;

	/* header field being assembled */
	cs_buf fname, fval;
	int in_field;
	entity ent;

	/* message metadata */
	cs_buf subject, from, date, msgid, replyto, xfrom, claimed;
	crashsig_document doc;
	char from_addr[256];

	/* MIME */
	frame stack[MAX_DEPTH];
	int depth;
	int pstate;
	int emit, enc, flowed, delsp;
	cs_charset cs;
	cs_b64 b64;
	cs_buf qp;           /* the decoded bytes of a quoted-printable line */
	cs_splitter dsplit;  /* decoded bytes (qp, base64) -> lines */
	uint64_t dec_total;  /* decoded bytes fed to dsplit */
	mark marks[MAX_MARKS];
	size_t nmarks, mhead;

	/* text stage */
	cs_buf conv;         /* charset-converted line */
	cs_buf flow;         /* format=flowed: the joined line so far */
	int flow_open;
	unsigned flow_depth;
	uint64_t flow_off;

	/* quoting and templates */
	int orig_quoted;     /* after "-----Original Message-----" */
	int prev_from;       /* the last own line was "From: ..." */
	int claim_in_body;   /* the claimed title is the body's, not the Subject */
	int expect_title;    /* the next non-empty line is a crash title */
	unsigned title_depth;
	int table;           /* inside a syzbot title table */
	unsigned table_depth;

	/* held lines */
	int hold;
	cs_buf held_text;
	held *held;
	size_t nheld, cap_held;
	size_t held_fields;
	int held_from, held_id, held_trace, held_date;
};

/* ------------------------------------------------------------------ */
/* Syntax                                                              */
/* ------------------------------------------------------------------ */

size_t cs_mail_field(const char *s, size_t n)
{
	size_t i = 0;
	/* ftext: printable US-ASCII but ':' (RFC 5322 3.6.8) */
	while (i < n && s[i] > ' ' && s[i] < 127 && s[i] != ':')
		i++;
	if (!i || i >= n || s[i] != ':')
		return 0;
	return i;
}

static int is_weekday3(const char *s)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	for (int d = 0; d < 7; d++)
		if (!memcmp(s, days + 3 * d, 3))
			return 1;
	return 0;
}

int cs_mail_from_line(const char *s, size_t n)
{
	/* "From " addr " " asctime: "From x Thu Jan  1 00:00:00 1970" */
	if (n < 5 + 1 + 1 + 24 || memcmp(s, "From ", 5) != 0)
		return 0;
	size_t i = 5;
	if (s[i] == ' ')
		return 0;
	while (i < n && s[i] != ' ')
		i++;
	while (i < n && s[i] == ' ')
		i++;
	if (i + 24 > n || !is_weekday3(s + i) || s[i + 3] != ' ')
		return 0;
	size_t used;
	if (!cs_month_name(s + i + 4, 3, &used))
		return 0;
	/* time and year somewhere after: HH:MM(:SS) and four digits */
	int colon = 0, year = 0, run = 0;
	for (size_t k = i + 8; k < n; k++) {
		if (s[k] == ':')
			colon = 1;
		if (cs_isdigit((unsigned char)s[k])) {
			if (++run == 4 && colon)
				year = 1;
		} else {
			run = 0;
		}
	}
	return colon && year;
}

/* Field names that open a message as stored (trace and envelope fields)
 * or appear at its top. */
static int known_field(const char *s, size_t n)
{
	static const char *const names[] = {
		"return-path", "received", "delivered-to", "x-original-to", "from", "to", "cc",
		"subject", "date", "message-id", "mime-version", "content-type", "in-reply-to",
		"references", "reply-to", "sender", "dkim-signature", "authentication-results",
		"received-spf", "path", "newsgroups", "xref", "envelope-to", "user-agent",
		"organization", "precedence", "mailing-list", "content-transfer-encoding",
		"archived-at", "thread-topic", "thread-index", "list-id", "delivered-to",
	};
	if (n > 2 && !strncasecmp(s, "x-", 2))
		return 1;
	if (n > 4 && (!strncasecmp(s, "arc-", 4) || !strncasecmp(s, "list-", 5)))
		return 1;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (cs_header_is(s, n, names[k]))
			return 1;
	return 0;
}

static int key_field(const char *s, size_t n)
{
	return cs_header_is(s, n, "from") || cs_header_is(s, n, "date") ||
	       cs_header_is(s, n, "subject") || cs_header_is(s, n, "message-id") ||
	       cs_header_is(s, n, "received") || cs_header_is(s, n, "return-path");
}

static int trace_field(const char *s, size_t n)
{
	return cs_header_is(s, n, "return-path") || cs_header_is(s, n, "received") ||
	       cs_header_is(s, n, "delivered-to") || cs_header_is(s, n, "x-original-to") ||
	       cs_header_is(s, n, "x-received") || cs_header_is(s, n, "dkim-signature") ||
	       cs_header_is(s, n, "arc-seal") || cs_header_is(s, n, "authentication-results") ||
	       cs_header_is(s, n, "envelope-to");
}

int cs_mail_sniff_line(cs_mail_sniff *s, const char *d, size_t n)
{
	if (s->state != CS_SNIFF_MORE)
		return s->state;
	s->lines++;
	if (s->lines == 1 && cs_mail_from_line(d, n)) {
		s->from_line = 1;
		return s->state;
	}
	if (!n) {
		/* the end of the header block */
		s->state = s->fields >= 2 && s->key_fields >= 1 ? CS_SNIFF_MAIL : CS_SNIFF_NOT;
		return s->state;
	}
	if ((d[0] == ' ' || d[0] == '\t') && s->fields) {
		/* a folded field */
	} else {
		size_t f = cs_mail_field(d, n);
		if (!f || (s->fields == 0 && !known_field(d, f))) {
			s->state = CS_SNIFF_NOT;
			return s->state;
		}
		s->fields++;
		s->key_fields += key_field(d, f) != 0;
	}
	if (s->lines >= 4096)
		s->state = s->key_fields >= 2 ? CS_SNIFF_MAIL : CS_SNIFF_NOT;
	return s->state;
}

int cs_mail_sniff_end(cs_mail_sniff *s)
{
	if (s->state == CS_SNIFF_MORE)
		s->state = s->key_fields >= 2 ? CS_SNIFF_MAIL : CS_SNIFF_NOT;
	return s->state;
}

/* ------------------------------------------------------------------ */
/* Lines out                                                           */
/* ------------------------------------------------------------------ */

static int quote_depth(const char *s, size_t n, size_t *qlen)
{
	size_t i = 0;
	unsigned d = 0;
	while (i < n && s[i] == '>') {
		d++;
		i++;
		if (i + 1 < n && s[i] == ' ' && s[i + 1] == '>')
			i++;
	}
	if (d && i < n && s[i] == ' ')
		i++;
	*qlen = i;
	return (int)d;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n >= k && !memcmp(s + n - k, suffix, k);
}

/* The attribution line of a reply: "On Mon, 1 Jan 2024, X wrote:" and its
 * forms in other languages and clients. */
static int attribution(const char *s, size_t n)
{
	static const char *const ends[] = {
		"wrote:", "writes:", "schrieb:", "a \xc3\xa9\x63rit :", "a \xc3\xa9\x63rit:",
		"escribi\xc3\xb3:", "scrisse:", "napisa\xc5\x82:", "\xd0\xbd\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb0\xd0\xbb:",
		"\xe5\x86\x99\xe9\x81\x93\xef\xbc\x9a", "\xe5\x86\x99\xe9\x81\x93:",
	};
	if (n > 400)
		return 0;
	for (size_t k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
		if (ends_with(s, n, ends[k]))
			return 1;
	return 0;
}

/* "-----Original Message-----" (Outlook, and Thunderbird's "-------- Original
 * Message --------"): the rest is the message replied to, unquoted. */
static int original_message(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '-'))
		n--;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '-'))
		i++;
	return i >= 5 && n - i == 16 && !memcmp(s + i, "Original Message", 16);
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!cs_isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* "Ref Crashes Repro Title": the head of syzbot's title table (a
 * subsystem report's {{.Table}}, mail_subsystem.txt; older reports have no
 * "Ref" column: "Crashes Repro Title"). Its rows ("<1> 1435 Yes TITLE" and
 * the bug's link below) run to the next blank line. */
static int table_head(const char *s, size_t n)
{
	static const char *const words[] = {"Ref", "Crashes", "Repro", "Title"};
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	for (size_t w = i + 3 <= n && !memcmp(s + i, "Ref", 3) ? 0 : 1; w < 4; w++) {
		while (i < n && s[i] == ' ')
			i++;
		size_t k = strlen(words[w]);
		if (i + k > n || memcmp(s + i, words[w], k) != 0)
			return 0;
		i += k;
	}
	return blank(s + i, n - i);
}

static void set_claimed(cs_mail *m, const char *s, size_t n)
{
	while (n && cs_isspace((unsigned char)s[n - 1]))
		n--;
	while (n && cs_isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	cs_buf_clear(&m->claimed);
	if (cs_buf_add(&m->claimed, s, n < MAX_HEADER ? n : MAX_HEADER) == 0)
		m->doc.claimed_title = m->claimed.data;
}

/* The text stage's last step: quoting, templates; hand the line out. */
static int text_out(cs_mail *m, const char *s, size_t n, uint64_t off, uint64_t end)
{
	size_t qlen;
	unsigned q = (unsigned)quote_depth(s, n, &qlen);
	const char *t = s + qlen;
	size_t tn = n - qlen;
	unsigned flags = CS_RL_MAIL;
	if (q == 0 && original_message(s, n)) {
		m->orig_quoted = 1;
		flags |= CS_RL_PROSE;
	} else if (q == 0 && !m->orig_quoted && m->prev_from && n >= 6 && !memcmp(s, "Sent: ", 6)) {
		/* Outlook's reply: the original's "From: ... / Sent: ... / To:"
		 * header, then the original unquoted */
		m->orig_quoted = 1;
		flags |= CS_RL_PROSE;
	} else if (attribution(t, tn)) {
		flags |= CS_RL_PROSE;
		if (!q)
			q = 1;
	}
	m->prev_from = q == 0 && n >= 6 && !memcmp(s, "From: ", 6);
	q += (unsigned)m->orig_quoted;
	/* syzbot's templates, at the depth where they were seen */
	if (m->expect_title && q == m->title_depth && !blank(t, tn)) {
		m->expect_title = 0;
		flags |= CS_RL_PROSE;
		if (q == 0 && m->doc.from_syzbot && !m->claim_in_body) {
			/* the first title the body names */
			set_claimed(m, t, tn);
			m->claim_in_body = 1;
		}
	} else if (m->expect_title && q != m->title_depth) {
		m->expect_title = 0;
	}
	/* a title alone on the next line: a patch-test result
	 * (mail_test_result.txt) and syzbot ci's "and found the following
	 * issue:", and below each "***" of syzbot ci, the issue's section */
	if (ends_with(t, tn, "still triggering an issue:") ||
	    ends_with(t, tn, "found the following issue:") ||
	    (m->doc.from_syzbot && tn == 3 && !memcmp(t, "***", 3))) {
		m->expect_title = 1;
		m->title_depth = q;
	}
	/* syzbot ci's list of titles: "and found the following issues:" and
	 * one title a line, to the next blank line */
	if (ends_with(t, tn, "found the following issues:")) {
		m->table = 1;
		m->table_depth = q;
		flags |= CS_RL_PROSE;
	}
	if (m->table && (q != m->table_depth || blank(t, tn)))
		m->table = 0;
	if (table_head(t, tn)) {
		m->table = 1;
		m->table_depth = q;
	}
	if (m->table)
		flags |= CS_RL_PROSE;
	if (q)
		flags |= CS_RL_QUOTED;
	uint64_t start = off >= m->msg_off ? off - m->msg_off : 0;
	uint64_t stop = end >= m->msg_off ? end - m->msg_off : start;
	cs_rline l = {s, n, start, stop > start ? stop - start : 0, flags, q, qlen};
	return m->ops.line(m->ops.arg, &l);
}

/* format=flowed (RFC 3676 4.2-4.5): a line ending in a space is continued
 * by the next line of the same quote depth; one leading space after the
 * quote marks is stuffing. The joined line keeps its quote marks. */
static int flow_flush(cs_mail *m)
{
	if (!m->flow_open)
		return 0;
	m->flow_open = 0;
	int rc = text_out(m, m->flow.data ? m->flow.data : "", m->flow.len, m->flow_off, m->cur_end);
	cs_buf_clear(&m->flow);
	return rc;
}

static int flowed_line(cs_mail *m, const char *s, size_t n, uint64_t off)
{
	size_t i = 0;
	unsigned d = 0;
	while (i < n && s[i] == '>') {
		i++;
		d++;
	}
	size_t qend = i;
	if (i < n && s[i] == ' ')
		i++; /* stuffing */
	const char *c = s + i;
	size_t cn = n - i;
	int sig = cn == 3 && !memcmp(c, "-- ", 3);
	int soft = !sig && cn && c[cn - 1] == ' ';
	int rc;
	if (m->flow_open && d != m->flow_depth && (rc = flow_flush(m)))
		return rc;
	if (!m->flow_open) {
		m->flow_open = 1;
		m->flow_depth = d;
		m->flow_off = off;
		cs_buf_clear(&m->flow);
		if (cs_buf_add(&m->flow, s, qend) || (qend && cs_buf_addc(&m->flow, ' ')))
			return CRASHSIG_ENOMEM;
	}
	size_t take = soft && m->delsp ? cn - 1 : cn;
	if (m->flow.len + take > m->max_line)
		take = m->flow.len < m->max_line ? m->max_line - m->flow.len : 0;
	if (cs_buf_add(&m->flow, c, take))
		return CRASHSIG_ENOMEM;
	if (!soft)
		return flow_flush(m);
	return 0;
}

/* A decoded line of a text part: charset, flowed, then out. */
static int text_line(cs_mail *m, const char *s, size_t n, uint64_t off)
{
	if (m->cs.cd) {
		cs_buf_clear(&m->conv);
		if (cs_charset_convert(&m->cs, s, n, &m->conv, m->max_line))
			return CRASHSIG_ENOMEM;
		s = m->conv.data ? m->conv.data : "";
		n = m->conv.len;
	}
	if (m->flowed)
		return flowed_line(m, s, n, off);
	return text_out(m, s, n, off, m->cur_end);
}

/* A line of decoded bytes (qp, base64): its raw offset from the marks. */
static int decoded_line(void *arg, const cs_rline *l)
{
	cs_mail *m = arg;
	uint64_t raw = m->cur_off;
	for (size_t k = 0; k < m->nmarks; k++) {
		const mark *mk = &m->marks[(m->mhead + k) % MAX_MARKS];
		if (mk->dec > l->off)
			break;
		raw = mk->raw;
	}
	/* drop the marks before this line's */
	while (m->nmarks > 1) {
		const mark *next = &m->marks[(m->mhead + 1) % MAX_MARKS];
		if (next->dec > l->off)
			break;
		m->mhead = (m->mhead + 1) % MAX_MARKS;
		m->nmarks--;
	}
	return text_line(m, l->data, l->len, raw);
}

static int feed_decoded(cs_mail *m, const char *d, size_t n, uint64_t raw_off)
{
	if (!n)
		return 0;
	mark mk = {m->dec_total, raw_off};
	if (m->nmarks == MAX_MARKS) {
		m->mhead = (m->mhead + 1) % MAX_MARKS;
		m->nmarks--;
	}
	m->marks[(m->mhead + m->nmarks) % MAX_MARKS] = mk;
	m->nmarks++;
	m->dec_total += n;
	return cs_splitter_feed(&m->dsplit, d, n);
}

/* ------------------------------------------------------------------ */
/* Entities                                                            */
/* ------------------------------------------------------------------ */

static int end_leaf(cs_mail *m)
{
	int rc = 0;
	if (m->pstate == P_BODY && m->emit) {
		if (m->enc != ENC_PLAIN)
			rc = cs_splitter_finish(&m->dsplit);
		if (!rc)
			rc = flow_flush(m);
	}
	cs_splitter_reset(&m->dsplit);
	m->dec_total = 0;
	m->nmarks = m->mhead = 0;
	memset(&m->b64, 0, sizeof(m->b64));
	cs_charset_free(&m->cs);
	m->emit = 0;
	m->expect_title = 0;
	m->table = 0;
	return rc;
}

/* Which entities are read as text. */
static int text_type(const entity *e)
{
	const char *t = e->has_ct && e->ct.type[0] ? e->ct.type : "text/plain";
	const char *name = e->ct.name;
	size_t nl = strlen(name);
	int logname = nl > 4 && (!strcasecmp(name + nl - 4, ".log") ||
				 !strcasecmp(name + nl - 4, ".txt") ||
				 (nl > 6 && !strcasecmp(name + nl - 6, ".dmesg")));
	if (!strncmp(t, "multipart/", 10))
		return 1; /* without a boundary: its body is all there is */
	if (!strncmp(t, "text/", 5))
		return strcmp(t, "text/html") && strcmp(t, "text/enriched") &&
		       strcmp(t, "text/richtext") && strcmp(t, "text/calendar") &&
		       strcmp(t, "text/x-vcard") && strcmp(t, "text/vcard") &&
		       strcmp(t, "text/rtf") && strcmp(t, "text/css") &&
		       strcmp(t, "text/xml");
	return logname && !strcmp(t, "application/octet-stream");
}

/* The headers of the message or a part are read: what follows? */
static int begin_entity(cs_mail *m)
{
	entity *e = &m->ent;
	if (e->has_ct && !strncmp(e->ct.type, "multipart/", 10) && e->ct.boundary[0]) {
		if (m->depth < MAX_DEPTH) {
			frame *f = &m->stack[m->depth++];
			f->blen = strlen(e->ct.boundary);
			memcpy(f->boundary, e->ct.boundary, f->blen + 1);
			f->alternative = !strcmp(e->ct.type, "multipart/alternative");
			f->text_seen = 0;
		}
		m->pstate = P_SKIP; /* the preamble */
		return 0;
	}
	if (e->has_ct && !strcmp(e->ct.type, "message/rfc822")) {
		/* a message inside: its headers, then its body */
		m->pstate = P_HEADERS;
		memset(&m->ent, 0, sizeof(m->ent));
		return 0;
	}
	m->pstate = P_BODY;
	m->emit = text_type(e);
	if (m->emit && m->depth > 0) {
		frame *f = &m->stack[m->depth - 1];
		if (f->alternative && f->text_seen)
			m->emit = 0; /* another rendering of the same text */
		f->text_seen = 1;
	}
	m->enc = !strcmp(e->cte, "quoted-printable") ? ENC_QP
		 : !strcmp(e->cte, "base64")         ? ENC_B64
						     : ENC_PLAIN;
	m->flowed = e->has_ct && e->ct.flowed;
	m->delsp = e->has_ct && e->ct.delsp;
	cs_charset_set(&m->cs, e->has_ct ? e->ct.charset : NULL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Headers                                                             */
/* ------------------------------------------------------------------ */

static int keep(cs_buf *b, const char *s, size_t n)
{
	cs_buf_clear(b);
	return cs_header_decode(s, n, b, MAX_HEADER);
}

static int end_field(cs_mail *m)
{
	if (!m->in_field)
		return 0;
	m->in_field = 0;
	const char *v = m->fval.data ? m->fval.data : "";
	size_t vn = m->fval.len;
	const char *f = m->fname.data ? m->fname.data : "";
	size_t fn = m->fname.len;
	entity *e = &m->ent;
	if (cs_header_is(f, fn, "content-type")) {
		cs_ctype_parse(v, vn, &e->ct);
		e->has_ct = 1;
	} else if (cs_header_is(f, fn, "content-transfer-encoding")) {
		cs_token(v, vn, e->cte, sizeof(e->cte));
	} else if (cs_header_is(f, fn, "content-disposition")) {
		cs_token(v, vn, e->disp, sizeof(e->disp));
		cs_ctype tmp;
		cs_ctype_parse(v, vn, &tmp);
		if (tmp.name[0] && !e->ct.name[0])
			memcpy(e->ct.name, tmp.name, sizeof(e->ct.name));
	}
	if (m->state != ST_HEADERS)
		return 0;
	/* the message's own headers */
	if (cs_header_is(f, fn, "subject"))
		return keep(&m->subject, v, vn);
	if (cs_header_is(f, fn, "from"))
		return keep(&m->from, v, vn);
	if (cs_header_is(f, fn, "date"))
		return keep(&m->date, v, vn);
	if (cs_header_is(f, fn, "message-id"))
		return keep(&m->msgid, v, vn);
	if (cs_header_is(f, fn, "reply-to"))
		return keep(&m->replyto, v, vn);
	if (cs_header_is(f, fn, "x-original-from"))
		return keep(&m->xfrom, v, vn);
	return 0;
}

static int add_capped(cs_buf *b, const char *s, size_t n)
{
	if (b->len >= MAX_HEADER)
		return 0;
	if (n > MAX_HEADER - b->len)
		n = MAX_HEADER - b->len;
	return cs_buf_add(b, s, n) ? CRASHSIG_ENOMEM : 0;
}

/* syzbot's addresses: syzbot@..., syzbot+HASH@syzkaller.appspotmail.com,
 * syzbot-ci@...; a list that rewrites From (DMARC) keeps the name. */
static int syzbot_addr(const char *v, size_t n)
{
	char addr[256], name[256];
	cs_addr_parse(v, n, addr, sizeof(addr), name, sizeof(name));
	if (!strncmp(addr, "syzbot@", 7) || !strncmp(addr, "syzbot+", 7) ||
	    !strncmp(addr, "syzbot-ci@", 10) || !strncmp(addr, "syzbot-ci+", 10) ||
	    strstr(addr, "@syzkaller.appspotmail.com"))
		return 1;
	return !strcasecmp(name, "syzbot") || !strncasecmp(name, "syzbot via ", 11) ||
	       !strcasecmp(name, "syzbot ci");
}

/* The Subject without "Re:"/"Fwd:" and "[...]" tags. */
static void subject_title(cs_mail *m)
{
	const char *s = m->subject.data;
	size_t n = m->subject.len;
	for (;;) {
		while (n && cs_isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		if (n >= 3 && (!strncasecmp(s, "re:", 3) || !strncasecmp(s, "aw:", 3))) {
			s += 3;
			n -= 3;
		} else if (n >= 4 && (!strncasecmp(s, "fwd:", 4))) {
			s += 4;
			n -= 4;
		} else if (n >= 3 && !strncasecmp(s, "fw:", 3)) {
			s += 3;
			n -= 3;
		} else if (n && *s == '[') {
			const char *e = memchr(s, ']', n);
			if (!e)
				break;
			n -= (size_t)(e + 1 - s);
			s = e + 1;
		} else {
			break;
		}
	}
	if (n)
		set_claimed(m, s, n);
}

/* The message's headers are read: its document. */
static int end_headers(cs_mail *m)
{
	int rc = end_field(m);
	if (rc)
		return rc;
	m->state = ST_BODY;
	crashsig_document *d = &m->doc;
	memset(d, 0, sizeof(*d));
	d->kind = CRASHSIG_DOCUMENT_MAIL;
	d->offset = m->msg_off;
	d->message_id = m->msgid.len ? m->msgid.data : NULL;
	d->subject = m->subject.len ? m->subject.data : NULL;
	d->from = m->from.len ? m->from.data : NULL;
	d->date = m->date.len ? m->date.data : NULL;
	if (d->date)
		cs_parse_mail_date(d->date, m->date.len, &d->date_time);
	d->from_syzbot = (m->from.len && syzbot_addr(m->from.data, m->from.len)) ||
			 (m->xfrom.len && syzbot_addr(m->xfrom.data, m->xfrom.len)) ||
			 (m->replyto.len && syzbot_addr(m->replyto.data, m->replyto.len) &&
			  m->from.len && strstr(m->from.data, " via "));
	cs_buf_clear(&m->claimed);
	if (d->from_syzbot && m->subject.len)
		subject_title(m);
	m->in_message = 1;
	if ((rc = m->ops.begin(m->ops.arg, d)))
		return rc;
	return begin_entity(m);
}

static int header_line(cs_mail *m, const char *s, size_t n)
{
	if (!n)
		return m->state == ST_HEADERS ? end_headers(m)
					      : (end_field(m) ? CRASHSIG_ENOMEM : begin_entity(m));
	if ((s[0] == ' ' || s[0] == '\t')) {
		if (m->in_field)
			return add_capped(&m->fval, s, n);
		return 0; /* a stray continuation */
	}
	size_t f = cs_mail_field(s, n);
	if (!f) {
		/* not a header field: the headers ended without a blank line
		 * (RFC 5322 calls it malformed; the body starts here) */
		int rc = m->state == ST_HEADERS ? end_headers(m) : (end_field(m), begin_entity(m));
		return rc ? rc : 1;
	}
	int rc = end_field(m);
	if (rc)
		return rc;
	m->in_field = 1;
	cs_buf_clear(&m->fname);
	cs_buf_clear(&m->fval);
	size_t v = f + 1;
	if (cs_buf_add(&m->fname, s, f))
		return CRASHSIG_ENOMEM;
	return add_capped(&m->fval, s + v, n - v);
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

static void reset_message(cs_mail *m)
{
	cs_buf_clear(&m->subject);
	cs_buf_clear(&m->from);
	cs_buf_clear(&m->date);
	cs_buf_clear(&m->msgid);
	cs_buf_clear(&m->replyto);
	cs_buf_clear(&m->xfrom);
	cs_buf_clear(&m->claimed);
	memset(&m->doc, 0, sizeof(m->doc));
	memset(&m->ent, 0, sizeof(m->ent));
	m->depth = 0;
	m->pstate = P_BODY;
	m->in_field = 0;
	m->orig_quoted = 0;
	m->prev_from = 0;
	m->claim_in_body = 0;
	m->expect_title = 0;
	m->table = 0;
}

static int end_message(cs_mail *m)
{
	int rc = 0;
	m->blank_held = 0; /* an mbox's last blank line: the separator's */
	if (m->state == ST_HEADERS) {
		rc = end_headers(m);
		if (rc)
			return rc;
	}
	if (m->state == ST_BODY) {
		rc = end_leaf(m);
		if (!rc && m->in_message)
			rc = m->ops.end(m->ops.arg, &m->doc);
	}
	m->in_message = 0;
	m->state = ST_START;
	reset_message(m);
	return rc;
}

static int start_message(cs_mail *m, uint64_t off)
{
	int rc = end_message(m);
	if (rc)
		return rc;
	m->state = ST_HEADERS;
	m->msg_off = off;
	m->shift = 0;
	return 0;
}

/* A raw line of the body (after the headers). */
static int body_line(cs_mail *m, const char *s, size_t n, uint64_t off)
{
	/* a boundary of an open multipart (innermost first; an outer one
	 * closes the inner ones) */
	if (m->depth && n >= 3 && s[0] == '-' && s[1] == '-') {
		for (int k = m->depth - 1; k >= 0; k--) {
			frame *f = &m->stack[k];
			if (n < 2 + f->blen || memcmp(s + 2, f->boundary, f->blen) != 0)
				continue;
			const char *r = s + 2 + f->blen;
			size_t rn = n - 2 - f->blen;
			int close = rn >= 2 && r[0] == '-' && r[1] == '-';
			if (close) {
				r += 2;
				rn -= 2;
			}
			if (!blank(r, rn))
				continue;
			int rc = end_leaf(m);
			if (rc)
				return rc;
			m->depth = close ? k : k + 1;
			memset(&m->ent, 0, sizeof(m->ent));
			m->pstate = close ? P_SKIP : P_HEADERS;
			return 0;
		}
	}
	switch (m->pstate) {
	case P_HEADERS: {
		int rc = header_line(m, s, n);
		if (rc != 1)
			return rc;
		/* the part's body starts with this line */
		return body_line(m, s, n, off);
	}
	case P_SKIP:
		return 0;
	default:
		break;
	}
	if (!m->emit)
		return 0;
	if (m->enc == ENC_PLAIN)
		return text_line(m, s, n, off);
	if (m->enc == ENC_QP) {
		/* each raw line's bytes go on at once (a soft break only joins
		 * them to the next line's): memory is bounded, and every decoded
		 * line has the offset of the raw line it starts in */
		cs_buf_clear(&m->qp);
		int soft = cs_qp_line(s, n, &m->qp, m->max_line + 1);
		if (soft < 0)
			return soft;
		if (!soft && cs_buf_addc(&m->qp, '\n'))
			return CRASHSIG_ENOMEM;
		int rc = feed_decoded(m, m->qp.data ? m->qp.data : "", m->qp.len, off);
		cs_buf_clear(&m->qp);
		return rc;
	}
	unsigned char tmp[1024];
	while (n) {
		size_t take = n < 1024 ? n : 1024;
		size_t got = cs_b64_decode(&m->b64, s, take, tmp);
		int rc = feed_decoded(m, (const char *)tmp, got, off);
		if (rc)
			return rc;
		s += take;
		n -= take;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Held lines                                                          */
/* ------------------------------------------------------------------ */

static int hold_line(cs_mail *m, const cs_rline *l)
{
	if (cs_reserve((void **)&m->held, &m->cap_held, m->nheld + 1, sizeof(*m->held)))
		return CRASHSIG_ENOMEM;
	held *h = &m->held[m->nheld++];
	h->start = m->held_text.len;
	h->len = l->len;
	h->off = l->off;
	h->raw_len = l->raw_len;
	return cs_buf_add(&m->held_text, l->data, l->len) ? CRASHSIG_ENOMEM : 0;
}

static int process(cs_mail *m, const char *s, size_t n, uint64_t off, uint64_t raw_len,
		   int nohold);
static int body_line(cs_mail *m, const char *s, size_t n, uint64_t off);

/* mboxrd/mboxo: the blank line before a "From " separator is the
 * separator's, not the message's. A blank line is held back until the next
 * line shows which it is. */
static int flush_blank(cs_mail *m)
{
	if (!m->blank_held)
		return 0;
	m->blank_held = 0;
	uint64_t co = m->cur_off, ce = m->cur_end;
	m->cur_off = m->blank_off;
	m->cur_end = m->blank_off + m->blank_len;
	int rc = body_line(m, "", 0, m->blank_off);
	m->cur_off = co;
	m->cur_end = ce;
	return rc;
}

/* The held lines were no separator: the first is read as a body line, the
 * others as any line (one of them may start a block of its own). */
static int release_held(cs_mail *m)
{
	int rc = 0;
	size_t nh = m->nheld;
	m->hold = HOLD_NONE;
	m->nheld = 0;
	/* (the lines may be held again: work on the copies) */
	char *text = cs_buf_detach(&m->held_text);
	held *hs = m->held;
	m->held = NULL;
	m->cap_held = 0;
	rc = flush_blank(m);
	for (size_t i = 0; i < nh && !rc; i++) {
		if (i == 0) {
			rc = process(m, text + hs[i].start, hs[i].len, hs[i].off, hs[i].raw_len, 1);
		} else {
			cs_rline l = {text + hs[i].start, hs[i].len, hs[i].off, hs[i].raw_len, 0, 0, 0};
			rc = cs_mail_line(m, &l);
		}
	}
	free(text);
	free(hs);
	return rc;
}

/* The held block is a message's headers: a new message starts. */
static int held_message(cs_mail *m)
{
	size_t nh = m->nheld;
	m->hold = HOLD_NONE;
	m->nheld = 0;
	int rc = start_message(m, nh ? m->held[0].off : m->cur_off);
	for (size_t i = 0; i < nh && !rc; i++) {
		const held *h = &m->held[i];
		rc = header_line(m, m->held_text.data + h->start, h->len);
		if (rc == 1)
			rc = 0;
	}
	cs_buf_clear(&m->held_text);
	return rc;
}

static void held_reset(cs_mail *m, int kind)
{
	m->hold = kind;
	m->nheld = 0;
	cs_buf_clear(&m->held_text);
	m->held_fields = 0;
	m->held_from = m->held_id = m->held_trace = m->held_date = 0;
}

/* Can a message's headers start here (a stream of messages)? Only where
 * the current message's body is at its top level. */
static int block_start(cs_mail *m, const char *s, size_t n)
{
	if (m->state != ST_BODY || (m->depth && m->pstate != P_SKIP))
		return 0;
	size_t f = cs_mail_field(s, n);
	return f && (trace_field(s, f) || cs_header_is(s, f, "from") ||
		     cs_header_is(s, f, "message-id"));
}

static int process(cs_mail *m, const char *s, size_t n, uint64_t off, uint64_t raw_len,
		   int nohold)
{
	int rc;
	/* mboxrd/mboxo: ">From " in a body is an escaped "From ": the
	 * message had "From " there (one byte less from here on) */
	int unescape = 0;
	if (m->mbox && m->state == ST_BODY && n > 5 && s[0] == '>') {
		size_t k = 0;
		while (k < n && s[k] == '>')
			k++;
		unescape = n - k >= 5 && !memcmp(s + k, "From ", 5);
	}
	off -= m->shift;
	if (unescape) {
		raw_len--;
		m->shift++;
	}
	m->cur_off = off;
	m->cur_end = off + raw_len;
	int was_blank = m->prev_blank;
	m->prev_blank = n == 0;
	if (m->state == ST_START) {
		if (cs_mail_from_line(s, n)) {
			m->mbox = 1;
			m->prev_blank = 1;
			m->msg_off = off + raw_len;
			return 0;
		}
		if (!n)
			return 0;
		if ((rc = start_message(m, off)))
			return rc;
	}
	if (m->state == ST_HEADERS) {
		rc = header_line(m, s, n);
		if (rc != 1)
			return rc;
		/* the headers ended on a line that is not a field */
		return body_line(m, s, n, off);
	}
	/* mbox: a separator, if a header field follows (held until then) */
	if (m->mbox && !n && !nohold) {
		int rc2 = flush_blank(m);
		if (rc2)
			return rc2;
		m->blank_held = 1;
		m->blank_off = off;
		m->blank_len = raw_len;
		return 0;
	}
	if (!nohold && m->mbox && was_blank && cs_mail_from_line(s, n)) {
		cs_rline l = {s, n, off, raw_len, 0, 0, 0};
		held_reset(m, HOLD_FROM);
		return hold_line(m, &l);
	}
	if ((rc = flush_blank(m)))
		return rc;
	{
		/* messages written one after another */
		if (!nohold && block_start(m, s, n)) {
			cs_rline l = {s, n, off, raw_len, 0, 0, 0};
			held_reset(m, HOLD_BLOCK);
			size_t f = cs_mail_field(s, n);
			m->held_fields = 1;
			m->held_from = cs_header_is(s, f, "from");
			m->held_id = cs_header_is(s, f, "message-id");
			m->held_trace = trace_field(s, f);
			return hold_line(m, &l);
		}
	}
	if (unescape) {
		s++;
		n--;
	}
	return body_line(m, s, n, off);
}

int cs_mail_line(cs_mail *m, const cs_rline *l)
{
	const char *s = l->data;
	size_t n = l->len;
	int rc;
	if (m->hold == HOLD_FROM) {
		if (cs_mail_field(s, n)) {
			/* the held "From " line separated two messages */
			uint64_t start = l->off;
			m->mbox = 1;
			m->blank_held = 0; /* the separator's */
			held_reset(m, HOLD_NONE);
			if ((rc = start_message(m, start)))
				return rc;
			m->cur_off = l->off;
			m->cur_end = l->off + l->raw_len;
			m->prev_blank = 0;
			rc = header_line(m, s, n);
			return rc == 1 ? 0 : rc;
		}
		if ((rc = release_held(m)))
			return rc;
	} else if (m->hold == HOLD_BLOCK) {
		size_t f = n ? cs_mail_field(s, n) : 0;
		if (!n) {
			if (m->held_from && (m->held_id || m->held_trace) && m->held_fields >= 3 &&
			    m->nheld) {
				if ((rc = held_message(m)))
					return rc;
				m->cur_off = l->off;
				m->cur_end = l->off + l->raw_len;
				m->prev_blank = 1;
				return end_headers(m);
			}
			/* (a line released may start a block of its own) */
			if ((rc = release_held(m)))
				return rc;
			return cs_mail_line(m, l);
		} else if ((s[0] == ' ' || s[0] == '\t' || f) && m->nheld < MAX_HELD_LINES &&
			   m->held_text.len < MAX_HELD_BYTES) {
			if (f) {
				m->held_fields++;
				m->held_from |= cs_header_is(s, f, "from");
				m->held_id |= cs_header_is(s, f, "message-id");
				m->held_trace |= trace_field(s, f);
				m->held_date |= cs_header_is(s, f, "date");
			}
			return hold_line(m, l);
		} else {
			if ((rc = release_held(m)))
				return rc;
			return cs_mail_line(m, l);
		}
	}
	return process(m, s, n, l->off, l->raw_len, 0);
}

int cs_mail_finish(cs_mail *m)
{
	int rc = 0;
	if (m->hold == HOLD_BLOCK && m->held_from && (m->held_id || m->held_trace) &&
	    m->held_fields >= 3)
		rc = held_message(m);
	else if (m->hold != HOLD_NONE)
		rc = release_held(m);
	if (!rc)
		rc = end_message(m);
	return rc;
}

int cs_mail_new(cs_mail **out, const cs_mail_ops *ops, size_t max_line)
{
	cs_mail *m = calloc(1, sizeof(*m));
	*out = m;
	if (!m)
		return CRASHSIG_ENOMEM;
	m->ops = *ops;
	m->max_line = max_line ? max_line : 65536;
	m->prev_blank = 1;
	cs_charset_init(&m->cs);
	cs_splitter_init(&m->dsplit, m->max_line, 0, decoded_line, m);
	reset_message(m);
	m->state = ST_START;
	return 0;
}

void cs_mail_free(cs_mail *m)
{
	if (!m)
		return;
	cs_buf *bufs[] = {&m->fname, &m->fval, &m->subject, &m->from, &m->date,
			  &m->msgid, &m->replyto, &m->xfrom, &m->claimed, &m->qp,
			  &m->conv, &m->flow, &m->held_text};
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		cs_buf_free(bufs[i]);
	cs_charset_free(&m->cs);
	cs_splitter_free(&m->dsplit);
	free(m->held);
	free(m);
}
