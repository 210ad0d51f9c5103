/* Per-architecture rewriting of capstone's text into objdump's spelling
 * (decode_x86.c, decode_arm.c); used by the listing in decode_disasm.c.
 * Private to src/decode/. mn: 160 bytes; ops: cap bytes. */
#ifndef CRASHSIG_DECODE_NORM_H
#define CRASHSIG_DECODE_NORM_H

#include "decode/decode_int.h"

/* decode_x86.c */
/* Prefix names objdump prints for a lone prefix byte; NULL if b is none. */
const char *x86_prefix_name(uint8_t b, int mode64, char *buf, size_t n);
void x86_normalize(const cs_insn *in, int mode64, char *mn, char *ops, size_t cap);

/* decode_arm.c */
void arm64_normalize(const cs_insn *in, char *mn, char *ops, size_t cap);
void arm_normalize(const cs_insn *in, int thumb, char *mn, char *ops, size_t cap);
/* Immediates "#0x.." to decimal where objdump prints decimal. */
void arm_imm_decimal(char *ops, size_t cap);

#endif
