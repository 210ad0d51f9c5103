/* Explaining the trapping instruction from the register dump: memory
 * operand, registers and computed address, KASAN shadow checks, BUG/WARN
 * traps, divide errors. */
#include "decode/decode_explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KASAN_X86_64_OFFSET 0xdffffc0000000000ull

/* KASAN shadow offsets seen in practice (generic KASAN). */
static int is_kasan_offset(crashsig_arch a, uint64_t v)
{
	if (a == CRASHSIG_ARCH_X86_64)
		return v == KASAN_X86_64_OFFSET;
	/* arm64 (dfff800000000000, dfffa00000000000, ...) and riscv
	 * (dfffffff00000000): 0xdf top byte, low 32 bits clear */
	return (v >> 56) == 0xdf && (v & 0xffffffffu) == 0 &&
	       a != CRASHSIG_ARCH_I386 && a != CRASHSIG_ARCH_ARM;
}

typedef struct regval {
	char name[16]; /* as shown to the user, e.g. "RDX" */
	uint64_t v;
	int known;
} regval;

/* Map a capstone x86 register to the dump register and a value mask. */
static void xreg(dec_code *c, unsigned reg, regval *out)
{
	const char *n = dec_reg_name(c, reg);
	char full[16];
	uint64_t mask = ~0ull;
	size_t l = strlen(n);
	int x64 = c->pub.arch == CRASHSIG_ARCH_X86_64;
	memset(out, 0, sizeof(*out));
	if (n[0] == 'r' && l >= 2 && cs_isdigit((unsigned char)n[1])) {
		/* r8, r8d, r8w, r8b */
		size_t k = 1;
		while (k < l && cs_isdigit((unsigned char)n[k]))
			k++;
		snprintf(full, sizeof(full), "%.*s", (int)k, n);
		if (n[k] == 'd')
			mask = 0xffffffffu;
		else if (n[k] == 'w')
			mask = 0xffff;
		else if (n[k] == 'b')
			mask = 0xff;
	} else if (l == 3 && (n[0] == 'r' || n[0] == 'e')) {
		snprintf(full, sizeof(full), "%s%s", x64 ? "r" : "e", n + 1);
		if (n[0] == 'e')
			mask = 0xffffffffu;
	} else if (l == 2 && (n[1] == 'x' || n[1] == 'p' || n[1] == 'i')) {
		snprintf(full, sizeof(full), "%s%s", x64 ? "r" : "e", n);
		mask = 0xffff;
	} else if (l == 2 && (n[1] == 'l' || n[1] == 'h')) {
		snprintf(full, sizeof(full), "%sx", x64 ? "r" : "e");
		full[1] = n[0];
		mask = 0xff;
	} else if (l == 3 && n[2] == 'l') { /* sil, dil, bpl, spl */
		snprintf(full, sizeof(full), "%s%.2s", x64 ? "r" : "e", n);
		mask = 0xff;
	} else {
		snprintf(full, sizeof(full), "%s", n);
	}
	uint64_t v;
	if (dec_reg_get(&c->regs, full, &v)) {
		out->known = 1;
		out->v = v & mask;
		if (n[1] == 'h' && l == 2)
			out->v = (v >> 8) & 0xff;
	}
	for (size_t i = 0; n[i] && i + 1 < sizeof(out->name); i++)
		out->name[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
}

static void a64reg(dec_code *c, unsigned reg, regval *out)
{
	const char *n = dec_reg_name(c, reg);
	memset(out, 0, sizeof(*out));
	char full[16];
	uint64_t mask = ~0ull;
	if (n[0] == 'w' && cs_isdigit((unsigned char)n[1])) {
		snprintf(full, sizeof(full), "x%s", n + 1);
		mask = 0xffffffffu;
	} else if (!strcmp(n, "x29")) {
		snprintf(full, sizeof(full), "x29");
	} else if (!strcmp(n, "x30")) {
		snprintf(full, sizeof(full), "lr");
	} else {
		snprintf(full, sizeof(full), "%s", n);
	}
	uint64_t v;
	if (dec_reg_get(&c->regs, full, &v) ||
	    (!strcmp(full, "x29") && dec_reg_get(&c->regs, "fp", &v)) ||
	    (!strcmp(full, "lr") && dec_reg_get(&c->regs, "x30", &v))) {
		out->known = 1;
		out->v = v & mask;
	}
	snprintf(out->name, sizeof(out->name), "%s", n);
}

static void a32reg(dec_code *c, unsigned reg, regval *out)
{
	const char *n = dec_reg_name(c, reg);
	memset(out, 0, sizeof(*out));
	const char *alias = n;
	if (!strcmp(n, "sb"))
		alias = "r9";
	else if (!strcmp(n, "sl"))
		alias = "r10";
	else if (!strcmp(n, "r11"))
		alias = "fp";
	else if (!strcmp(n, "r12"))
		alias = "ip";
	uint64_t v;
	if (dec_reg_get(&c->regs, alias, &v) || dec_reg_get(&c->regs, n, &v)) {
		out->known = 1;
		out->v = v & 0xffffffffu;
	}
	snprintf(out->name, sizeof(out->name), "%s", n);
}

static const crashsig_insn *trap_insn(const dec_code *c)
{
	for (size_t i = 0; i < c->pub.ninsns; i++)
		if (c->insns[i].trapping)
			return &c->insns[i];
	return NULL;
}

/* "mnemonic operands" as in the listing, comments dropped */
static void insn_text(const crashsig_insn *in, char *buf, size_t len)
{
	if (in->operands[0])
		snprintf(buf, len, "%s %s", in->mnemonic, in->operands);
	else
		snprintf(buf, len, "%s", in->mnemonic);
	char *t = strchr(buf, '\t');
	if (t)
		*t = 0;
	t = strstr(buf, "        #");
	if (t)
		*t = 0;
	size_t l = strlen(buf);
	while (l && buf[l - 1] == ' ')
		buf[--l] = 0;
}

static int set_expl(dec_code *c, const char *text)
{
	char *s = strdup(text);
	if (!s)
		return CRASHSIG_ENOMEM;
	free((char *)c->pub.explanation);
	c->pub.explanation = s;
	return 0;
}

/* Append "(NULL+0x..)" or "(non-canonical)" hints for an address. */
static void addr_hint(const dec_code *c, uint64_t a, char *buf, size_t len)
{
	buf[0] = 0;
	if (a < 0x10000)
		snprintf(buf, len, " (NULL+0x%llx)", (unsigned long long)a);
	else if (c->pub.arch == CRASHSIG_ARCH_X86_64) {
		uint64_t top = a >> 47;
		if (top != 0 && top != 0x1ffff)
			snprintf(buf, len, " (non-canonical)");
	}
}

/* Generic memory operand explanation. regs: up to 2 (base, index). */
static int explain_mem(dec_code *c, const char *what, int is_write,
		       const regval *base, const regval *index, int scale,
		       int64_t disp, const regval *seg, int pcrel)
{
	char buf[512], hint[64];
	const char *verb = is_write ? "writes" : "reads";
	c->pub.trap_kind = CRASHSIG_TRAP_MEMORY;
	c->pub.is_write = is_write;
	const char *pfx = c->pub.user ? "User fault" : "Fault";
	if (pcrel) {
		snprintf(buf, sizeof(buf), "%s: %s %s a pc-relative address", pfx,
			 what, verb);
		return set_expl(c, buf);
	}
	int known = (!base || base->known) && (!index || index->known) &&
		    (!seg || seg->known);
	char regs[200] = "";
	size_t rl = 0;
	const regval *list[3] = {seg, base, index};
	for (int i = 0; i < 3; i++) {
		const regval *r = list[i];
		if (!r)
			continue;
		if (r->known)
			rl += (size_t)snprintf(regs + rl, sizeof(regs) - rl, "%s%s=0x%llx",
					       rl ? " " : "", r->name,
					       (unsigned long long)r->v);
		else
			rl += (size_t)snprintf(regs + rl, sizeof(regs) - rl, "%s%s=?",
					       rl ? " " : "", r->name);
		if (rl >= sizeof(regs))
			rl = sizeof(regs) - 1;
	}
	if (!known) {
		snprintf(buf, sizeof(buf), "%s: %s %s memory%s%s%s", pfx, what, verb,
			 rl ? " (" : "", regs, rl ? "; register dump incomplete)" : "");
		return set_expl(c, buf);
	}
	uint64_t a = (uint64_t)disp;
	if (base)
		a += base->v;
	if (index)
		a += index->v * (uint64_t)(scale ? scale : 1);
	if (seg)
		a += seg->v;
	if (c->pub.arch == CRASHSIG_ARCH_I386 || c->pub.arch == CRASHSIG_ARCH_ARM)
		a &= 0xffffffffu;
	c->pub.has_address = 1;
	c->pub.address = a;
	/* KASAN: (shadow,offset,1) with one register = shadow offset */
	if (base && index && (scale == 1 || scale == 0) && disp == 0 && !seg) {
		const regval *off = NULL, *sh = NULL;
		if (is_kasan_offset(c->pub.arch, base->v)) {
			off = base;
			sh = index;
		} else if (is_kasan_offset(c->pub.arch, index->v)) {
			off = index;
			sh = base;
		}
		if (off) {
			uint64_t orig = (a - off->v) << 3;
			c->pub.kasan = 1;
			c->pub.kasan_start = orig;
			c->pub.kasan_end = orig + 8;
			addr_hint(c, orig, hint, sizeof(hint));
			snprintf(buf, sizeof(buf),
				 "%s: %s %s 0x%llx (%s) = KASAN shadow of 0x%llx..0x%llx%s",
				 pfx, what, verb, (unsigned long long)a, regs,
				 (unsigned long long)orig, (unsigned long long)(orig + 7),
				 hint);
			(void)sh;
			return set_expl(c, buf);
		}
	}
	addr_hint(c, a, hint, sizeof(hint));
	char dis[48] = "";
	if (disp)
		snprintf(dis, sizeof(dis), "%s%s0x%llx", rl ? " " : "",
			 disp < 0 ? "- " : (rl ? "+ " : ""),
			 (unsigned long long)(disp < 0 ? -(uint64_t)disp : (uint64_t)disp));
	snprintf(buf, sizeof(buf), "%s: %s %s 0x%llx (%s%s)%s", pfx, what, verb,
		 (unsigned long long)a, regs, dis, hint);
	return set_expl(c, buf);
}

static int explain_x86(dec_code *c, const crashsig_insn *in, const char *what)
{
	const cs_x86 *x = &c->trap_detail.x86;
	char buf[512];
	switch (c->trap_id) {
	case X86_INS_UD2:
	case X86_INS_UD0:
		c->pub.trap_kind = CRASHSIG_TRAP_BUG;
		snprintf(buf, sizeof(buf),
			 "Trap: %s is the BUG()/WARN() trap instruction, not a "
			 "memory fault", in->mnemonic);
		return set_expl(c, buf);
	case X86_INS_INT3:
		c->pub.trap_kind = CRASHSIG_TRAP_BUG;
		return set_expl(c, "Trap: int3 breakpoint (static call, kprobe or "
				   "BUG in some configurations)");
	case X86_INS_DIV:
	case X86_INS_IDIV:
		c->pub.trap_kind = CRASHSIG_TRAP_DIVIDE;
		if (x->op_count >= 1 && x->operands[0].type == X86_OP_REG) {
			regval r;
			xreg(c, x->operands[0].reg, &r);
			if (r.known)
				snprintf(buf, sizeof(buf),
					 "Divide error: %s divides by %s = 0x%llx%s", what,
					 r.name, (unsigned long long)r.v,
					 r.v == 0 ? " (division by zero)" : " (quotient overflow)");
			else
				snprintf(buf, sizeof(buf),
					 "Divide error: %s divides by %s (value not in the "
					 "register dump)", what, r.name);
			return set_expl(c, buf);
		}
		snprintf(buf, sizeof(buf), "Divide error: %s divides by a memory operand",
			 what);
		if (c->trap_id == X86_INS_DIV || c->trap_id == X86_INS_IDIV)
			break; /* explain the memory operand below, keep kind */
		return set_expl(c, buf);
	default:
		break;
	}
	if (c->trap_id == X86_INS_LEA || c->trap_id == X86_INS_NOP) {
		c->pub.trap_kind = CRASHSIG_TRAP_OTHER;
		snprintf(buf, sizeof(buf), "Trap at: %s (no memory access)", what);
		return set_expl(c, buf);
	}
	for (int i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		if (op->type != X86_OP_MEM)
			continue;
		regval base, index, seg;
		int hb = op->mem.base != X86_REG_INVALID,
		    hi = op->mem.index != X86_REG_INVALID,
		    hs = op->mem.segment == X86_REG_GS || op->mem.segment == X86_REG_FS;
		if (op->mem.base == X86_REG_RIP || op->mem.base == X86_REG_EIP)
			return explain_mem(c, what, 0, NULL, NULL, 0, 0, NULL, 1);
		if (hb)
			xreg(c, op->mem.base, &base);
		if (hi)
			xreg(c, op->mem.index, &index);
		if (hs) {
			memset(&seg, 0, sizeof(seg));
			const char *sn = op->mem.segment == X86_REG_GS ? "gs" : "fs";
			snprintf(seg.name, sizeof(seg.name), "%s",
				 op->mem.segment == X86_REG_GS ? "GS" : "FS");
			seg.known = dec_reg_get(&c->regs, sn, &seg.v);
		}
		int w = (op->access & CS_AC_WRITE) != 0;
		/* AT&T: the last operand is the destination */
		if (!op->access)
			w = i == x->op_count - 1 && x->op_count > 1;
		if (c->trap_id == X86_INS_CMP || c->trap_id == X86_INS_TEST ||
		    c->trap_id == X86_INS_PUSH)
			w = 0;
		int rc = explain_mem(c, what, w, hb ? &base : NULL, hi ? &index : NULL,
				     op->mem.scale, op->mem.disp, hs ? &seg : NULL, 0);
		if (!rc && (c->trap_id == X86_INS_DIV || c->trap_id == X86_INS_IDIV))
			c->pub.trap_kind = CRASHSIG_TRAP_DIVIDE;
		return rc;
	}
	c->pub.trap_kind = CRASHSIG_TRAP_OTHER;
	snprintf(buf, sizeof(buf), "%s: %s (no memory operand)",
		 c->pub.user ? "User code at" : "Trap at", what);
	return set_expl(c, buf);
}

static int explain_arm64(dec_code *c, const crashsig_insn *in, const char *what)
{
	const cs_arm64 *a = &c->trap_detail.arm64;
	char buf[512];
	if (c->trap_id == ARM64_INS_BRK) {
		int64_t imm = a->op_count ? a->operands[0].imm : 0;
		c->pub.trap_kind = CRASHSIG_TRAP_BUG;
		if (imm == 0x800)
			snprintf(buf, sizeof(buf), "Trap: %s is the BUG()/WARN() trap, "
				 "not a memory fault", what);
		else if ((imm & ~0xffll) == 0x900)
			snprintf(buf, sizeof(buf), "Trap: %s is a KASAN tag-check "
				 "trap", what);
		else if ((imm & ~0xffll) == 0x5500)
			snprintf(buf, sizeof(buf), "Trap: %s is a UBSAN trap", what);
		else
			snprintf(buf, sizeof(buf), "Trap: %s is a breakpoint trap, not "
				 "a memory fault", what);
		return set_expl(c, buf);
	}
	(void)in;
	for (int i = 0; i < a->op_count; i++) {
		const cs_arm64_op *op = &a->operands[i];
		if (op->type != ARM64_OP_MEM)
			continue;
		regval base, index;
		int hb = op->mem.base != ARM64_REG_INVALID,
		    hi = op->mem.index != ARM64_REG_INVALID;
		if (hb)
			a64reg(c, op->mem.base, &base);
		if (hi)
			a64reg(c, op->mem.index, &index);
		int scale = 1;
		if (hi && op->shift.type == ARM64_SFT_LSL && op->shift.value < 8)
			scale = 1 << op->shift.value;
		const char *mn = in->mnemonic;
		int w = mn[0] == 's' && mn[1] == 't';
		if (!strncmp(mn, "prfm", 4)) {
			c->pub.trap_kind = CRASHSIG_TRAP_OTHER;
			snprintf(buf, sizeof(buf), "Trap at: %s (prefetch)", what);
			return set_expl(c, buf);
		}
		return explain_mem(c, what, w, hb ? &base : NULL, hi ? &index : NULL,
				   scale, op->mem.disp, NULL, 0);
	}
	c->pub.trap_kind = CRASHSIG_TRAP_OTHER;
	snprintf(buf, sizeof(buf), "%s: %s (no memory operand)",
		 c->pub.user ? "User code at" : "Trap at", what);
	return set_expl(c, buf);
}

static int explain_arm(dec_code *c, const crashsig_insn *in, const char *what)
{
	const cs_arm *a = &c->trap_detail.arm;
	char buf[512];
	const char *mn = in->mnemonic;
	if (c->trap_id == ARM_INS_UDF || c->trap_id == ARM_INS_BKPT) {
		c->pub.trap_kind = CRASHSIG_TRAP_BUG;
		snprintf(buf, sizeof(buf), "Trap: %s is the BUG()/WARN() trap, not a "
			 "memory fault", what);
		return set_expl(c, buf);
	}
	for (int i = 0; i < a->op_count; i++) {
		const cs_arm_op *op = &a->operands[i];
		if (op->type != ARM_OP_MEM)
			continue;
		regval base, index;
		int hb = op->mem.base != ARM_REG_INVALID,
		    hi = op->mem.index != ARM_REG_INVALID;
		if (op->mem.base == ARM_REG_PC)
			return explain_mem(c, what, 0, NULL, NULL, 0, 0, NULL, 1);
		if (hb)
			a32reg(c, (unsigned)op->mem.base, &base);
		if (hi)
			a32reg(c, (unsigned)op->mem.index, &index);
		int64_t disp = op->mem.disp;
		if (op->subtracted && disp > 0)
			disp = -disp;
		int scale = 1;
		if (hi && op->mem.lshift > 0 && op->mem.lshift < 8)
			scale = 1 << op->mem.lshift;
		if (hi && op->mem.scale == -1)
			scale = -scale;
		int w = mn[0] == 's' && mn[1] == 't';
		if (scale < 0 && hi && index.known) {
			index.v = (uint64_t)(-(int64_t)index.v);
			scale = -scale;
		}
		return explain_mem(c, what, w, hb ? &base : NULL, hi ? &index : NULL,
				   scale, disp, NULL, 0);
	}
	if (!strncmp(mn, "push", 4) || !strncmp(mn, "pop", 3) ||
	    !strncmp(mn, "ldm", 3) || !strncmp(mn, "stm", 3)) {
		if (a->op_count && a->operands[0].type == ARM_OP_REG) {
			regval base;
			a32reg(c, (unsigned)a->operands[0].reg, &base);
			int w = mn[0] == 's' || mn[1] == 'u';
			if (!strncmp(mn, "push", 4) || !strncmp(mn, "pop", 3)) {
				/* push/pop use sp implicitly */
				a32reg(c, ARM_REG_SP, &base);
			}
			return explain_mem(c, what, w, &base, NULL, 1, 0, NULL, 0);
		}
	}
	c->pub.trap_kind = CRASHSIG_TRAP_OTHER;
	snprintf(buf, sizeof(buf), "%s: %s (no memory operand)",
		 c->pub.user ? "User code at" : "Trap at", what);
	return set_expl(c, buf);
}

int dec_explain(dec_code *c)
{
	const crashsig_insn *in = trap_insn(c);
	if (!in)
		return 0;
	char what[200];
	insn_text(in, what, sizeof(what));
	if (in->invalid) {
		c->pub.trap_kind = CRASHSIG_TRAP_OTHER;
		char buf[256];
		/* arm BUG() is emitted as an undefined word 0xe7f001f2 */
		if (c->pub.arch == CRASHSIG_ARCH_ARM && in->size >= 2) {
			const uint8_t *p = c->bytes + in->offset;
			uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8;
			if (in->size == 4)
				v |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
			if (v == 0xe7f001f2 || v == 0xde02 || (v & 0xfff000f0) == 0xe7f000f0) {
				c->pub.trap_kind = CRASHSIG_TRAP_BUG;
				snprintf(buf, sizeof(buf),
					 "Trap: %s is the BUG()/WARN() trap, not a memory fault",
					 what);
				return set_expl(c, buf);
			}
		}
		snprintf(buf, sizeof(buf), "Trap at: undecodable instruction %s", what);
		return set_expl(c, buf);
	}
	if (!c->have_trap_detail)
		return 0;
	switch (c->pub.arch) {
	case CRASHSIG_ARCH_X86_64:
	case CRASHSIG_ARCH_I386:
		return explain_x86(c, in, what);
	case CRASHSIG_ARCH_ARM64:
		return explain_arm64(c, in, what);
	case CRASHSIG_ARCH_ARM:
		return explain_arm(c, in, what);
	default: {
		char buf[256];
		c->pub.trap_kind = CRASHSIG_TRAP_OTHER;
		snprintf(buf, sizeof(buf), "%s: %s",
			 c->pub.user ? "User code at" : "Trap at", what);
		return set_expl(c, buf);
	}
	}
}
