/* The pieces every decode file shares: capstone handles, per-code
 * messages, register values of the dump and capstone register names. The
 * bottom of src/decode/ (see decode_int.h). */
#include "decode/decode_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Open (once) the capstone handle for a mode. Returns 0 or < 0. */
int dec_handle(crashsig_decoder *d, int mode, csh *h, cs_insn **scratch)
{
	if (mode < 0 || mode >= DEC_MODE_COUNT)
		return CRASHSIG_EUNSUPPORTED;
	if (d->failed[mode])
		return CRASHSIG_EUNSUPPORTED;
	if (!d->opened[mode]) {
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
		if (cs_open(a, m, &d->h[mode]) != CS_ERR_OK) {
			d->failed[mode] = 1;
			return CRASHSIG_EUNSUPPORTED;
		}
		if (a == CS_ARCH_X86)
			cs_option(d->h[mode], CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
		cs_option(d->h[mode], CS_OPT_DETAIL, CS_OPT_ON);
		d->scratch[mode] = cs_malloc(d->h[mode]);
		if (!d->scratch[mode]) {
			cs_close(&d->h[mode]);
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
	const char *n = cs_reg_name(c->h, reg);
	return n ? n : "?";
}
