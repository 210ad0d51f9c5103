/* Decoding of "Code:" dumps: parsing, architecture inference, register dump
 * collection, disassembly with capstone and objdump-style formatting. The
 * explanation of the trapping instruction lives in decode_explain.c. */
#include "decode/decode_disasm.h"
#include "decode/decode_explain.h"
#include "decode/decode_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Architecture names                                                  */
/* ------------------------------------------------------------------ */

static const char *const arch_names[] = {"unknown", "x86_64", "i386",
					 "arm64",   "arm",    "riscv",
					 "powerpc", "s390"};

CS_EXPORT const char *crashsig_arch_name(crashsig_arch arch)
{
	if ((unsigned)arch >= sizeof(arch_names) / sizeof(arch_names[0]))
		return "unknown";
	return arch_names[arch];
}

CS_EXPORT int crashsig_arch_parse(const char *name, crashsig_arch *out)
{
	static const struct {
		const char *name;
		crashsig_arch arch;
	} aliases[] = {
		{"x86_64", CRASHSIG_ARCH_X86_64}, {"amd64", CRASHSIG_ARCH_X86_64},
		{"x86-64", CRASHSIG_ARCH_X86_64}, {"x64", CRASHSIG_ARCH_X86_64},
		{"i386", CRASHSIG_ARCH_I386},     {"x86", CRASHSIG_ARCH_I386},
		{"i686", CRASHSIG_ARCH_I386},     {"386", CRASHSIG_ARCH_I386},
		{"arm64", CRASHSIG_ARCH_ARM64},   {"aarch64", CRASHSIG_ARCH_ARM64},
		{"arm", CRASHSIG_ARCH_ARM},       {"armv7", CRASHSIG_ARCH_ARM},
		{"thumb", CRASHSIG_ARCH_ARM},     {"riscv", CRASHSIG_ARCH_RISCV},
		{"riscv64", CRASHSIG_ARCH_RISCV}, {"powerpc", CRASHSIG_ARCH_POWERPC},
		{"ppc", CRASHSIG_ARCH_POWERPC},   {"ppc64", CRASHSIG_ARCH_POWERPC},
		{"ppc64le", CRASHSIG_ARCH_POWERPC}, {"s390", CRASHSIG_ARCH_S390},
		{"s390x", CRASHSIG_ARCH_S390},
	};
	if (!name || !out)
		return CRASHSIG_EINVAL;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(name, aliases[i].name)) {
			*out = aliases[i].arch;
			return CRASHSIG_OK;
		}
	return CRASHSIG_EINVAL;
}

/* ------------------------------------------------------------------ */
/* Decoder object                                                      */
/* ------------------------------------------------------------------ */

CS_EXPORT int crashsig_decoder_new(crashsig_decoder **out, crashsig_ctx *ctx)
{
	if (!out)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "decoder_new: out is NULL");
	*out = NULL;
	crashsig_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	d->ctx = ctx;
	*out = d;
	return CRASHSIG_OK;
}

CS_EXPORT void crashsig_decoder_free(crashsig_decoder *d)
{
	if (!d)
		return;
	dec_capstone_close(d);
	free(d);
}

/* ------------------------------------------------------------------ */
/* Results                                                             */
/* ------------------------------------------------------------------ */

static void code_clear(dec_code *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->pub.ninsns; i++) {
		free((char *)c->insns[i].mnemonic); /* also holds operands */
		free((char *)c->insns[i].line);
	}
	free(c->insns);
	free(c->bytes);
	free((char *)c->pub.listing);
	free((char *)c->pub.message);
	free((char *)c->pub.explanation);
	memset(c, 0, sizeof(*c));
}

CS_EXPORT void crashsig_decoded_free(crashsig_decoded *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++)
		code_clear(&r->codes[i]);
	free(r->codes);
	free(r);
}

CS_EXPORT size_t crashsig_decoded_count(const crashsig_decoded *r)
{
	return r ? r->count : 0;
}

CS_EXPORT const crashsig_code *crashsig_decoded_code(const crashsig_decoded *r,
						     size_t i)
{
	if (!r || i >= r->count)
		return NULL;
	return &r->codes[i].pub;
}

CS_EXPORT const crashsig_code *
crashsig_decoded_primary(const crashsig_decoded *r)
{
	if (!r || r->hang)
		return NULL;
	for (size_t i = 0; i < r->count; i++) {
		const crashsig_code *c = &r->codes[i].pub;
		if (c->status != CRASHSIG_OK || c->user || !c->ninsns)
			continue;
		if (c->trap_offset == CRASHSIG_NO_TRAP)
			continue;
		/* syzbot decompiles the first kernel Code: of the report only */
		if (c->trap_kind == CRASHSIG_TRAP_BUG)
			return NULL;
		return c;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

/* Strip console prefixes: "<4>", "[  12.345678] ", "[   12.3][ T123] ". */
static void strip_prefix(const char **ps, size_t *pn)
{
	const char *s = *ps;
	size_t n = *pn;
	if (n >= 3 && s[0] == '<' && cs_isdigit((unsigned char)s[1])) {
		size_t k = 1;
		while (k < n && k < 5 && cs_isdigit((unsigned char)s[k]))
			k++;
		if (k < n && s[k] == '>') {
			s += k + 1;
			n -= k + 1;
		}
	}
	for (;;) {
		if (!n || s[0] != '[')
			break;
		size_t k = 1;
		int ok = 1;
		while (k < n && k < 40 && s[k] != ']') {
			char c = s[k];
			if (!(cs_isalnum((unsigned char)c) || c == ' ' || c == '.' ||
			      c == ':'))
				ok = 0;
			k++;
		}
		if (!ok || k >= n || s[k] != ']')
			break;
		/* "[<ffffffff81000000>]" is an address, not a prefix */
		if (k > 1 && s[1] == '<')
			break;
		s += k + 1;
		n -= k + 1;
		if (n && s[0] == ' ' && !(n > 1 && s[1] == '['))
			{ s++; n--; }
	}
	*ps = s;
	*pn = n;
}

static int split_lines(const char *text, size_t len, dec_line **out,
		       size_t *count)
{
	size_t cap = 64, n = 0;
	dec_line *v = malloc(cap * sizeof(*v));
	if (!v)
		return CRASHSIG_ENOMEM;
	size_t pos = 0;
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;
		pos += l + (nl ? 1 : 0);
		while (l && (s[l - 1] == '\r' || s[l - 1] == ' ' || s[l - 1] == '\t'))
			l--;
		strip_prefix(&s, &l);
		/* the trimmed view skips leading blanks */
		while (l && (s[0] == ' ' || s[0] == '\t')) {
			s++;
			l--;
		}
		if (n == cap) {
			cap *= 2;
			dec_line *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return CRASHSIG_ENOMEM;
			}
			v = nv;
		}
		v[n].s = s;
		v[n].n = l;
		n++;
	}
	*out = v;
	*count = n;
	return 0;
}

static int line_starts(const dec_line *l, const char *p)
{
	size_t k = strlen(p);
	return l->n >= k && !memcmp(l->s, p, k);
}

static int line_has(const dec_line *l, const char *p)
{
	size_t k = strlen(p);
	if (l->n < k)
		return 0;
	for (size_t i = 0; i + k <= l->n; i++)
		if (l->s[i] == p[0] && !memcmp(l->s + i, p, k))
			return 1;
	return 0;
}

enum { K_NONE, K_CODE, K_PPC, K_S390 };

static int line_kind(const dec_line *l)
{
	if (line_starts(l, "Code:"))
		return K_CODE;
	if (line_starts(l, "Instruction dump:"))
		return K_PPC;
	if (line_starts(l, "Krnl Code:") || line_starts(l, "User Code:"))
		return K_S390;
	return K_NONE;
}

/* ------------------------------------------------------------------ */
/* Architecture inference and register dump                            */
/* ------------------------------------------------------------------ */

static crashsig_arch line_arch(const dec_line *l)
{
	if (line_starts(l, "RIP: ") || line_has(l, "RAX: "))
		return CRASHSIG_ARCH_X86_64;
	if (line_starts(l, "EIP: ") || line_has(l, "EAX: "))
		return CRASHSIG_ARCH_I386;
	if (line_starts(l, "epc :") || line_starts(l, "ra :") ||
	    line_has(l, " ra : ") || line_starts(l, "epc:"))
		return CRASHSIG_ARCH_RISCV;
	if (line_starts(l, "NIP:") || line_starts(l, "NIP ["))
		return CRASHSIG_ARCH_POWERPC;
	if (line_has(l, "Krnl PSW") || line_has(l, "User PSW"))
		return CRASHSIG_ARCH_S390;
	if (line_starts(l, "PC is at") || line_starts(l, "r10:") ||
	    line_starts(l, "r7 :") || line_starts(l, "r3 :") ||
	    (line_starts(l, "pc : [<") && line_has(l, "psr:")))
		return CRASHSIG_ARCH_ARM;
	if (line_starts(l, "x29:") || line_starts(l, "pstate:") ||
	    line_starts(l, "x0 :") || line_starts(l, "x28:") ||
	    line_starts(l, "pc : ") || line_starts(l, "lr : "))
		return CRASHSIG_ARCH_ARM64;
	return CRASHSIG_ARCH_UNKNOWN;
}

/* Lines [*lo, *hi) that belong to the dump at line i: back to the previous
 * code dump (or 200 lines), forward to the next one (or 25 lines). */
static void dump_window(const dec_line *lines, size_t n, size_t i, size_t *lo,
			size_t *hi)
{
	size_t a = i;
	while (a > 0 && i - a < CRASHSIG_DECODE_WINDOW_BEFORE) {
		if (line_kind(&lines[a - 1]) != K_NONE)
			break;
		a--;
	}
	size_t b = i + 1;
	while (b < n && b - i < CRASHSIG_DECODE_WINDOW_AFTER) {
		if (line_kind(&lines[b]) != K_NONE)
			break;
		b++;
	}
	*lo = a;
	*hi = b;
}

static crashsig_arch infer_arch(const dec_line *lines, size_t i, size_t lo,
				size_t hi)
{
	/* nearest marker wins: first look back, then forward */
	for (size_t k = i; k > lo; k--) {
		crashsig_arch a = line_arch(&lines[k - 1]);
		if (a != CRASHSIG_ARCH_UNKNOWN) {
			/* arm64 "pc : sym" lines also appear on arm; a later
			 * psr:/r10: line decides */
			if (a == CRASHSIG_ARCH_ARM64) {
				for (size_t j = lo; j < hi; j++)
					if (j != i &&
					    line_arch(&lines[j]) == CRASHSIG_ARCH_ARM)
						return CRASHSIG_ARCH_ARM;
			}
			return a;
		}
	}
	for (size_t k = i + 1; k < hi; k++) {
		crashsig_arch a = line_arch(&lines[k]);
		if (a != CRASHSIG_ARCH_UNKNOWN)
			return a;
	}
	return CRASHSIG_ARCH_UNKNOWN;
}

/* The register dump's first line tells the architecture: the markers of
 * line_arch() that start a line (a report's text has no console prefix),
 * checked in one pass with no scan inside lines, since the store asks this
 * of every crash. arm64 and arm both print "pc : "; arm's is "pc : [<". */
CS_EXPORT crashsig_arch crashsig_arch_infer(const char *text, size_t len)
{
	static const struct {
		const char *m;
		crashsig_arch arch;
	} marks[] = {
		{"RIP: ", CRASHSIG_ARCH_X86_64},    {"RAX: ", CRASHSIG_ARCH_X86_64},
		{"EIP: ", CRASHSIG_ARCH_I386},      {"EAX: ", CRASHSIG_ARCH_I386},
		{"epc :", CRASHSIG_ARCH_RISCV},     {"epc:", CRASHSIG_ARCH_RISCV},
		{"NIP:", CRASHSIG_ARCH_POWERPC},    {"NIP [", CRASHSIG_ARCH_POWERPC},
		{"Krnl PSW", CRASHSIG_ARCH_S390},   {"User PSW", CRASHSIG_ARCH_S390},
		{"PC is at", CRASHSIG_ARCH_ARM},    {"pc : [<", CRASHSIG_ARCH_ARM},
		{"pc : ", CRASHSIG_ARCH_ARM64},     {"x29:", CRASHSIG_ARCH_ARM64},
		{"pstate:", CRASHSIG_ARCH_ARM64},
	};
	if (!text)
		return CRASHSIG_ARCH_UNKNOWN;
	for (const char *p = text, *end = text + len; p < end;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		/* every marker starts with one of these letters */
		if (p < end && *p && strchr("REeNKUPpx", *p)) {
			size_t n = (size_t)(end - p);
			for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
				size_t k = strlen(marks[i].m);
				if (n >= k && !memcmp(p, marks[i].m, k))
					return marks[i].arch;
			}
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	return CRASHSIG_ARCH_UNKNOWN;
}

static void regs_set(dec_regs *r, const char *name, size_t nl, uint64_t v)
{
	char low[DEC_REGNAME];
	if (nl >= DEC_REGNAME)
		return;
	for (size_t i = 0; i < nl; i++) {
		char c = name[i];
		low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	low[nl] = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->name[i][0] == low[0] && !strcmp(r->name[i], low)) {
			r->val[i] = v;
			return;
		}
	if (r->n == DEC_MAXREGS)
		return;
	memcpy(r->name[r->n], low, nl + 1);
	r->val[r->n] = v;
	r->n++;
}

/* Collect "NAME: hexvalue" pairs from one line. */
static void regs_scan_line(dec_regs *r, const dec_line *l)
{
	const char *s = l->s;
	size_t n = l->n, i = 0;
	while (i < n) {
		if (!cs_isalpha((unsigned char)s[i]) ||
		    (i > 0 && (cs_isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))) {
			i++;
			continue;
		}
		size_t ns = i;
		while (i < n && (cs_isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		size_t nl = i - ns;
		size_t j = i;
		while (j < n && s[j] == ' ')
			j++;
		if (j >= n || s[j] != ':' || nl > 8)
			continue;
		j++;
		while (j < n && s[j] == ' ')
			j++;
		if (j + 2 < n && s[j] == '[' && s[j + 1] == '<')
			j += 2;
		uint64_t v = 0;
		size_t h = 0;
		while (j + h < n && cs_isxdigit((unsigned char)s[j + h]) && h < 17)
			h++;
		if (h == 4 && j + h < n && s[j + h] == ':') {
			/* RSP: 0018:ffffc90018587a30 */
			size_t j2 = j + h + 1, h2 = 0;
			while (j2 + h2 < n && cs_isxdigit((unsigned char)s[j2 + h2]) &&
			       h2 < 17)
				h2++;
			if (h2 >= 8 && h2 <= 16) {
				j = j2;
				h = h2;
			}
		}
		if (h < 8 || h > 16 ||
		    (j + h < n && cs_isalnum((unsigned char)s[j + h]) &&
		     s[j + h] != 'x'))
			continue;
		cs_parse_hex(s + j, h, &v);
		regs_set(r, s + ns, nl, v);
		i = j + h;
	}
}

static void collect_regs(const dec_line *lines, size_t i, size_t lo,
			 size_t hi, crashsig_arch arch, dec_regs *r)
{
	r->n = 0;
	int x86 = arch == CRASHSIG_ARCH_X86_64 || arch == CRASHSIG_ARCH_I386;
	/* x86 prints RIP:, Code:, then the registers; others print registers
	 * before the code. */
	size_t start = i;
	while (start > lo) {
		const dec_line *l = &lines[start - 1];
		if (x86 && (line_starts(l, "RIP:") || line_starts(l, "EIP:")))
			break;
		start--;
	}
	for (size_t k = start; k < i; k++)
		if (memchr(lines[k].s, ':', lines[k].n))
			regs_scan_line(r, &lines[k]);
	for (size_t k = i + 1; k < hi; k++) {
		const dec_line *l = &lines[k];
		if (line_starts(l, "RIP:") || line_starts(l, "EIP:") ||
		    line_starts(l, "Call Trace:") || line_starts(l, "Call trace:") ||
		    line_starts(l, "<TASK>") || line_starts(l, "Modules linked in"))
			break;
		regs_scan_line(r, l);
	}
}

static int detect_user(const dec_line *lines, size_t n, size_t i,
		       crashsig_arch arch, const dec_regs *regs)
{
	uint64_t v;
	(void)n;
	switch (arch) {
	case CRASHSIG_ARCH_X86_64:
	case CRASHSIG_ARCH_I386:
		for (size_t k = i; k > 0 && i - k < 4; k--) {
			const dec_line *l = &lines[k - 1];
			if (line_starts(l, "RIP: ") || line_starts(l, "EIP: ")) {
				const char *p = l->s + 5;
				if (l->n >= 10 && p[4] == ':' &&
				    (!memcmp(p, "0033", 4) || !memcmp(p, "0023", 4) ||
				     !memcmp(p, "0073", 4) || !memcmp(p, "007b", 4)))
					return 1;
				return 0;
			}
		}
		if (dec_reg_get(regs, "cs", &v))
			return (v & 3) == 3;
		return 0;
	case CRASHSIG_ARCH_ARM64:
		if (dec_reg_get(regs, "pstate", &v))
			return (v & 0xf) == 0;
		return 0;
	case CRASHSIG_ARCH_ARM:
		if (dec_reg_get(regs, "psr", &v))
			return (v & 0x1f) == 0x10;
		return 0;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Parsing the dump                                                    */
/* ------------------------------------------------------------------ */

typedef struct units {
	uint32_t *val;
	unsigned char *width; /* hex digits: 2, 4 or 8 */
	size_t n, cap;
	size_t trap; /* unit index or CRASHSIG_NO_TRAP */
} units;

static int units_add(units *u, uint32_t v, unsigned w)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 64;
		uint32_t *nv = realloc(u->val, cap * sizeof(*nv));
		if (!nv)
			return CRASHSIG_ENOMEM;
		u->val = nv;
		unsigned char *nw = realloc(u->width, cap);
		if (!nw)
			return CRASHSIG_ENOMEM;
		u->width = nw;
		u->cap = cap;
	}
	u->val[u->n] = v;
	u->width[u->n] = (unsigned char)w;
	u->n++;
	return 0;
}

/* Parse whitespace separated hex units with one optional <..> or (..)
 * marker. Returns 0, CRASHSIG_ENOMEM, or CRASHSIG_EFORMAT with msg set. */
static int parse_units(const char *s, size_t n, units *u, char *msg,
		       size_t msglen)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && cs_isspace((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		size_t st = i;
		while (i < n && !cs_isspace((unsigned char)s[i]))
			i++;
		const char *t = s + st;
		size_t tl = i - st;
		int marked = 0;
		if (t[0] == '<' || t[0] == '(') {
			char close = t[0] == '<' ? '>' : ')';
			if (tl < 2 || t[tl - 1] != close) {
				snprintf(msg, msglen,
					 "unterminated trap marker '%.*s' (truncated line?)",
					 (int)(tl > 20 ? 20 : tl), t);
				return CRASHSIG_EFORMAT;
			}
			t++;
			tl -= 2;
			marked = 1;
		}
		size_t h = 0;
		while (h < tl && cs_isxdigit((unsigned char)t[h]))
			h++;
		if (h != tl || tl == 0) {
			snprintf(msg, msglen, "not a hex code unit: '%.*s'",
				 (int)(i - st > 20 ? 20 : i - st), s + st);
			return CRASHSIG_EFORMAT;
		}
		if (tl % 2) {
			snprintf(msg, msglen,
				 "odd number of hex digits in '%.*s' (truncated line?)",
				 (int)(i - st > 20 ? 20 : i - st), s + st);
			return CRASHSIG_EFORMAT;
		}
		if (tl != 2 && tl != 4 && tl != 8) {
			snprintf(msg, msglen, "unsupported code unit width %zu in '%.*s'",
				 tl, (int)(tl > 20 ? 20 : tl), t);
			return CRASHSIG_EFORMAT;
		}
		if (marked) {
			if (u->trap != CRASHSIG_NO_TRAP) {
				snprintf(msg, msglen,
					 "more than one trap marker (second at unit %zu)",
					 u->n);
				return CRASHSIG_EFORMAT;
			}
			u->trap = u->n;
		}
		uint64_t v = 0;
		cs_parse_hex(t, tl, &v);
		if (units_add(u, (uint32_t)v, (unsigned)tl))
			return CRASHSIG_ENOMEM;
	}
	if (!u->n) {
		snprintf(msg, msglen, "no code bytes");
		return CRASHSIG_EFORMAT;
	}
	return 0;
}

/* Serialize units into bytes; big: big-endian units. Sets trap offset. */
static int units_bytes(const units *u, int big, dec_code *c)
{
	size_t total = 0;
	for (size_t i = 0; i < u->n; i++)
		total += u->width[i] / 2;
	uint8_t *b = malloc(total ? total : 1);
	if (!b)
		return CRASHSIG_ENOMEM;
	size_t o = 0;
	c->pub.trap_offset = CRASHSIG_NO_TRAP;
	for (size_t i = 0; i < u->n; i++) {
		unsigned nb = u->width[i] / 2;
		if (i == u->trap)
			c->pub.trap_offset = o;
		for (unsigned k = 0; k < nb; k++) {
			unsigned sh = big ? 8 * (nb - 1 - k) : 8 * k;
			b[o++] = (uint8_t)(u->val[i] >> sh);
		}
	}
	c->bytes = b;
	c->pub.bytes = b;
	c->pub.nbytes = total;
	return 0;
}

/* s390 "Krnl Code: [#>]ADDR: HEX\tmnemonic ..." lines. */
static int parse_s390(const dec_line *lines, size_t n, size_t i, units *u,
		      size_t *consumed, char *msg, size_t msglen)
{
	size_t k = i;
	for (; k < n && k - i < 12; k++) {
		const char *s = lines[k].s;
		size_t l = lines[k].n;
		if (l > CRASHSIG_DECODE_MAX_DUMP) {
			snprintf(msg, msglen, "code dump line of %zu bytes is over the %d-byte limit",
				 l, CRASHSIG_DECODE_MAX_DUMP);
			return CRASHSIG_EFORMAT;
		}
		if (k == i) {
			const char *c = memchr(s, ':', l);
			if (!c)
				break;
			l -= (size_t)(c + 1 - s);
			s = c + 1;
		}
		while (l && *s == ' ') {
			s++;
			l--;
		}
		int mark = 0;
		if (l && (*s == '>' || *s == '#' )) {
			mark = *s == '>';
			s++;
			l--;
		}
		size_t h = 0;
		while (h < l && cs_isxdigit((unsigned char)s[h]))
			h++;
		if (h < 8 || h >= l || s[h] != ':')
			break;
		s += h + 1;
		l -= h + 1;
		while (l && *s == ' ') {
			s++;
			l--;
		}
		size_t hb = 0;
		while (hb < l && cs_isxdigit((unsigned char)s[hb]))
			hb++;
		if (hb < 4 || hb % 4) {
			snprintf(msg, msglen, "bad s390 instruction bytes");
			return CRASHSIG_EFORMAT;
		}
		for (size_t q = 0; q < hb; q += 4) {
			uint64_t v = 0;
			cs_parse_hex(s + q, 4, &v);
			if (mark && q == 0)
				u->trap = u->n;
			if (units_add(u, (uint32_t)v, 4))
				return CRASHSIG_ENOMEM;
		}
	}
	*consumed = k - i;
	if (!u->n) {
		snprintf(msg, msglen, "no code bytes");
		return CRASHSIG_EFORMAT;
	}
	return 0;
}

/* powerpc "Instruction dump:" followed by lines of 8-digit words. */
static int ppc_dump_text(const dec_line *lines, size_t n, size_t i, cs_buf *b,
			 size_t *consumed)
{
	size_t k = i + 1;
	for (; k < n && k - i <= 4; k++) {
		const dec_line *l = &lines[k];
		int ok = l->n > 0;
		for (size_t q = 0; q < l->n && ok; q++) {
			char c = l->s[q];
			if (!(cs_isxdigit((unsigned char)c) || c == ' ' || c == '<' ||
			      c == '>'))
				ok = 0;
		}
		if (!ok)
			break;
		if (cs_buf_add(b, l->s, l->n) || cs_buf_addc(b, ' '))
			return CRASHSIG_ENOMEM;
	}
	*consumed = k - i - 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Main entry                                                          */
/* ------------------------------------------------------------------ */

static int is_hang_report(const dec_line *lines, size_t n)
{
	static const char *const words[] = {"stall", "lockup", "hung task",
					    "blocked for more than",
					    "task hung", "soft lockup"};
	for (size_t i = 0, seen = 0; i < n && seen < 3; i++) {
		if (!lines[i].n)
			continue;
		seen++;
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (line_has(&lines[i], words[w]))
				return 1;
	}
	return 0;
}

CS_EXPORT int crashsig_decode_line_is_dump(const char *line, size_t len)
{
	dec_line *lines = NULL;
	size_t n = 0;
	if (!line || split_lines(line, len, &lines, &n))
		return 0;
	int dump = n && line_kind(&lines[0]) != K_NONE;
	free(lines);
	return dump;
}

CS_EXPORT int crashsig_decode_text_is_hang(const char *text, size_t len)
{
	dec_line *lines = NULL;
	size_t n = 0;
	if (!text || split_lines(text, len, &lines, &n))
		return 0;
	int hang = is_hang_report(lines, n);
	free(lines);
	return hang;
}

static int add_code(crashsig_decoded *r, dec_code **out)
{
	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		dec_code *nv = realloc(r->codes, cap * sizeof(*nv));
		if (!nv)
			return CRASHSIG_ENOMEM;
		r->codes = nv;
		r->cap = cap;
	}
	dec_code *c = &r->codes[r->count++];
	memset(c, 0, sizeof(*c));
	c->pub.trap_offset = CRASHSIG_NO_TRAP;
	*out = c;
	return 0;
}

static int decode_one(crashsig_decoder *d, const dec_line *lines, size_t n,
		      size_t i, int kind, crashsig_arch force,
		      crashsig_decoded *r, size_t *skip_lines)
{
	dec_code *c;
	int rc = add_code(r, &c);
	if (rc)
		return rc;
	c->pub.line = (unsigned)(i + 1);
	*skip_lines = 0;
	crashsig_arch arch = force;
	size_t lo, hi;
	dump_window(lines, n, i, &lo, &hi);
	if (arch == CRASHSIG_ARCH_UNKNOWN) {
		if (kind == K_PPC)
			arch = CRASHSIG_ARCH_POWERPC;
		else if (kind == K_S390)
			arch = CRASHSIG_ARCH_S390;
		else
			arch = infer_arch(lines, i, lo, hi);
	}
	units u = {0};
	u.trap = CRASHSIG_NO_TRAP;
	char msg[256] = "";
	cs_buf tmp = {0};
	if (kind == K_S390) {
		rc = parse_s390(lines, n, i, &u, skip_lines, msg, sizeof(msg));
		if (*skip_lines)
			(*skip_lines)--;
	} else if (kind == K_PPC) {
		rc = ppc_dump_text(lines, n, i, &tmp, skip_lines);
		if (!rc && tmp.len > CRASHSIG_DECODE_MAX_DUMP) {
			snprintf(msg, sizeof(msg), "code dump of %zu bytes is over the %d-byte limit",
				 tmp.len, CRASHSIG_DECODE_MAX_DUMP);
			rc = CRASHSIG_EFORMAT;
		} else if (!rc) {
			rc = parse_units(tmp.data ? tmp.data : "", tmp.len, &u, msg,
					 sizeof(msg));
		}
	} else if (lines[i].n > CRASHSIG_DECODE_MAX_DUMP) {
		/* one Code: line of 90 MB asked for gigabytes of instructions */
		snprintf(msg, sizeof(msg), "code dump of %zu bytes is over the %d-byte limit",
			 lines[i].n, CRASHSIG_DECODE_MAX_DUMP);
		rc = CRASHSIG_EFORMAT;
	} else {
		const dec_line *l = &lines[i];
		rc = parse_units(l->s + 5, l->n - 5, &u, msg, sizeof(msg));
		if (rc == CRASHSIG_EFORMAT) {
			/* "Code: Unable to access opcode bytes at ..." */
			size_t k = 5;
			while (k < l->n && l->s[k] == ' ')
				k++;
			int text = 0;
			for (size_t q = k; q < l->n; q++) {
				char ch = l->s[q];
				if (!(cs_isxdigit((unsigned char)ch) || ch == ' ' || ch == '<' ||
				      ch == '>' || ch == '(' || ch == ')'))
					text = 1;
			}
			if (k < l->n && text)
				snprintf(msg, sizeof(msg), "no code bytes: %.*s",
					 (int)(l->n - k > 120 ? 120 : l->n - k), l->s + k);
			else if (k >= l->n)
				snprintf(msg, sizeof(msg), "no code bytes (empty Code: line)");
		}
	}
	cs_buf_free(&tmp);
	if (rc == CRASHSIG_ENOMEM)
		goto out;
	c->pub.arch = arch;
	if (rc) {
		rc = dec_message(c, rc, "%s", msg);
		goto out;
	}
	if (arch == CRASHSIG_ARCH_UNKNOWN) {
		/* bytes with a <..> marker exist only on x86 */
		int bytes = 1;
		for (size_t k = 0; k < u.n; k++)
			if (u.width[k] != 2)
				bytes = 0;
		if (bytes && kind == K_CODE) {
			arch = CRASHSIG_ARCH_X86_64;
			c->pub.arch = arch;
		} else {
			units_bytes(&u, 0, c);
			rc = dec_message(c, CRASHSIG_EUNSUPPORTED,
					 "unknown architecture: no register dump "
					 "identifies it (use --arch)");
			goto out;
		}
	}
	/* unit widths must fit the architecture */
	unsigned w0 = u.width[0];
	for (size_t k = 1; k < u.n; k++)
		if (u.width[k] != w0 && arch != CRASHSIG_ARCH_RISCV) {
			units_bytes(&u, 0, c);
			rc = dec_message(c, CRASHSIG_EFORMAT,
					 "mixed code unit widths (%u and %u digits)",
					 w0, u.width[k]);
			goto out;
		}
	int bad_width = 0;
	switch (arch) {
	case CRASHSIG_ARCH_X86_64:
	case CRASHSIG_ARCH_I386: bad_width = w0 != 2; break;
	case CRASHSIG_ARCH_ARM64: bad_width = w0 != 8; break;
	case CRASHSIG_ARCH_ARM: bad_width = w0 == 2; c->pub.thumb = w0 == 4; break;
	case CRASHSIG_ARCH_RISCV: bad_width = w0 == 2; break;
	case CRASHSIG_ARCH_POWERPC: bad_width = w0 != 8; break;
	case CRASHSIG_ARCH_S390: bad_width = w0 == 2; break;
	default: break;
	}
	int big = arch == CRASHSIG_ARCH_POWERPC || arch == CRASHSIG_ARCH_S390;
	if ((rc = units_bytes(&u, big, c)))
		goto out;
	if (bad_width) {
		rc = dec_message(c, CRASHSIG_EFORMAT,
				 "%u-digit code units do not fit %s", w0,
				 crashsig_arch_name(arch));
		goto out;
	}
	collect_regs(lines, i, lo, hi, arch, &c->regs);
	c->pub.user = detect_user(lines, n, i, arch, &c->regs);
	rc = dec_disassemble(d, c);
	if (rc == CRASHSIG_ENOMEM)
		goto out;
	rc = 0;
	if (c->pub.status == CRASHSIG_OK && c->pub.ninsns)
		rc = dec_explain(c);
	if (!rc && u.trap == CRASHSIG_NO_TRAP && !c->pub.message)
		rc = dec_message(c, 0, "no trap marker: the trapping instruction "
				       "is not known");
out:
	free(u.val);
	free(u.width);
	return rc == CRASHSIG_ENOMEM ? rc : 0;
}

CS_EXPORT int crashsig_decoder_decode(crashsig_decoder *d, const char *text,
				      size_t len, crashsig_arch arch,
				      crashsig_decoded **out)
{
	if (out)
		*out = NULL;
	if (!d || !out || (!text && len))
		return cs_ctx_error(d ? d->ctx : NULL, CRASHSIG_EINVAL,
				    "decoder_decode: bad argument");
	if ((unsigned)arch > CRASHSIG_ARCH_S390)
		return cs_ctx_error(d->ctx, CRASHSIG_EINVAL,
				    "decoder_decode: bad architecture %d", (int)arch);
	crashsig_decoded *r = calloc(1, sizeof(*r));
	if (!r)
		return cs_ctx_error(d->ctx, CRASHSIG_ENOMEM, "out of memory");
	dec_line *lines = NULL;
	size_t n = 0;
	/* fast path: no code dump at all */
	if (!text || (!memmem(text, len, "Code:", 5) &&
		      !memmem(text, len, "Instruction dump:", 17))) {
		*out = r;
		return CRASHSIG_OK;
	}
	int rc = split_lines(text, len, &lines, &n);
	if (rc)
		goto fail;
	r->hang = is_hang_report(lines, n);
	for (size_t i = 0; i < n; i++) {
		int kind = line_kind(&lines[i]);
		if (kind == K_NONE)
			continue;
		size_t skip = 0;
		rc = decode_one(d, lines, n, i, kind, arch, r, &skip);
		if (rc)
			goto fail;
		i += skip;
	}
	free(lines);
	*out = r;
	return CRASHSIG_OK;
fail:
	free(lines);
	crashsig_decoded_free(r);
	return cs_ctx_error(d->ctx, rc, "decoding code: out of memory");
}
