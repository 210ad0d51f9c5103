/* Disassembly with capstone and normalisation to objdump's spelling and
 * layout (what scripts/decodecode and syzbot print). */
#include "decode/decode_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Small string helpers                                                */
/* ------------------------------------------------------------------ */

static void str_replace_all(char *s, size_t cap, const char *from,
			    const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	char *p = s;
	while ((p = strstr(p, from))) {
		size_t rest = strlen(p + fl);
		if ((size_t)(p - s) + tl + rest + 1 > cap)
			return;
		memmove(p + tl, p + fl, rest + 1);
		memcpy(p, to, tl);
		p += tl;
	}
}

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* ------------------------------------------------------------------ */
/* x86 (AT&T) normalisation                                            */
/* ------------------------------------------------------------------ */

static int x86_is_branch(const char *m)
{
	return m[0] == 'j' || starts(m, "call") || starts(m, "loop") ||
	       starts(m, "xbegin");
}

/* Parse a decimal or 0x-hex number with optional '-' at s; returns chars
 * consumed (0 if none). */
static size_t parse_num(const char *s, int *neg, uint64_t *v)
{
	size_t i = 0;
	*neg = 0;
	*v = 0;
	if (s[i] == '-') {
		*neg = 1;
		i++;
	}
	if (s[i] == '0' && s[i + 1] == 'x') {
		size_t h = cs_parse_hex(s + i, strlen(s + i), v);
		return h ? i + h : 0;
	}
	if (!cs_isdigit((unsigned char)s[i]))
		return 0;
	while (cs_isdigit((unsigned char)s[i]))
		*v = *v * 10 + (uint64_t)(s[i++] - '0');
	return i;
}

static const char hexd[] = "0123456789abcdef";

/* Hex digits of v, least significant first, into tmp; returns their count. */
static int hex_digits(uint64_t v, char tmp[16])
{
	int n = 0;
	do {
		tmp[n++] = hexd[v & 15];
		v >>= 4;
	} while (v);
	return n;
}

/* Write "0x%llx" (with an optional prefix) without printf. */
static size_t put_hex(char *o, const char *pfx, uint64_t v)
{
	size_t k = 0;
	while (*pfx)
		o[k++] = *pfx++;
	o[k++] = '0';
	o[k++] = 'x';
	char tmp[16];
	int n = hex_digits(v, tmp);
	while (n)
		o[k++] = tmp[--n];
	o[k] = 0;
	return k;
}

/* Rewrite capstone's AT&T operand text into objdump's: hex everywhere,
 * immediates unsigned in operand size, explicit 0x0 displacements, scale
 * ",1", no space after commas. */
static void x86_fix_ops(const cs_insn *in, char *ops, size_t cap)
{
	const cs_x86 *x = &in->detail->x86;
	unsigned imm_size = 8;
	int disp_enc = x->encoding.disp_size > 0;
	for (int i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_IMM && x->operands[i].size)
			imm_size = x->operands[i].size;
	char out[320];
	size_t o = 0;
	for (size_t i = 0; ops[i] && o + 40 < sizeof(out);) {
		char ch = ops[i];
		if (ch == ' ' && i > 0 && ops[i - 1] == ',') {
			i++;
			continue;
		}
		if (ch == '$') {
			int neg;
			uint64_t v;
			size_t k = parse_num(ops + i + 1, &neg, &v);
			if (k) {
				if (neg)
					v = -v;
				if (imm_size == 1)
					v &= 0xff;
				else if (imm_size == 2)
					v &= 0xffff;
				else if (imm_size == 4)
					v &= 0xffffffffu;
				o += put_hex(out + o, "$", v);
				i += 1 + k;
				continue;
			}
		}
		if ((ch == '-' || cs_isdigit((unsigned char)ch)) &&
		    (i == 0 || ops[i - 1] == ',' || ops[i - 1] == ' ' ||
		     ops[i - 1] == ':' || ops[i - 1] == '*')) {
			int neg;
			uint64_t v;
			size_t k = parse_num(ops + i, &neg, &v);
			if (k) {
				if (ops[i + k] == '(')
					o += put_hex(out + o, neg ? "-" : "", v);
				else
					o += put_hex(out + o, "", neg ? -v : v);
				i += k;
				continue;
			}
		}
		if (ch == '(') {
			int after_num = o > 0 && (cs_isxdigit((unsigned char)out[o - 1]));
			if (!after_num && disp_enc)
				o += put_hex(out + o, "", 0);
			size_t e = i;
			int commas = 0;
			while (ops[e] && ops[e] != ')') {
				if (ops[e] == ',')
					commas++;
				e++;
			}
			if (ops[e] == ')') {
				for (size_t k = i; k < e && o + 8 < sizeof(out); k++)
					if (!(ops[k] == ' ' && k > 0 && ops[k - 1] == ','))
						out[o++] = ops[k];
				if (commas == 1) {
					out[o++] = ',';
					out[o++] = '1';
				}
				out[o++] = ')';
				i = e + 1;
				continue;
			}
		}
		out[o++] = ops[i++];
	}
	out[o] = 0;
	if (o + 1 <= cap)
		memcpy(ops, out, o + 1);
}

static int is_cc(const char *s, size_t n)
{
	static const char *const cc[] = {"o", "no", "b", "ae", "e", "ne", "be",
					 "a", "s", "ns", "p", "np", "l", "ge",
					 "le", "g", "c", "nc", "z", "nz", "nae",
					 "nb", "na", "nbe", "pe", "po", "nge",
					 "nl", "ng", "nle", NULL};
	for (int i = 0; cc[i]; i++)
		if (strlen(cc[i]) == n && !strncmp(cc[i], s, n))
			return 1;
	return 0;
}

/* Prefix names objdump prints for a lone prefix byte. */
static const char *x86_prefix_name(uint8_t b, int mode64, char *buf, size_t n)
{
	switch (b) {
	case 0x26: return "es";
	case 0x2e: return "cs";
	case 0x36: return "ss";
	case 0x3e: return "ds";
	case 0x64: return "fs";
	case 0x65: return "gs";
	case 0x66: return "data16";
	case 0x67: return mode64 ? "addr32" : "addr16";
	case 0xf0: return "lock";
	case 0xf2: return "repnz";
	case 0xf3: return "repz";
	default: break;
	}
	if (mode64 && (b & 0xf0) == 0x40) {
		snprintf(buf, n, "rex%s%s%s%s%s", (b & 0xf) ? "." : "",
			 (b & 8) ? "W" : "", (b & 4) ? "R" : "", (b & 2) ? "X" : "",
			 (b & 1) ? "B" : "");
		return buf;
	}
	return NULL;
}

/* Rewrite capstone's AT&T text into objdump's (mn: 160 bytes, ops: cap). */
static void x86_normalize(const cs_insn *in, int mode64, char *mn, char *ops,
			  size_t cap)
{
	const cs_x86 *x = in->detail ? &in->detail->x86 : NULL;
	if (x)
		x86_fix_ops(in, ops, cap);
	else
		str_replace_all(ops, cap, ", ", ",");

	/* q suffixes objdump does not print in 64-bit mode */
	static const char *const dropq[] = {"callq", "retq", "jmpq", "pushq",
					    "popq", "pushfq", "popfq", "leaveq",
					    "lretq", "calll", "retl", "jmpl",
					    "pushl", "popl", "pushfl", "popfl",
					    "leavel", "retw", NULL};
	for (int k = 0; dropq[k]; k++)
		if (mn[0] == dropq[k][0] && !strcmp(mn, dropq[k])) {
			int imm_push = (starts(mn, "push")) && x && x->op_count == 1 &&
				       x->operands[0].type == X86_OP_IMM;
			if (!mode64 && (starts(mn, "push") || starts(mn, "pop")) && x &&
			    x->op_count == 1 && x->operands[0].type == X86_OP_MEM)
				break; /* i386: pushl 0x8(%ebp) */
			if (!imm_push || mode64)
				mn[strlen(mn) - 1] = 0;
			break;
		}
	/* "rep stosq %rax,(%rdi)" -> "rep stos %rax,%es:(%rdi)" */
	{
		const char *m = mn;
		char pfx[16] = "";
		const char *sp = strchr(mn, ' ');
		if (sp) {
			snprintf(pfx, sizeof(pfx), "%.*s", (int)(sp - mn + 1), mn);
			m = sp + 1;
		}
		int str_reg = starts(m, "stos") || starts(m, "lods") || starts(m, "scas");
		int str_mem = starts(m, "movs") || starts(m, "cmps");
		if ((str_reg || str_mem) && strlen(m) == 5 && !strchr(m, 'x')) {
			if (str_reg) {
				char tmp[32];
				snprintf(tmp, sizeof(tmp), "%s%.4s", pfx, m);
				memcpy(mn, tmp, strlen(tmp) + 1);
			}
			str_replace_all(ops, cap, "(%rdi)", "%es:(%rdi)");
			str_replace_all(ops, cap, "(%edi)", "%es:(%edi)");
			str_replace_all(ops, cap, "%es:%es:", "%es:");
			if (!strstr(ops, "%ds:(%rsi)"))
				str_replace_all(ops, cap, "(%rsi)", "%ds:(%rsi)");
			if (!strstr(ops, "%ds:(%esi)"))
				str_replace_all(ops, cap, "(%esi)", "%ds:(%esi)");
		}
	}
	/* branch targets: syzbot's objdump (-m i386 -M x86-64) prints the
	 * 32-bit vma */
	if (x86_is_branch(mn) && x && x->op_count == 1 &&
	    x->operands[0].type == X86_OP_IMM) {
		uint64_t t = (uint64_t)x->operands[0].imm & 0xffffffffu;
		snprintf(ops, cap, "0x%llx", (unsigned long long)t);
	}
	/* suffixes: objdump prints them only when no register gives the size */
	int has_reg = 0, has_vec = 0;
	if (x) {
		for (int i = 0; i < x->op_count; i++) {
			if (x->operands[i].type != X86_OP_REG)
				continue;
			has_reg = 1;
		}
	}
	if (strstr(ops, "%xmm") || strstr(ops, "%ymm") || strstr(ops, "%mm") ||
	    strstr(ops, "%zmm") || strstr(ops, "%st"))
		has_vec = 1;
	/* strip suffixes after a "lock "/"rep " prefix too */
	char *mb = strrchr(mn, ' ') ? strrchr(mn, ' ') + 1 : mn;
	size_t ml = strlen(mb);
	if (has_reg && !has_vec && ml > 2) {
		char *mn0 = mn;
		mn = mb;
		char last = mn[ml - 1];
		static const char *const base[] = {
			"mov", "add", "sub", "and", "or", "xor", "cmp", "test",
			"adc", "sbb", "lea", "push", "pop", "inc", "dec", "neg",
			"not", "shl", "shr", "sar", "sal", "rol", "ror", "rcl",
			"rcr", "imul", "mul", "div", "idiv", "xchg", "bt", "bts",
			"btr", "btc", "bsf", "bsr", "cmpxchg", "xadd", "bswap",
			"shld", "shrd", "popcnt", "lzcnt", "tzcnt", "in", "out",
			"crc32", "andn", "bextr", "movbe", "tzcnt", NULL};
		if (last == 'q' || last == 'l' || last == 'w' || last == 'b') {
			int done = 0;
			for (int k = 0; base[k] && !done; k++) {
				size_t bl = strlen(base[k]);
				if (ml == bl + 1 && mn[0] == base[k][0] &&
				    !strncmp(mn, base[k], bl)) {
					/* crc32 keeps its suffix in objdump */
					if (strcmp(base[k], "crc32"))
						mn[ml - 1] = 0;
					done = 1;
				}
			}
			if (!done && starts(mn, "cmov") && last != 'b' &&
			    is_cc(mn + 4, ml - 5))
				mn[ml - 1] = 0;
		}
		mn = mn0;
	}
	/* objdump spells these differently */
	if (!strcmp(mn, "lretl"))
		mn[4] = 0;
	if (starts(mn, "sal") && strlen(mn) <= 4) {
		mn[1] = 'h';
	}
	if (starts(mn, "rorx") || starts(mn, "sarx") || starts(mn, "shlx") ||
	    starts(mn, "shrx") || starts(mn, "pdep") || starts(mn, "pext") ||
	    starts(mn, "mulx") || starts(mn, "andn") || starts(mn, "bzhi")) {
		if (strlen(mn) == 5 && (mn[4] == 'l' || mn[4] == 'q'))
			mn[4] = 0;
	}
	/* a SIB byte without index: objdump shows %riz/%eiz */
	if (x && (x->modrm & 0xc0) != 0xc0 && (x->modrm & 7) == 4 &&
	    ((x->sib >> 3) & 7) == 4 && !(x->rex & 2) && (x->sib & 7) != 4) {
		for (int i = 0; i < x->op_count; i++) {
			const cs_x86_op *op = &x->operands[i];
			if (op->type != X86_OP_MEM || op->mem.index != X86_REG_INVALID ||
			    op->mem.base == X86_REG_INVALID)
				continue;
			char *cl = strchr(ops, ')');
			if (cl) {
				int a32 = !mode64 || x->addr_size == 4;
				char tail[200];
				snprintf(tail, sizeof(tail), "%s", cl);
				snprintf(cl, cap - (size_t)(cl - ops), ",%s,%d%s",
					 a32 ? "%eiz" : "%riz", 1 << (x->sib >> 6), tail);
			}
			break;
		}
	}
	if (!strcmp(mn, "movabsq") || !strcmp(mn, "movabsl") ||
	    !strcmp(mn, "movabsb") || !strcmp(mn, "movabsw"))
		mn[6] = 0;
	/* 66 90 is "xchg %ax,%ax" for objdump */
	if (!strcmp(mn, "nop") && in->size == 2 && in->bytes[0] == 0x66 &&
	    in->bytes[1] == 0x90) {
		snprintf(mn, 160, "xchg");
		snprintf(ops, cap, "%%ax,%%ax");
	}
	/* xchg short form 0x91..0x97: objdump prints "%eax,%reg" */
	if (!strcmp(mn, "xchg") && x && x->op_count == 2 && in->size <= 2 &&
	    (in->bytes[in->size - 1] & 0xf8) == 0x90 && in->bytes[in->size - 1] != 0x90) {
		char *c = strchr(ops, ',');
		if (c) {
			char a1[64], a2[64];
			snprintf(a1, sizeof(a1), "%.*s", (int)(c - ops), ops);
			snprintf(a2, sizeof(a2), "%s", c + 1);
			if (strcmp(a2, "%eax") == 0 || strcmp(a2, "%rax") == 0 ||
			    strcmp(a2, "%ax") == 0)
				snprintf(ops, cap, "%s,%s", a2, a1);
		}
	}
	/* rip-relative operands carry objdump's "        # 0xTARGET" */
	if (x && mode64) {
		for (int i = 0; i < x->op_count; i++) {
			const cs_x86_op *op = &x->operands[i];
			if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP) {
				uint64_t t = in->address + in->size + (uint64_t)op->mem.disp;
				size_t l = strlen(ops);
				snprintf(ops + l, cap - l, "        # 0x%llx",
					 (unsigned long long)(t & 0xffffffffu));
				break;
			}
		}
	}
	str_replace_all(ops, cap, "%dr", "%db");
	if (starts(mn, "rep ") || starts(mn, "repe ") || starts(mn, "repne ")) {
		char tmp[64];
		if (starts(mn, "repe "))
			snprintf(tmp, sizeof(tmp), "repz %.40s", mn + 5);
		else if (starts(mn, "repne "))
			snprintf(tmp, sizeof(tmp), "repnz %.40s", mn + 6);
		else
			snprintf(tmp, sizeof(tmp), "%.50s", mn);
		memcpy(mn, tmp, strlen(tmp) + 1);
	}
	if (!strcmp(mn, "wait"))
		memcpy(mn, "fwait", 6);
	/* port I/O: objdump writes (%dx) and the string segments */
	{
		const char *m = strchr(mn, ' ') ? strchr(mn, ' ') + 1 : mn;
		if (!strcmp(m, "in") || starts(m, "ins"))
			str_replace_all(ops, cap, "%dx,", "(%dx),");
		if (!strcmp(m, "out") || starts(m, "outs")) {
			size_t l = strlen(ops);
			if (l >= 4 && !strcmp(ops + l - 4, ",%dx") && l + 2 < cap)
				memcpy(ops + l - 3, "(%dx)", 6);
		}
		if (starts(m, "ins"))
			str_replace_all(ops, cap, ",(%rdi)", ",%es:(%rdi)");
		if (starts(m, "ins"))
			str_replace_all(ops, cap, ",(%edi)", ",%es:(%edi)");
		if (starts(m, "outs")) {
			str_replace_all(ops, cap, "(%rsi),", "%ds:(%rsi),");
			str_replace_all(ops, cap, "(%esi),", "%ds:(%esi),");
		}
	}
	/* shift by one (d0/d1/d2/d3 /n with 1): objdump omits "$0x1," */
	if (x && (x->opcode[0] == 0xd0 || x->opcode[0] == 0xd1) && starts(ops, "$0x1,"))
		memmove(ops, ops + 5, strlen(ops + 5) + 1);
	/* nop with a segment override: objdump 2.40 prints "cs nopw 0x0(...)" */
	if (starts(mn, "nop") && starts(ops, "%cs:")) {
		char tmp[64];
		snprintf(tmp, sizeof(tmp), "cs %.40s", mn);
		memcpy(mn, tmp, strlen(tmp) + 1);
		memmove(ops, ops + 4, strlen(ops + 4) + 1);
	}
	/* unused prefixes are printed by name */
	if (x) {
		size_t np = 0;
		while (np < in->size) {
			uint8_t p = in->bytes[np];
			if (p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e || p == 0x64 ||
			    p == 0x65 || p == 0x66 || p == 0x67 || p == 0xf0 || p == 0xf2 ||
			    p == 0xf3 || (mode64 && (p & 0xf0) == 0x40))
				np++;
			else
				break;
		}
		int has_mem = 0;
		for (int i = 0; i < x->op_count; i++)
			if (x->operands[i].type == X86_OP_MEM)
				has_mem = 1;
		char pre[64] = "";
		size_t pl = 0;
		for (size_t i = 0; i < np; i++) {
			uint8_t p = in->bytes[i];
			const char *name = NULL;
			char rb[16];
			int seg = p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e ||
				  p == 0x64 || p == 0x65;
			if (seg && !has_mem && !starts(mn, "j") && !strstr(mn, "nop"))
				name = x86_prefix_name(p, mode64, rb, sizeof(rb));
			else if ((p == 0xf3 || p == 0xf2) && !strchr(mn, ' ') &&
				 np < in->size && in->bytes[np] != 0x0f && strcmp(mn, "pause") &&
				 !(p == 0xf2 && (starts(mn, "j") || starts(mn, "call") ||
						 starts(mn, "ret"))) &&
				 !(x->prefix[0] == X86_PREFIX_LOCK))
				name = p == 0xf3 ? "repz" : "repnz";
			else if (p == 0x40 && mode64 && i + 1 == np &&
				 !strstr(ops, "%sil") && !strstr(ops, "%dil") &&
				 !strstr(ops, "%bpl") && !strstr(ops, "%spl"))
				name = "rex";
			else if (p == 0x66 && i + 1 < np && in->bytes[i + 1] == 0x66)
				name = "data16";
			if (name && pl + strlen(name) + 2 < sizeof(pre))
				pl += (size_t)snprintf(pre + pl, sizeof(pre) - pl, "%s ", name);
		}
		if (pl) {
			char tmp[160];
			snprintf(tmp, sizeof(tmp), "%s%.90s", pre, mn);
			memcpy(mn, tmp, strlen(tmp) + 1);
		}
	}
}

/* ------------------------------------------------------------------ */
/* arm64 / arm normalisation                                            */
/* ------------------------------------------------------------------ */

static void arm_imm_decimal(char *ops, size_t cap);

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

static void arm64_normalize(const cs_insn *in, char *mn, char *ops, size_t cap)
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

static void arm_normalize(const cs_insn *in, int thumb, char *mn, char *ops,
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
static void arm_imm_decimal(char *ops, size_t cap)
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
static int x86_iter(csh h, const uint8_t *b, size_t n, size_t off,
		    uint64_t addr, cs_insn *ins, int *ud1)
{
	const uint8_t *code = b + off;
	size_t left = n - off;
	*ud1 = 0;
	if (!cs_disasm_iter(h, &code, &left, &addr, ins))
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
	if (!cs_disasm_iter(h, &c2, &l2, &addr, ins))
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
static int x86_aligned(csh h, cs_insn *ins, const uint8_t *b, size_t n,
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
			else if (x86_iter(h, b, n, off, off, ins, &ud1))
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
			okd = x86_iter(h, b, n, off, addr, ins, &ud1);
		else
			okd = cs_disasm_iter(h, &code, &left, &addr, ins) ? 1 : 0;
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
			int cut = n - off < 16 && cs_disasm_iter(h, &pc, &pl, &pa, ins) &&
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
		return dec_message(c, CRASHSIG_EUNSUPPORTED,
				   "capstone cannot open a %s disassembler",
				   crashsig_arch_name(c->pub.arch));
	c->h = h;
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
		cs_option(h, CS_OPT_DETAIL, CS_OPT_OFF);
		size_t best = (size_t)-1, best_bad = (size_t)-1;
		/* bounded work on huge inputs: start at most 128 bytes before
		 * the trap and try 64 start offsets */
		size_t base = trap > 128 ? trap - 128 : 0;
		signed char memo[160];
		memset(memo, 0, sizeof(memo));
		for (size_t s = base; s <= trap && s < base + 64; s++) {
			size_t bad;
			if (!x86_aligned(h, ins, b, n, s, trap, &bad, mode == DEC_X86_64,
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
		cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
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

const char *dec_reg_name(dec_code *c, unsigned reg)
{
	const char *n = cs_reg_name(c->h, reg);
	return n ? n : "?";
}
