/* arm64 / arm: capstone's text rewritten into objdump's spelling. */
#include "decode/decode_norm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode_text.h"

/* ------------------------------------------------------------------ */
/* arm64 / arm normalisation                                            */
/* ------------------------------------------------------------------ */


static void arm64_decimal(char *mn, char *ops, size_t cap)
{
	static const char *const bf[] = {"sbfx", "ubfx", "bfi", "bfxil", "sbfiz",
					 "ubfiz", "extr", "bfc", "lsl", "lsr", "asr",
					 "ror", "sbfm", "ubfm", "bfm", NULL};
	for (int i = 0; bf[i]; i++)
		if (!strcmp(mn, bf[i])) {
			arm_imm_decimal(ops, cap);
			return;
		}
	/* only inside [...] and a post-index "], #imm" */
	char *o = strchr(ops, '[');
	char *e = o ? strchr(o, ']') : NULL;
	if (!o || !e)
		return;
	char inner[160], rest[192];
	size_t il = (size_t)(e - o + 1);
	if (!strncmp(e + 1, ", #", 3))
		il += strcspn(e + 1, "\t");
	snprintf(inner, sizeof(inner), "%.*s", (int)il, o);
	snprintf(rest, sizeof(rest), "%s", o + il);
	arm_imm_decimal(inner, sizeof(inner));
	snprintf(o, cap - (size_t)(o - ops), "%s%s", inner, rest);
}

/* Hints capstone 4 does not name (PAC, BTI, ...): objdump's spelling. */
static void arm64_hint(char *mn, char *ops, size_t cap)
{
	static const struct {
		unsigned imm;
		const char *mn, *ops;
	} t[] = {
		{0x7, "xpaclri", ""},   {0x8, "pacia1716", ""}, {0xa, "pacib1716", ""},
		{0xc, "autia1716", ""}, {0xe, "autib1716", ""}, {0x10, "esb", ""},
		{0x11, "psb", "csync"}, {0x12, "tsb", "csync"}, {0x14, "csdb", ""},
		{0x18, "paciaz", ""},   {0x19, "paciasp", ""},  {0x1a, "pacibz", ""},
		{0x1b, "pacibsp", ""},  {0x1c, "autiaz", ""},   {0x1d, "autiasp", ""},
		{0x1e, "autibz", ""},   {0x1f, "autibsp", ""},  {0x20, "bti", ""},
		{0x22, "bti", "c"},     {0x24, "bti", "j"},     {0x26, "bti", "jc"},
	};
	if (strcmp(mn, "hint") || ops[0] != '#')
		return;
	uint64_t v = 0;
	const char *p = ops + 1;
	if (p[0] == '0' && p[1] == 'x')
		cs_parse_hex(p, strlen(p), &v);
	else
		v = strtoull(p, NULL, 10);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].imm == v) {
			snprintf(mn, 160, "%s", t[i].mn);
			snprintf(ops, cap, "%s", t[i].ops);
			return;
		}
	snprintf(ops, cap, "#0x%llx", (unsigned long long)v);
}

/* capstone prints small immediates in decimal ("#2"); objdump in hex
 * ("#0x2") except memory offsets, shift/extend amounts, bit numbers and
 * bitfield operands (handled by arm64_decimal). */
static void arm64_hexify(const char *mn, char *ops, size_t cap)
{
	static const char *const dec[] = {"tbz", "tbnz", "sbfx", "ubfx", "bfi",
					  "bfxil", "sbfiz", "ubfiz", "extr", "bfc",
					  "lsl", "lsr", "asr", "ror", "sbfm",
					  "ubfm", "bfm", NULL};
	for (int i = 0; dec[i]; i++)
		if (!strcmp(mn, dec[i]))
			return;
	char out[320];
	size_t o = 0;
	int depth = 0;
	for (size_t i = 0; ops[i] && o + 24 < sizeof(out);) {
		char ch = ops[i];
		if (ch == '[')
			depth++;
		else if (ch == ']')
			depth--;
		else if (ch == '\t')
			depth = 100; /* comment: leave alone */
		if (ch == '#' && depth == 0 && i >= 3 && ops[i - 2] == ',' &&
		    ops[i - 3] == ']') {
			out[o++] = ops[i++];
			continue;
		}
		if (ch == '#' && depth == 0 && cs_isdigit((unsigned char)ops[i + 1]) &&
		    !(ops[i + 1] == '0' && ops[i + 2] == 'x')) {
			/* shift or extend amount: "lsl #12", "uxtw #2" */
			int shift = i >= 4 && ops[i - 1] == ' ' &&
				    (cs_isalpha((unsigned char)ops[i - 2]) &&
				     cs_isalpha((unsigned char)ops[i - 3]) &&
				     cs_isalpha((unsigned char)ops[i - 4]));
			if (!shift) {
				uint64_t v = 0;
				size_t k = i + 1;
				while (cs_isdigit((unsigned char)ops[k]))
					v = v * 10 + (uint64_t)(ops[k++] - '0');
				out[o++] = '#';
				o += put_hex(out + o, "", v);
				i = k;
				continue;
			}
		}
		out[o++] = ops[i++];
	}
	out[o] = 0;
	snprintf(ops, cap, "%s", out);
}

void arm64_normalize(const cs_insn *in, char *mn, char *ops, size_t cap)
{
	const cs_arm64 *a = in->detail ? &in->detail->arm64 : NULL;
	arm64_hint(mn, ops, cap);
	arm64_hexify(mn, ops, cap);
	arm64_decimal(mn, ops, cap);
	/* orr xN, xzr, #imm is objdump's "mov xN, #imm  // #dec" */
	if (a && !strcmp(mn, "orr") && a->op_count == 3 &&
	    a->operands[1].type == ARM64_OP_REG &&
	    (a->operands[1].reg == ARM64_REG_XZR ||
	     a->operands[1].reg == ARM64_REG_WZR) &&
	    a->operands[2].type == ARM64_OP_IMM && a->operands[0].reg != ARM64_REG_SP &&
	    a->operands[0].reg != ARM64_REG_WSP) {
		char *c1 = strchr(ops, ',');
		if (c1) {
			int w = a->operands[0].reg >= ARM64_REG_W0 &&
				a->operands[0].reg <= ARM64_REG_W30;
			uint64_t v = (uint64_t)a->operands[2].imm;
			if (w)
				v &= 0xffffffffu;
			long long dec = w ? (long long)(int32_t)(uint32_t)v : (long long)v;
			snprintf(c1, cap - (size_t)(c1 - ops), ", #0x%-20llx\t// #%lld",
				 (unsigned long long)v, dec);
			memcpy(mn, "mov", 4);
			return;
		}
	}
	/* branch and pc-relative targets: objdump prints 0x... without '#' */
	if (a && a->op_count >= 1) {
		const cs_arm64_op *last = &a->operands[a->op_count - 1];
		int pcrel = starts(mn, "b") && (strlen(mn) == 1 || mn[1] == '.' ||
					       !strcmp(mn, "bl"));
		pcrel |= !strcmp(mn, "cbz") || !strcmp(mn, "cbnz") ||
			 !strcmp(mn, "tbz") || !strcmp(mn, "tbnz") ||
			 !strcmp(mn, "adr") || !strcmp(mn, "adrp") ||
			 ((!strcmp(mn, "ldr") || !strcmp(mn, "ldrsw") ||
			   !strcmp(mn, "prfm")) &&
			  last->type == ARM64_OP_IMM && a->op_count == 2 &&
			  a->operands[0].type != ARM64_OP_MEM);
		if (pcrel && last->type == ARM64_OP_IMM) {
			char *h = strrchr(ops, '#');
			if (h)
				put_hex(h, "", (uint64_t)last->imm);
		}
		if ((!strcmp(mn, "movz") || !strcmp(mn, "movn")) && a->op_count == 2 &&
		    a->operands[1].type == ARM64_OP_IMM) {
			uint64_t v = (uint64_t)a->operands[1].imm;
			if (a->operands[1].shift.type == ARM64_SFT_LSL)
				v <<= a->operands[1].shift.value;
			int w = a->operands[0].reg >= ARM64_REG_W0 &&
				a->operands[0].reg <= ARM64_REG_W30;
			if (!strcmp(mn, "movn"))
				v = ~v;
			if (w)
				v &= 0xffffffffu;
			char *comma = strchr(ops, ',');
			if (comma) {
				snprintf(comma, cap - (size_t)(comma - ops), ", #0x%llx",
					 (unsigned long long)v);
				memcpy(mn, "mov", 4);
			}
			/* reparse below as a mov with an immediate */
			char *h = strrchr(ops, '#');
			long long dec = w ? (long long)(int32_t)(uint32_t)v : (long long)v;
			if (h)
				snprintf(h, cap - (size_t)(h - ops), "#0x%-20llx\t// #%lld",
					 (unsigned long long)v, dec);
			return;
		}
		/* mov immediate: "#0x%-20llx\t// #dec" */
		if (!strcmp(mn, "mov") && a->op_count == 2 &&
		    a->operands[1].type == ARM64_OP_IMM &&
		    a->operands[0].type == ARM64_OP_REG) {
			int w = a->operands[0].reg >= ARM64_REG_W0 &&
				a->operands[0].reg <= ARM64_REG_W30;
			if (a->operands[0].reg == ARM64_REG_WZR ||
			    a->operands[0].reg == ARM64_REG_WSP)
				w = 1;
			uint64_t v = (uint64_t)a->operands[1].imm;
			char *comma = strchr(ops, ',');
			if (comma) {
				long long dec = w ? (long long)(int32_t)(uint32_t)v
						  : (long long)v;
				if (w)
					v &= 0xffffffffu;
				char tmp[64];
				snprintf(tmp, sizeof(tmp), ", #0x%-20llx\t// #%lld",
					 (unsigned long long)v, dec);
				*comma = 0;
				size_t l = strlen(ops);
				snprintf(ops + l, cap - l, "%s", tmp);
			}
		}
	}
	/* condition aliases objdump adds as comments */
	{
		static const struct {
			const char *cc, *name, *b, *c;
		} t[] = {
			{"eq", "eq", "b.none", "eq = none"},
			{"ne", "ne", "b.any", "ne = any"},
			{"hs", "cs", "b.hs, b.nlast", "cs = hs, nlast"},
			{"cs", "cs", "b.hs, b.nlast", "cs = hs, nlast"},
			{"lo", "cc", "b.lo, b.ul, b.last", "cc = lo, ul, last"},
			{"cc", "cc", "b.lo, b.ul, b.last", "cc = lo, ul, last"},
			{"mi", "mi", "b.first", "mi = first"},
			{"pl", "pl", "b.nfrst", "pl = nfrst"},
			{"hi", "hi", "b.pmore", "hi = pmore"},
			{"ls", "ls", "b.plast", "ls = plast"},
			{"ge", "ge", "b.tcont", "ge = tcont"},
			{"lt", "lt", "b.tstop", "lt = tstop"},
		};
		size_t nt = sizeof(t) / sizeof(t[0]);
		if (starts(mn, "b.") && strlen(mn) == 4) {
			for (size_t i = 0; i < nt; i++)
				if (!strcmp(mn + 2, t[i].cc)) {
					memcpy(mn + 2, t[i].name, 3);
					size_t l = strlen(ops);
					snprintf(ops + l, cap - l, "  // %s", t[i].b);
					break;
				}
		} else if (a && a->cc != ARM64_CC_INVALID && a->cc != ARM64_CC_AL &&
			   a->cc != ARM64_CC_NV) {
			/* cset x0, eq  -> "\t// eq = none"; the condition is the
			 * last operand */
			char *sp = strrchr(ops, ' ');
			const char *last = sp ? sp + 1 : ops;
			for (size_t i = 0; i < nt; i++)
				if (!strcmp(last, t[i].cc)) {
					size_t pos = (size_t)(last - ops);
					snprintf(ops + pos, cap - pos, "%s\t// %s", t[i].name,
						 t[i].c);
					break;
				}
		}
	}
}

static int arm_cond(const char *s)
{
	static const char *const cc[] = {"eq", "ne", "cs", "cc", "mi", "pl", "vs",
					 "vc", "hi", "ls", "ge", "lt", "gt", "le",
					 "hs", "lo", NULL};
	for (int i = 0; cc[i]; i++)
		if (!strncmp(s, cc[i], 2))
			return 1;
	return 0;
}

void arm_normalize(const cs_insn *in, int thumb, char *mn, char *ops,
			  size_t cap)
{
	const cs_arm *a = in->detail ? &in->detail->arm : NULL;
	if (!a)
		return;
	/* branches: objdump prints the target without '#' */
	int br = !strcmp(mn, "b") || !strcmp(mn, "bl") || !strcmp(mn, "blx") ||
		 starts(mn, "cbz") || starts(mn, "cbnz") ||
		 (mn[0] == 'b' && strlen(mn) == 3 && arm_cond(mn + 1)) ||
		 (starts(mn, "bl") && strlen(mn) == 4 && arm_cond(mn + 2)) ||
		 (starts(mn, "b.") );
	if (br && a->op_count >= 1 &&
	    a->operands[a->op_count - 1].type == ARM_OP_IMM) {
		char *h = strrchr(ops, '#');
		if (!h) {
			/* capstone prints a bare target */
			h = ops;
			char *c = strrchr(ops, ' ');
			if (c)
				h = c + 1;
		}
		snprintf(h, cap - (size_t)(h - ops), "0x%x",
			 (uint32_t)a->operands[a->op_count - 1].imm);
	}
	/* register alias: objdump says r9 where capstone says sb (but keeps sl) */
	str_replace_all(ops, cap, "sb,", "r9,");
	str_replace_all(ops, cap, "sb]", "r9]");
	str_replace_all(ops, cap, "sb!", "r9!");
	{
		size_t l = strlen(ops);
		if (l >= 4 && !strcmp(ops + l - 4, ", sb"))
			memcpy(ops + l - 2, "r9", 3);
	}
	/* conditional ldm/stm: objdump writes the "ia" mode */
	if ((starts(mn, "stm") || starts(mn, "ldm")) && strlen(mn) == 5 &&
	    arm_cond(mn + 3)) {
		char tmp[16];
		snprintf(tmp, sizeof(tmp), "%.3sia%.2s", mn, mn + 3);
		memcpy(mn, tmp, strlen(tmp) + 1);
	}
	/* value comments: objdump adds "\t@ 0x..." for immediates > 32 or
	 * < -16 (arm-dis.c value_in_comment) */
	int64_t vc = 0;
	int have = 0;
	for (int i = 0; i < a->op_count; i++) {
		const cs_arm_op *op = &a->operands[i];
		if (op->type == ARM_OP_IMM && !br) {
			vc = op->imm;
			have = 1;
		} else if (op->type == ARM_OP_MEM && op->mem.index == ARM_REG_INVALID) {
			vc = op->mem.disp;
			if (op->subtracted && vc > 0)
				vc = -vc;
			have = 1;
			if (op->mem.base == ARM_REG_PC) {
				/* literal load: objdump comments the address */
				uint64_t t = in->address + (thumb ? 4 : 8) + (uint64_t)vc;
				if (thumb)
					t &= ~(uint64_t)3;
				size_t l = strlen(ops);
				snprintf(ops + l, cap - l, "\t@ 0x%llx",
					 (unsigned long long)(t & 0xffffffffu));
				have = 0;
				break;
			}
		}
	}
	/* capstone prints decimal immediates in hex sometimes: objdump uses
	 * decimal for data-processing immediates (#32) */
	if (have && (vc > 32 || vc < -16) && !strstr(ops, "@")) {
		size_t l = strlen(ops);
		snprintf(ops + l, cap - l, "\t@ 0x%llx",
			 (unsigned long long)((uint64_t)vc & 0xffffffffu));
	}
	if (!strcmp(mn, "mov") && in->size == 4 && in->bytes[0] == 0 &&
	    in->bytes[1] == 0 && in->bytes[2] == 0xa0 && in->bytes[3] == 0xe1) {
		memcpy(mn, "nop", 4);
		snprintf(ops, cap, "\t\t@ (mov r0, r0)");
		return;
	}
	if (!strcmp(mn, "udf")) {
		/* objdump: "udf #18" (decimal) */
		for (int i = 0; i < a->op_count; i++)
			if (a->operands[i].type == ARM_OP_IMM)
				snprintf(ops, cap, "#%d", a->operands[i].imm);
	}
}

/* Capstone prints arm immediates as "#0x20" where objdump prints "#32".
 * Convert "#0xNN" and "#-0xNN" to decimal outside of comments. */
void arm_imm_decimal(char *ops, size_t cap)
{
	char out[256];
	size_t o = 0;
	for (size_t i = 0; ops[i] && o + 24 < sizeof(out);) {
		if (ops[i] == '\t') { /* comment: copy verbatim */
			size_t rest = strlen(ops + i);
			if (o + rest + 1 > sizeof(out))
				break;
			memcpy(out + o, ops + i, rest);
			o += rest;
			break;
		}
		if (ops[i] == '#') {
			int neg = ops[i + 1] == '-';
			const char *p = ops + i + 1 + neg;
			if (p[0] == '0' && p[1] == 'x') {
				uint64_t v = 0;
				size_t h = cs_parse_hex(p, strlen(p), &v);
				long long sv = neg ? -(long long)v : (long long)v;
				if (!neg && v >= 0x80000000ull && v <= 0xffffffffull)
					sv = (long long)(int32_t)(uint32_t)v;
				o += (size_t)snprintf(out + o, sizeof(out) - o, "#%lld", sv);
				i = (size_t)(p - ops) + h;
				continue;
			}
		}
		out[o++] = ops[i++];
	}
	out[o] = 0;
	snprintf(ops, cap, "%s", out);
}
