/* The pieces every decode file shares: capstone (loaded with dlopen) and
 * its handles, per-code messages, register values of the dump and capstone
 * register names. The bottom of src/decode/ (see decode_int.h). */
#include "decode/decode_int.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The capstone the library was built against (CMakeLists.txt: its SONAME). */
#ifndef CRASHSIG_CAPSTONE_SONAME
#error "CRASHSIG_CAPSTONE_SONAME must name capstone's shared library"
#endif

/* Load capstone into d->cs. Returns 0, or -1 with d->cs_error set. Each
 * decoder holds its own reference (dlopen counts them). */
static int capstone_load(crashsig_decoder *d)
{
	if (d->cs.dl)
		return 0;
	if (d->cs_failed)
		return -1;
	void *dl = dlopen(CRASHSIG_CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *e = dlerror();
		snprintf(d->cs_error, sizeof(d->cs_error), "%s", e ? e : CRASHSIG_CAPSTONE_SONAME);
		d->cs_failed = 1;
		return -1;
	}
	dec_capstone c = {0};
	c.dl = dl;
	/* (object pointers to function pointers: POSIX dlsym's contract) */
#define CS_SYM(field, name)                                                  \
	do {                                                                 \
		void *p_ = dlsym(dl, name);                                  \
		if (!p_) {                                                   \
			snprintf(d->cs_error, sizeof(d->cs_error),           \
				 "%s: no symbol %s", CRASHSIG_CAPSTONE_SONAME, name); \
			dlclose(dl);                                         \
			d->cs_failed = 1;                                    \
			return -1;                                           \
		}                                                            \
		memcpy(&c.field, &p_, sizeof(p_));                           \
	} while (0)
	CS_SYM(open, "cs_open");
	CS_SYM(option, "cs_option");
	CS_SYM(malloc_insn, "cs_malloc");
	CS_SYM(free_insn, "cs_free");
	CS_SYM(close, "cs_close");
	CS_SYM(disasm_iter, "cs_disasm_iter");
	CS_SYM(reg_name, "cs_reg_name");
#undef CS_SYM
	d->cs = c;
	return 0;
}

void dec_capstone_close(crashsig_decoder *d)
{
	for (int i = 0; i < DEC_MODE_COUNT; i++) {
		if (d->scratch[i])
			d->cs.free_insn(d->scratch[i], 1);
		if (d->opened[i])
			d->cs.close(&d->h[i]);
		d->scratch[i] = NULL;
		d->opened[i] = 0;
	}
	if (d->cs.dl)
		dlclose(d->cs.dl);
	memset(&d->cs, 0, sizeof(d->cs));
}

/* Open (once) the capstone handle for a mode. Returns 0 or < 0. */
int dec_handle(crashsig_decoder *d, int mode, csh *h, cs_insn **scratch)
{
	if (mode < 0 || mode >= DEC_MODE_COUNT)
		return CRASHSIG_EUNSUPPORTED;
	if (d->failed[mode])
		return CRASHSIG_EUNSUPPORTED;
	if (!d->opened[mode]) {
		if (capstone_load(d))
			return CRASHSIG_EUNSUPPORTED;
		cs_arch a;
		cs_mode m;
		switch (mode) {
		case DEC_X86_64: a = CS_ARCH_X86; m = CS_MODE_64; break;
		case DEC_X86_32: a = CS_ARCH_X86; m = CS_MODE_32; break;
		case DEC_ARM64: a = CS_ARCH_ARM64; m = CS_MODE_LITTLE_ENDIAN; break;
		case DEC_ARM: a = CS_ARCH_ARM; m = CS_MODE_ARM; break;
		case DEC_THUMB: a = CS_ARCH_ARM; m = CS_MODE_THUMB; break;
		case DEC_PPC: a = CS_ARCH_PPC; m = (cs_mode)(CS_MODE_64 | CS_MODE_BIG_ENDIAN); break;
		default: a = CS_ARCH_SYSZ; m = CS_MODE_BIG_ENDIAN; break;
		}
		if (d->cs.open(a, m, &d->h[mode]) != CS_ERR_OK) {
			d->failed[mode] = 1;
			return CRASHSIG_EUNSUPPORTED;
		}
		if (a == CS_ARCH_X86)
			d->cs.option(d->h[mode], CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
		d->cs.option(d->h[mode], CS_OPT_DETAIL, CS_OPT_ON);
		d->scratch[mode] = d->cs.malloc_insn(d->h[mode]);
		if (!d->scratch[mode]) {
			d->cs.close(&d->h[mode]);
			d->failed[mode] = 1;
			return CRASHSIG_ENOMEM;
		}
		d->opened[mode] = 1;
	}
	*h = d->h[mode];
	*scratch = d->scratch[mode];
	return 0;
}

/* Set the per-code message (replaces an earlier one). */
int dec_message(dec_code *c, int status, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char *m = strdup(buf);
	if (!m)
		return CRASHSIG_ENOMEM;
	free((char *)c->pub.message);
	c->pub.message = m;
	if (status)
		c->pub.status = status;
	return 0;
}

int dec_reg_get(const dec_regs *r, const char *name, uint64_t *v)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcasecmp(r->name[i], name)) {
			*v = r->val[i];
			return 1;
		}
	return 0;
}

const char *dec_reg_name(dec_code *c, unsigned reg)
{
	const char *n = c->cs ? c->cs->reg_name(c->h, reg) : NULL;
	return n ? n : "?";
}
