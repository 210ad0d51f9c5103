/* x86 (AT&T): capstone's text rewritten into objdump's spelling. */
#include "decode/decode_norm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode_text.h"

/* ------------------------------------------------------------------ */
/* x86 (AT&T) normalisation                                            */
/* ------------------------------------------------------------------ */

static int x86_is_branch(const char *m)
{
	return m[0] == 'j' || starts(m, "call") || starts(m, "loop") ||
	       starts(m, "xbegin");
}

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
const char *x86_prefix_name(uint8_t b, int mode64, char *buf, size_t n)
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
void x86_normalize(const cs_insn *in, int mode64, char *mn, char *ops,
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
