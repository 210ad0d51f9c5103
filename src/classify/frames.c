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
 *
 * Most lines of a report are the first shape (call traces: "func+0x1c/0x2c",
 * "? func+0x1c/0x2c" for a stale return address found on the stack,
 * "[<ffffffff8132e81d>] func+..." in older kernels) or no frame at all
 * (register dumps, headers): parse_common() reads those in one pass, and
 * everything else goes to the general parser (parse_general), which
 * parse_common() gives the same answers as, *f included (test_frames
 * compares the two on generated lines).
 */
#include <string.h>

#include "classify/frames.h"
#include "base/util.h"

typedef struct cur {
	const char *s;
	size_t len;
	size_t i;
} cur;

/* The scratch area strings are copied to. */
typedef struct scratch {
	char *p;
	size_t left;
} scratch;

/* Does the literal lit (a string constant) follow the cursor? (memcmp of a
 * constant length: compiled to a few loads and compares.) */
#define AT(c, lit) at_n((c), (lit), sizeof(lit) - 1)

static inline int at_n(const cur *c, const char *lit, size_t n)
{
	return c->len - c->i >= n && memcmp(c->s + c->i, lit, n) == 0;
}

/* Byte classes of the frame grammar, bits of byte_class[]. */
enum {
	B_PLAIN = 1,    /* continues a C name with nothing to check: letters,
			 * digits, '_', '.', '$' ('-' continues one too, but
			 * may start a negative offset) */
	B_SYM = 2,      /* a module name byte: B_PLAIN and '-' */
	B_START = 4,    /* starts a name: a letter, '_' or '<' */
	B_SPACE = 8,    /* ' ' and '\t', which separate the parts of a line */
	B_SRC_END = 16, /* ' ' and ':', which end a source file name */
	B_FILEISH = 32, /* '/' and '.': a source file name has one */
	B_XDIGIT = 64,
};

#define LETTER (B_PLAIN | B_SYM | B_START)
#define HEXLETTER (LETTER | B_XDIGIT)
#define DIGIT (B_PLAIN | B_SYM | B_XDIGIT)
static const unsigned char byte_class[256] = {
	['0'] = DIGIT, ['1'] = DIGIT, ['2'] = DIGIT, ['3'] = DIGIT, ['4'] = DIGIT,
	['5'] = DIGIT, ['6'] = DIGIT, ['7'] = DIGIT, ['8'] = DIGIT, ['9'] = DIGIT,
	['A'] = HEXLETTER, ['B'] = HEXLETTER, ['C'] = HEXLETTER, ['D'] = HEXLETTER,
	['E'] = HEXLETTER, ['F'] = HEXLETTER, ['G'] = LETTER, ['H'] = LETTER,
	['I'] = LETTER, ['J'] = LETTER, ['K'] = LETTER, ['L'] = LETTER, ['M'] = LETTER,
	['N'] = LETTER, ['O'] = LETTER, ['P'] = LETTER, ['Q'] = LETTER, ['R'] = LETTER,
	['S'] = LETTER, ['T'] = LETTER, ['U'] = LETTER, ['V'] = LETTER, ['W'] = LETTER,
	['X'] = LETTER, ['Y'] = LETTER, ['Z'] = LETTER,
	['a'] = HEXLETTER, ['b'] = HEXLETTER, ['c'] = HEXLETTER, ['d'] = HEXLETTER,
	['e'] = HEXLETTER, ['f'] = HEXLETTER, ['g'] = LETTER, ['h'] = LETTER,
	['i'] = LETTER, ['j'] = LETTER, ['k'] = LETTER, ['l'] = LETTER, ['m'] = LETTER,
	['n'] = LETTER, ['o'] = LETTER, ['p'] = LETTER, ['q'] = LETTER, ['r'] = LETTER,
	['s'] = LETTER, ['t'] = LETTER, ['u'] = LETTER, ['v'] = LETTER, ['w'] = LETTER,
	['x'] = LETTER, ['y'] = LETTER, ['z'] = LETTER,
	['_'] = LETTER, ['$'] = B_PLAIN | B_SYM, ['.'] = B_PLAIN | B_SYM | B_FILEISH,
	['-'] = B_SYM, ['<'] = B_START, ['/'] = B_FILEISH, [':'] = B_SRC_END,
	[' '] = B_SPACE | B_SRC_END, ['\t'] = B_SPACE,
};
#undef LETTER
#undef HEXLETTER
#undef DIGIT

static inline unsigned cls(char ch)
{
	return byte_class[(unsigned char)ch];
}

/* Does ch start a C name (a letter or '_')? */
static inline int is_name_start(char ch)
{
	return (cls(ch) & (B_PLAIN | B_START)) == (B_PLAIN | B_START);
}

/* The length of the run of bytes at s (len bytes) whose class, masked with
 * mask, is want. (Four at a time while four are there: no bound check per
 * byte.) */
static inline size_t span(const char *s, size_t len, unsigned mask, unsigned want)
{
	size_t i = 0;
	for (; len - i >= 4; i += 4) {
		if ((cls(s[i]) & mask) != want)
			return i;
		if ((cls(s[i + 1]) & mask) != want)
			return i + 1;
		if ((cls(s[i + 2]) & mask) != want)
			return i + 2;
		if ((cls(s[i + 3]) & mask) != want)
			return i + 3;
	}
	while (i < len && (cls(s[i]) & mask) == want)
		i++;
	return i;
}

static inline void skip_spaces(cur *c)
{
	while (c->i < c->len && (cls(c->s[c->i]) & B_SPACE))
		c->i++;
}

/* "[<hex>]" or "[hex]" (kernel address, at least 4 characters with a
 * "0x"); returns 1 and advances. */
static int parse_addr_bracket(cur *c, uint64_t *addr)
{
	size_t i = c->i;
	if (i >= c->len || c->s[i] != '[')
		return 0;
	i++;
	int angle = i < c->len && c->s[i] == '<';
	i += (size_t)angle;
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

/* Function name: C identifiers with .suffixes, or Rust-style
 * <A as B>::name paths. Returns length (0 if none). */
static size_t sym_len(const char *s, size_t len)
{
	/* a name must start with a letter, '_' or '<' */
	if (!len || !(cls(s[0]) & B_START))
		return 0;
	/* most names are C names: a run of plain bytes, ended by one that
	 * cannot continue a name at depth 0 ('+', ' ', '/', ...) */
	size_t i = span(s, len, B_PLAIN, B_PLAIN);
	if (i == len || (s[i] != '<' && s[i] != ':' && s[i] != '-'))
		return i;
	int depth = 0;
	while (i < len) {
		unsigned char ch = (unsigned char)s[i];
		if (cls((char)ch) & B_PLAIN) {
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
		} else if (!(cls((char)ch) & B_SYM) &&
			   !(depth > 0 && (ch == ',' || ch == '&' || ch == '*' || ch == '[' ||
					   ch == ']' || ch == ';'))) {
			break;
		}
		i++;
	}
	return depth ? 0 : i;
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

/* memcpy(d, s, n) for the short strings of a frame (names, files): words
 * of 8 or 4 bytes, the last one overlapping, rather than a call. */
static CS_ALWAYS_INLINE void copy_bytes(char *d, const char *s, size_t n)
{
	if (n >= 8) {
		for (size_t k = 0; k + 8 < n; k += 8)
			memcpy(d + k, s + k, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		for (size_t k = 0; k < n; k++)
			d[k] = s[k];
	}
}

/* Copy [s, s+n) to *p, NUL-terminated, and move *p past it; returns the
 * copy. (The caller has checked the room.) */
static CS_ALWAYS_INLINE const char *put(char **p, const char *s, size_t n)
{
	char *d = *p;
	copy_bytes(d, s, n);
	d[n] = 0;
	*p += n + 1;
	return d;
}

/* Copy [s, s+n) into the scratch area; returns pointer or NULL. */
static inline const char *stash(scratch *sb, const char *s, size_t n)
{
	if (n + 1 > sb->left)
		return NULL;
	sb->left -= n + 1;
	return put(&sb->p, s, n);
}

/* The length of the source file name at s (len bytes): the bytes up to a
 * ':', no blank among them, something file-like (a '/' or a dot
 * extension) too ("mm/slub.c:123"); 0 when there is none. */
static inline size_t file_name_len(const char *s, size_t len)
{
	size_t n = span(s, len, B_SRC_END, 0);
	if (!n || n == len || s[n] != ':' || span(s, n, B_FILEISH, 0) == n)
		return 0;
	return n;
}

/* " path/to/file.c:123" (or ":-1", line unknown: 0) — returns 1 and sets
 * file/line (f NULL: only moves past it). */
static int parse_source(cur *c, crashsig_frame *f, scratch *sb)
{
	const char *s = c->s;
	size_t len = c->len, i = c->i;
	while (i < len && s[i] == ' ')
		i++;
	size_t start = i;
	i += file_name_len(s + i, len - i);
	if (i == start)
		return 0;
	size_t fend = i;
	i++;
	unsigned line = 0;
	/* "file.c:-1": the symbolizer knew the file, not the line */
	int unknown = i + 1 < len && s[i] == '-' && s[i + 1] == '1' &&
		      (i + 2 == len || !cs_isdigit((unsigned char)s[i + 2]));
	if (unknown) {
		i += 2;
	} else {
		size_t d = i;
		while (i < len && cs_isdigit((unsigned char)s[i]) && line < 100000000u)
			line = line * 10 + (unsigned)(s[i++] - '0');
		if (i == d)
			return 0;
	}
	/* optional ":col" */
	if (i + 1 < len && s[i] == ':' && cs_isdigit((unsigned char)s[i + 1])) {
		i += 2;
		while (i < len && cs_isdigit((unsigned char)s[i]))
			i++;
	}
	if (f) {
		f->file = stash(sb, s + start, fend - start);
		f->line = line;
	}
	c->i = i;
	return 1;
}

/* Parse "func[+0xoff[/0xsize]][ [module[ buildid]]][ file:line][ [inline]]"
 * at the cursor. need_evidence: the symbol alone is not enough evidence. */
static int parse_symbol(cur *c, crashsig_frame *f, scratch *sb, int need_evidence)
{
	size_t n = sym_len(c->s + c->i, c->len - c->i);
	if (!n)
		return 0;
	const char *name = c->s + c->i;
	c->i += n;
	int evidence = parse_offset(c, f);
	/* most frames end here ("func+0x86c/0x1ed0") */
	if (c->i == c->len)
		goto done;
	size_t save = c->i;
	skip_spaces(c);
	/* [module] or [module buildid] */
	if (c->i < c->len && c->s[c->i] == '[' && !AT(c, "[inline]")) {
		size_t k = c->i + 1, ms = k;
		while (k < c->len && (cls(c->s[k]) & B_SYM))
			k++;
		size_t me = k;
		size_t bs = 0, be = 0;
		if (k < c->len && c->s[k] == ' ') {
			bs = k + 1;
			be = bs;
			while (be < c->len && (cls(c->s[be]) & B_XDIGIT))
				be++;
			k = be;
		}
		if (me > ms && k < c->len && c->s[k] == ']' &&
		    (bs == 0 || be - bs >= 16)) {
			f->module = stash(sb, c->s + ms, me - ms);
			if (bs)
				f->build_id = stash(sb, c->s + bs, be - bs);
			c->i = k + 1;
			save = c->i;
			skip_spaces(c);
		}
	}
	if (parse_source(c, f, sb)) {
		save = c->i;
		skip_spaces(c);
		if (AT(c, "[inline]")) {
			f->flags |= CRASHSIG_FRAME_INLINE;
			c->i += 8;
			save = c->i;
			evidence = 1;
		}
		if (f->flags & CRASHSIG_FRAME_HAS_OFFSET)
			evidence = 1;
		/* a report symbolized twice repeats the suffix ("skb_put+0x24/0x24
		 * net/core/skbuff.c:1986 net/core/skbuff.c:1986"): the first counts */
		while (parse_source(c, NULL, sb)) {
			save = c->i;
			skip_spaces(c);
			if (AT(c, "[inline]")) {
				c->i += 8;
				save = c->i;
			}
		}
	}
	c->i = save;
done:
	if (need_evidence && !evidence)
		return 0;
	f->func = stash(sb, name, n);
	return f->func != NULL;
}

static const struct ip_prefix {
	const char *lit;
	unsigned char n;     /* strlen(lit) */
	unsigned char flags; /* CRASHSIG_FRAME_IP, or CRASHSIG_FRAME_LR for a
			      * link register */
	unsigned char seg;   /* followed by an "XXXX:" segment selector */
} ip_prefixes[] = {
#define P(lit, flags, seg) {lit, sizeof(lit) - 1, flags, seg}
	P("RIP: ", CRASHSIG_FRAME_IP, 1),     P("EIP: ", CRASHSIG_FRAME_IP, 1),
	P("IP: ", CRASHSIG_FRAME_IP, 0),      P("pc : ", CRASHSIG_FRAME_IP, 0),
	P("PC is at ", CRASHSIG_FRAME_IP, 0), P("NIP [", CRASHSIG_FRAME_IP, 0),
	P("epc : ", CRASHSIG_FRAME_IP, 0),    P("lr : ", CRASHSIG_FRAME_LR, 0),
	P("LR is at ", CRASHSIG_FRAME_LR, 0), P("LR [", CRASHSIG_FRAME_LR, 0),
	P("ra : ", CRASHSIG_FRAME_LR, 0),
#undef P
};

/* Is prefix k of ip_prefixes at the cursor? (k constant: a memcmp of a
 * constant string, inlined.) */
#define IP_AT(c, k) at_n((c), ip_prefixes[k].lit, ip_prefixes[k].n)

/* The instruction pointer or link register prefix at the cursor, or NULL
 * (the prefixes differ in their first byte but for "LR is at "/"LR ["). */
static inline const struct ip_prefix *ip_prefix_at(const cur *c)
{
	int k;
	if (c->i >= c->len)
		return NULL;
	switch (c->s[c->i]) {
	case 'R': k = IP_AT(c, 0) ? 0 : -1; break;
	case 'E': k = IP_AT(c, 1) ? 1 : -1; break;
	case 'I': k = IP_AT(c, 2) ? 2 : -1; break;
	case 'p': k = IP_AT(c, 3) ? 3 : -1; break;
	case 'P': k = IP_AT(c, 4) ? 4 : -1; break;
	case 'N': k = IP_AT(c, 5) ? 5 : -1; break;
	case 'e': k = IP_AT(c, 6) ? 6 : -1; break;
	case 'l': k = IP_AT(c, 7) ? 7 : -1; break;
	case 'L': k = IP_AT(c, 8) ? 8 : IP_AT(c, 9) ? 9 : -1; break;
	case 'r': k = IP_AT(c, 10) ? 10 : -1; break;
	default: k = -1;
	}
	return k < 0 ? NULL : &ip_prefixes[k];
}
#undef IP_AT

int cs_frame_maybe_ip(const char *line, size_t len)
{
	cur c = {line, len, 0};
	skip_spaces(&c);
	if (c.i >= c.len)
		return 0;
	switch (c.s[c.i]) {
	case '-':
		return AT(&c, "--- interrupt: ");
	case 'N': /* "NIP [" and null_pc_line's "NIP " */
		return AT(&c, "NIP ");
	case 'R': case 'E': case 'I': case 'p': case 'P': case 'e':
		return ip_prefix_at(&c) != NULL; /* (all CRASHSIG_FRAME_IP) */
	default:
		return 0;
	}
}

int cs_frame_parse(const char *line, size_t len, crashsig_frame *f, char *buf,
		   size_t buflen)
{
	return cs_frame_parse_ex(line, len, f, NULL, buf, buflen);
}

/* An instruction pointer or link register line, after its prefix p. */
static int parse_ip_line(cur *c, const struct ip_prefix *p, crashsig_frame *f,
			 scratch *sb)
{
	c->i += p->n;
	if (p->lit[p->n - 1] == '[')
		c->i--; /* "NIP [addr] func" */
	f->flags |= p->flags;
	if (p->seg) {
		/* "0010:" */
		size_t k = c->i;
		while (k < c->len && (cls(c->s[k]) & B_XDIGIT))
			k++;
		if (k < c->len && c->s[k] == ':' && k > c->i)
			c->i = k + 1;
	}
	uint64_t a;
	int have_addr = 0;
	while (parse_addr_bracket(c, &a)) {
		f->addr = a;
		have_addr = 1;
		skip_spaces(c);
	}
	if (!have_addr && AT(c, "0x")) {
		/* RIP: 0033:0x459829 - raw (user) address */
		size_t n = cs_parse_hex(c->s + c->i, c->len - c->i, &a);
		if (n) {
			f->addr = a;
			f->flags |= CRASHSIG_FRAME_HAS_ADDR;
			f->func = "";
			return 1;
		}
	}
	if (have_addr)
		f->flags |= CRASHSIG_FRAME_HAS_ADDR;
	size_t before_sym = c->i;
	if (parse_symbol(c, f, sb, 0)) {
		/* "pc : [<00000000>]    lr : [<808eaab4>]" lists registers:
		 * a name followed by ':' is the next register, not a symbol */
		size_t k = c->i;
		while (k < c->len && c->s[k] == ' ')
			k++;
		if (!(k < c->len && c->s[k] == ':'))
			return 1;
		c->i = before_sym;
		f->func = NULL;
		f->flags &= ~(unsigned)(CRASHSIG_FRAME_HAS_OFFSET | CRASHSIG_FRAME_HAS_SIZE);
	}
	if (have_addr) {
		f->func = "";
		return 1;
	}
	return 0;
}

/* "[<pc>] (callee) from [<lr>] (caller+0x1c/0x24)", after the callee's
 * ')' at the cursor: parse the caller into *f, which holds the callee. */
static int parse_arm_caller(cur k, crashsig_frame *f, crashsig_frame *callee,
			    scratch *sb)
{
	/* The line stands for the call in the caller, at the return address
	 * lr (like an x86 frame). A noreturn call shows as the next function
	 * at +0x0: that is what the kernel unwound to. */
	k.i++;
	while (k.i < k.len && k.s[k.i] == ' ')
		k.i++;
	uint64_t lr;
	if (!AT(&k, "from "))
		return 0;
	k.i += 5;
	if (!parse_addr_bracket(&k, &lr))
		return 0;
	while (k.i < k.len && k.s[k.i] == ' ')
		k.i++;
	if (k.i >= k.len || k.s[k.i] != '(')
		return 0;
	k.i++;
	crashsig_frame cf = {0};
	if (!parse_symbol(&k, &cf, sb, 0))
		return 0;
	cf.addr = lr;
	cf.flags |= CRASHSIG_FRAME_HAS_ADDR | (f->flags & CRASHSIG_FRAME_UNRELIABLE);
	/* the callee A is a frame of its own (syzkaller pkg/report/linux.go:
	 * the arm frame regex captures both) */
	if (callee && !(f->flags & CRASHSIG_FRAME_HAS_OFFSET)) {
		*callee = *f;
		callee->flags |= CRASHSIG_FRAME_HAS_ADDR;
	}
	*f = cf;
	return 1;
}

/* A line whose first byte (s[i], after the indent) starts neither a name
 * nor "? " nor an address: 0 when the general parser finds no frame in it
 * (with *f untouched), -1 when it is to look. */
static int no_name_line(const char *s, size_t len, size_t i)
{
	switch (s[i]) {
	case '-': /* "--- interrupt: " */
	case '(': /* s390 "([<addr>] func+...)" */
		return -1;
	case '<': {
		/* "<IRQ>", "</IRQ>", "<TASK>": a Rust-style name without an
		 * offset, or (with the '/') none at all */
		size_t k = i + 1;
		if (k < len && s[k] == '/')
			k++;
		k += span(s + k, len - k, B_PLAIN, B_PLAIN);
		return k + 1 == len && s[k] == '>' ? 0 : -1;
	}
	default:
		/* "#0: ...", "2 locks held by ...", "(null)", "" */
		return 0;
	}
}

/* A line that starts (after the indent) with the name s[name, i), not
 * followed by "+0x": 0 when the general parser finds no frame in it (with
 * *f untouched), -1 when it is to look. Such a line is a frame only with
 * "file:line [inline]" after the name (an inlined function), or when it is
 * an instruction pointer line; what follows the name must start neither an
 * offset nor a longer name ("a::b", "a-b", "<A as B>::f"). */
static int other_name_line(const char *s, size_t len, size_t name, size_t i)
{
	cur c = {s, len, name};
	if (ip_prefix_at(&c))
		return -1; /* "RIP: ", "pc : ", "LR is at ", ... */
	if (i == len)
		return 0;
	switch (s[i]) {
	case ':': /* "RAX: 0000000000000000 RBX: ...", "CPU: 0 PID: ..." */
		return i + 1 < len && s[i + 1] == ':' ? -1 : 0;
	case '+':
	case '-':
	case '<':
		return -1;
	default:
		/* "Call Trace:", "Hardware name: ...": no "[inline]" (nor a
		 * module) ahead, and no source file after the name (the
		 * general parser would store it in *f) */
		if (memchr(s + i, '[', len - i))
			return -1;
		c.i = i;
		skip_spaces(&c);
		return parse_source(&c, NULL, NULL) ? -1 : 0;
	}
}

/* The common frame lines in one pass:
 *   [? ][[<addr>] ][? ]func+0xoff/0xsize[ [module]]          (x86-64, arm64)
 *   [? ][[<addr>] ][? ]func+0xoff/0xsize file:line[ [inline]] (symbolized)
 * and lines that cannot be frames (register dumps, "CPU: ...", "Call
 * Trace:", "<IRQ>", ...: see no_name_line() and other_name_line()). s[i] is
 * the first byte after the indent. Returns 1 (a frame, *f set), 0 (no
 * frame, *f untouched) or -1: another shape (or a part of one of these
 * missing), for the general parser, which gives the same answer for the
 * lines this one decides. */
static CS_ALWAYS_INLINE int parse_common(const char *s, size_t len, size_t i,
					 crashsig_frame *f, char *buf, size_t buflen)
{
	unsigned flags = 0;
	uint64_t addr = 0, off, size;
	size_t n;
	if (!is_name_start(s[i])) {
		if (s[i] != '?' && s[i] != '[')
			return no_name_line(s, len, i);
		if (s[i] == '?') {
			if (i + 1 >= len || s[i + 1] != ' ')
				return -1;
			flags = CRASHSIG_FRAME_UNRELIABLE;
			i += 2;
		}
		if (i < len && s[i] == '[') {
			/* "[<ffffffff8132e81d>]", then blanks; a second address
			 * or an arm "(func)" after it is for the general parser */
			if (len - i < 8 || s[i + 1] != '<')
				return -1;
			n = cs_hex_digits(s + i + 2, len - i - 2, &addr);
			i += 2 + n;
			if (n < 4 || len - i < 3 || s[i] != '>' || s[i + 1] != ']')
				return -1;
			i += 2;
			while (i < len && (cls(s[i]) & B_SPACE))
				i++;
			flags |= CRASHSIG_FRAME_HAS_ADDR;
		}
		if (len - i >= 2 && s[i] == '?' && s[i + 1] == ' ') {
			flags |= CRASHSIG_FRAME_UNRELIABLE; /* "[<addr>] ? func" */
			i += 2;
		}
		if (i >= len || !is_name_start(s[i]))
			return -1;
	}
	size_t name = i;
	i += span(s + i, len - i, B_PLAIN, B_PLAIN);
	size_t name_end = i;
	if (len - i < 4 || s[i] != '+' || s[i + 1] != '0' || s[i + 2] != 'x')
		return flags ? -1 : other_name_line(s, len, name, i);
	/* "+0xoff/0xsize" */
	i += 3;
	n = cs_hex_digits(s + i, len - i, &off);
	i += n;
	if (!n || len - i < 4 || memcmp(s + i, "/0x", 3))
		return -1;
	i += 3;
	n = cs_hex_digits(s + i, len - i, &size);
	i += n;
	if (!n)
		return -1;
	flags |= CRASHSIG_FRAME_HAS_OFFSET | CRASHSIG_FRAME_HAS_SIZE;
	size_t mod = 0, mod_end = 0, file = 0, file_end = 0;
	size_t need = name_end - name + 1; /* scratch bytes */
	unsigned line = 0;
	if (i < len) {
		if (s[i] != ' ' || ++i >= len)
			return -1;
		if (s[i] == '[') {
			/* " [module]" ends the line ("[inline]" is no module) */
			mod = ++i;
			i += span(s + i, len - i, B_SYM, B_SYM);
			mod_end = i;
			if (i + 1 != len || s[i] != ']' || mod_end == mod ||
			    (mod_end - mod == 6 && !memcmp(s + mod, "inline", 6)))
				return -1;
			need += mod_end - mod + 1;
		} else {
			/* " path/file.c:123", then nothing or " [inline]" (a
			 * name starting with a blank: the general parser skips
			 * it, tabs too) */
			file = i;
			i += file_name_len(s + i, len - i);
			file_end = i;
			if (i == file || (cls(s[file]) & B_SPACE))
				return -1;
			need += file_end - file + 1;
			size_t d = ++i;
			/* (8 digits at most: the general parser's line stops
			 * growing at 100000000) */
			while (i < len && cs_isdigit((unsigned char)s[i]) && i - d < 8)
				line = line * 10 + (unsigned)(s[i++] - '0');
			if (i == d)
				return -1;
			if (i < len) {
				if (len - i != 9 || memcmp(s + i, " [inline]", 9))
					return -1;
				flags |= CRASHSIG_FRAME_INLINE;
			}
		}
	}
	/* the strings as the general parser stashes them: module, file,
	 * function (when one does not fit, that parser decides) */
	if (need > buflen)
		return -1;
	if (mod_end)
		f->module = put(&buf, s + mod, mod_end - mod);
	if (file_end) {
		f->file = put(&buf, s + file, file_end - file);
		f->line = line;
	}
	f->func = put(&buf, s + name, name_end - name);
	f->offset = off;
	f->size = size;
	f->addr = addr;
	f->flags = flags;
	return 1;
}

/* Every shape; *f and *callee are zero. (Out of line: the common shapes
 * are parsed with fewer registers to save.) */
static __attribute__((noinline)) int parse_general(const char *line, size_t len,
						   crashsig_frame *f,
						   crashsig_frame *callee,
						   char *buf, size_t buflen)
{
	cur c = {line, len, 0};
	scratch sb = {buf, buflen};
	skip_spaces(&c);
	if (c.i >= c.len)
		return 0;
	unsigned char ch = (unsigned char)c.s[c.i];
	if (ch == '-') {
		/* powerpc: "--- interrupt: 700 at assert_slb_presence+0x2c/0x70"
		 * (no name starts with '-') */
		if (!AT(&c, "--- interrupt: "))
			return 0;
		size_t k = c.i + 15;
		while (k < c.len && (cls(c.s[k]) & B_XDIGIT))
			k++;
		if (k + 4 <= c.len && !memcmp(c.s + k, " at ", 4)) {
			c.i = k + 4;
			f->flags |= CRASHSIG_FRAME_IP;
			return parse_symbol(&c, f, &sb, 1);
		}
		return 0;
	}
	/* instruction pointer / link register lines */
	const struct ip_prefix *ipp = ip_prefix_at(&c);
	if (ipp)
		return parse_ip_line(&c, ipp, f, &sb);
	/* a frame starts with "([" (s390), "? ", an address or a name */
	if (ch != '(' && ch != '?' && ch != '[' && !(cls((char)ch) & B_START))
		return 0;
	if (AT(&c, "(["))
		c.i++; /* s390 "([<addr>] func+...)" */
	if (AT(&c, "? ")) {
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
	if (AT(&c, "? ")) {
		f->flags |= CRASHSIG_FRAME_UNRELIABLE;
		c.i += 2;
	}
	int arm = 0;
	if (have_addr && c.i < c.len && c.s[c.i] == '(') {
		arm = 1; /* arm: [<pc>] (func+off/size) from [<lr>] (...) */
		c.i++;
	}
	if (!parse_symbol(&c, f, &sb, !have_addr))
		return 0;
	if (arm) {
		if (c.i >= c.len || c.s[c.i] != ')')
			return 0;
		if (!strcmp(f->func, "null"))
			return 0; /* powerpc "[sp] [0000000000000000] (null)" */
		if (parse_arm_caller(c, f, callee, &sb))
			return 1;
	}
	/* Anything after the frame must look like trailing frame noise, not
	 * prose: "(unreliable)", ") from [<...>] (...)", ")" (s390). */
	size_t j = c.i;
	while (j < c.len && c.s[j] == ' ')
		j++;
	if (j == c.len)
		return 1;
	/* powerpc marks stale stack words with "(unreliable)", as x86 does
	 * with "? " (syzkaller pkg/report/linux.go: stripLinePrefix treats
	 * both as questionable frames) */
	const char *rest = c.s + j;
	size_t rl = c.len - j;
	int unreliable = rl >= 12 && memcmp(rest, "(unreliable)", 12) == 0;
	if (unreliable)
		f->flags |= CRASHSIG_FRAME_UNRELIABLE;
	if (!arm && !have_addr && !unreliable && rest[0] != ')' &&
	    !(rl >= 7 && memcmp(rest, "[inline]", 7) == 0))
		return 0;
	return 1;
}

int cs_frame_parse_ex(const char *line, size_t len, crashsig_frame *f,
		      crashsig_frame *callee, char *buf, size_t buflen)
{
	if (callee)
		*callee = (crashsig_frame){0};
	*f = (crashsig_frame){0};
	size_t i = 0;
	while (i < len && (cls(line[i]) & B_SPACE))
		i++;
	if (i == len)
		return 0;
	int r = parse_common(line, len, i, f, buf, buflen);
	if (r >= 0)
		return r;
	return parse_general(line, len, f, callee, buf, buflen);
}

int cs_frame_parse_general(const char *line, size_t len, crashsig_frame *f,
			   crashsig_frame *callee, char *buf, size_t buflen)
{
	if (callee)
		*callee = (crashsig_frame){0};
	*f = (crashsig_frame){0};
	return parse_general(line, len, f, callee, buf, buflen);
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
	const char *dot = len > 1 ? memchr(func + 1, '.', len - 1) : NULL;
	return dot ? (size_t)(dot - func) : len;
}
