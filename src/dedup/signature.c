/*
 * Stack signatures and the similarity of frame sequences.
 *
 * The signature of a crash is the first CRASHSIG_SIGNATURE_FRAMES frames of
 * the stack that names it, starting at the frame its title names (the
 * "guilty" frame), after the skip list of the rules, with compiler suffixes
 * stripped and syscall wrappers mapped to the syscall (cs_title_func), and
 * without unreliable ('?') frames. It does not depend on offsets, addresses
 * or the kernel build, nor on symbolization: inline frames (which only a
 * symbolized report has) are left out of it, and kept in the inline-aware
 * form.
 *
 * Similarity is the Damerau-Levenshtein distance (optimal string alignment)
 * between two frame sequences over the longer length, as ABRT compares
 * backtraces (its satyr library; FAF clusters at 0.3 with the same kind of
 * distance). Generic frames (library helpers, list debugging, allocators,
 * locking, reporting machinery: the `generic` table of the rules,
 * rules/90-dedup.rules) are removed first, so that two bugs are never found
 * similar through them.
 */
#include "dedup/dedup_int.h"

#include "base/ctx.h"
#include "classify/frames.h"
#include "classify/report.h"
#include "classify/rules.h"

#include <stdlib.h>
#include <string.h>

struct sig_priv {
	crashsig_signature pub;
	char **frames;
	char **inl;
	char *key;
	char *inline_key;
};

CS_EXPORT void crashsig_signature_free(crashsig_signature *sig)
{
	if (!sig)
		return;
	struct sig_priv *p = (struct sig_priv *)sig;
	for (size_t i = 0; i < p->pub.nframes; i++)
		free(p->frames[i]);
	for (size_t i = 0; i < p->pub.ninline_frames; i++)
		free(p->inl[i]);
	free(p->frames);
	free(p->inl);
	free(p->key);
	free(p->inline_key);
	free(p);
}

/* Crash kinds that say nothing about a stack: the machine or the fuzzer
 * went away, the kernel did not boot. Their titles come from syzkaller's
 * pkg/report (lost connection, no output) and pkg/instance / syz-manager
 * (boot error, test error, executor failure, SYZFAIL). */
int cs_signature_no_stack_title(const char *title)
{
	static const char *const prefixes[] = {
		"lost connection to test machine", "no output from test machine",
		"no output", "lost connection", "executor failed", "SYZFAIL:",
		"SYZFATAL:", "boot error", "test error", "build error",
		"unexpected kernel reboot", "suppressed report", "corrupted report",
		"kernel panic: Attempted to kill init", "failed to ",
	};
	if (!title)
		return 1;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(title, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* Generic frames are data: the `generic` table of the rules
 * (rules/90-dedup.rules), reached through cs_rules_frame_generic. */
CS_EXPORT int crashsig_frame_is_generic(crashsig_ctx *ctx, const char *func)
{
	if (!ctx || !ctx->rules)
		return CRASHSIG_EINVAL;
	if (!func || !*func)
		return 1;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	if (!md)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	int g = cs_rules_frame_generic(ctx->rules, func, strlen(func), md);
	pcre2_match_data_free(md);
	return g;
}

/* Optimal string alignment distance between two sequences of strings. */
static size_t osa(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t w = nb + 1;
	size_t small[1024];
	size_t *d = (na + 1) * w <= 1024 ? small : malloc((na + 1) * w * sizeof(size_t));
	if (!d)
		return na > nb ? na : nb;
	for (size_t i = 0; i <= na; i++)
		d[i * w] = i;
	for (size_t j = 0; j <= nb; j++)
		d[j] = j;
	for (size_t i = 1; i <= na; i++) {
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = strcmp(a[i - 1], b[j - 1]) != 0;
			size_t v = d[(i - 1) * w + j] + 1;
			if (d[i * w + j - 1] + 1 < v)
				v = d[i * w + j - 1] + 1;
			if (d[(i - 1) * w + j - 1] + cost < v)
				v = d[(i - 1) * w + j - 1] + cost;
			if (i > 1 && j > 1 && !strcmp(a[i - 1], b[j - 2]) &&
			    !strcmp(a[i - 2], b[j - 1]) && d[(i - 2) * w + j - 2] + 1 < v)
				v = d[(i - 2) * w + j - 2] + 1;
			d[i * w + j] = v;
		}
	}
	size_t r = d[na * w + nb];
	if (d != small)
		free(d);
	return r;
}

CS_EXPORT double crashsig_frames_distance(const char *const *a, size_t na,
					  const char *const *b, size_t nb)
{
	if (!na && !nb)
		return 1.0;
	size_t m = na > nb ? na : nb;
	return (double)osa(a, na, b, nb) / (double)m;
}

/* Split a key into at most max frames, generic ones (by the rules, which
 * may be NULL: none) dropped. */
static size_t split_key(const char *key, char *buf, size_t buflen, const char **out,
			size_t max, const char **kind, const char **tkind,
			const char **site, const cs_rules *rules, pcre2_match_data *md)
{
	size_t n = 0, len = strlen(key);
	*kind = "";
	*tkind = "";
	*site = "";
	if (!buflen)
		return 0;
	if (len >= buflen)
		len = buflen - 1;
	memcpy(buf, key, len);
	buf[len] = 0;
	for (char *p = buf; *p && n < max;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		char *e = p;
		while (*e && *e != ' ')
			e++;
		int last = !*e;
		*e = 0;
		if (*p == '@')
			*kind = p; /* the stack's kind marker, not a frame */
		else if (*p == '#')
			*tkind = p; /* the title's kind */
		else if (*p == '=')
			*site = p; /* the assertion's source file */
		else if (!rules || !cs_rules_frame_generic(rules, p, (size_t)(e - p), md))
			out[n++] = p;
		if (last)
			break;
		p = e + 1;
	}
	return n;
}

int cs_sig_prepare(cs_sig *out, const char *key, const cs_rules *rules)
{
	memset(out, 0, sizeof(*out));
	if (!key)
		return 0;
	pcre2_match_data *md = NULL;
	if (rules && !(md = pcre2_match_data_create(1, NULL)))
		return CRASHSIG_ENOMEM;
	out->buf = malloc(strlen(key) + 1);
	if (!out->buf) {
		pcre2_match_data_free(md);
		return CRASHSIG_ENOMEM;
	}
	out->n = split_key(key, out->buf, strlen(key) + 1, out->f, CS_SIG_MAX, &out->kind,
			   &out->tkind, &out->site, rules, md);
	pcre2_match_data_free(md);
	return 0;
}

void cs_sig_release(cs_sig *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

double cs_sig_distance(const cs_sig *a, const cs_sig *b)
{
	if (a->n < 2 || b->n < 2)
		return 1.0;
	/* An allocation stack (a memory leak) is not comparable with the
	 * stack of a crash, nor a hang's with a fault's. */
	if (strcmp(a->kind, b->kind))
		return 1.0;
	/* Two failed assertions in different source files are two checks
	 * (rules/90-dedup.rules, assert-site). */
	if (*a->site && *b->site && strcmp(a->site, b->site))
		return 1.0;
	/* The frame that names the crash says most about where the bug is:
	 * two stacks are comparable only if they start at the same function,
	 * or, for crashes of the same kind (the title before " in "), one
	 * starts one call deeper than the other (its title names a function
	 * that the other's compiler inlined: the same code). Different
	 * faulting functions under the same callers are different bugs. */
	if (strcmp(a->f[0], b->f[0]) &&
	    (strcmp(a->tkind, b->tkind) ||
	     (strcmp(a->f[0], b->f[1]) && strcmp(a->f[1], b->f[0]))))
		return 1.0;
	return crashsig_frames_distance(a->f, a->n, b->f, b->n);
}

CS_EXPORT double crashsig_signature_distance(crashsig_ctx *ctx, const char *key_a,
					     const char *key_b)
{
	if (!key_a || !key_b)
		return 1.0;
	const cs_rules *rules = ctx ? ctx->rules : NULL;
	cs_sig a, b;
	if (cs_sig_prepare(&a, key_a, rules))
		return 1.0;
	if (cs_sig_prepare(&b, key_b, rules)) {
		cs_sig_release(&a);
		return 1.0;
	}
	double d = cs_sig_distance(&a, &b);
	cs_sig_release(&a);
	cs_sig_release(&b);
	return d;
}

/* ---------------- computing a signature ---------------- */

typedef struct seq {
	char **v;
	size_t n, cap;
} seq;

static int seq_push(seq *s, const char *f)
{
	if (s->n && !strcmp(s->v[s->n - 1], f))
		return 0; /* the pc frame and the top of the trace */
	if (cs_reserve((void **)&s->v, &s->cap, s->n + 1, sizeof(char *)))
		return CRASHSIG_ENOMEM;
	if (!(s->v[s->n] = strdup(f)))
		return CRASHSIG_ENOMEM;
	s->n++;
	return 0;
}

static char *join(char **v, size_t n, const char *kind, const char *title,
		  const char *site, size_t site_len)
{
	cs_buf b = {0};
	if (n && kind && (cs_buf_adds(&b, kind) || cs_buf_addc(&b, ' '))) {
		cs_buf_free(&b);
		return NULL;
	}
	/* "=" and the assertion's source file */
	if (n && site_len &&
	    (cs_buf_addc(&b, '=') || cs_buf_add(&b, site, site_len) || cs_buf_addc(&b, ' '))) {
		cs_buf_free(&b);
		return NULL;
	}
	/* "#" and the title's kind, spaces as '_' */
	const char *in = title ? strstr(title, " in ") : NULL;
	if (n && in) {
		int e = cs_buf_addc(&b, '#');
		for (const char *p = title; !e && p < in; p++)
			e = cs_buf_addc(&b, *p == ' ' ? '_' : *p);
		if (e || cs_buf_addc(&b, ' ')) {
			cs_buf_free(&b);
			return NULL;
		}
	}
	for (size_t i = 0; i < n; i++)
		if ((i && cs_buf_addc(&b, ' ')) || cs_buf_adds(&b, v[i])) {
			cs_buf_free(&b);
			return NULL;
		}
	return b.data ? b.data : strdup("");
}

typedef struct walk {
	crashsig_ctx *ctx;
	pcre2_match_data *md;
	cs_buf name;
} walk;

/* The name of a frame as a signature keeps it, or NULL when the frame is
 * left out (unreliable, unnamed, skipped by the rules). */
static const char *frame_name(walk *w, const crashsig_frame *f, int keep_skipped)
{
	if (f->flags & CRASHSIG_FRAME_UNRELIABLE)
		return NULL;
	if (!f->func || !*f->func || f->func[0] == '0')
		return NULL;
	if (cs_title_func(w->ctx->rules, f->func, &w->name))
		return NULL;
	if (!w->name.len)
		return NULL;
	if (!keep_skipped && cs_re_ok(&w->ctx->rules->skip)) {
		size_t n = cs_func_base_len(f->func, strlen(f->func));
		if (n && cs_re_match(&w->ctx->rules->skip, f->func, n, 0, w->md) > 0)
			return NULL;
	}
	return w->name.data;
}

CS_EXPORT int crashsig_signature_new(crashsig_signature **out, crashsig_ctx *ctx,
				     const crashsig_report *r)
{
	if (!out || !ctx || !r || !ctx->rules)
		return CRASHSIG_EINVAL;
	*out = NULL;
	struct sig_priv *p = calloc(1, sizeof(*p));
	if (!p)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	walk w = {ctx, pcre2_match_data_create(8, NULL), {0}};
	seq base = {0}, inl = {0};
	int rc = w.md ? 0 : CRASHSIG_ENOMEM;
	const char *title = crashsig_report_title(r);
	p->pub.no_stack_kind = cs_signature_no_stack_title(title);
	/* Which stacks are comparable, by the crash type the rules give
	 * (syzkaller's crash types): a memory leak carries the stack that
	 * allocated the object; hangs, stalls and locking reports show where
	 * a task waits or what it holds; every other kind shows where the
	 * kernel faulted. A similarity across these says nothing. */
	const char *type = crashsig_report_type(r);
	const char *kind = NULL;
	if (!strcmp(type, "LEAK") || !strncmp(title, "memory leak in ", 15))
		kind = "@alloc";
	else if (!strcmp(type, "HANG") || !strcmp(type, "LOCKDEP") || !strcmp(type, "ATOMIC_SLEEP"))
		kind = "@hang";
	const char *guilty = crashsig_report_frame(r);
	if (guilty && !strcmp(guilty, "corrupted"))
		guilty = NULL;
	size_t ns = crashsig_report_stack_count(r);
	size_t si = (size_t)-1, fj = 0;
	/* The stack that names the crash: the first with the guilty frame. */
	for (size_t i = 0; guilty && !rc && i < ns && si == (size_t)-1; i++) {
		const crashsig_stack *st = crashsig_report_stack(r, i);
		for (size_t j = 0; j < st->nframes; j++) {
			const char *n = frame_name(&w, &st->frames[j], 1);
			if (n && !strcmp(n, guilty)) {
				si = i;
				fj = j;
				break;
			}
		}
	}
	int from_guilty = si != (size_t)-1;
	if (!from_guilty) {
		/* No guilty frame: the first call trace, after the skips. */
		for (size_t i = 0; i < ns; i++) {
			const crashsig_stack *st = crashsig_report_stack(r, i);
			if (st->nframes && !strcmp(st->kind, "call trace")) {
				si = i;
				break;
			}
		}
	}
	p->pub.stack = si;
	/* The inline frames printed just above the guilty frame are code
	 * inlined into it at the faulting pc: the inline-aware form starts
	 * with them. */
	if (from_guilty) {
		const crashsig_stack *st = crashsig_report_stack(r, si);
		size_t k = fj;
		while (k > 0 && (st->frames[k - 1].flags & CRASHSIG_FRAME_INLINE))
			k--;
		for (; !rc && k < fj; k++) {
			const char *n = frame_name(&w, &st->frames[k], 1);
			if (n && inl.n < CRASHSIG_SIGNATURE_FRAMES)
				rc = seq_push(&inl, n);
		}
	}
	for (size_t i = si; !rc && si != (size_t)-1 && i < ns; i++) {
		const crashsig_stack *st = crashsig_report_stack(r, i);
		if (i != si && strcmp(st->kind, "call trace"))
			break;
		for (size_t j = i == si ? fj : 0; !rc && j < st->nframes; j++) {
			const crashsig_frame *f = &st->frames[j];
			int first = from_guilty && i == si && j == fj;
			const char *n = frame_name(&w, f, first);
			if (!n)
				continue;
			if (base.n < CRASHSIG_SIGNATURE_FRAMES && !(f->flags & CRASHSIG_FRAME_INLINE))
				rc = seq_push(&base, n);
			if (!rc && inl.n < CRASHSIG_SIGNATURE_FRAMES)
				rc = seq_push(&inl, n);
		}
		/* The pc line is followed by the trace of its callers. */
		if (strcmp(st->kind, "ip"))
			break;
	}
	size_t tlen = 0, site_len = 0;
	const char *text = crashsig_report_text(r, &tlen), *site = NULL;
	if (!w.md || !cs_rules_assert_site(ctx->rules, text, tlen, w.md, &site, &site_len))
		site_len = 0;
	cs_buf_free(&w.name);
	if (w.md)
		pcre2_match_data_free(w.md);
	p->frames = base.v;
	p->pub.nframes = base.n;
	p->inl = inl.v;
	p->pub.ninline_frames = inl.n;
	if (!rc) {
		p->key = join(base.v, base.n, kind, title, site, site_len);
		p->inline_key = join(inl.v, inl.n, kind, title, site, site_len);
		if (!p->key || !p->inline_key)
			rc = CRASHSIG_ENOMEM;
	}
	if (rc) {
		crashsig_signature_free(&p->pub);
		return cs_ctx_error(ctx, rc, "out of memory");
	}
	p->pub.frames = (const char *const *)p->frames;
	p->pub.inline_frames = (const char *const *)p->inl;
	p->pub.key = p->key;
	p->pub.inline_key = p->inline_key;
	*out = &p->pub;
	return 0;
}

/* ---------------- adding a parsed report ---------------- */

/* The report text as an unsymbolized console would have printed it:
 * "[inline]" frame lines dropped, " file:line" after frames removed. */
static int strip_symbolization(const char *text, size_t len, cs_buf *out)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *e = le;
		while (e > p && (e[-1] == '\r' || e[-1] == ' '))
			e--;
		if (e - p >= 9 && !memcmp(e - 9, " [inline]", 9))
			goto next;
		/* last token "path:line" after a func+0x../0x.. */
		const char *t = e;
		while (t > p && t[-1] != ' ')
			t--;
		if (t > p && t < e) {
			const char *c = memchr(t, ':', (size_t)(e - t));
			int ok = c && c > t && c + 1 < e;
			for (const char *q = c ? c + 1 : e; ok && q < e; q++)
				if (!cs_isdigit((unsigned char)*q) && *q != ':')
					ok = 0;
			for (const char *q = t; ok && q < c; q++)
				if (!cs_isalnum((unsigned char)*q) && !strchr("_./-+", *q))
					ok = 0;
			if (ok && memchr(t, '.', (size_t)(c - t)) &&
			    memmem(p, (size_t)(t - p), "+0x", 3)) {
				if (cs_buf_add(out, p, (size_t)(t - 1 - p)))
					return CRASHSIG_ENOMEM;
				if (cs_buf_addc(out, '\n'))
					return CRASHSIG_ENOMEM;
				goto next;
			}
		}
		if (cs_buf_add(out, p, (size_t)(le - p)) || cs_buf_addc(out, '\n'))
			return CRASHSIG_ENOMEM;
	next:
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Does the text carry symbolization: "[inline]" frames, or a "file:line"
 * after a func+0xOFF/0xSIZE? (A scan of the text: cheaper than parsing the
 * stacks, and this runs for every crash.) */
static int symbolized(const char *text, size_t len)
{
	const char *end = text + len;
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *t = e;
		while (t > p && (t[-1] == '\r' || t[-1] == ' '))
			t--;
		if (t - p >= 9 && !memcmp(t - 9, " [inline]", 9))
			return 1;
		/* func+0xOFF/0xSIZE[ [module]] path.c:LINE */
		const char *q = p;
		while ((q = memchr(q, '/', (size_t)(t - q)))) {
			q++;
			if (t - q < 3 || q[0] != '0' || q[1] != 'x')
				continue;
			q += 2;
			while (q < t && cs_isxdigit((unsigned char)*q))
				q++;
			if (q + 1 < t && q[0] == ' ' && q[1] == '[') {
				const char *rb = memchr(q, ']', (size_t)(t - q));
				q = rb ? rb + 1 : t;
			}
			if (q >= t || *q != ' ')
				continue;
			const char *tok = ++q;
			while (q < t && !cs_isspace((unsigned char)*q))
				q++;
			const char *colon = memchr(tok, ':', (size_t)(q - tok));
			if (colon && colon > tok && colon + 1 < q && cs_isdigit((unsigned char)colon[1]) &&
			    memchr(tok, '.', (size_t)(colon - tok)))
				return 1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int cs_report_lazy_sig(void *arg, char **sig, int *no_stack)
{
	cs_report_ref *a = arg;
	crashsig_signature *sg;
	*sig = NULL;
	*no_stack = 0;
	int rc = crashsig_signature_new(&sg, a->ctx, a->r);
	if (rc)
		return rc;
	*no_stack = sg->no_stack_kind;
	if (sg->key && *sg->key && !(*sig = strdup(sg->key)))
		rc = CRASHSIG_ENOMEM;
	crashsig_signature_free(sg);
	return rc;
}

static int add_alt(const char ***v, size_t *n, size_t *cap, const char *t)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], t))
			return 0;
	if (cs_reserve((void **)v, cap, *n + 1, sizeof(char *)))
		return CRASHSIG_ENOMEM;
	(*v)[(*n)++] = t;
	return 0;
}

int cs_report_titles(crashsig_ctx *ctx, const crashsig_report *r, const char ***alts,
		     size_t *nalts, crashsig_report ***plain, size_t *nplain)
{
	int rc = 0;
	size_t cap = 0;
	*alts = NULL;
	*nalts = 0;
	*plain = NULL;
	*nplain = 0;
	for (size_t i = 0; !rc && i < crashsig_report_alt_title_count(r); i++)
		rc = add_alt(alts, nalts, &cap, crashsig_report_alt_title(r, i));
	size_t len;
	const char *text = crashsig_report_text(r, &len);
	if (!rc && !crashsig_report_corrupted(r) && symbolized(text, len)) {
		/* The titles the same report gets without symbolization. */
		cs_buf b = {0};
		rc = strip_symbolization(text, len, &b);
		if (!rc && b.len && crashsig_parse_buffer(ctx, b.data, b.len, plain, nplain))
			*nplain = 0; /* no extra titles, not an error */
		cs_buf_free(&b);
		crashsig_report *p0 = *nplain ? (*plain)[0] : NULL;
		if (!rc && p0 && !crashsig_report_corrupted(p0) && !crashsig_report_suppressed(p0)) {
			if (strcmp(crashsig_report_title(p0), crashsig_report_title(r)))
				rc = add_alt(alts, nalts, &cap, crashsig_report_title(p0));
			for (size_t i = 0; !rc && i < crashsig_report_alt_title_count(p0); i++)
				rc = add_alt(alts, nalts, &cap, crashsig_report_alt_title(p0, i));
		}
	}
	return rc ? CRASHSIG_ENOMEM : 0;
}
