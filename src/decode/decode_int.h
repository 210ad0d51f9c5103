/* Internal structures of src/decode/ and the shared pieces every decode
 * file uses (decode_core.c). Not installed. Layering, each file using only
 * those below it:
 *   decode.c          parsing dumps, architecture inference, register dump
 *     decode_explain.c  the trapping instruction explained
 *     decode_disasm.c   listing (objdump layout)
 *       decode_x86.c, decode_arm.c  per-architecture spelling (decode_norm.h)
 *         decode_core.c  capstone (loaded with dlopen), handles, messages,
 *                        register access */
#ifndef CRASHSIG_DECODE_INT_H
#define CRASHSIG_DECODE_INT_H

#include <stdarg.h>
#include <stdint.h>

/* capstone's "cs_err" enum clashes with util.h's cs_err struct: rename
 * capstone's for this translation unit. Include this header first. */
#define cs_err cs_capstone_err
#include <capstone/capstone.h>
#undef cs_err

#include "crashsig/decode.h"
#include "base/ctx.h"
#include "base/util.h"

enum {
	DEC_X86_64,
	DEC_X86_32,
	DEC_ARM64,
	DEC_ARM,
	DEC_THUMB,
	DEC_PPC,
	DEC_S390,
	DEC_MODE_COUNT
};

/* capstone's functions: the library is loaded with dlopen when a decoder
 * first disassembles (it relocates 77,000 pointers at load time, 1.8 ms
 * and 375 page faults: every other command would pay them). */
typedef struct dec_capstone {
	void *dl; /* dlopen handle, NULL until loaded */
	cs_capstone_err (*open)(cs_arch, cs_mode, csh *);
	cs_capstone_err (*option)(csh, cs_opt_type, size_t);
	cs_insn *(*malloc_insn)(csh);
	void (*free_insn)(cs_insn *, size_t);
	cs_capstone_err (*close)(csh *);
	bool (*disasm_iter)(csh, const uint8_t **, size_t *, uint64_t *, cs_insn *);
	const char *(*reg_name)(csh, unsigned int);
} dec_capstone;

struct crashsig_decoder {
	crashsig_ctx *ctx; /* borrowed, may be NULL */
	dec_capstone cs;   /* loaded on first use */
	int cs_failed;     /* capstone could not be loaded: cs_error says why */
	char cs_error[256];
	csh h[DEC_MODE_COUNT];
	cs_insn *scratch[DEC_MODE_COUNT]; /* owned, from cs_malloc */
	unsigned char opened[DEC_MODE_COUNT];
	unsigned char failed[DEC_MODE_COUNT];
};

#define DEC_MAXREGS 96
#define DEC_REGNAME 12

/* Register values of the report a dump belongs to (lower-case names). */
typedef struct dec_regs {
	size_t n;
	char name[DEC_MAXREGS][DEC_REGNAME];
	uint64_t val[DEC_MAXREGS];
} dec_regs;

/* A dump being built; pub is what the API returns. */
typedef struct dec_code {
	crashsig_code pub;
	uint8_t *bytes;        /* owned */
	crashsig_insn *insns;  /* owned, each string owned */
	size_t cap;
	dec_regs regs;
	/* copy of capstone's detail for the trapping instruction */
	int have_trap_detail;
	int trap_mode;
	csh h; /* handle the dump was decoded with (owned by the decoder) */
	const dec_capstone *cs; /* the decoder's capstone functions */
	unsigned trap_id;
	cs_detail trap_detail;
	uint64_t trap_insn_end; /* listing address after the insn */
} dec_code;

struct crashsig_decoded {
	dec_code *codes; /* owned */
	size_t count, cap;
	int hang; /* stall / lockup / hung task report */
};

typedef struct dec_line {
	const char *s; /* into the caller's text, prefix stripped */
	size_t n;
} dec_line;

/* decode_core.c: the pieces every decode file shares. */
/* Open (once) the capstone handle for a mode, loading capstone first.
 * Returns 0 or < 0 (CRASHSIG_EUNSUPPORTED: d->cs_error says why when
 * capstone itself could not be loaded). */
int dec_handle(crashsig_decoder *d, int mode, csh *h, cs_insn **scratch);
/* Close the handles and unload capstone. */
void dec_capstone_close(crashsig_decoder *d);
/* Set the per-code message (replaces an earlier one). */
int dec_message(dec_code *c, int status, const char *fmt, ...) CS_PRINTF(3, 4);
/* Value of register name (case-insensitive) in r: 1 found, 0 not. */
int dec_reg_get(const dec_regs *r, const char *name, uint64_t *v);
/* Register name of a capstone register for the dump ("rax", "x19"...). */
const char *dec_reg_name(dec_code *c, unsigned reg);

#endif
