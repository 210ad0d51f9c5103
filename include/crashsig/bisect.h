/*
 * libcrashsig: audit a syzbot (syz-ci) bisection log.
 *
 * crashsig_bisect_parse() reads the log syzkaller's pkg/bisect writes while it
 * bisects (the 2019 format without kernel signatures, the 2020 format with
 * "kernel signature:" lines, the 2022+ format with "compiler:",
 * "representative crash:", "ignore:", "infra problem:", "false negative
 * chance:" and "accumulated error probability:" lines, and every ending:
 * culprit with diffstat, inconclusive commit list, "oldest tested release
 * already had the bug", "crash still not fixed"), followed by the final crash
 * report. For every tested commit it recomputes the verdict under the rules
 * syzkaller used when the log was written and under its current rules, says
 * how each crash title relates to the bisected crash (using crashsig's titles
 * and alternative titles), flags the weak points of the bisection and
 * estimates how far the culprit can be trusted.
 *
 * Ownership follows crashsig.h: the crashsig_bisect returned by
 * crashsig_bisect_parse belongs to the caller and is released with
 * crashsig_bisect_free (which accepts NULL); every pointer read from it
 * (steps, titles, strings, the summary) stays valid until then. The parser
 * keeps no pointer into the input buffer. The library never prints.
 */
#ifndef CRASHSIG_BISECT_H
#define CRASHSIG_BISECT_H

#include <stddef.h>

#include "crashsig/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum crashsig_verdict {
	CRASHSIG_VERDICT_NONE = 0, /* not decided (not tested, or not logged) */
	CRASHSIG_VERDICT_GOOD = 1,
	CRASHSIG_VERDICT_BAD = 2,
	CRASHSIG_VERDICT_SKIP = 3,
} crashsig_verdict;

/* "none", "good", "bad", "skip". */
const char *crashsig_verdict_name(crashsig_verdict v);

/* How a title seen in a run relates to the crash being bisected. */
typedef enum crashsig_relation {
	CRASHSIG_REL_SAME = 0,      /* the same title */
	CRASHSIG_REL_ALT = 1,       /* shares an alternative title (same bug) */
	CRASHSIG_REL_SAME_TYPE = 2, /* same kind of crash elsewhere */
	CRASHSIG_REL_UNRELATED = 3, /* another crash */
	CRASHSIG_REL_INFRA = 4,     /* test harness / VM trouble, not a kernel bug */
} crashsig_relation;

/* "same", "alt", "same-type", "unrelated", "infra-like". */
const char *crashsig_relation_name(crashsig_relation r);

/* How one run of the reproducer ended (pkg/bisect processResults). */
typedef enum crashsig_run_status {
	CRASHSIG_RUN_OK = 0,
	CRASHSIG_RUN_CRASHED = 1,
	CRASHSIG_RUN_BOOT_FAILED = 2,
	CRASHSIG_RUN_TEST_FAILED = 3, /* "basic kernel testing failed" */
	CRASHSIG_RUN_INFRA = 4,       /* "infra problem" */
	CRASHSIG_RUN_IGNORED = 5,     /* "ignore": a crash syzkaller did not count */
	CRASHSIG_RUN_FAILED = 6,      /* "failed": other error */
} crashsig_run_status;

/* "OK", "crashed", "boot failed", "basic kernel testing failed",
 * "infra problem", "ignore", "failed". */
const char *crashsig_run_status_name(crashsig_run_status s);

/* One distinct title seen in the runs of a step. */
typedef struct crashsig_bisect_title {
	const char *title;
	crashsig_run_status status; /* how the runs with this title ended */
	unsigned count;             /* runs with this status and title */
	crashsig_relation relation;
} crashsig_bisect_title;

/* Step flags (crashsig_bisect_step.flags). */
#define CRASHSIG_STEP_UNRELATED_ONLY (1u << 0) /* bad without a crash of the bug */
#define CRASHSIG_STEP_TOO_FEW_CRASHES (1u << 1) /* bad on < max(2, (total-infra)/6) */
#define CRASHSIG_STEP_WEAK_GOOD (1u << 2)       /* good on thin evidence */
#define CRASHSIG_STEP_VERDICT_CHANGED (1u << 3) /* current rules decide otherwise */
#define CRASHSIG_STEP_BUILD_FAILED (1u << 4)    /* the kernel did not build */
#define CRASHSIG_STEP_TITLE_DRIFT (1u << 5)     /* bad on another title than the bug's */
#define CRASHSIG_STEP_LOG_MISMATCH (1u << 6)    /* the rules of then disagree with the log */

/* Name of one flag bit ("unrelated-only", "too-few-crashes", "weak-good",
 * "verdict-changed", "build-failed", "title-drift", "log-mismatch"), or NULL. */
const char *crashsig_bisect_step_flag_name(unsigned bit);

typedef struct crashsig_bisect_step {
	unsigned line;         /* 1-based line of "testing commit" in the log */
	const char *commit;    /* full hash */
	const char *subject;   /* commit title from git bisect's "[hash] title", or NULL */
	const char *release;   /* "v5.2" for "testing release", or NULL */
	const char *role;      /* "original", "release", "head", "bisect", "parent", "other" */
	const char *compiler;  /* or NULL */
	const char *signature; /* kernel signature, or NULL (2019 logs) */
	crashsig_verdict logged;   /* what the log says was decided */
	int logged_explicit;       /* 1: from a "# git bisect" line; 0: implied */
	crashsig_verdict then;     /* recomputed under the rules of the log's time */
	crashsig_verdict now;      /* recomputed under syzkaller's current rules */
	/* Run counts. total counts every run ("all runs:" stands for the number
	 * of runs syzkaller made then: 10, or 20 for the first test and flaky
	 * reproducers in 2023+ logs). */
	unsigned total, ok, crashed, boot_failed, test_failed, infra, ignored, failed;
	unsigned bug_crashes;      /* crashed runs whose title is same or alt */
	const crashsig_bisect_title *titles;
	size_t ntitles;
	const char *representative; /* "representative crash:" title, or NULL */
	double false_negative_logged; /* "false negative chance:", or -1 */
	const char *build_error;      /* why the build failed, or NULL */
	unsigned flags;               /* CRASHSIG_STEP_* */
} crashsig_bisect_step;

/* Bisection-wide flags (crashsig_bisect_summary.flags). */
#define CRASHSIG_BISECT_CULPRIT_MERGE (1u << 0)
#define CRASHSIG_BISECT_CULPRIT_RELEASE (1u << 1)
#define CRASHSIG_BISECT_CULPRIT_NOOP (1u << 2)   /* culprit signature == parent's */
#define CRASHSIG_BISECT_PARENT_UNTESTED (1u << 3) /* parent never tested */
#define CRASHSIG_BISECT_TITLE_DRIFT (1u << 4)
#define CRASHSIG_BISECT_VERDICT_CHANGED (1u << 5)
#define CRASHSIG_BISECT_UNRELATED_BAD (1u << 6)
#define CRASHSIG_BISECT_TOO_FEW_CRASHES (1u << 7)
#define CRASHSIG_BISECT_WEAK_GOOD (1u << 8)
#define CRASHSIG_BISECT_DETECTOR (1u << 9)       /* culprit adds the WARN/BUG */
#define CRASHSIG_BISECT_DIFF_ELSEWHERE (1u << 10) /* diffstat misses the guilty dir */
#define CRASHSIG_BISECT_SKIPPED_STEPS (1u << 11)

/* "culprit-merge", "culprit-release", "culprit-noop", "parent-never-tested",
 * "title-drift", "verdict-changed", "unrelated-bad-step", "too-few-crashes",
 * "weak-good-step", "culprit-introduced-detector", "diff-misses-guilty-path",
 * "skipped-steps", or NULL. */
const char *crashsig_bisect_flag_name(unsigned bit);

typedef struct crashsig_bisect_summary {
	const char *format;   /* "2019", "2020", "2022+" */
	const char *kind;     /* "cause" or "fix" */
	/* "culprit", "inconclusive", "oldest-release-had-bug", "not-fixed",
	 * "error", "incomplete" */
	const char *outcome;
	const char *start_commit;
	const char *syzkaller_commit;
	const char *original_title; /* the bisected crash (first test), or NULL */
	const char *original_type;  /* its syzkaller crash type, or "" */
	const char *rules_then;     /* "2019", "2023", "2024": rule set of then */
	int revisions_logged;       /* "revisions tested: N", or -1 */
	const char *culprit;        /* hash, or NULL */
	const char *culprit_subject;
	const char *culprit_signature; /* logged or tested, or NULL */
	const char *parent_signature;  /* "parent  signature:", or NULL */
	const char *parent_commit;     /* from "parent commit X wasn't tested", or NULL */
	/* 1 yes, 0 no, -1 cannot tell (no signatures in the log). */
	int culprit_noop;
	int parent_tested;
	/* Hash of the tested-good step whose kernel signature equals the
	 * parent's (the boundary is proven by a real test), or NULL. */
	const char *boundary_proof;
	const char *const *inconclusive; /* commit list of an inconclusive end */
	size_t ninconclusive;
	const char *const *diffstat;     /* paths named by the culprit's diffstat */
	size_t ndiffstat;
	const char *guilty_file;  /* from the final report's guilty frame, or NULL */
	unsigned guilty_line;     /* its line, 0 if unknown */
	const char *guilty_path;  /* what the diffstat could be matched against */
	/* "file" (diffstat names the guilty file), "directory" (a directory
	 * holding it, e.g. "net/"), "no", "unknown". */
	const char *touches;
	const char *touched_path; /* the diffstat entry that matched, or NULL */
	/* "yes" (the diff in the log adds the firing WARN/BUG), "possible" (no
	 * diff: the commit message speaks of a new warning and the diffstat
	 * touches the warning's file), "no", "unknown". */
	const char *detector;
	double confidence;        /* syzkaller's: prod over good steps 1-(1-p)^good */
	double confidence_titles; /* the same counting only same/alt crashes */
	double logged_error_probability; /* "accumulated error probability", or -1 */
	const char *label;        /* "high", "medium", "low" */
	const char *label_reasons; /* why not high, "; "-separated, or NULL */
	unsigned flags;           /* CRASHSIG_BISECT_* */
	size_t unrecognized;      /* lines the parser could not place */
} crashsig_bisect_summary;

typedef struct crashsig_bisect crashsig_bisect;

typedef struct crashsig_bisect_options {
	unsigned int version; /* CRASHSIG_BISECT_OPTIONS_VERSION */
	unsigned int flags;   /* reserved, 0 */
} crashsig_bisect_options;

#define CRASHSIG_BISECT_OPTIONS_VERSION 1
#define CRASHSIG_BISECT_OPTIONS_INIT {CRASHSIG_BISECT_OPTIONS_VERSION, 0}

/* Parse and audit one bisection log held in data (len bytes, need not be
 * NUL-terminated; any bytes are accepted: this is the fuzzing entry point).
 * ctx supplies the title rules (crashsig_ctx_new without NO_RULES).
 * opts may be NULL. Returns CRASHSIG_OK and *out, CRASHSIG_ENOTFOUND when
 * the input holds no bisection (*out NULL), or another error code. */
int crashsig_bisect_parse(crashsig_ctx *ctx, const void *data, size_t len,
			  const crashsig_bisect_options *opts,
			  crashsig_bisect **out);
void crashsig_bisect_free(crashsig_bisect *b);

/* The same, streamed: the log is fed in pieces of any size and read
 * through the input layer (<crashsig/input.h>: gzip/xz/zstd/bzip2, tar
 * members, every line end), so memory is bounded whatever the input
 * (lines beyond the parser's limits are counted, not kept: at most 1,000
 * unrecognized lines are listed, crashsig_bisect_summary.unrecognized
 * counts them all). crashsig_bisect_parse is new + feed + finish. */
typedef struct crashsig_bisect_reader crashsig_bisect_reader;
int crashsig_bisect_reader_new(crashsig_bisect_reader **out, crashsig_ctx *ctx,
			       const crashsig_bisect_options *opts);
int crashsig_bisect_reader_feed(crashsig_bisect_reader *r, const void *data,
				size_t len);
/* CRASHSIG_OK and *out (the caller's), CRASHSIG_ENOTFOUND when the input
 * held no bisection, CRASHSIG_EFORMAT for corrupt compressed input. */
int crashsig_bisect_reader_finish(crashsig_bisect_reader *r,
				  crashsig_bisect **out);
void crashsig_bisect_reader_free(crashsig_bisect_reader *r);

size_t crashsig_bisect_step_count(const crashsig_bisect *b);
const crashsig_bisect_step *crashsig_bisect_step_get(const crashsig_bisect *b,
						     size_t i);
const crashsig_bisect_summary *crashsig_bisect_summary_get(const crashsig_bisect *b);
/* The i-th line the parser could not place: its text, and its 1-based line
 * number in *lineno (may be NULL). NULL when i is out of range. */
const char *crashsig_bisect_unrecognized(const crashsig_bisect *b, size_t i,
					 unsigned *lineno);

typedef enum crashsig_bisect_format {
	CRASHSIG_BISECT_TEXT = 0, /* one line per step and a summary */
	CRASHSIG_BISECT_JSON = 1, /* one JSON object and a newline */
} crashsig_bisect_format;

/* Render the audit. name is the file name shown (may be NULL). *out (NUL
 * terminated, *len bytes without the NUL) belongs to the caller: free(). */
int crashsig_bisect_render(const crashsig_bisect *b, crashsig_bisect_format fmt,
			   const char *name, char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
