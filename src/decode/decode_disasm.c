/* Disassembly with capstone and normalisation to objdump's spelling and
 * layout (what scripts/decodecode and syzbot print). */
#include "decode/decode_disasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode_norm.h"
#include "decode/decode_text.h"

/* ------------------------------------------------------------------ */
/* Building the listing                                                */
/* ------------------------------------------------------------------ */

static int add_insn(dec_code *c, uint64_t addr, size_t off, size_t size,
		    const char *mn, const char *ops, int invalid)
{
	if (c->pub.ninsns == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		crashsig_insn *nv = realloc(c->insns, cap * sizeof(*nv));
		if (!nv)
			return CRASHSIG_ENOMEM;
		c->insns = nv;
		c->pub.insns = nv;
		c->cap = cap;
	}
	crashsig_insn *in = &c->insns[c->pub.ninsns];
	memset(in, 0, sizeof(*in));
	in->addr = addr;
	in->offset = off;
	in->size = size;
	in->invalid = invalid;
	in->trapping = c->pub.trap_offset != CRASHSIG_NO_TRAP &&
		       off == c->pub.trap_offset;
	/* one block: "mnemonic\0operands\0", owned through mnemonic */
	size_t ml = strlen(mn), ol = strlen(ops);
	char *blk = malloc(ml + ol + 2);
	if (!blk)
		return CRASHSIG_ENOMEM;
	memcpy(blk, mn, ml + 1);
	memcpy(blk + ml + 1, ops, ol + 1);
	in->mnemonic = blk;
	in->operands = blk + ml + 1;
	c->pub.ninsns++;
	return 0;
}

/* Append "%4llx:\t" without printf. */
static char *put_addr(char *o, uint64_t v)
{
	char tmp[16];
	int n = hex_digits(v, tmp);
	for (int k = n; k < 4; k++)
		*o++ = ' ';
	while (n)
		*o++ = tmp[--n];
	*o++ = ':';
	*o++ = '\t';
	return o;
}

static char *put_byte(char *o, uint8_t v)
{
	*o++ = hexd[v >> 4];
	*o++ = hexd[v & 15];
	return o;
}

static char *put_str(char *o, const char *s)
{
	size_t l = strlen(s);
	memcpy(o, s, l);
	return o + l;
}

/* Render the objdump line of insn i. */
static int format_line(dec_code *c, crashsig_insn *in)
{
	const uint8_t *p = c->bytes + in->offset;
	crashsig_arch a = c->pub.arch;
	if (!strcmp(in->mnemonic, "...")) {
		in->line = strdup("\t...");
		return in->line ? 0 : CRASHSIG_ENOMEM;
	}
	size_t need = 64 + in->size * 8 + strlen(in->mnemonic) +
		      strlen(in->operands) + 40;
	char *buf = malloc(need), *o = buf;
	if (!buf)
		return CRASHSIG_ENOMEM;
	o = put_addr(o, in->addr);
	int x86 = a == CRASHSIG_ARCH_X86_64 || a == CRASHSIG_ARCH_I386;
	if (x86 || a == CRASHSIG_ARCH_POWERPC || a == CRASHSIG_ARCH_S390) {
		size_t per = x86 ? 7 : (a == CRASHSIG_ARCH_S390 ? 6 : 4);
		size_t first = in->size < per ? in->size : per;
		for (size_t k = 0; k < first; k++) {
			o = put_byte(o, p[k]);
			*o++ = ' ';
		}
		for (size_t k = first; k < per; k++)
			o = put_str(o, "   ");
		*o++ = '\t';
		o = put_str(o, in->mnemonic);
		if (in->operands[0]) {
			size_t ml = strlen(in->mnemonic);
			if (in->mnemonic[0] != '.')
				for (; ml < 6; ml++)
					*o++ = ' ';
			*o++ = ' ';
			o = put_str(o, in->operands);
		}
	} else {
		if (c->pub.thumb) {
			if (in->size == 4) {
				o = put_byte(put_byte(o, p[1]), p[0]);
				*o++ = ' ';
				o = put_byte(put_byte(o, p[3]), p[2]);
				o = put_str(o, " \t");
			} else if (in->size == 2) {
				o = put_byte(put_byte(o, p[1]), p[0]);
				o = put_str(o, "      \t");
			} else {
				o = put_byte(o, p[0]);
				o = put_str(o, "        \t");
			}
		} else if (in->size == 4) {
			o = put_byte(put_byte(put_byte(put_byte(o, p[3]), p[2]), p[1]), p[0]);
			o = put_str(o, " \t");
		} else {
			for (size_t k = 0; k < in->size; k++)
				o = put_byte(o, p[k]);
			o = put_str(o, " \t");
		}
		o = put_str(o, in->mnemonic);
		if (in->operands[0]) {
			*o++ = '\t';
			o = put_str(o, in->operands);
		}
	}
	if (in->trapping) {
		buf[0] = '*';
		o = put_str(o, " <-- trapping instruction");
	}
	/* x86: objdump continues long instructions on extra lines */
	if (x86) {
		for (size_t k = 7; k < in->size; k += 7) {
			*o++ = '\n';
			o = put_addr(o, in->addr + k);
			for (size_t q = k; q < in->size && q < k + 7; q++) {
				if (q > k)
					*o++ = ' ';
				o = put_byte(o, p[q]);
			}
		}
	}
	*o = 0;
	in->line = buf;
	return 0;
}

/* Decode one instruction at off. Capstone 4 decodes 0f b9 (ud1) without
 * its ModRM operand ("ud2b"); decode it as imul (0f af, same operand form)
 * and rename it. *ud1 is set when that happened. */
static int x86_iter(const dec_capstone *cs, csh h, const uint8_t *b, size_t n, size_t off,
		    uint64_t addr, cs_insn *ins, int *ud1)
{
	const uint8_t *code = b + off;
	size_t left = n - off;
	*ud1 = 0;
	if (!cs->disasm_iter(h, &code, &left, &addr, ins))
		return 0;
	if (ins->id != X86_INS_UD2B)
		return 1;
	uint8_t tmp[16];
	size_t l = n - off < sizeof(tmp) ? n - off : sizeof(tmp);
	memcpy(tmp, b + off, l);
	size_t k = 0;
	while (k + 1 < l && !(tmp[k] == 0x0f && tmp[k + 1] == 0xb9))
		k++;
	if (k + 1 >= l)
		return 1;
	tmp[k + 1] = 0xaf;
	const uint8_t *c2 = tmp;
	size_t l2 = l;
	addr -= ins->size;
	if (!cs->disasm_iter(h, &c2, &l2, &addr, ins))
		return 0; /* cut short: the caller prints it as .byte */
	snprintf(ins->mnemonic, sizeof(ins->mnemonic), "ud1");
	memcpy(ins->bytes, b + off, ins->size);
	*ud1 = 1;
	return 1;
}

/* A REX byte followed by another prefix has no effect: objdump prints it
 * as an instruction of its own ("rex.B"). */
static int x86_lone_rex(const uint8_t *b, size_t n, size_t off)
{
	if ((b[off] & 0xf0) != 0x40 || off + 1 >= n)
		return 0;
	uint8_t p = b[off + 1];
	return (p & 0xf0) == 0x40 || p == 0x66 || p == 0x67 || p == 0xf0 ||
	       p == 0xf2 || p == 0xf3 || p == 0x2e || p == 0x3e || p == 0x26 ||
	       p == 0x36 || p == 0x64 || p == 0x65;
}

/* Walk instructions from skip; returns 1 when an instruction starts exactly
 * at trap, and counts undecodable bytes before trap. memo[off] caches the
 * length found at off (0 unknown, -1 undecodable) so that walks from
 * different starts, which quickly converge, decode each offset once. */
static int x86_aligned(const dec_capstone *cs, csh h, cs_insn *ins, const uint8_t *b, size_t n,
		       size_t skip, size_t trap, size_t *bad, int mode64,
		       signed char *memo, size_t base)
{
	size_t off = skip;
	*bad = 0;
	while (off < trap) {
		signed char *m = &memo[off - base];
		if (!*m) {
			int ud1;
			if (mode64 && x86_lone_rex(b, n, off))
				*m = 1;
			else if (x86_iter(cs, h, b, n, off, off, ins, &ud1))
				*m = (signed char)ins->size;
			else
				*m = -1;
		}
		if (*m < 0) {
			(*bad)++;
			off++;
		} else {
			off += (size_t)*m;
		}
	}
	return off == trap;
}

static int mode_of(const dec_code *c)
{
	switch (c->pub.arch) {
	case CRASHSIG_ARCH_X86_64: return DEC_X86_64;
	case CRASHSIG_ARCH_I386: return DEC_X86_32;
	case CRASHSIG_ARCH_ARM64: return DEC_ARM64;
	case CRASHSIG_ARCH_ARM: return c->pub.thumb ? DEC_THUMB : DEC_ARM;
	case CRASHSIG_ARCH_POWERPC: return DEC_PPC;
	case CRASHSIG_ARCH_S390: return DEC_S390;
	default: return -1;
	}
}

/* Decode c->bytes from skip into c->insns (listing addresses start at 0). */
static int full_decode(dec_code *c, csh h, cs_insn *ins, int mode, size_t skip)
{
	int rc;
	int x86 = mode == DEC_X86_64 || mode == DEC_X86_32;
	const uint8_t *b = c->bytes;
	size_t n = c->pub.nbytes, trap = c->pub.trap_offset;
	c->pub.skipped = skip;
	/* full decode from skip; listing addresses start at 0 */
	size_t off = skip;
	while (off < n) {
		const uint8_t *code = b + off;
		size_t left = n - off;
		uint64_t addr = off - skip;
		char mn[160], ops[320];
		/* objdump prints "..." for runs of zero bytes (8 or more, in
		 * multiples of 4, or 3 or more up to the end) */
		size_t z = 0;
		while (off + z < n && b[off + z] == 0)
			z++;
		if (z && (z >= 8 || (off + z == n && z < 3))) {
			size_t run = off + z == n ? z : (z & ~(size_t)3);
			/* never swallow the trapping byte */
			if (trap != CRASHSIG_NO_TRAP && trap >= off && trap < off + run)
				run = trap - off >= 8 ? trap - off : 0;
			if (run) {
				if ((rc = add_insn(c, off - skip, off, run, "...", "", 0)))
					return rc;
				off += run;
				continue;
			}
		}
		if (mode == DEC_X86_64 && x86_lone_rex(b, n, off)) {
			char pb[16];
			if ((rc = add_insn(c, off - skip, off, 1,
					   x86_prefix_name(b[off], 1, pb, sizeof(pb)), "", 0)))
				return rc;
			off++;
			continue;
		}
		int ud1 = 0, okd;
		if (x86)
			okd = x86_iter(c->cs, h, b, n, off, addr, ins, &ud1);
		else
			okd = c->cs->disasm_iter(h, &code, &left, &addr, ins) ? 1 : 0;
		if (okd) {
			snprintf(mn, sizeof(mn), "%s", ins->mnemonic);
			snprintf(ops, sizeof(ops), "%s", ins->op_str);
			if (x86)
				x86_normalize(ins, mode == DEC_X86_64, mn, ops, sizeof(ops));
			else if (mode == DEC_ARM64)
				arm64_normalize(ins, mn, ops, sizeof(ops));
			else if (mode == DEC_ARM || mode == DEC_THUMB) {
				arm_imm_decimal(ops, sizeof(ops));
				arm_normalize(ins, mode == DEC_THUMB, mn, ops, sizeof(ops));
			}
			if ((rc = add_insn(c, off - skip, off, ins->size, mn, ops, 0)))
				return rc;
			if (off == trap && ins->detail) {
				c->have_trap_detail = 1;
				c->trap_id = ud1 ? X86_INS_UD2B : ins->id;
				c->trap_detail = *ins->detail;
				c->trap_insn_end = off - skip + ins->size;
			}
			off += ins->size;
			continue;
		}
		/* undecodable: objdump prints a lone prefix by name, the first
		 * byte of an instruction cut by the end of the dump as .byte,
		 * anything else as (bad) (x86) or .word/.short */
		size_t unit = x86 ? 1 : (c->pub.thumb ? 2 : (mode == DEC_S390 ? 2 : 4));
		if (unit > n - off)
			unit = n - off;
		char w[32] = "";
		const char *name = x86 ? "(bad)" : (unit == 2 ? ".short" : ".word");
		if (x86) {
			char pb[16];
			const char *pn = x86_prefix_name(b[off], mode == DEC_X86_64, pb,
							 sizeof(pb));
			uint8_t pad[32];
			memset(pad, 0, sizeof(pad));
			memcpy(pad, b + off, n - off < 16 ? n - off : 16);
			const uint8_t *pc = pad;
			size_t pl = sizeof(pad);
			uint64_t pa = off - skip;
			int cut = n - off < 16 && c->cs->disasm_iter(h, &pc, &pl, &pa, ins) &&
				  ins->size > n - off;
			/* VEX/EVEX/XOP escapes cut by the end of the dump */
			if (!cut && n - off < 5 &&
			    (b[off] == 0xc4 || b[off] == 0xc5 || b[off] == 0x8f ||
			     (mode == DEC_X86_64 && b[off] == 0x62)))
				cut = 1;
			if (pn && cut) {
				snprintf(mn, sizeof(mn), "%s", pn);
				name = mn;
			} else if (cut) {
				name = ".byte";
				snprintf(w, sizeof(w), "0x%x", b[off]);
			}
		} else if (unit == 4) {
			uint32_t v = (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
				     (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
			if (mode == DEC_PPC)
				v = (uint32_t)b[off] << 24 | (uint32_t)b[off + 1] << 16 |
				    (uint32_t)b[off + 2] << 8 | b[off + 3];
			snprintf(w, sizeof(w), "0x%08x", v);
		} else if (unit == 2) {
			uint32_t v = mode == DEC_S390
					     ? ((uint32_t)b[off] << 8 | b[off + 1])
					     : ((uint32_t)b[off] | (uint32_t)b[off + 1] << 8);
			snprintf(w, sizeof(w), "0x%04x", v);
		}
		if ((rc = add_insn(c, off - skip, off, unit, name, w,
				   !strcmp(name, "(bad)") || name[0] == '.')))
			return rc;
		off += unit;
	}
	return 0;
}

static void reset_insns(dec_code *c)
{
	for (size_t i = 0; i < c->pub.ninsns; i++) {
		free((char *)c->insns[i].mnemonic); /* also holds operands */
		free((char *)c->insns[i].line);
	}
	c->pub.ninsns = 0;
	c->have_trap_detail = 0;
}

int dec_disassemble(crashsig_decoder *d, dec_code *c)
{
	int mode = mode_of(c);
	if (mode < 0)
		return dec_message(c, CRASHSIG_EUNSUPPORTED,
				   "%s code cannot be disassembled: capstone %d.%d "
				   "has no %s support",
				   crashsig_arch_name(c->pub.arch), CS_API_MAJOR,
				   CS_API_MINOR, crashsig_arch_name(c->pub.arch));
	csh h;
	cs_insn *ins;
	int rc = dec_handle(d, mode, &h, &ins);
	if (rc == CRASHSIG_ENOMEM)
		return rc;
	if (rc)
		return d->cs_failed
			       ? dec_message(c, CRASHSIG_EUNSUPPORTED,
					     "capstone cannot be loaded: %s", d->cs_error)
			       : dec_message(c, CRASHSIG_EUNSUPPORTED,
					     "capstone cannot open a %s disassembler",
					     crashsig_arch_name(c->pub.arch));
	c->h = h;
	c->cs = &d->cs;
	c->trap_mode = mode;
	int x86 = mode == DEC_X86_64 || mode == DEC_X86_32;
	const uint8_t *b = c->bytes;
	size_t n = c->pub.nbytes, trap = c->pub.trap_offset;
	size_t skip = 0;
	int need_search = 0;
	/* common case: decoding from the first byte puts an instruction at
	 * the trap byte without invalid bytes before it */
	rc = full_decode(c, h, ins, mode, 0);
	if (rc)
		return rc;
	if (x86 && trap != CRASHSIG_NO_TRAP && trap < n) {
		int at = 0, bad = 0;
		for (size_t i = 0; i < c->pub.ninsns; i++) {
			if (c->insns[i].offset == trap)
				at = 1;
			if (c->insns[i].offset < trap && c->insns[i].invalid)
				bad = 1;
		}
		need_search = !at || bad || trap > 128;
	}
	if (need_search) {
		/* choose the start so that an instruction begins at the trap
		 * byte, preferring decodings without invalid bytes */
		d->cs.option(h, CS_OPT_DETAIL, CS_OPT_OFF);
		size_t best = (size_t)-1, best_bad = (size_t)-1;
		/* bounded work on huge inputs: start at most 128 bytes before
		 * the trap and try 64 start offsets */
		size_t base = trap > 128 ? trap - 128 : 0;
		signed char memo[160];
		memset(memo, 0, sizeof(memo));
		for (size_t s = base; s <= trap && s < base + 64; s++) {
			size_t bad;
			if (!x86_aligned(&d->cs, h, ins, b, n, s, trap, &bad, mode == DEC_X86_64,
					 memo, base))
				continue;
			if (bad == 0) {
				best = s;
				break;
			}
			if (bad < best_bad) {
				best_bad = bad;
				best = s;
			}
		}
		d->cs.option(h, CS_OPT_DETAIL, CS_OPT_ON);
		if (best != (size_t)-1)
			skip = best;
		else
			dec_message(c, 0, "no decoding puts an instruction "
					  "boundary at the trap byte");
	}
	if (need_search) {
		reset_insns(c);
		rc = full_decode(c, h, ins, mode, skip);
	}
	if (rc)
		return rc;
	cs_buf list = {0};
	for (size_t i = 0; i < c->pub.ninsns; i++) {
		if ((rc = format_line(c, &c->insns[i])))
			break;
		if (cs_buf_adds(&list, c->insns[i].line) || cs_buf_addc(&list, '\n')) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
	}
	if (rc) {
		cs_buf_free(&list);
		return rc;
	}
	c->pub.listing = cs_buf_detach(&list);
	return c->pub.listing ? 0 : CRASHSIG_ENOMEM;
}
