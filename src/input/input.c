/*
 * The input pipeline: outer decompression, then either a tar archive's
 * members or the file itself as a stream; each stream is decompressed (an
 * archive member may be compressed on its own), split into lines, and read
 * as mail (when its first lines are an mbox separator or a message's
 * header block) or as a console log (/dev/kmsg dictionary lines dropped).
 * See input.h and include/crashsig/input.h.
 */
#include "input/input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "input/decompress.h"
#include "input/mail.h"
#include "input/prefix.h"
#include "input/tar.h"

enum { M_SNIFF, M_PLAIN, M_MAIL };
enum { T_SNIFF, T_NO, T_YES };
/* Lines held while deciding whether a stream is mail (its header block). */
#define SNIFF_MAX_BYTES (1u << 20)

typedef struct sniffed {
	size_t start, len;
	uint64_t off, raw_len;
	unsigned flags;
} sniffed;

struct cs_input {
	cs_input_ops ops;
	size_t max_line;
	unsigned flags;
	cs_decomp outer;
	int tstate;
	unsigned char thead[512];
	size_t nthead;
	cs_tar *tar;     /* when the input is an archive */

	/* the current stream: the file, or an archive member */
	int stream_open;
	cs_decomp *inner; /* an archive member's decompression */
	int inner_on;
	cs_splitter split;
	int mode;
	cs_mail_sniff sniff;
	cs_buf stext;
	sniffed *sl;
	size_t nsl, capsl;
	cs_mail *mail;
	int kmsg;
	crashsig_document doc; /* of a console log */
	int doc_open;
	crashsig_document *mdoc; /* of the message being read (the mail reader's) */
	char *member;
	uint64_t member_off;
	size_t ndocs;
	char err[256];
};

/* ------------------------------------------------------------------ */
/* Documents and lines                                                 */
/* ------------------------------------------------------------------ */

static int doc_event(cs_input *in, crashsig_document *d, int end)
{
	if (!end) {
		d->index = in->ndocs++;
		d->member = in->member;
	}
	return in->ops.doc ? in->ops.doc(in->ops.arg, d, end) : 0;
}

/* (inlined: the splitter's callback, on_line, calls it for every line) */
static inline __attribute__((always_inline)) int plain_line(cs_input *in,
							     const cs_rline *l)
{
	if (!(l->flags & CS_RL_CONT) && l->len) {
		unsigned char c = (unsigned char)l->data[0];
		if (cs_isdigit(c)) {
			if (!in->kmsg && cs_kmsg_record(l->data, l->len))
				in->kmsg = 1;
		} else if (c == ' ' && in->kmsg && cs_kmsg_dict(l->data, l->len)) {
			return 0; /* metadata of the record before */
		}
	}
	return in->ops.line(in->ops.arg, l, &in->doc);
}

/* Skipping lines is for console logs (not mail, not while sniffing). */
static size_t in_scan(void *arg, const char *s, size_t n)
{
	cs_input *in = arg;
	return in->mode == M_PLAIN ? in->ops.scan(in->ops.arg, s, n) : 0;
}

static void in_skipped(void *arg, uint64_t bytes)
{
	cs_input *in = arg;
	in->ops.skipped(in->ops.arg, bytes);
}

static int begin_plain(cs_input *in)
{
	memset(&in->doc, 0, sizeof(in->doc));
	in->doc.kind = CRASHSIG_DOCUMENT_LOG;
	in->doc.offset = in->member_off;
	in->doc_open = 1;
	in->mode = M_PLAIN;
	return doc_event(in, &in->doc, 0);
}

/* Mail: the reader owns the message's document (its claimed title may be
 * found in the body); lines carry it. */
static int mail_begin(void *arg, crashsig_document *d)
{
	cs_input *in = arg;
	d->offset += in->member_off;
	in->mdoc = d;
	return doc_event(in, d, 0);
}

static int mail_end(void *arg, crashsig_document *d)
{
	cs_input *in = arg;
	in->mdoc = NULL;
	return doc_event(in, d, 1);
}

static int mail_line(void *arg, const cs_rline *l)
{
	cs_input *in = arg;
	return in->ops.line(in->ops.arg, l, in->mdoc);
}

static int to_mail(cs_input *in, const cs_rline *l)
{
	if (l->flags & CS_RL_CONT)
		return 0; /* a mail line longer than max_line: its first part */
	return cs_mail_line(in->mail, l);
}

/* The stream is mail or not: replay the lines held while sniffing. */
static int decide(cs_input *in, int mail)
{
	int rc = 0;
	if (mail) {
		cs_mail_ops ops = {mail_begin, mail_end, mail_line, in};
		if ((rc = cs_mail_new(&in->mail, &ops, in->max_line)))
			return rc;
		in->mode = M_MAIL;
	} else if ((rc = begin_plain(in))) {
		return rc;
	}
	for (size_t i = 0; i < in->nsl && !rc; i++) {
		const sniffed *s = &in->sl[i];
		cs_rline l = {in->stext.data + s->start, s->len, s->off, s->raw_len, s->flags, 0, 0};
		rc = mail ? to_mail(in, &l) : plain_line(in, &l);
	}
	in->nsl = 0;
	cs_buf_clear(&in->stext);
	return rc;
}

static int on_line(void *arg, const cs_rline *l)
{
	cs_input *in = arg;
	if (in->mode == M_PLAIN)
		return plain_line(in, l);
	if (in->mode == M_MAIL)
		return to_mail(in, l);
	/* sniffing: hold the line */
	int st = (l->flags & CS_RL_CONT) ? in->sniff.state
					   : cs_mail_sniff_line(&in->sniff, l->data, l->len);
	if (st == CS_SNIFF_MORE && in->stext.len + l->len > SNIFF_MAX_BYTES)
		st = CS_SNIFF_NOT;
	if (st == CS_SNIFF_NOT && !in->nsl)
		return begin_plain(in) ? CRASHSIG_ENOMEM : plain_line(in, l);
	if (cs_reserve((void **)&in->sl, &in->capsl, in->nsl + 1, sizeof(*in->sl)))
		return CRASHSIG_ENOMEM;
	sniffed *s = &in->sl[in->nsl++];
	s->start = in->stext.len;
	s->len = l->len;
	s->off = l->off;
	s->raw_len = l->raw_len;
	s->flags = l->flags;
	if (cs_buf_add(&in->stext, l->data, l->len))
		return CRASHSIG_ENOMEM;
	if (st == CS_SNIFF_MORE)
		return 0;
	return decide(in, st == CS_SNIFF_MAIL);
}

/* ------------------------------------------------------------------ */
/* Streams                                                             */
/* ------------------------------------------------------------------ */

static int stream_begin(cs_input *in, const char *member, uint64_t off)
{
	free(in->member);
	in->member = NULL;
	if (member && !(in->member = cs_strndup(member, strlen(member))))
		return CRASHSIG_ENOMEM;
	in->member_off = off;
	in->stream_open = 1;
	in->mode = M_SNIFF;
	memset(&in->sniff, 0, sizeof(in->sniff));
	in->kmsg = 0;
	in->doc_open = 0;
	cs_splitter_reset(&in->split);
	in->inner_on = member != NULL;
	if (in->inner_on) {
		if (!in->inner && !(in->inner = malloc(sizeof(*in->inner))))
			return CRASHSIG_ENOMEM;
		cs_decomp_init(in->inner);
	}
	if (in->flags & CRASHSIG_INPUT_NO_MAIL)
		return begin_plain(in);
	return 0;
}

static int split_bytes(void *arg, const char *data, size_t len)
{
	cs_input *in = arg;
	return cs_splitter_feed(&in->split, data, len);
}

static int member_error(cs_input *in, int rc)
{
	if (rc && in->inner->err[0] && !in->err[0])
		snprintf(in->err, sizeof(in->err), "%s: %s", in->member ? in->member : "",
			 in->inner->err);
	return rc;
}

static int stream_bytes(cs_input *in, const char *data, size_t len)
{
	if (in->inner_on)
		return member_error(in, cs_decomp_feed(in->inner, data, len, split_bytes, in));
	return cs_splitter_feed(&in->split, data, len);
}

static int stream_end(cs_input *in)
{
	int rc = 0;
	if (!in->stream_open)
		return 0;
	in->stream_open = 0;
	if (in->inner_on) {
		rc = member_error(in, cs_decomp_finish(in->inner, split_bytes, in));
		cs_decomp_free(in->inner);
		in->inner_on = 0;
	}
	if (!rc)
		rc = cs_splitter_finish(&in->split);
	if (!rc && in->mode == M_SNIFF)
		rc = decide(in, cs_mail_sniff_end(&in->sniff) == CS_SNIFF_MAIL);
	if (!rc && in->mode == M_MAIL)
		rc = cs_mail_finish(in->mail);
	cs_mail_free(in->mail);
	in->mail = NULL;
	if (!rc && in->mode == M_PLAIN && in->doc_open) {
		in->doc_open = 0;
		rc = doc_event(in, &in->doc, 1);
	}
	in->mode = M_SNIFF;
	return rc;
}

static int tar_begin(void *arg, const char *name, uint64_t off)
{
	cs_input *in = arg;
	return stream_begin(in, name, off);
}

static int tar_data(void *arg, const char *data, size_t len)
{
	return stream_bytes(arg, data, len);
}

static int tar_end(void *arg)
{
	return stream_end(arg);
}

/* Decompressed bytes of the input: an archive, or one stream. */
static int outer_bytes(void *arg, const char *data, size_t len)
{
	cs_input *in = arg;
	if (in->ops.bytes)
		in->ops.bytes(in->ops.arg, data, len);
	if (in->tstate == T_SNIFF) {
		size_t take = 512 - in->nthead;
		if (take > len)
			take = len;
		memcpy(in->thead + in->nthead, data, take);
		in->nthead += take;
		data += take;
		len -= take;
		if (in->nthead < 512)
			return 0;
		int rc;
		if (cs_tar_is_header(in->thead, 512)) {
			cs_tar_ops ops = {tar_begin, tar_data, tar_end, in};
			if (!(in->tar = malloc(sizeof(*in->tar))))
				return CRASHSIG_ENOMEM;
			cs_tar_init(in->tar, &ops);
			in->tstate = T_YES;
			rc = cs_tar_feed(in->tar, (const char *)in->thead, 512);
		} else {
			in->tstate = T_NO;
			rc = stream_begin(in, NULL, 0);
			if (!rc)
				rc = stream_bytes(in, (const char *)in->thead, 512);
		}
		if (rc || !len)
			return rc;
	}
	if (in->tstate == T_YES)
		return cs_tar_feed(in->tar, data, len);
	return stream_bytes(in, data, len);
}

int cs_input_new(cs_input **out, const cs_input_ops *ops, size_t max_line, unsigned flags)
{
	cs_input *in = calloc(1, sizeof(*in));
	*out = in;
	if (!in)
		return CRASHSIG_ENOMEM;
	in->ops = *ops;
	in->max_line = max_line ? max_line : 65536;
	in->flags = flags;
	cs_decomp_init(&in->outer);
	cs_splitter_init(&in->split, in->max_line,
			 (flags & CRASHSIG_INPUT_SEGMENTS) ? CS_SPLIT_SEGMENTS : 0, on_line, in);
	if (ops->scan && ops->skipped) {
		cs_splitter_set_scan(&in->split, in_scan, in_skipped, in);
		cs_splitter_set_scan_hold(&in->split, ops->scan_hold);
	}
	in->tstate = (flags & CRASHSIG_INPUT_NO_ARCHIVE) ? T_NO : T_SNIFF;
	return 0;
}

static int outer_error(cs_input *in, int rc)
{
	if (rc && in->outer.err[0] && !in->err[0])
		snprintf(in->err, sizeof(in->err), "%s", in->outer.err);
	if (rc && in->tar && in->tar->err[0] && !in->err[0])
		snprintf(in->err, sizeof(in->err), "%s", in->tar->err);
	return rc;
}

int cs_input_feed(cs_input *in, const char *data, size_t len)
{
	if (in->tstate == T_NO && !in->stream_open && !in->err[0]) {
		int rc = stream_begin(in, NULL, 0);
		if (rc)
			return rc;
	}
	return outer_error(in, cs_decomp_feed(&in->outer, data, len, outer_bytes, in));
}

int cs_input_finish(cs_input *in)
{
	int rc = cs_decomp_finish(&in->outer, outer_bytes, in);
	if (!rc && in->tstate == T_SNIFF) {
		/* shorter than a tar header: one stream */
		in->tstate = T_NO;
		rc = stream_begin(in, NULL, 0);
		if (!rc && in->nthead)
			rc = stream_bytes(in, (const char *)in->thead, in->nthead);
	}
	if (!rc && in->tstate == T_YES)
		rc = cs_tar_finish(in->tar);
	if (!rc && in->tstate == T_NO && !in->stream_open && !in->ndocs)
		rc = stream_begin(in, NULL, 0); /* empty input: one empty log */
	int rc2 = stream_end(in);
	if (!rc)
		rc = rc2;
	return outer_error(in, rc);
}

void cs_input_free(cs_input *in)
{
	if (!in)
		return;
	cs_decomp_free(&in->outer);
	if (in->inner_on)
		cs_decomp_free(in->inner);
	free(in->inner);
	cs_tar_free(in->tar);
	free(in->tar);
	cs_splitter_free(&in->split);
	cs_mail_free(in->mail);
	cs_buf_free(&in->stext);
	free(in->sl);
	free(in->member);
	free(in);
}

const char *cs_input_error(const cs_input *in)
{
	return in->err[0] ? in->err : NULL;
}

const char *cs_input_compression(const cs_input *in)
{
	return cs_decomp_name(&in->outer);
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

struct crashsig_input {
	crashsig_ctx *ctx;
	crashsig_input_options opts;
	cs_input *in;
	cs_buf scratch, joined;
	int err;
	int finished;
};

static unsigned pub_flags(unsigned f)
{
	return ((f & CS_RL_QUOTED) ? CRASHSIG_LINE_QUOTED : 0) |
	       ((f & CS_RL_PROSE) ? CRASHSIG_LINE_PROSE : 0) |
	       ((f & CS_RL_MORE) ? CRASHSIG_LINE_MORE : 0) |
	       ((f & CS_RL_CONT) ? CRASHSIG_LINE_CONT : 0) | ((f & CS_RL_CUT) ? CRASHSIG_LINE_CUT : 0) |
	       ((f & CS_RL_NOEOL) ? CRASHSIG_LINE_NO_EOL : 0);
}

static int pub_line(void *arg, const cs_rline *l, const crashsig_document *doc)
{
	crashsig_input *p = arg;
	const char *d = l->data + l->qlen;
	size_t n = l->len - l->qlen;
	cs_line pl;
	crashsig_line o;
	memset(&o, 0, sizeof(o));
	if (l->flags & CS_RL_CONT) {
		/* a segment continuing a long line: no prefix of its own */
		o.line = o.text = l->data;
		o.line_len = o.len = l->len;
		o.prefix = CRASHSIG_PREFIX_NONE;
		o.origin = (l->flags & CS_RL_MAIL) ? CRASHSIG_ORIGIN_MAIL : CRASHSIG_ORIGIN_CONSOLE;
		o.level = -1;
	} else {
		int rc = cs_line_parse(d, n, &pl, &p->scratch, CS_LINE_TIME, p->opts.reference_time);
		if (rc)
			return rc;
		if (pl.line == d || !l->qlen) {
			o.line = pl.line == d ? l->data : pl.line;
			o.line_len = pl.line == d ? l->len : pl.line_len;
			o.prefix_len = (pl.line == d ? l->qlen : 0) + pl.prefix_len;
		} else {
			cs_buf_clear(&p->joined);
			if (cs_buf_add(&p->joined, l->data, l->qlen) ||
			    cs_buf_add(&p->joined, pl.line, pl.line_len))
				return CRASHSIG_ENOMEM;
			o.line = p->joined.data;
			o.line_len = p->joined.len;
			o.prefix_len = l->qlen + pl.prefix_len;
		}
		o.text = o.line + o.prefix_len;
		o.len = pl.len;
		o.prefix = pl.prefix;
		o.origin = (l->flags & CS_RL_MAIL) ? CRASHSIG_ORIGIN_MAIL : pl.origin;
		o.level = pl.level;
		memcpy(o.caller, pl.caller, sizeof(o.caller));
		o.time = pl.time;
	}
	o.offset = l->off;
	o.bytes = l->raw_len;
	o.document = doc ? doc->index : 0;
	o.flags = pub_flags(l->flags);
	o.quote = l->quote;
	return p->opts.line(p->opts.arg, &o);
}

static int pub_doc(void *arg, const crashsig_document *doc, int end)
{
	crashsig_input *p = arg;
	return p->opts.document ? p->opts.document(p->opts.arg, doc, end) : 0;
}

CS_EXPORT int crashsig_input_new(crashsig_input **out, crashsig_ctx *ctx,
				 const crashsig_input_options *opts)
{
	if (!out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (!opts || !opts->line || opts->version != CRASHSIG_INPUT_OPTIONS_VERSION)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL,
				    "crashsig_input_new: options missing, without a line "
				    "callback, or of another version");
	crashsig_input *p = calloc(1, sizeof(*p));
	if (!p)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	p->ctx = ctx;
	p->opts = *opts;
	size_t max_line = opts->max_line ? opts->max_line : ctx ? ctx->opts.max_line : 0;
	cs_input_ops ops = {.line = pub_line, .doc = pub_doc, .arg = p};
	if (cs_input_new(&p->in, &ops, max_line, opts->flags)) {
		crashsig_input_free(p);
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	}
	*out = p;
	return 0;
}

int cs_input_stream_check(crashsig_ctx *ctx, int err, int finished, const char *misuse)
{
	if (err)
		return err;
	if (finished)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "%s", misuse);
	return 0;
}

int cs_input_stream_rc(crashsig_ctx *ctx, const cs_input *in, int rc)
{
	if (rc < 0 && cs_input_error(in))
		return cs_ctx_error(ctx, rc, "%s", cs_input_error(in));
	if (rc == CRASHSIG_ENOMEM)
		return cs_ctx_error(ctx, rc, "out of memory");
	return rc;
}

CS_EXPORT int crashsig_input_feed(crashsig_input *p, const void *data, size_t len)
{
	if (!p || (!data && len))
		return CRASHSIG_EINVAL;
	int rc = cs_input_stream_check(p->ctx, p->err, p->finished,
				       "crashsig_input_feed after crashsig_input_finish");
	if (!rc)
		rc = p->err = cs_input_stream_rc(p->ctx, p->in, cs_input_feed(p->in, data, len));
	return rc;
}

CS_EXPORT int crashsig_input_finish(crashsig_input *p)
{
	if (!p)
		return CRASHSIG_EINVAL;
	int rc = cs_input_stream_check(p->ctx, p->err, p->finished,
				       "crashsig_input_finish called twice");
	if (rc)
		return rc;
	p->finished = 1;
	return p->err = cs_input_stream_rc(p->ctx, p->in, cs_input_finish(p->in));
}

CS_EXPORT void crashsig_input_free(crashsig_input *p)
{
	if (!p)
		return;
	cs_input_free(p->in);
	cs_buf_free(&p->scratch);
	cs_buf_free(&p->joined);
	free(p);
}

CS_EXPORT const char *crashsig_input_compression(const crashsig_input *p)
{
	return p ? cs_input_compression(p->in) : NULL;
}

CS_EXPORT int crashsig_line_parse(const char *line, size_t len, int64_t reference_time,
				  char *scratch, size_t scratch_len, crashsig_line *out)
{
	if (!line || !out || (!scratch && scratch_len) || scratch_len < len + 1)
		return CRASHSIG_EINVAL;
	cs_buf b = {0};
	cs_line pl;
	int rc = cs_line_parse(line, len, &pl, &b, CS_LINE_TIME, reference_time);
	if (rc) {
		cs_buf_free(&b);
		return rc;
	}
	memset(out, 0, sizeof(*out));
	const char *base = pl.line;
	if (b.data && base == b.data) {
		memcpy(scratch, b.data, pl.line_len);
		scratch[pl.line_len] = 0;
		base = scratch;
	}
	out->line = base;
	out->line_len = pl.line_len;
	out->prefix_len = pl.prefix_len;
	out->text = base + pl.prefix_len;
	out->len = pl.len;
	out->bytes = len;
	out->origin = pl.origin;
	out->prefix = pl.prefix;
	out->level = pl.level;
	memcpy(out->caller, pl.caller, sizeof(out->caller));
	out->time = pl.time;
	cs_buf_free(&b);
	return 0;
}

CS_EXPORT const char *crashsig_origin_name(crashsig_origin o)
{
	static const char *const n[] = {"console", "journal", "kmsg", "netconsole", "mail"};
	return (unsigned)o < sizeof(n) / sizeof(n[0]) ? n[o] : "unknown";
}

CS_EXPORT const char *crashsig_prefix_name(crashsig_prefix p)
{
	static const char *const n[] = {
		"none", "printk", "dmesg-ctime", "dmesg-reltime", "dmesg-delta", "dmesg-iso",
		"syslog", "journal-iso", "journal-full", "journal-monotonic", "kmsg",
	};
	return (unsigned)p < sizeof(n) / sizeof(n[0]) ? n[p] : "unknown";
}
