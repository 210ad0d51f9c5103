/*
 * libcrashsig dedup: group crashes into bugs, in a bug store that several
 * processes (or a fleet of machines) can share.
 *
 * A bug store is a database: SQLite (a file, created on first use) or
 * PostgreSQL (through libpq.so.5, loaded with dlopen() when a PostgreSQL URL
 * is opened: the library does not link it). Both hold the same schema and go
 * through the same code. A crash joins a bug by three keys:
 *
 *  1. syzbot-exact: its title and alternative titles, with the rules of
 *     syzbot's dashboard (google/syzkaller dashboard/app/api.go,
 *     findBugForCrash): a title the bug has merged before, the bug's title,
 *     then the bug's alternative titles; a closed (fixed, invalid) bug never
 *     attracts new crashes, and the next one opens "title (2)". Corrupted
 *     reports gather in one "corrupted report" bug, suppressed ones in one
 *     "suppressed report" bug.
 *  2. a stack signature: the first frames of the stack that names the crash
 *     (reported for every bug; see crashsig_signature_*()).
 *  3. a similarity over frame sequences: a new bug is reported "similar to
 *     bug N" with the distance; it joins bug N only with
 *     CRASHSIG_STORE_MERGE_SIMILAR.
 *
 * Ownership follows crashsig/base.h: objects returned through `out` pointers
 * belong to the caller and are released with the matching *_free function
 * (which accepts NULL). The store never prints and never exits; failures
 * return a negative crashsig_error and crashsig_store_error() tells why.
 * A store object may be used from one thread at a time; separate store
 * objects (in one process or many) may write to one database at once.
 */
#ifndef CRASHSIG_DEDUP_H
#define CRASHSIG_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "crashsig/base.h"
#include "crashsig/classify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Extra error code of the store: the database refused an operation. */
#define CRASHSIG_EDB (-20)

/* ------------------------------------------------------------------ */
/* Stack signatures and similarity                                     */
/* ------------------------------------------------------------------ */

/* Frames kept in a signature (ABRT keeps 6 for its duphash). */
#define CRASHSIG_SIGNATURE_FRAMES 6

typedef struct crashsig_signature {
	/* Frame names, '\0'-separated in one buffer owned by the signature. */
	const char *const *frames;
	size_t nframes;
	/* The same with inline frames, when the report carries them (a
	 * symbolized report); otherwise equal to frames/nframes. */
	const char *const *inline_frames;
	size_t ninline_frames;
	/* Index in crashsig_report_stack() of the stack the frames come from,
	 * or (size_t)-1 when the report has no usable stack. */
	size_t stack;
	/* Nonzero when the crash is of a kind that says nothing about a stack:
	 * lost connection, no output, executor failure, boot error, ... */
	int no_stack_kind;
	/* "f1 f2 f3 ..." (space separated), the key stored with a bug. Before
	 * the frames come markers: "@alloc" for a memory leak (an allocation
	 * stack) and "@hang" for a hang, stall or locking report (keys are
	 * only compared with keys of the same marker), "=" with the base name
	 * of the source file of a failed assertion ("=slub.c" for "kernel BUG
	 * at mm/slub.c:435!"; keys of two different files are never similar;
	 * the rules' assert-site table), and "#" with the title's kind (the
	 * title before " in ", spaces as '_'). */
	const char *key;
	const char *inline_key;
} crashsig_signature;

/* Compute the stack signature of a report. *out belongs to the caller. */
int crashsig_signature_new(crashsig_signature **out, crashsig_ctx *ctx,
			   const crashsig_report *r);
void crashsig_signature_free(crashsig_signature *sig);

/* Is a frame name generic (library helper, list debugging, allocator,
 * locking, reporting machinery): one that says nothing about which bug it
 * is? Similarity never merges through such frames. The names are data: the
 * `generic` table of the context's rules (rules/90-dedup.rules in the
 * built-in rules). Returns 1 (generic; also an empty name), 0 (not), or
 * CRASHSIG_EINVAL when ctx is NULL or has no rules. */
int crashsig_frame_is_generic(crashsig_ctx *ctx, const char *func);

/* Normalized Damerau-Levenshtein distance (optimal string alignment) between
 * two frame sequences: edits / max(len a, len b), in [0, 1]. Two empty
 * sequences are at distance 1 (nothing to compare). */
double crashsig_frames_distance(const char *const *a, size_t na,
				const char *const *b, size_t nb);

/* Distance used by the store: as crashsig_frames_distance(), over the
 * space-separated keys, after generic frames (by the rules of ctx; ctx NULL
 * or without rules: none) are dropped from both; 1.0 when either side is
 * left with fewer than 2 frames, when the keys' markers differ, or when
 * they do not start at the same function. */
double crashsig_signature_distance(crashsig_ctx *ctx, const char *key_a,
				   const char *key_b);

/* Default similarity threshold (chosen from the corpus; see README). */
#define CRASHSIG_SIMILARITY_THRESHOLD 0.2

/* ------------------------------------------------------------------ */
/* Bug store                                                           */
/* ------------------------------------------------------------------ */

typedef struct crashsig_store crashsig_store;

typedef enum crashsig_bug_status {
	CRASHSIG_BUG_OPEN = 0,
	CRASHSIG_BUG_FIXED = 1,
	CRASHSIG_BUG_CLOSED = 2, /* invalid / won't fix: closed for good */
} crashsig_bug_status;

/* Join a new bug into a similar one (distance <= threshold). */
#define CRASHSIG_STORE_MERGE_SIMILAR 1u
/* Open the store read-only-ish: never create the database file. */
#define CRASHSIG_STORE_NO_CREATE 2u

typedef struct crashsig_store_options {
	unsigned int version; /* CRASHSIG_STORE_OPTIONS_VERSION */
	unsigned int flags;   /* CRASHSIG_STORE_* */
	/* Similarity threshold; 0 selects CRASHSIG_SIMILARITY_THRESHOLD. */
	double similarity_threshold;
	/* How long a writer waits for another one, in ms; 0: 60000. */
	unsigned int busy_timeout_ms;
	/* Crashes added per transaction. 0 or 1: every add commits at once.
	 * Larger batches are much faster; crashsig_store_flush() (and
	 * crashsig_store_free()) commit a partial batch. */
	unsigned int batch;
	/* (version 2) The context whose rules give the generic frames that
	 * similarity ignores (their `generic` table). Borrowed: it must
	 * outlive the store, and be used by the store's thread only. NULL (or
	 * a context without rules): the store loads the built-in rules the
	 * first time it compares signatures. */
	crashsig_ctx *ctx;
} crashsig_store_options;

#define CRASHSIG_STORE_OPTIONS_VERSION 2
#define CRASHSIG_STORE_OPTIONS_INIT {CRASHSIG_STORE_OPTIONS_VERSION, 0, 0, 0, 0, NULL}

/* Open (and create, or migrate to the current schema) a bug store.
 * url: "sqlite:PATH", a plain PATH (SQLite), or "postgresql://..." /
 * "postgres://..." (a libpq connection URI; libpq.so.5 is loaded then, and
 * its absence is CRASHSIG_EUNSUPPORTED with a message saying so). opts may
 * be NULL.
 * On failure *out may still be set (so that crashsig_store_error() can tell
 * why) and must be released with crashsig_store_free(). */
int crashsig_store_open(crashsig_store **out, const char *url,
			const crashsig_store_options *opts);
/* Commit pending work and close. Accepts NULL. */
void crashsig_store_free(crashsig_store *s);
/* Message of the last failure, or "". */
const char *crashsig_store_error(const crashsig_store *s);
/* "sqlite" or "postgresql". */
const char *crashsig_store_backend(const crashsig_store *s);
/* Schema version of the open database. */
int crashsig_store_schema_version(const crashsig_store *s);
/* Commit the current batch. */
int crashsig_store_flush(crashsig_store *s);

/* A crash to add, when it does not come from a crashsig_report (or to
 * override what the report says). */
typedef struct crashsig_crash {
	unsigned int version; /* CRASHSIG_CRASH_VERSION */
	const char *title;
	const char *const *alt_titles;
	size_t nalt_titles;
	int corrupted;
	int suppressed;
	/* Stack signature key ("f1 f2 ..."), or NULL. */
	const char *signature;
	/* Crash time, seconds since the epoch; 0: now. */
	int64_t time;
	/* Where the crash came from (file name), or NULL. */
	const char *source;
	/* The report text, kept as the bug's representative report, or NULL. */
	const char *report;
	size_t report_len;
	/* Nonzero: the crash is of a kind that never merges by similarity. */
	int no_stack_kind;
} crashsig_crash;

#define CRASHSIG_CRASH_VERSION 1
#define CRASHSIG_CRASH_INIT {CRASHSIG_CRASH_VERSION, NULL, NULL, 0, 0, 0, NULL, 0, NULL, NULL, 0, 0}

/* What happened to one added crash. */
typedef struct crashsig_add_result {
	int64_t bug_id;
	int new_bug;         /* the crash opened a new bug */
	int merged_similar;  /* it joined a similar bug (--merge-similar) */
	int64_t similar_to;  /* a new bug's most similar other bug, or 0 */
	double distance;     /* its distance */
} crashsig_add_result;

/* Add one crash. */
int crashsig_store_add(crashsig_store *s, const crashsig_crash *c,
		       crashsig_add_result *res);

/* Add a crash report found by the parser: its title, alternative titles,
 * corrupted/suppressed flags, stack signature and text. A symbolized report
 * also carries the titles it gets without its symbolization ([inline] frames
 * and file:line) as alternative titles, so that a report and its symbolized
 * copy join the same bug. ctx is the context the report was parsed with.
 * time (seconds since the epoch, 0: now) and source may be 0/NULL. */
int crashsig_store_add_report(crashsig_store *s, crashsig_ctx *ctx,
			      const crashsig_report *r, int64_t time,
			      const char *source, crashsig_add_result *res);

typedef struct crashsig_bug {
	int64_t id;
	const char *title;       /* as shown: "title" or "title (N)" */
	const char *base_title;  /* without the " (N)" */
	int seq;                 /* 0 for the first bug of a title */
	crashsig_bug_status status;
	int64_t count;
	int64_t first_seen, last_seen; /* seconds since the epoch */
	/* Titles of crashes that joined it, other than its own title
	 * (syzbot's MergedTitles). */
	const char *const *merged_titles;
	size_t nmerged_titles;
	/* All alternative titles (syzbot's AltTitles), its title first. */
	const char *const *alt_titles;
	size_t nalt_titles;
	const char *signature;  /* of its first crash, or NULL */
	const char *report;     /* representative report, or NULL */
	size_t report_len;
	const char *report_source;
	int64_t similar_to;     /* most similar other bug at creation, or 0 */
	double similar_distance;
} crashsig_bug;

/* The open bug a crash with these titles would join (findBugForCrash),
 * without adding anything. Returns CRASHSIG_ENOTFOUND when none. */
int crashsig_store_lookup(crashsig_store *s, const char *title,
			  const char *const *alt_titles, size_t nalt_titles,
			  crashsig_bug **out);
/* One bug by id. CRASHSIG_ENOTFOUND when there is none. */
int crashsig_store_get(crashsig_store *s, int64_t id, crashsig_bug **out);
/* Every bug, by id. *out is an array of *count bugs. */
int crashsig_store_list(crashsig_store *s, crashsig_bug ***out, size_t *count);
/* Mark a bug fixed, closed or open again. */
int crashsig_store_set_status(crashsig_store *s, int64_t id,
			      crashsig_bug_status status);
void crashsig_bug_free(crashsig_bug *b);
void crashsig_bugs_free(crashsig_bug **bugs, size_t count);

/* Titles of corrupted and suppressed reports' bugs. */
#define CRASHSIG_CORRUPTED_TITLE "corrupted report"
#define CRASHSIG_SUPPRESSED_TITLE "suppressed report"

#ifdef __cplusplus
}
#endif

#endif
