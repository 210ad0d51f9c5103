/* Disassembly of a dump into an objdump-style listing (decode_disasm.c).
 * Private to src/decode/; used by decode.c. */
#ifndef CRASHSIG_DECODE_DISASM_H
#define CRASHSIG_DECODE_DISASM_H

#include "decode/decode_int.h"

/* Disassemble c->bytes; fills insns/listing or sets status/message.
 * Returns CRASHSIG_ENOMEM or 0. */
int dec_disassemble(crashsig_decoder *d, dec_code *c);

#endif
