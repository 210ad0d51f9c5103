/* Explanation of the trapping instruction (decode_explain.c). Private to
 * src/decode/; used by decode.c. */
#ifndef CRASHSIG_DECODE_EXPLAIN_H
#define CRASHSIG_DECODE_EXPLAIN_H

#include "decode/decode_int.h"

/* Fill trap_kind/explanation/address. Returns CRASHSIG_ENOMEM or 0. */
int dec_explain(dec_code *c);

#endif
