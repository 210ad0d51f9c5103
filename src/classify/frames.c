/*
 * Frame model: parse one stack-trace line into a crashsig_frame.
 *
 * Accepted shapes (after the console prefix is removed):
 *   x86-64/arm64/riscv:  [ ? ][ [<addr>] ][ ? ]func+0xoff/0xsize[ [module[ buildid]]]
 *   symbolized:          func+0xoff/0xsize path/file.c:123[ [inline]]
 *                        func path/file.c:123 [inline]
 *   arm:                 [<pc>] (func+0xoff/0xsize) from [<lr>] (caller+...)
 *   powerpc:             [sp] [pc] func+0xoff/0xsize (unreliable)
 *   s390:                ([<addr>] func+0xoff/0xsize)
 *   instruction pointer: RIP: 0010:func+..., IP: [<addr>] func+..., EIP: ...,
 *                        pc : func+..., PC is at func+..., NIP [addr] func+...,
 *                        epc : func+..., RIP: 0033:0x459829 (user)
 *   link register:       lr : func+..., LR is at func+..., ra : func+...
 */
#include <string.h>

#include "classify/frames.h"
#include "base/util.h"

typedef struct cur {
	const char *s;
	size_t len;
	size_t i;
} cur;

static inline int at(const cur *c, const char *lit)
{
	/* (the first byte first: most lines differ there) */
	if (c->i >= c->len || c->s[c->i] != lit[0])
		return 0;
	size_t n = strlen(lit);
	return c->len - c->i >= n && memcmp(c->s + c->i, lit, n) == 0;
}

static void skip_spaces(cur *c)
{
	while (c->i < c->len && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
		c->i++;
}

/* "[<hex>]" or "[hex]" (kernel address); returns 1 and advances. */
static int parse_addr_bracket(cur *c, uint64_t *addr)
{
	size_t i = c->i;
	if (i >= c->len || c->s[i] != '[')
		return 0;
	i++;
	int angle = 0;
	if (i < c->len && c->s[i] == '<') {
		angle = 1;
		i++;
	}
	uint64_t v;
	size_t n = cs_parse_hex(c->s + i, c->len - i, &v);
	if (n < 4)
		return 0;
	i += n;
	if (angle) {
		if (i >= c->len || c->s[i] != '>')
			return 0;
		i++;
	}
	if (i >= c->len || c->s[i] != ']')
		return 0;
	c->i = i + 1;
	*addr = v;
	return 1;
}

static inline int is_sym_char(unsigned char ch)
{
	return cs_isalnum(ch) || ch == '_' || ch == '.' || ch == '$' || ch == '-';
}

/* Bytes that continue a C name with nothing to check: letters, digits,
 * '_', '.', '$' ('-' is one too, but may start a negative offset). */
#define S1 1
static const unsigned char plain_sym[256] = {
	['$'] = S1, ['.'] = S1, ['_'] = S1,
	['0'] = S1, ['1'] = S1, ['2'] = S1, ['3'] = S1, ['4'] = S1,
	['5'] = S1, ['6'] = S1, ['7'] = S1, ['8'] = S1, ['9'] = S1,
	['A'] = S1, ['B'] = S1, ['C'] = S1, ['D'] = S1, ['E'] = S1, ['F'] = S1,
	['G'] = S1, ['H'] = S1, ['I'] = S1, ['J'] = S1, ['K'] = S1, ['L'] = S1,
	['M'] = S1, ['N'] = S1, ['O'] = S1, ['P'] = S1, ['Q'] = S1, ['R'] = S1,
	['S'] = S1, ['T'] = S1, ['U'] = S1, ['V'] = S1, ['W'] = S1, ['X'] = S1,
	['Y'] = S1, ['Z'] = S1,
	['a'] = S1, ['b'] = S1, ['c'] = S1, ['d'] = S1, ['e'] = S1, ['f'] = S1,
	['g'] = S1, ['h'] = S1, ['i'] = S1, ['j'] = S1, ['k'] = S1, ['l'] = S1,
	['m'] = S1, ['n'] = S1, ['o'] = S1, ['p'] = S1, ['q'] = S1, ['r'] = S1,
	['s'] = S1, ['t'] = S1, ['u'] = S1, ['v'] = S1, ['w'] = S1, ['x'] = S1,
	['y'] = S1, ['z'] = S1,
};
#undef S1

/* Function name: C identifiers with .suffixes, or Rust-style
 * <A as B>::name paths. Returns length (0 if none). */
static size_t sym_len(const char *s, size_t len)
{
	size_t i = 0;
	int depth = 0;
	while (i < len) {
		unsigned char ch = (unsigned char)s[i];
		if (plain_sym[ch]) {
			i++;
			continue;
		}
		if (ch == '<') {
			depth++;
		} else if (ch == '>') {
			if (depth == 0)
				break;
			depth--;
		} else if (ch == ':' && i + 1 < len && s[i + 1] == ':') {
			i++;
		} else if (ch == ' ' && depth > 0) {
			/* "<X as Y>" */
		} else if (ch == '-' && depth == 0 && i + 2 < len && s[i + 1] == '0' &&
			   s[i + 2] == 'x') {
			break; /* "name.cold-0x5/0x1f": a negative offset */
		} else if (!is_sym_char(ch) && !(depth > 0 && (ch == ',' || ch == '&' || ch == '*' || ch == '[' || ch == ']' || ch == ';'))) {
			break;
		}
		i++;
	}
	if (depth != 0)
		return 0;
	/* a name must start with a letter, '_' or '<' */
	if (i == 0 || !(cs_isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == '<'))
		return 0;
	return i;
}

/* "+0xoff/0xsize" or "+0xoff"; also "-0xoff/0xsize", which syzbot's
 * reports show for the .cold part of a function ("extHint.cold-0x5/0x1f"):
 * a frame all the same (syzkaller pkg/report/report.go: compile's {{FUNC}}
 * is a name followed by '.' or '+', so linuxStackParams.frameRes take it as
 * extHint), but its offset is no offset into the symbol (not HAS_OFFSET). */
static int parse_offset(cur *c, crashsig_frame *f)
{
	if (c->i >= c->len || (c->s[c->i] != '+' && c->s[c->i] != '-'))
		return 0;
	int negative = c->s[c->i] == '-';
	size_t i = c->i + 1;
	uint64_t off;
	size_t n = cs_parse_hex(c->s + i, c->len - i, &off);
	if (!n || (negative && (n < 3 || c->s[i] != '0' || c->s[i + 1] != 'x')))
		return 0;
	i += n;
	if (!negative) {
		f->offset = off;
		f->flags |= CRASHSIG_FRAME_HAS_OFFSET;
	}
	if (i < c->len && c->s[i] == '/') {
		uint64_t size;
		size_t m = cs_parse_hex(c->s + i + 1, c->len - i - 1, &size);
		if (m) {
			i += 1 + m;
			f->size = size;
			f->flags |= CRASHSIG_FRAME_HAS_SIZE;
		}
	}
	c->i = i;
	return 1;
}

/* Copy [s, s+n) into the scratch buffer; returns pointer or NULL. */
static const char *stash(char **buf, size_t *left, const char *s, size_t n)
{
	if (n + 1 > *left)
		return NULL;
	char *p = *buf;
	memcpy(p, s, n);
	p[n] = 0;
	*buf += n + 1;
	*left -= n + 1;
	return p;
}

/* " path/to/file.c:123" (or ":-1", line unknown: 0) — returns 1 and sets
 * file/line (f NULL: only moves past it). */
static int parse_source(cur *c, crashsig_frame *f, char **buf, size_t *left)
{
	size_t i = c->i;
	while (i < c->len && c->s[i] == ' ')
		i++;
	size_t start = i;
	while (i < c->len && c->s[i] != ' ' && c->s[i] != ':')
		i++;
	if (i == start || i >= c->len || c->s[i] != ':')
		return 0;
	size_t fend = i;
	/* needs something file-like: a '/' or a dot extension */
	int filelike = 0;
	for (size_t k = start; k < fend; k++)
		if (c->s[k] == '/' || c->s[k] == '.')
			filelike = 1;
	if (!filelike)
		return 0;
	i++;
	unsigned line = 0;
	/* "file.c:-1": the symbolizer knew the file, not the line */
	int unknown = i + 1 < c->len && c->s[i] == '-' && c->s[i + 1] == '1' &&
		      (i + 2 == c->len || !cs_isdigit((unsigned char)c->s[i + 2]));
	if (unknown)
		i += 2;
	size_t d = i;
	while (!unknown && i < c->len && cs_isdigit((unsigned char)c->s[i]) && line < 100000000u)
		line = line * 10 + (unsigned)(c->s[i++] - '0');
	if (i == d && !unknown)
		return 0;
	/* optional ":col" */
	if (i < c->len && c->s[i] == ':') {
		size_t k = i + 1;
		while (k < c->len && cs_isdigit((unsigned char)c->s[k]))
			k++;
		if (k > i + 1)
			i = k;
	}
	if (f) {
		f->file = stash(buf, left, c->s + start, fend - start);
		f->line = line;
	}
	c->i = i;
	return 1;
}

/* Parse "func[+0xoff[/0xsize]][ [module[ buildid]]][ file:line][ [inline]]"
 * at the cursor. need_offset: the symbol alone is not enough evidence. */
static int parse_symbol(cur *c, crashsig_frame *f, char **buf, size_t *left,
			int need_evidence)
{
	size_t n = sym_len(c->s + c->i, c->len - c->i);
	if (!n)
		return 0;
	const char *name = c->s + c->i;
	c->i += n;
	int evidence = 0;
	if (parse_offset(c, f))
		evidence = 1;
	size_t save = c->i;
	skip_spaces(c);
	/* [module] or [module buildid] */
	if (c->i < c->len && c->s[c->i] == '[' && !at(c, "[inline]")) {
		size_t k = c->i + 1, ms = k;
		while (k < c->len && (is_sym_char((unsigned char)c->s[k])))
			k++;
		size_t me = k;
		size_t bs = 0, be = 0;
		if (k < c->len && c->s[k] == ' ') {
			bs = k + 1;
			be = bs;
			while (be < c->len && cs_isxdigit((unsigned char)c->s[be]))
				be++;
			k = be;
		}
		if (me > ms && k < c->len && c->s[k] == ']' &&
		    (bs == 0 || be - bs >= 16)) {
			f->module = stash(buf, left, c->s + ms, me - ms);
			if (bs)
				f->build_id = stash(buf, left, c->s + bs, be - bs);
			c->i = k + 1;
			save = c->i;
			skip_spaces(c);
		}
	}
	size_t before_src = c->i;
	if (parse_source(c, f, buf, left)) {
		save = c->i;
		skip_spaces(c);
		if (at(c, "[inline]")) {
			f->flags |= CRASHSIG_FRAME_INLINE;
			c->i += 8;
			save = c->i;
			evidence = 1;
		}
		if (f->flags & CRASHSIG_FRAME_HAS_OFFSET)
			evidence = 1;
		/* a report symbolized twice repeats the suffix ("skb_put+0x24/0x24
		 * net/core/skbuff.c:1986 net/core/skbuff.c:1986"): the first counts */
		for (;;) {
			size_t b = c->i;
			if (!parse_source(c, NULL, buf, left)) {
				c->i = b;
				break;
			}
			save = c->i;
			skip_spaces(c);
			if (at(c, "[inline]")) {
				c->i += 8;
				save = c->i;
			}
		}
	} else {
		c->i = before_src;
	}
	c->i = save;
	if (need_evidence && !evidence)
		return 0;
	f->func = stash(buf, left, name, n);
	return f->func != NULL;
}

static const struct ip_prefix {
	const char *lit;
	unsigned flags; /* CRASHSIG_FRAME_IP or 0 for link register */
	int seg;        /* followed by "XXXX:" segment selector */
} ip_prefixes[] = {
	{"RIP: ", CRASHSIG_FRAME_IP, 1}, {"EIP: ", CRASHSIG_FRAME_IP, 1},
	{"IP: ", CRASHSIG_FRAME_IP, 0},   {"pc : ", CRASHSIG_FRAME_IP, 0},
	{"PC is at ", CRASHSIG_FRAME_IP, 0}, {"NIP [", CRASHSIG_FRAME_IP, 0},
	{"epc : ", CRASHSIG_FRAME_IP, 0}, {"lr : ", CRASHSIG_FRAME_LR, 0},
	{"LR is at ", CRASHSIG_FRAME_LR, 0}, {"LR [", CRASHSIG_FRAME_LR, 0},
	{"ra : ", CRASHSIG_FRAME_LR, 0},
};

int cs_frame_maybe_ip(const char *line, size_t len)
{
	cur c = {line, len, 0};
	skip_spaces(&c);
	if (c.i >= c.len)
		return 0;
	switch (c.s[c.i]) {
	case '-':
		return at(&c, "--- interrupt: ");
	case 'N': /* "NIP [" and null_pc_line's "NIP " */
		return at(&c, "NIP ");
	case 'R': case 'E': case 'I': case 'p': case 'P': case 'e':
		for (size_t k = 0; k < sizeof(ip_prefixes) / sizeof(ip_prefixes[0]); k++)
			if (ip_prefixes[k].flags == CRASHSIG_FRAME_IP && at(&c, ip_prefixes[k].lit))
				return 1;
		return 0;
	default:
		return 0;
	}
}

int cs_frame_parse(const char *line, size_t len, crashsig_frame *f, char *buf,
		   size_t buflen)
{
	return cs_frame_parse_ex(line, len, f, NULL, buf, buflen);
}

int cs_frame_parse_ex(const char *line, size_t len, crashsig_frame *f,
		      crashsig_frame *callee, char *buf, size_t buflen)
{
	if (callee)
		memset(callee, 0, sizeof(*callee));
	memset(f, 0, sizeof(*f));
	cur c = {line, len, 0};
	size_t left = buflen;
	skip_spaces(&c);
	/* powerpc: "--- interrupt: 700 at assert_slb_presence+0x2c/0x70" */
	if (at(&c, "--- interrupt: ")) {
		size_t k = c.i + 15;
		while (k < c.len && cs_isxdigit((unsigned char)c.s[k]))
			k++;
		if (k + 4 <= c.len && !memcmp(c.s + k, " at ", 4)) {
			c.i = k + 4;
			f->flags |= CRASHSIG_FRAME_IP;
			return parse_symbol(&c, f, &buf, &left, 1);
		}
		return 0;
	}
	/* instruction pointer / link register lines */
	/* (the first bytes of ip_prefixes, "REIpPNelLr", as bits of byte - 64) */
	const uint64_t ip_first = (1ull << ('R' - 64)) | (1ull << ('E' - 64)) |
				  (1ull << ('I' - 64)) | (1ull << ('p' - 64)) |
				  (1ull << ('P' - 64)) | (1ull << ('N' - 64)) |
				  (1ull << ('e' - 64)) | (1ull << ('l' - 64)) |
				  (1ull << ('L' - 64)) | (1ull << ('r' - 64));
	unsigned ch0 = c.i < c.len ? (unsigned char)c.s[c.i] - 64u : 64u;
	int maybe_ip = ch0 < 64 && ((ip_first >> ch0) & 1);
	for (size_t k = 0; maybe_ip && k < sizeof(ip_prefixes) / sizeof(ip_prefixes[0]); k++) {
		const struct ip_prefix *p = &ip_prefixes[k];
		if (!at(&c, p->lit))
			continue;
		c.i += strlen(p->lit);
		if (p->lit[strlen(p->lit) - 1] == '[')
			c.i--; /* "NIP [addr] func" */
		f->flags |= p->flags;
		if (p->seg) {
			/* "0010:" */
			size_t k2 = c.i;
			while (k2 < c.len && cs_isxdigit((unsigned char)c.s[k2]))
				k2++;
			if (k2 < c.len && c.s[k2] == ':' && k2 > c.i)
				c.i = k2 + 1;
		}
		uint64_t a;
		int have_addr = 0;
		while (parse_addr_bracket(&c, &a)) {
			f->addr = a;
			have_addr = 1;
			skip_spaces(&c);
		}
		if (!have_addr && at(&c, "0x")) {
			/* RIP: 0033:0x459829 - raw (user) address */
			size_t n = cs_parse_hex(c.s + c.i, c.len - c.i, &a);
			if (n) {
				f->addr = a;
				f->flags |= CRASHSIG_FRAME_HAS_ADDR;
				f->func = "";
				return 1;
			}
		}
		if (have_addr)
			f->flags |= CRASHSIG_FRAME_HAS_ADDR;
		size_t before_sym = c.i;
		if (parse_symbol(&c, f, &buf, &left, 0)) {
			/* "pc : [<00000000>]    lr : [<808eaab4>]" lists registers:
			 * a name followed by ':' is the next register, not a symbol */
			size_t kk = c.i;
			while (kk < c.len && c.s[kk] == ' ')
				kk++;
			if (!(kk < c.len && c.s[kk] == ':'))
				return 1;
			c.i = before_sym;
			f->func = NULL;
			f->flags &= ~(unsigned)(CRASHSIG_FRAME_HAS_OFFSET | CRASHSIG_FRAME_HAS_SIZE);
		}
		if (have_addr) {
			f->func = "";
			return 1;
		}
		return 0;
	}
	if (at(&c, "(["))
		c.i++; /* s390 "([<addr>] func+...)" */
	if (at(&c, "? ")) {
		f->flags |= CRASHSIG_FRAME_UNRELIABLE;
		c.i += 2;
	}
	uint64_t a;
	int have_addr = 0;
	while (parse_addr_bracket(&c, &a)) {
		f->addr = a;
		have_addr = 1;
		skip_spaces(&c);
	}
	if (have_addr)
		f->flags |= CRASHSIG_FRAME_HAS_ADDR;
	if (at(&c, "? ")) {
		f->flags |= CRASHSIG_FRAME_UNRELIABLE;
		c.i += 2;
	}
	int arm = 0;
	if (have_addr && c.i < c.len && c.s[c.i] == '(') {
		arm = 1; /* arm: [<pc>] (func+off/size) from [<lr>] (...) */
		c.i++;
	}
	if (!parse_symbol(&c, f, &buf, &left, !have_addr))
		return 0;
	if (arm && (c.i >= c.len || c.s[c.i] != ')'))
		return 0;
	if (arm && !strcmp(f->func, "null"))
		return 0; /* powerpc "[sp] [0000000000000000] (null)" */
	if (arm) {
		/* "[<pc>] (callee) from [<lr>] (caller+0x1c/0x24)": the line
		 * stands for the call in the caller, at the return address lr
		 * (like an x86 frame). A noreturn call shows as the next
		 * function at +0x0: that is what the kernel unwound to. */
		cur k = c;
		k.i++;
		while (k.i < k.len && k.s[k.i] == ' ')
			k.i++;
		uint64_t lr;
		if (at(&k, "from ")) {
			k.i += 5;
			if (parse_addr_bracket(&k, &lr)) {
				while (k.i < k.len && k.s[k.i] == ' ')
					k.i++;
				if (k.i < k.len && k.s[k.i] == '(') {
					k.i++;
					crashsig_frame cf;
					memset(&cf, 0, sizeof(cf));
					if (parse_symbol(&k, &cf, &buf, &left, 0)) {
						cf.addr = lr;
						cf.flags |= CRASHSIG_FRAME_HAS_ADDR |
							    (f->flags & CRASHSIG_FRAME_UNRELIABLE);
						/* the callee A is a frame of its own
						 * (syzkaller pkg/report/linux.go: the arm
						 * frame regex captures both) */
						if (callee && !(f->flags & CRASHSIG_FRAME_HAS_OFFSET)) {
							*callee = *f;
							callee->flags |= CRASHSIG_FRAME_HAS_ADDR;
						}
						*f = cf;
						return 1;
					}
				}
			}
		}
	}
	/* Anything after the frame must look like trailing frame noise, not
	 * prose: "(unreliable)", ") from [<...>] (...)", ")" (s390). */
	size_t j = c.i;
	while (j < c.len && c.s[j] == ' ')
		j++;
	/* powerpc marks stale stack words with "(unreliable)", as x86 does
	 * with "? " (syzkaller pkg/report/linux.go: stripLinePrefix treats
	 * both as questionable frames) */
	if (c.len - j >= 12 && memcmp(c.s + j, "(unreliable)", 12) == 0)
		f->flags |= CRASHSIG_FRAME_UNRELIABLE;
	if (j < c.len && !arm && !have_addr) {
		const char *rest = c.s + j;
		size_t rl = c.len - j;
		if (!(rl >= 12 && memcmp(rest, "(unreliable)", 12) == 0) &&
		    !(rest[0] == ')') && !(rl >= 7 && memcmp(rest, "[inline]", 7) == 0))
			return 0;
	}
	return 1;
}

CS_EXPORT int crashsig_frame_parse(const char *line, size_t len,
				   crashsig_frame *frame, char *buf,
				   size_t buflen)
{
	if (!line || !frame || !buf)
		return 0;
	return cs_frame_parse(line, len, frame, buf, buflen);
}

/* Strip compiler-generated suffixes: .isra.N, .constprop.N, .part.N,
 * .cold[.N], .lto_priv.N, .llvm.NNN, ... Everything after the first '.'
 * that follows an identifier character is a suffix in kernel symbols. */
size_t cs_func_base_len(const char *func, size_t len)
{
	for (size_t i = 1; i < len; i++)
		if (func[i] == '.')
			return i;
	return len;
}
