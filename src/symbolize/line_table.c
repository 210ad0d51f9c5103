/* The fast line-table reader (why: README, "Why crashsig has its own DWARF reader").
 * Its byte cursor is the shared one of src/dwarf/cursor.h. */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/cursor.h"
#include "symbolize/symbolize_int.h"

/* ------------------------------------------------------------------ */
/* Line tables                                                         */
/* ------------------------------------------------------------------ */

/* libdw's dwarf_getsrclines keeps ~40 bytes per row and qsorts every
 * table, and dwarf_getsrcfiles parses the whole program too: on a vmlinux
 * that is half of the time and ~200 MB for 10,000 addresses. This decoder
 * keeps 16 bytes per row, sorts sequences instead of rows, and gives the
 * same answers: rows ordered by address with an end_sequence row before a
 * normal row at the same address, otherwise in program order; the row for
 * an address is the last one at or below it unless that ends a sequence;
 * file names joined with their directory like libdw does. On anything
 * unexpected it returns -1 and the caller falls back to libdw. */

/* Read one attribute value of a v5 entry format. */
static int rd_form(dwr_cur *c, const struct mod *m, uint64_t form, int off64,
		   const char **str, uint64_t *num)
{
	*str = NULL;
	*num = 0;
	switch (form) {
	case DW_FORM_string: *str = dwr_cstr(c); break;
	case DW_FORM_line_strp:
		*str = dwr_sec_str(&m->sec.line_str, dwr_fixed(c, off64 ? 8 : 4));
		break;
	case DW_FORM_strp: *str = dwr_sec_str(&m->sec.str, dwr_fixed(c, off64 ? 8 : 4)); break;
	case DW_FORM_udata: *num = dwr_uleb(c); break;
	case DW_FORM_sdata: *num = (uint64_t)dwr_sleb(c); break;
	case DW_FORM_data1: *num = dwr_fixed(c, 1); break;
	case DW_FORM_data2: *num = dwr_fixed(c, 2); break;
	case DW_FORM_data4: *num = dwr_fixed(c, 4); break;
	case DW_FORM_data8: *num = dwr_fixed(c, 8); break;
	case DW_FORM_data16: dwr_fixed(c, 8); dwr_fixed(c, 8); break;
	case DW_FORM_block: {
		uint64_t l = dwr_uleb(c);
		if (l > (uint64_t)(c->end - c->p))
			return -1;
		c->p += l;
		break;
	}
	default: return -1;
	}
	return c->bad ? -1 : 0;
}

static char *join_path(const char *dir, const char *name)
{
	if (!name)
		return NULL;
	if (name[0] == '/' || !dir || !*dir)
		return strdup(name);
	size_t dl = strlen(dir), nl = strlen(name);
	char *r = malloc(dl + nl + 2);
	if (!r)
		return NULL;
	memcpy(r, dir, dl);
	r[dl] = '/';
	memcpy(r + dl + 1, name, nl + 1);
	return r;
}

void lines_free(struct cu_lines *l)
{
	for (size_t i = 0; i < l->nfiles; i++)
		free(l->files[i].path);
	free(l->files);
	free(l->rows);
	memset(l, 0, sizeof(*l));
}

struct lseq {
	size_t start, end; /* rows [start, end) in program order */
	uint64_t addr;
};

static int lseq_cmp(const void *a, const void *b)
{
	const struct lseq *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->start < y->start ? -1 : 1;
}

static int lrow_before(const struct lrow *a, const struct lrow *b)
{
	/* a strictly before b in libdw's order (ties: program order) */
	if (a->addr != b->addr)
		return a->addr < b->addr;
	return (a->col_end & 1) > (b->col_end & 1);
}

/* Full stable sort (overlapping sequences) into libdw's order: by address,
 * an end_sequence row before a normal one, then program order. LSD radix
 * sort on (addr - lowest) << 1 | !end, 8-bit digits. */
static int lines_sort_rows(struct lrow *rows, size_t n)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < n; i++) {
		lo = rows[i].addr < lo ? rows[i].addr : lo;
		hi = rows[i].addr > hi ? rows[i].addr : hi;
	}
	if (hi - lo >= (UINT64_C(1) << 62))
		return -1;
	uint64_t range = ((hi - lo) << 1) | 1;
	struct lrow *tmp = malloc(n * sizeof(*tmp));
	size_t *cnt = malloc(256 * sizeof(*cnt));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -1;
	}
	struct lrow *src = rows, *dst = tmp;
	for (unsigned sh = 0; sh < 64 && (sh == 0 || (range >> sh)); sh += 8) {
		memset(cnt, 0, 256 * sizeof(*cnt));
#define LKEY(r) (((((r).addr - lo) << 1) | (~(r).col_end & 1)) >> sh & 0xff)
		for (size_t i = 0; i < n; i++)
			cnt[LKEY(src[i])]++;
		size_t sum = 0;
		for (size_t d = 0; d < 256; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[LKEY(src[i])]++] = src[i];
#undef LKEY
		struct lrow *t = src;
		src = dst;
		dst = t;
	}
	if (src != rows)
		memcpy(rows, src, n * sizeof(*rows));
	free(tmp);
	free(cnt);
	return 0;
}

/* The same stable sort by insertion when the rows are nearly in order (an
 * end_sequence row after a normal row at its address: once or twice in a
 * kernel unit): 0, or -1 when that would move more than budget rows (the
 * rows are then partly sorted, with rows of equal keys still in their
 * first order, so a stable sort of them is the stable sort of the input). */
static int lines_insertion_sort(struct lrow *rows, size_t n, size_t budget)
{
	for (size_t i = 1; i < n; i++) {
		if (!lrow_before(&rows[i], &rows[i - 1]))
			continue;
		struct lrow x = rows[i];
		size_t j = i;
		while (j > 0 && lrow_before(&x, &rows[j - 1])) {
			if (!budget--) {
				rows[j] = x; /* only past rows after it: still stable */
				return -1;
			}
			rows[j] = rows[j - 1];
			j--;
		}
		rows[j] = x;
	}
	return 0;
}

static void reverse_rows(struct lrow *a, size_t n)
{
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		struct lrow t = a[i];
		a[i] = a[j - 1];
		a[j - 1] = t;
	}
}

/* Put the blocks of rows of the sequences (seqs: in address order, their
 * start/end in rows as decoded) one after the other in that order, in
 * place, by rotations: 0, or -1 (too many sequences: rows untouched). */
static int seqs_in_order(struct lrow *rows, const struct lseq *seqs, size_t nseq)
{
	enum { MAX_ROTATED = 16 };
	size_t at[MAX_ROTATED];
	if (nseq > MAX_ROTATED)
		return -1;
	for (size_t j = 0; j < nseq; j++)
		at[j] = seqs[j].start;
	size_t pos = 0;
	for (size_t j = 0; j < nseq; j++) {
		size_t len = seqs[j].end - seqs[j].start, st = at[j];
		if (st != pos) {
			/* [pos, st) holds blocks still to place: rotate block j
			 * in front of them; they move right by len */
			reverse_rows(rows + pos, st - pos);
			reverse_rows(rows + st, len);
			reverse_rows(rows + pos, st + len - pos);
			for (size_t i = j + 1; i < nseq; i++)
				if (at[i] >= pos && at[i] < st)
					at[i] += len;
		}
		pos += len;
	}
	return 0;
}

int lines_parse(const struct mod *m, Dwarf_Die *cudie, struct cu_lines *out)
{
	Dwarf_Attribute at;
	Dwarf_Word stmt;
	memset(out, 0, sizeof(*out));
	if (!m->own_lines ||
	    dwarf_formudata(dwarf_attr(cudie, DW_AT_stmt_list, &at), &stmt) != 0 ||
	    stmt >= m->sec.line.n)
		return -1;
	const char *comp_dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &at));
	uint8_t cu_asize = 8, osz = 4;
	Dwarf_Die tmp;
	if (!dwarf_diecu(cudie, &tmp, &cu_asize, &osz))
		return -1;
	return lines_parse_at(m, stmt, comp_dir, cu_asize, out);
}

int lines_parse_at(const struct mod *m, uint64_t stmt, const char *comp_dir, unsigned cu_asize,
		   struct cu_lines *out)
{
	memset(out, 0, sizeof(*out));
	if (!m->own_lines || stmt >= m->sec.line.n)
		return -1;
	dwr_cur c = {m->sec.line.d + stmt, m->sec.line.d + m->sec.line.n, 0};
	uint64_t unit_len = dwr_fixed(&c, 4);
	int off64 = 0;
	if (unit_len == 0xffffffffu) {
		unit_len = dwr_fixed(&c, 8);
		off64 = 1;
	} else if (unit_len >= 0xfffffff0u) {
		return -1;
	}
	if (c.bad || unit_len > (uint64_t)(c.end - c.p))
		return -1;
	c.end = c.p + unit_len;
	unsigned version = (unsigned)dwr_fixed(&c, 2);
	if (version < 2 || version > 5)
		return -1;
	unsigned asize = cu_asize;
	if (version >= 5) {
		asize = (unsigned)dwr_fixed(&c, 1);
		if (dwr_fixed(&c, 1) != 0) /* segment selector size */
			return -1;
	}
	uint64_t hlen = dwr_fixed(&c, off64 ? 8 : 4);
	if (c.bad || hlen > (uint64_t)(c.end - c.p))
		return -1;
	const unsigned char *prog = c.p + hlen;
	unsigned min_inst = (unsigned)dwr_fixed(&c, 1);
	unsigned max_ops = version >= 4 ? (unsigned)dwr_fixed(&c, 1) : 1;
	int default_stmt = (int)dwr_fixed(&c, 1);
	(void)default_stmt;
	int line_base = (int8_t)dwr_fixed(&c, 1);
	unsigned line_range = (unsigned)dwr_fixed(&c, 1);
	unsigned opcode_base = (unsigned)dwr_fixed(&c, 1);
	if (c.bad || !line_range || !opcode_base || max_ops != 1 || (asize != 4 && asize != 8))
		return -1;
	const unsigned char *std_len = c.p;
	if ((size_t)(c.end - c.p) < opcode_base - 1)
		return -1;
	c.p += opcode_base - 1;

	/* directories and files */
	const char **dirs = NULL;
	size_t ndirs = 0, capd = 0, capf = 0;
	int rc = -1;
#define PUSH_DIR(x)                                                              \
	do {                                                                     \
		if (ndirs == capd) {                                             \
			capd = capd ? capd * 2 : 32;                             \
			const char **nd = realloc(dirs, capd * sizeof(*nd));     \
			if (!nd)                                                 \
				goto out;                                        \
			dirs = nd;                                               \
		}                                                                \
		dirs[ndirs++] = (x);                                             \
	} while (0)
#define PUSH_FILE(d, x)                                                          \
	do {                                                                     \
		if (out->nfiles == capf) {                                       \
			capf = capf ? capf * 2 : 64;                             \
			struct lfile *nf = realloc(out->files, capf * sizeof(*nf)); \
			if (!nf)                                                 \
				goto out;                                        \
			out->files = nf;                                         \
		}                                                                \
		out->files[out->nfiles].dir = (d);                               \
		out->files[out->nfiles].name = (x);                              \
		out->files[out->nfiles++].path = NULL;                           \
	} while (0)
	if (version < 5) {
		PUSH_DIR(comp_dir); /* index 0: the compilation directory */
		for (;;) {
			const char *d = dwr_cstr(&c);
			if (c.bad)
				goto out;
			if (!*d)
				break;
			PUSH_DIR(d);
		}
		PUSH_FILE(NULL, NULL); /* file numbers start at 1 */
		for (;;) {
			const char *f = dwr_cstr(&c);
			if (c.bad)
				goto out;
			if (!*f)
				break;
			uint64_t di = dwr_uleb(&c);
			dwr_uleb(&c);
			dwr_uleb(&c);
			if (c.bad)
				goto out;
			PUSH_FILE(di < ndirs ? dirs[di] : NULL, f);
		}
	} else {
		uint64_t fmt[2][16][2];
		unsigned nfmt[2];
		for (int pass = 0; pass < 2; pass++) {
			nfmt[pass] = (unsigned)dwr_fixed(&c, 1);
			if (nfmt[pass] > 16)
				goto out;
			for (unsigned i = 0; i < nfmt[pass]; i++) {
				fmt[pass][i][0] = dwr_uleb(&c);
				fmt[pass][i][1] = dwr_uleb(&c);
			}
			uint64_t cnt = dwr_uleb(&c);
			if (c.bad || cnt > (uint64_t)(c.end - c.p))
				goto out;
			for (uint64_t k = 0; k < cnt; k++) {
				const char *path = NULL;
				uint64_t di = 0;
				for (unsigned i = 0; i < nfmt[pass]; i++) {
					const char *sv;
					uint64_t nv;
					if (rd_form(&c, m, fmt[pass][i][1], off64, &sv, &nv) != 0)
						goto out;
					if (fmt[pass][i][0] == DW_LNCT_path)
						path = sv;
					else if (fmt[pass][i][0] == DW_LNCT_directory_index)
						di = nv;
				}
				if (pass == 0)
					PUSH_DIR(path);
				else
					PUSH_FILE(di < ndirs ? dirs[di] : NULL, path);
			}
		}
	}
	if (c.bad || prog > c.end)
		goto out;

	/* what each special opcode adds (no division per row) */
	uint64_t sp_addr[256];
	int sp_line[256];
	for (unsigned op = opcode_base; op < 256; op++) {
		unsigned adj = op - opcode_base;
		sp_addr[op] = (uint64_t)(adj / line_range) * min_inst;
		sp_line[op] = line_base + (int)(adj % line_range);
	}

	/* the program: every row takes at least one byte of it */
	c.p = prog;
	size_t cap = (size_t)(c.end - c.p) + 1;
	out->rows = malloc(cap * sizeof(*out->rows));
	if (!out->rows)
		goto out;
	/* rows out of order inside a sequence (program order) */
	int seq_ordered = 1;
	struct lseq *seqs = NULL;
	size_t nseq = 0, capseq = 0, seq_start = 0;
	uint64_t addr = 0;
	uint64_t file = 1, line = 1, col = 0;
	int seq_sorted = 1;
	while (c.p < c.end) {
		unsigned op = *c.p++;
		int emit = 0, endseq = 0;
		if (op >= opcode_base) {
			addr += sp_addr[op];
			line += (uint64_t)(int64_t)sp_line[op];
			emit = 1;
		} else if (op == 0) {
			uint64_t len = dwr_uleb(&c);
			if (c.bad || len == 0 || len > (uint64_t)(c.end - c.p))
				goto out_seq;
			const unsigned char *next = c.p + len;
			unsigned sub = *c.p++;
			switch (sub) {
			case DW_LNE_end_sequence: emit = 1; endseq = 1; break;
			case DW_LNE_set_address:
				if (len - 1 != asize)
					goto out_seq;
				addr = dwr_fixed(&c, asize);
				break;
			default: break; /* define_file, set_discriminator, ... */
			}
			c.p = next;
		} else {
			switch (op) {
			case DW_LNS_copy: emit = 1; break;
			case DW_LNS_advance_pc: addr += dwr_uleb(&c) * min_inst; break;
			case DW_LNS_advance_line: line += (uint64_t)dwr_sleb(&c); break;
			case DW_LNS_set_file: file = dwr_uleb(&c); break;
			case DW_LNS_set_column: col = dwr_uleb(&c); break;
			case DW_LNS_negate_stmt:
			case DW_LNS_set_basic_block:
			case DW_LNS_set_prologue_end:
			case DW_LNS_set_epilogue_begin: break;
			case DW_LNS_const_add_pc:
				addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst;
				break;
			case DW_LNS_fixed_advance_pc: addr += dwr_fixed(&c, 2); break;
			case DW_LNS_set_isa: dwr_uleb(&c); break;
			default:
				for (unsigned k = 0; k < std_len[op - 1]; k++)
					dwr_uleb(&c);
			}
		}
		if (c.bad)
			goto out_seq;
		if (!emit)
			continue;
		if (out->n == cap)
			goto out_seq; /* cannot happen: one byte per row at least */
		struct lrow *r = &out->rows[out->n++];
		r->addr = addr;
		r->line = (uint32_t)line;
		r->file = file < 0xffff ? (uint16_t)file : 0xffff;
		r->col_end = (uint16_t)(((col < 0x7fff ? col : 0x7fff) << 1) | (endseq ? 1 : 0));
		if (out->n - 1 > seq_start && seq_ordered && lrow_before(r, r - 1))
			seq_ordered = 0;
		if (endseq) {
			if (nseq == capseq) {
				capseq = capseq ? capseq * 2 : 16;
				struct lseq *ns = realloc(seqs, capseq * sizeof(*ns));
				if (!ns)
					goto out_seq;
				seqs = ns;
			}
			seqs[nseq].start = seq_start;
			seqs[nseq].end = out->n;
			seqs[nseq].addr = out->rows[seq_start].addr;
			if (nseq && seqs[nseq].addr < seqs[nseq - 1].addr)
				seq_sorted = 0;
			nseq++;
			seq_start = out->n;
			addr = 0;
			file = 1;
			line = 1;
			col = 0;
		}
	}
	if (!out->n) { /* no rows: every lookup misses, as with libdw */
		rc = 0;
		goto out_seq;
	}
	if (seq_start != out->n) { /* rows after the last end_sequence */
		if (nseq == capseq) {
			struct lseq *ns = realloc(seqs, (capseq + 1) * sizeof(*ns));
			if (!ns)
				goto out_seq;
			seqs = ns;
			capseq++;
		}
		seqs[nseq].start = seq_start;
		seqs[nseq].end = out->n;
		seqs[nseq].addr = out->rows[seq_start].addr;
		if (nseq && seqs[nseq].addr < seqs[nseq - 1].addr)
			seq_sorted = 0;
		nseq++;
	}
	/* order the sequences by address, then check the row order: in order
	 * inside each sequence (checked while decoding), then where one
	 * sequence meets the next */
	if (!seq_sorted)
		qsort(seqs, nseq, sizeof(*seqs), lseq_cmp);
	int ordered = seq_ordered;
	for (size_t i = 1; i < nseq && ordered; i++)
		if (seqs[i].end > seqs[i].start && seqs[i - 1].end > seqs[i - 1].start &&
		    lrow_before(&out->rows[seqs[i].start], &out->rows[seqs[i - 1].end - 1]))
			ordered = 0;
	if (ordered && !seq_sorted) {
		/* the sequences in address order, in place (no second buffer
		 * of every row) when there are few of them */
		if (seqs_in_order(out->rows, seqs, nseq) != 0) {
			struct lrow *sorted = malloc(out->n * sizeof(*sorted));
			if (!sorted)
				goto out_seq;
			size_t k = 0;
			for (size_t i = 0; i < nseq; i++) {
				memcpy(sorted + k, out->rows + seqs[i].start,
				       (seqs[i].end - seqs[i].start) * sizeof(*sorted));
				k += seqs[i].end - seqs[i].start;
			}
			free(out->rows);
			out->rows = sorted;
		}
	} else if (!ordered) {
		/* a stable sort from program order: by insertion when nearly
		 * in order, else (overlapping sequences) by radix */
		if (lines_insertion_sort(out->rows, out->n, 4 * out->n + 64) != 0 &&
		    lines_sort_rows(out->rows, out->n) != 0)
			goto out_seq;
	}
	/* give back what the program's size reserved */
	if (out->n < cap / 2) {
		struct lrow *nr = realloc(out->rows, out->n * sizeof(*nr));
		if (nr)
			out->rows = nr;
	}
	/* like libdw: the highest row always ends a sequence */
	out->rows[out->n - 1].col_end |= 1;
	rc = 0;
out_seq:
	free(seqs);
out:
	free(dirs);
#undef PUSH_DIR
#undef PUSH_FILE
	if (rc)
		lines_free(out);
	return rc;
}

/* The row for pc, like dwarf_getsrc_die; NULL when none. */
const struct lrow *lines_find(const struct cu_lines *l, uint64_t pc)
{
	if (!l->n)
		return NULL;
	size_t lo = 0, hi = l->n - 1;
	while (lo < hi) {
		size_t mid = hi - (hi - lo) / 2;
		if (pc < l->rows[mid].addr)
			hi = mid - 1;
		else
			lo = mid;
	}
	const struct lrow *r = &l->rows[lo];
	if (!(r->col_end & 1) && r->addr <= pc)
		return r;
	return NULL;
}

int lines_file_get(struct cu_lines *l, uint64_t idx, const char **out)
{
	*out = NULL;
	if (idx >= l->nfiles || !l->files[idx].name)
		return 0;
	struct lfile *f = &l->files[idx];
	if (!f->path && !(f->path = join_path(f->dir, f->name)))
		return CRASHSIG_ENOMEM;
	*out = f->path;
	return 0;
}

const char *lines_file(struct cu_lines *l, uint64_t idx)
{
	const char *p;
	return lines_file_get(l, idx, &p) == 0 ? p : NULL;
}
