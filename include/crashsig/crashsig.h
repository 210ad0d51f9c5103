/*
 * libcrashsig: turn Linux kernel console output into crash signatures.
 *
 * The umbrella header: includes the header of every capability.
 *   <crashsig/base.h>       errors, the context, the version (ownership rules)
 *   <crashsig/classify.h>   crash blocks, frames and stacks, titles, parser
 *   <crashsig/symbolize.h>  frames to function, file:line, inline chain (libdw)
 *   <crashsig/decode.h>     Code: bytes disassembled and explained (capstone)
 *   <crashsig/validate.h>   titles against a kernel build, guilty file,
 *                           MAINTAINERS
 *   <crashsig/bisect.h>     syz-ci bisection logs audited
 *   <crashsig/dedup.h>      crashes grouped into bugs in a bug store (SQLite, PostgreSQL)
 */
#ifndef CRASHSIG_CRASHSIG_H
#define CRASHSIG_CRASHSIG_H

#include "crashsig/base.h"
#include "crashsig/classify.h"
#include "crashsig/symbolize.h"
#include "crashsig/decode.h"
#include "crashsig/validate.h"
#include "crashsig/bisect.h"
#include "crashsig/dedup.h"

#endif
