/* Reports: a classified crash block (title, type, flags, frames). */
#ifndef CRASHSIG_REPORT_H
#define CRASHSIG_REPORT_H

#include <stdint.h>

#include "crashsig/classify.h"
#include "classify/rules.h"
#include "base/util.h"

#define CS_MAX_ABSORBED 8

/* A crash block as cut out of the log by the extractor. */
typedef struct cs_block {
	const cs_crash *crash; /* kind whose start marker opened the block */
	size_t header_col;     /* column of the start marker in line 0 */
	cs_buf text;           /* normalized lines, each ending in '\n' */
	size_t *lines;         /* start offset of each line in text */
	size_t nlines, cap_lines;
	uint64_t start, end;   /* byte range in the input */
	char caller[16];
	int panicked;
	int suppressed;        /* a suppression line in its run (extract.c) */
	int only_starts;       /* every line so far was a start line */
	const cs_crash *last_start; /* kind of the last line if it was a start */
	size_t seen;           /* lines seen since the block opened */
	int ctx_ts;            /* the header had a timestamp (its context) */
	double last_ts;        /* timestamp of its latest own line */
	int has_last_ts;       /* ...after the header (a header may be stale) */
	int cpu_traceback;     /* "Sending NMI from CPU": backtraces of other CPUs follow */
	int end_marker;        /* "---[ end trace": the oops was printed to its end */
	size_t ninline;        /* "[inline]" lines (symbolization added them), counted without prefixes */
	crashsig_time time;    /* of the header line */
	crashsig_origin origin; /* of the header line */
	int open;              /* the extractor's slot is in use */
	uint64_t seq;          /* order in which blocks were opened */
	/* kinds whose start lines this block absorbed (see "absorbs") */
	const cs_crash *absorbed_kinds[CS_MAX_ABSORBED];
	size_t nabsorbed;
} cs_block;

struct crashsig_report {
	char *title;
	char **alts;
	size_t nalts;
	char *type;
	char *corrupted_reason; /* NULL: not corrupted */
	int suppressed;
	int panicked;
	char *frame;
	char *executor;
	const char *kind; /* borrowed from the rules (ctx outlives reports) */
	const char *rule; /* borrowed likewise: "file:line" of the title format */
	uint64_t start, end;
	char *text;
	size_t text_len;
	crashsig_stack *stacks; /* parsed on first use, see ensure_stacks */
	size_t nstacks;
	int stacks_done;
	crashsig_frame *frames; /* storage for all stacks */
	char *strings;          /* storage for frame strings */
	crashsig_time time;     /* of its first line; a mail's Date: without one */
	crashsig_origin origin;
	crashsig_document *doc; /* the document it was found in (owned copy), or NULL */
	int quoted;             /* found in quoted mail text */
	char *log;              /* crashsig_report_log, or NULL */
	size_t log_len;
};

/* Classify a block. *out owned by the caller; NULL when the block is no
 * crash after all (a "strict" kind whose formats all failed). */
int cs_report_build(crashsig_ctx *ctx, const cs_block *b, crashsig_report **out);

/* Free the buffers report building keeps in a context (crashsig_ctx.build);
 * NULL is fine. */
struct cs_build_scratch;
void cs_build_scratch_free(struct cs_build_scratch *S);

/* Is line l ("<IRQ>", "<NMI>", " <TASK>", ...) a stack context marker? */
int cs_is_stack_marker(const char *l, size_t len);

/* Title post-processing exposed for tests. */
int cs_title_sanitize(const cs_rules *r, const char *in, cs_buf *out);
/* Function name as used in titles: compiler suffixes stripped and syscall
 * wrappers normalized. */
int cs_title_func(const cs_rules *r, const char *func, cs_buf *out);

#endif
