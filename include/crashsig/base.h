/*
 * libcrashsig base: errors, the context, the version. Included by every
 * capability header; <crashsig/crashsig.h> includes them all.
 *
 * Ownership rules (apply to the whole API):
 *  - An object returned through an `out` pointer by a *_new / *_next /
 *    *_parse function belongs to the caller and is released with the matching
 *    *_free function. Every *_free function accepts NULL.
 *  - A `const char *` or `const struct *` returned by an accessor belongs to
 *    the object it was read from and stays valid until that object is freed.
 *  - The library never prints and never exits. Functions return
 *    CRASHSIG_OK (0) or a negative crashsig_error code; the message of the last
 *    failure on a context is available with crashsig_error_last().
 *  - There is no global mutable state. A context and everything created from
 *    it may be used from one thread at a time; distinct contexts are
 *    independent.
 */
#ifndef CRASHSIG_BASE_H
#define CRASHSIG_BASE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRASHSIG_VERSION "0.1.0"

typedef enum crashsig_error {
	CRASHSIG_OK = 0,
	CRASHSIG_ENOMEM = -1,  /* allocation failed */
	CRASHSIG_EINVAL = -2,  /* bad argument */
	CRASHSIG_EIO = -3,     /* reading a file failed */
	CRASHSIG_ERULES = -4,  /* a rules file is malformed */
	CRASHSIG_EFORMAT = -5, /* input is not in the expected format */
	CRASHSIG_ENOTFOUND = -6,
	CRASHSIG_EUNSUPPORTED = -7,
} crashsig_error;

/* ------------------------------------------------------------------ */
/* Context                                                             */
/* ------------------------------------------------------------------ */

typedef struct crashsig_ctx crashsig_ctx;

typedef struct crashsig_options {
	unsigned int version; /* CRASHSIG_OPTIONS_VERSION */
	/* Directory holding *.rules files that replace the built-in rules.
	 * NULL: use the rules compiled into the library. */
	const char *rules_dir;
	/* Lines longer than this are cut (the rest of the line is dropped).
	 * 0 selects the default (64 KiB). */
	size_t max_line;
	/* A crash block is closed after this many lines. 0: default (1000). */
	size_t max_report_lines;
	/* CRASHSIG_CTX_* flags. */
	unsigned int flags;
} crashsig_options;

/* The context is used only for symbolization or decoding: the rules are not
 * loaded (about 1.3 M instructions; the built-in rules' regexes are only
 * decoded or compiled when first matched in any case), and
 * crashsig_parser_new() fails on it. */
#define CRASHSIG_CTX_NO_RULES 1u

#define CRASHSIG_OPTIONS_VERSION 1
#define CRASHSIG_OPTIONS_INIT {CRASHSIG_OPTIONS_VERSION, NULL, 0, 0, 0}

/* Create a context. On failure *out is NULL; if a context could be allocated
 * but the rules failed to load, the error text is copied into errbuf (may be
 * NULL) of size errlen. */
int crashsig_ctx_new(crashsig_ctx **out, const crashsig_options *opts,
		     char *errbuf, size_t errlen);
void crashsig_ctx_free(crashsig_ctx *ctx);

/* Message describing the last error on ctx, or "" when there was none. */
const char *crashsig_error_last(const crashsig_ctx *ctx);

/* Warnings recorded on ctx while it worked, oldest first; each problem is
 * recorded once. Today: a rule whose regex hit the PCRE2 match, depth or
 * heap limit (the match counted as no match), as "FILE:LINE: regex hit the
 * PCRE2 match limit; treated as no match". Owned by ctx. */
size_t crashsig_warning_count(const crashsig_ctx *ctx);
const char *crashsig_warning(const crashsig_ctx *ctx, size_t i);

/* The version string of the library. */
const char *crashsig_version(void);

#ifdef __cplusplus
}
#endif

#endif
