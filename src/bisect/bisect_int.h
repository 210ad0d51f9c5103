/* Bisection log audit: internal model shared by parse.c, audit.c, render.c. */
#ifndef CRASHSIG_BISECT_INT_H
#define CRASHSIG_BISECT_INT_H

#include <stddef.h>

#include "crashsig/bisect.h"
#include "base/util.h"

/* A step as parsed. pub is what the API hands out; the rest is working
 * state of the parser and the audit. */
typedef struct bs_step {
	crashsig_bisect_step pub;
	crashsig_bisect_title *titles; /* owned array; title strings in the pool */
	size_t ntitles, cap_titles;
	int all_runs;        /* the runs came as "all runs: V" */
	crashsig_run_status all_status; /* status of "all runs" */
	const char *all_title;          /* its title (pool), or NULL */
	unsigned run_lines;  /* "run #N" lines seen */
	int has_runs;        /* any run result line */
	int build_only;      /* a build without tests (parent signature) */
	size_t pending_from; /* index in b->unrec of the first unplaced line */
	int pending_valid;
} bs_step;

struct crashsig_bisect {
	bs_step *steps;
	size_t nsteps, cap_steps;
	crashsig_bisect_summary sum;
	/* every string handed out lives here */
	char **pool;
	size_t npool, cap_pool;
	/* unrecognized lines */
	struct bs_unrec {
		const char *text;
		unsigned line;
	} *unrec;
	size_t nunrec, cap_unrec;
	size_t unrec_total;     /* all of them; the first BS_MAX_UNREC are kept */
	const char **inconcl;
	size_t ninconcl, cap_inconcl;
	const char **diffstat;
	size_t ndiffstat, cap_diffstat;
	/* culprit commit block */
	int culprit_merge_line; /* "Merge:" seen in the culprit's git header */
	cs_buf message;         /* commit message lines of the culprit */
	cs_buf added;           /* "+" lines of a diff in the log, "file\tline\n" */
	int has_diff;
	cs_buf report;          /* the final crash report text */
	const char *final_title;
	int seen_bisection;     /* any line that only a bisection log has */
	/* format markers */
	int has_signature, has_modern_format, has_modern_rules;
	const char *good_start; /* the good commit of "# git bisect start" */
	long start_date;        /* YYYYMMDD of "starts bisection", or 0 */
};

/* Copy s (n bytes) into b's pool; NULL on ENOMEM. */
const char *bs_strndup(crashsig_bisect *b, const char *s, size_t n);
const char *bs_strdup(crashsig_bisect *b, const char *s);

/* Memory is bounded whatever the input (a log is some KB; garbage may be
 * gigabytes): lines beyond these limits are counted, not kept. */
#define BS_MAX_UNREC 1000          /* unrecognized lines kept */
#define BS_MAX_LIST 4096           /* inconclusive commits, diffstat paths */
#define BS_MAX_TEXT (4u << 20)     /* the final report, the culprit's diff */
#define BS_MAX_MESSAGE (1u << 20)  /* the culprit's commit message */
#define BS_MAX_STEPS 65536
#define BS_MAX_LINE 4096           /* a line is cut there */

/* parse.c: fill b from the log, line by line (no line end). */
typedef struct bs_parser bs_parser;
bs_parser *bs_parser_new(crashsig_bisect *b);
int bs_parser_line(bs_parser *p, const char *data, size_t len);
void bs_parser_free(bs_parser *p);
/* audit.c: verdicts, relations, flags, confidence. */
int bs_audit(crashsig_bisect *b, crashsig_ctx *ctx);

#endif
