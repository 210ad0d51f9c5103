/* Symbolizing console lines and whole reports. */
#include <stdlib.h>
#include <string.h>

#include "symbolize/symbolize_int.h"
#include "input/prefix.h"

/* ------------------------------------------------------------------ */
/* Lines and whole reports                                             */
/* ------------------------------------------------------------------ */

static int parse_kernel_offset(const char *b, size_t n, uint64_t *off)
{
	const char *k = memmem(b, n, "Kernel Offset: ", 15);
	if (!k)
		return 0;
	k += 15;
	size_t rest = n - (size_t)(k - b);
	return cs_parse_hex(k, rest, off) > 0;
}

struct span {
	size_t start, end; /* func+off/size in body; end == start: none */
};

static int is_ident(unsigned char c)
{
	return cs_isalnum(c) || c == '_' || c == '.' || c == '$';
}

static void find_span(const char *b, size_t n, const crashsig_frame *f,
		      struct span *sp)
{
	sp->start = sp->end = n;
	size_t fl = f->func ? strlen(f->func) : 0;
	if (fl) {
		for (size_t i = 0; i + fl < n; i++) {
			if (b[i + fl] != '+' || memcmp(b + i, f->func, fl) != 0)
				continue;
			if (i > 0 && is_ident((unsigned char)b[i - 1]))
				continue;
			size_t j = i + fl + 1;
			while (j < n && (cs_isxdigit((unsigned char)b[j]) || b[j] == 'x' ||
					 b[j] == 'X' || b[j] == '/'))
				j++;
			sp->start = i;
			sp->end = j;
			return;
		}
	}
	const char *a = memmem(b, n, ">]", 2);
	if (a)
		sp->start = sp->end = (size_t)(a - b) + 2;
}

/* The console prefix of the line is every format the input layer knows
 * (input/prefix.h): printk timestamps and caller ids, dmesg's, journal's,
 * syslog's and /dev/kmsg's. *lp / *llen: the line the prefix length
 * applies to (line itself, or a copy with NUL bytes or ANSI escapes
 * removed). */
static int sym_line(crashsig_symbolizer *s, const char *line, size_t len,
		    const crashsig_symres **res, size_t *plen, crashsig_frame *fr,
		    const char **lp, size_t *llen)
{
	*res = NULL;
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	cs_line pl;
	if (cs_line_parse(line, len, &pl, &s->pscratch, 0, 0))
		return cs_ctx_error(s->ctx, CRASHSIG_ENOMEM, "out of memory");
	*lp = pl.line;
	*llen = pl.line_len;
	*plen = pl.prefix_len;
	const char *b = pl.text;
	size_t n = pl.len;
	uint64_t ko;
	if (n > 15 && parse_kernel_offset(b, n, &ko)) {
		s->kaslr = ko;
		return 0;
	}
	if (s->scratchlen < n + 256) {
		char *nb = realloc(s->scratch, n + 256);
		if (!nb)
			return cs_ctx_error(s->ctx, CRASHSIG_ENOMEM, "out of memory");
		s->scratch = nb;
		s->scratchlen = n + 256;
	}
	if (crashsig_frame_parse(b, n, fr, s->scratch, s->scratchlen) != 1)
		return 0;
	if (fr->file || (fr->flags & CRASHSIG_FRAME_INLINE))
		return 0; /* already symbolized */
	/* a user-space RIP (RIP: 0033:0x...) has no function */
	if ((!fr->func || !*fr->func) && !(fr->flags & CRASHSIG_FRAME_HAS_ADDR))
		return 0;
	return crashsig_symbolizer_frame(s, fr, 0, res);
}

CS_EXPORT int crashsig_symbolizer_line(crashsig_symbolizer *s, const char *line,
				       size_t len, const crashsig_symres **res)
{
	if (!s || !line || !res)
		return CRASHSIG_EINVAL;
	size_t plen, llen;
	const char *lp;
	crashsig_frame fr;
	return sym_line(s, line, len, res, &plen, &fr, &lp, &llen);
}

static int add_fileline(cs_buf *o, const crashsig_symloc *l)
{
	if (!l->file)
		return 0;
	if (l->line)
		return cs_buf_printf(o, " %s:%u", l->file, l->line);
	return cs_buf_printf(o, " %s", l->file);
}

static int emit_frame(cs_buf *o, const char *line, size_t plen, const char *b,
		      size_t n, const crashsig_frame *fr, const crashsig_symres *r)
{
	int rc = 0;
	if (r->status & CRASHSIG_SYM_MISMATCH) {
		rc |= cs_buf_add(o, line, plen);
		rc |= cs_buf_add(o, b, n);
		rc |= cs_buf_printf(o, " [%s]\n", r->note ? r->note : "mismatch");
		return rc ? CRASHSIG_ENOMEM : 0;
	}
	if (!(r->status & CRASHSIG_SYM_HAS_LINE) || !r->nlocs) {
		rc |= cs_buf_add(o, line, plen);
		rc |= cs_buf_add(o, b, n);
		rc |= cs_buf_addc(o, '\n');
		return rc ? CRASHSIG_ENOMEM : 0;
	}
	struct span sp;
	find_span(b, n, fr, &sp);
	for (size_t i = 0; i + 1 < r->nlocs; i++) {
		const crashsig_symloc *l = &r->locs[i];
		rc |= cs_buf_add(o, line, plen);
		if (sp.start < n || sp.end > sp.start) {
			rc |= cs_buf_add(o, b, sp.start);
		} else {
			size_t ws = 0;
			while (ws < n && b[ws] == ' ')
				ws++;
			rc |= cs_buf_add(o, b, ws);
		}
		rc |= cs_buf_adds(o, l->func);
		rc |= add_fileline(o, l);
		rc |= cs_buf_adds(o, " [inline]\n");
	}
	const crashsig_symloc *last = &r->locs[r->nlocs - 1];
	rc |= cs_buf_add(o, line, plen);
	if (sp.end > sp.start) {
		/* "func+off/size [module buildid] file:line", the order of
		 * scripts/decode_stacktrace.sh */
		size_t ins = sp.end;
		if (fr->module && ins + 2 < n && b[ins] == ' ' && b[ins + 1] == '[') {
			const char *cl = memchr(b + ins, ']', n - ins);
			if (cl)
				ins = (size_t)(cl - b) + 1;
		}
		rc |= cs_buf_add(o, b, ins);
		rc |= add_fileline(o, last);
		rc |= cs_buf_add(o, b + ins, n - ins);
	} else {
		/* raw address only: name it */
		rc |= cs_buf_add(o, b, n);
		if (r->symbol)
			rc |= cs_buf_printf(o, " %s+0x%llx/0x%llx", r->symbol,
					    (unsigned long long)r->sym_offset,
					    (unsigned long long)r->sym_size);
		rc |= add_fileline(o, last);
	}
	rc |= cs_buf_addc(o, '\n');
	return rc ? CRASHSIG_ENOMEM : 0;
}

CS_EXPORT int crashsig_symbolizer_report(crashsig_symbolizer *s, const void *data,
					 size_t len, char **out, size_t *outlen)
{
	if (!s || (!data && len) || !out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (outlen)
		*outlen = 0;
	const char *d = data;
	s->kaslr = s->kaslr_default;
	/* The "Kernel Offset:" line comes at the end of a panic: find it first. */
	const char *ko = len ? memmem(d, len, "Kernel Offset: ", 15) : NULL;
	if (ko) {
		const char *e = memchr(ko, '\n', len - (size_t)(ko - d));
		parse_kernel_offset(ko, e ? (size_t)(e - ko) : len - (size_t)(ko - d),
				    &s->kaslr);
	}
	cs_buf o = {0};
	int rc = cs_buf_reserve(&o, len + len / 4 + 64);
	size_t pos = 0;
	while (rc == 0 && pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (d + pos)) : len - pos;
		const char *line = d + pos;
		pos += ll + (nl ? 1 : 0);
		size_t n = ll;
		if (n && line[n - 1] == '\r')
			n--;
		const crashsig_symres *r = NULL;
		size_t plen = 0, llen = 0;
		const char *lp = line;
		crashsig_frame fr;
		int k = sym_line(s, line, n, &r, &plen, &fr, &lp, &llen);
		if (k < 0) {
			rc = k;
			break;
		}
		if (k == 1 && r) {
			rc = emit_frame(&o, lp, plen, lp + plen, llen - plen, &fr, r);
		} else {
			rc = cs_buf_add(&o, line, n);
			if (!rc && nl)
				rc = cs_buf_addc(&o, '\n');
		}
	}
	if (rc) {
		cs_buf_free(&o);
		return cs_ctx_error(s->ctx, rc, "symbolize: %s",
				    rc == CRASHSIG_ENOMEM ? "out of memory" : "failed");
	}
	if (!o.data && cs_buf_reserve(&o, 1)) /* empty input: "" */
		return cs_ctx_error(s->ctx, CRASHSIG_ENOMEM, "out of memory");
	if (outlen)
		*outlen = o.len;
	*out = cs_buf_detach(&o);
	return 0;
}
