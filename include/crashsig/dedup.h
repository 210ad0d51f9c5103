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
 * The store is also a crash record: every crash has a stable id (a client's
 * own, or one derived from its source, position and text), so that reading
 * the same log, mail or mbox again adds nothing; it keeps its time (from
 * the log when the log has one), machine, source, kernel release, build id,
 * arch, hardware, taint, report and a compressed excerpt of the log, with a
 * retention policy for the texts that never lowers a count. Bugs and
 * crashes can be queried (filters, sorts, per-day / per-machine counts)
 * and bugs have a life cycle (open, fixed, invalid, duplicate) whose every
 * change is recorded.
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

/* The state of a bug (its life cycle). Every change is recorded with its
 * time and reason (crashsig_store_bug_events()). */
typedef enum crashsig_bug_status {
	CRASHSIG_BUG_OPEN = 0,
	CRASHSIG_BUG_FIXED = 1,   /* never attracts crashes again: the next one
				   * with its title opens "title (2)" */
	CRASHSIG_BUG_INVALID = 2, /* invalid / won't fix: closed for good */
	CRASHSIG_BUG_DUP = 3,     /* a duplicate of bug dup_of, merged into it */
} crashsig_bug_status;
/* The name used before schema version 3. */
#define CRASHSIG_BUG_CLOSED CRASHSIG_BUG_INVALID

/* "open", "fixed", "invalid", "dup"; NULL for an unknown value. */
const char *crashsig_bug_status_name(crashsig_bug_status status);
/* Parse those names ("closed" too, for invalid). CRASHSIG_EINVAL if none. */
int crashsig_bug_status_parse(const char *name, crashsig_bug_status *out);

/* Join a new bug into a similar one (distance <= threshold). */
#define CRASHSIG_STORE_MERGE_SIMILAR 1u
/* Never create anything: the database (SQLite file) and the store's tables
 * must exist, else crashsig_store_open() fails with CRASHSIG_ENOTFOUND
 * ("no crashsig store at ..."). Read-only front ends use it. An older
 * schema is still migrated forward. */
#define CRASHSIG_STORE_NO_CREATE 2u

/* Retention: every crash is counted and listed for good (its row in the
 * store: id, bug, time, machine, source, release, arch, title, ...; about
 * 200 bytes), but its report and log excerpt -- the bulk -- are kept only
 * for the first keep_per_bug crashes of each bug and then for a sample:
 * the last crash received (until a newer one arrives), the first crash of
 * each kernel release, of each machine and of each title in the bug, and
 * every keep_every-th crash. Dropping them never changes a count. */
#define CRASHSIG_KEEP_PER_BUG 40          /* syzbot's maxCrashes */
#define CRASHSIG_KEEP_EVERY 100
#define CRASHSIG_KEEP_ALL 0xffffffffu     /* keep_per_bug: never drop */
/* Bytes of log excerpt kept with a crash (before compression); a longer
 * excerpt loses its beginning, at a line start. */
#define CRASHSIG_LOG_EXCERPT_MAX (64u * 1024u)
/* Bytes of report text kept with a crash (before compression). */
#define CRASHSIG_REPORT_MAX (1024u * 1024u)

typedef struct crashsig_store_options {
	unsigned int version; /* CRASHSIG_STORE_OPTIONS_VERSION */
	unsigned int flags;   /* CRASHSIG_STORE_* */
	/* Similarity threshold in (0, 1]; 0 selects
	 * CRASHSIG_SIMILARITY_THRESHOLD. Anything else (NaN, < 0, > 1) is
	 * refused. */
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
	/* (version 3) Retention (see above); 0 selects the default. */
	unsigned int keep_per_bug; /* CRASHSIG_KEEP_PER_BUG; CRASHSIG_KEEP_ALL */
	unsigned int keep_every;   /* CRASHSIG_KEEP_EVERY */
	size_t log_max;            /* CRASHSIG_LOG_EXCERPT_MAX */
} crashsig_store_options;

#define CRASHSIG_STORE_OPTIONS_VERSION 3
#define CRASHSIG_STORE_OPTIONS_INIT \
	{CRASHSIG_STORE_OPTIONS_VERSION, 0, 0, 0, 0, NULL, 0, 0, 0}

/* Open (and create, or migrate to the current schema) a bug store.
 * url: "sqlite:PATH", a plain PATH (SQLite), or "postgresql://..." /
 * "postgres://..." (a libpq connection URI; libpq.so.5 is loaded then, and
 * its absence is CRASHSIG_EUNSUPPORTED with a message saying so). opts may
 * be NULL.
 * The schema carries a version and migrates forward on open; a store of a
 * newer schema, or one whose version is not one crashsig wrote (0,
 * negative, not a number), is refused with CRASHSIG_EUNSUPPORTED.
 * On failure *out may still be set (so that crashsig_store_error() can tell
 * why) and must be released with crashsig_store_free(). Error messages name
 * the database as crashsig_store_url_redact() shows it: never a password. */
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
/* The schema version this library writes. */
#define CRASHSIG_STORE_SCHEMA_VERSION 4
/* Commit the current batch. */
int crashsig_store_flush(crashsig_store *s);
/* Drop the current batch instead: every crash added since the last commit
 * is forgotten, as if never added (its id is not known, its counts are not
 * counted). A front end that acknowledges whole requests (crashsig serve)
 * adds a request's crashes in one batch, then flushes or rolls back. A
 * store without a pending batch is left as it is. */
int crashsig_store_rollback(crashsig_store *s);
/* A store URL as it may be shown: the password of a URL's user info
 * ("postgresql://user:secret@host/db") and of a "password=" parameter
 * replaced by "***". Writes at most len bytes (NUL included) to buf and
 * returns the length of the whole result, as snprintf does. */
size_t crashsig_store_url_redact(const char *url, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Adding crashes                                                      */
/* ------------------------------------------------------------------ */

/* Where a crash's time comes from. */
typedef enum crashsig_time_source {
	CRASHSIG_TIME_SOURCE_RECEIVED = 0, /* the moment the store received it */
	CRASHSIG_TIME_SOURCE_LOG = 1,      /* the log's own wall clock (journal,
				     * dmesg -T, ...) */
	CRASHSIG_TIME_SOURCE_MAIL = 2,     /* the Date: of the mail it came in */
	CRASHSIG_TIME_SOURCE_FILE = 3,     /* the modification time of its file */
	CRASHSIG_TIME_SOURCE_CLIENT = 4,   /* given by the caller, origin unknown */
} crashsig_time_source;
/* "received", "log", "mail", "file", "client"; NULL for an unknown value. */
const char *crashsig_time_source_name(crashsig_time_source src);

/* Crash ids: every crash has one, unique in the store; a crash whose id
 * the store has accepted before is a duplicate and changes nothing
 * (crashsig_add_result.duplicate), whichever process or machine sent it,
 * at once or in another run. The database enforces it (a unique key), so
 * it holds for concurrent writers too.
 *
 * A client may give an id (1 to CRASHSIG_CRASH_ID_MAX printable ASCII
 * bytes, no space): one it can retry with. Otherwise the store derives one:
 * the first 32 hex digits of SHA-256 over the machine, the source (for a
 * crash from a mail: its Message-ID), the crash's byte offset in it (in a
 * mail without a Message-ID: in its mbox), the
 * first line of its report text (console prefixes removed), and the log's
 * own time of the crash: its wall clock time when its time comes from the
 * log or a mail, and its time since boot. Nothing after the first line
 * counts: a console log
 * being appended to can be read again while a crash at its end is still
 * being written, and that crash keeps its id as its text grows. The offset
 * and the first line tell apart two crashes of one log; the source and
 * machine the same crash text in two logs; the log's time (when it has
 * one) two boots logged to one file name. Without source, offset and text
 * (a crashsig_crash with only titles) there is nothing stable to derive an
 * id from, and the store makes a random one: such a crash is never a
 * duplicate. */
#define CRASHSIG_CRASH_ID_MAX 128

/* A crash to add, when it does not come from a crashsig_report (or to
 * override what the report says). All pointers are borrowed for the call. */
typedef struct crashsig_crash {
	unsigned int version; /* CRASHSIG_CRASH_VERSION (1 is still accepted) */
	const char *title;
	const char *const *alt_titles;
	size_t nalt_titles;
	int corrupted;
	int suppressed;
	/* Stack signature key ("f1 f2 ..."), or NULL. */
	const char *signature;
	/* Crash time, seconds since the epoch; 0: now (time_source becomes
	 * CRASHSIG_TIME_SOURCE_RECEIVED). */
	int64_t time;
	/* Where the crash came from (file name, URL, ...), or NULL. */
	const char *source;
	/* The crash's report text, or NULL. The first crash's report is also
	 * kept as the bug's representative report. */
	const char *report;
	size_t report_len;
	/* Nonzero: the crash is of a kind that never merges by similarity. */
	int no_stack_kind;
	/* ---- version 2 ---- */
	/* The crash's id, or NULL to derive one (see "Crash ids"). */
	const char *id;
	crashsig_time_source time_source; /* what time is (version 1: CLIENT) */
	int32_t time_nsec;                /* nanoseconds within time */
	uint64_t offset;      /* byte offset of the crash in its source */
	const char *machine;  /* the machine that crashed, or NULL */
	/* What the crash says about its kernel, or NULL (unknown). */
	const char *release;  /* "6.1.0-56-cloud-amd64" */
	const char *build_id; /* vmlinux build id (hex) */
	const char *arch;     /* crashsig_arch_name(): "x86_64", "arm64", ... */
	const char *hardware; /* "QEMU Standard PC (i440FX + PIIX, 1996), ..." */
	const char *taint;    /* taint letters ("GOE"); "" not tainted */
	const char *type;     /* syzkaller crash type ("KASAN-READ", ...) */
	/* An excerpt of the log around the crash (console prefixes kept), or
	 * NULL. The store keeps at most log_max bytes of it, compressed. */
	const char *log;
	size_t log_len;
	/* Seconds since boot the log gives for the crash, or < 0 (unknown). */
	double uptime;
	/* The Message-ID of the mail the crash came in, or NULL. It stands for
	 * the source in the derived id: one mail in two mboxes is one crash. */
	const char *message_id;
} crashsig_crash;

#define CRASHSIG_CRASH_VERSION 2
#define CRASHSIG_CRASH_INIT                                                        \
	{CRASHSIG_CRASH_VERSION, NULL, NULL, 0, 0, 0, NULL, 0, NULL, NULL, 0, 0, NULL, \
	 CRASHSIG_TIME_SOURCE_RECEIVED, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL,     \
	 NULL, NULL, 0, -1.0, NULL}

/* What happened to one added crash (what a POST of a crash answers). */
typedef struct crashsig_add_result {
	int64_t bug_id;      /* the bug that holds the crash */
	int new_bug;         /* the crash opened a new bug */
	int merged_similar;  /* it joined a similar bug (--merge-similar) */
	int64_t similar_to;  /* a new bug's most similar other bug, or 0 */
	double distance;     /* its distance */
	/* The store had accepted this crash id before: nothing was added or
	 * counted; bug_id is the bug that holds the crash now. */
	int duplicate;
	char crash_id[CRASHSIG_CRASH_ID_MAX + 1]; /* the crash's id */
} crashsig_add_result;

/* Add one crash. An invalid id (empty, too long, a space or control byte)
 * is CRASHSIG_EINVAL. */
int crashsig_store_add(crashsig_store *s, const crashsig_crash *c,
		       crashsig_add_result *res);

/* What the caller knows about a report beyond its text. */
typedef struct crashsig_add_options {
	unsigned int version;  /* CRASHSIG_ADD_OPTIONS_VERSION */
	const char *id;        /* the crash's id, or NULL: derived */
	const char *source;    /* file name, URL, "-", ... or NULL */
	const char *machine;   /* the machine that crashed, or NULL */
	/* The crash's time when the report has none of its own (a log
	 * without wall clock, no mail): FILE (the file's mtime), RECEIVED
	 * (time 0: now) or CLIENT. */
	int64_t time;
	int32_t time_nsec;
	crashsig_time_source time_source;
	/* The log around the crash (see crashsig_crash.log), or NULL: then the
	 * one the parser kept with the report (crashsig_report_log). */
	const char *log;
	size_t log_len;
} crashsig_add_options;

#define CRASHSIG_ADD_OPTIONS_VERSION 1
#define CRASHSIG_ADD_OPTIONS_INIT \
	{CRASHSIG_ADD_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, CRASHSIG_TIME_SOURCE_RECEIVED, NULL, 0}

/* Add a crash report found by the parser: its title, alternative titles,
 * corrupted/suppressed flags, crash type, stack signature, text, offset,
 * and kernel facts (crashsig_report_kernel_info(): release, build id,
 * hardware, taint; the architecture from the release or the register
 * dump), its time (crashsig_report_time(): the log's wall clock, else the
 * Date: of its mail, else o's time) and time since boot, and, for a report
 * read from a mail, the Message-ID; for one read from an archive member,
 * the source is o->source + "/" + the member's name. A symbolized report also carries the titles it gets without its
 * symbolization ([inline] frames and file:line) as alternative titles, so
 * that a report and its symbolized copy join the same bug. ctx is the
 * context the report was parsed with. o may be NULL. */
int crashsig_store_add_report_opts(crashsig_store *s, crashsig_ctx *ctx,
				   const crashsig_report *r,
				   const crashsig_add_options *o,
				   crashsig_add_result *res);
/* The same with only a time (0: now; else the file's mtime) and a source. */
int crashsig_store_add_report(crashsig_store *s, crashsig_ctx *ctx,
			      const crashsig_report *r, int64_t time,
			      const char *source, crashsig_add_result *res);

/* ------------------------------------------------------------------ */
/* Bugs                                                                */
/* ------------------------------------------------------------------ */

typedef struct crashsig_bug {
	int64_t id;
	const char *title;       /* as shown: "title" or "title (N)" */
	const char *base_title;  /* without the " (N)" */
	int seq;                 /* 0 for the first bug of a title */
	crashsig_bug_status status;
	/* Crashes ever accepted into it (or merged into it from its
	 * duplicates); never lowered by retention. */
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
	/* ---- schema 3 ---- */
	int64_t dup_of;         /* CRASHSIG_BUG_DUP: the bug it was merged into */
	int64_t status_time;    /* when the status last changed, or 0 */
	/* ---- schema 4 ---- */
	int64_t machines;       /* named machines it crashed on */
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

typedef enum crashsig_bug_sort {
	CRASHSIG_SORT_ID = 0,
	CRASHSIG_SORT_COUNT = 1,
	CRASHSIG_SORT_FIRST_SEEN = 2,
	CRASHSIG_SORT_LAST_SEEN = 3,
} crashsig_bug_sort;

/* crashsig_bug_query.flags */
#define CRASHSIG_QUERY_DESCENDING 1u   /* largest / newest first */
#define CRASHSIG_QUERY_ONLY_MACHINE 2u /* with machine: bugs seen on no
					* other machine (nor without one) */
#define CRASHSIG_QUERY_NO_REPORT 4u    /* leave crashsig_bug.report NULL
					* (listing many bugs) */

/* Which bugs crashsig_store_query() returns. Every condition given must
 * hold; zero / NULL fields impose nothing. */
typedef struct crashsig_bug_query {
	unsigned int version;     /* CRASHSIG_BUG_QUERY_VERSION */
	unsigned int statuses;    /* mask of 1u << crashsig_bug_status */
	/* A PCRE2 regex matched (unanchored) against the bug's title and each
	 * of its alternative and merged titles; a bad regex is
	 * CRASHSIG_EINVAL with PCRE2's message. */
	const char *title_regex;
	/* A crash of the bug in [since, until) (seconds since the epoch). */
	int64_t since, until;
	const char *machine;      /* a crash of the bug on this machine */
	const char *release;      /* a crash of the bug of this release */
	unsigned int flags;       /* CRASHSIG_QUERY_* */
	crashsig_bug_sort sort;   /* ties: by id */
	size_t limit;             /* at most this many; 0: all */
} crashsig_bug_query;

#define CRASHSIG_BUG_QUERY_VERSION 1
#define CRASHSIG_BUG_QUERY_INIT \
	{CRASHSIG_BUG_QUERY_VERSION, 0, NULL, 0, 0, NULL, NULL, 0, CRASHSIG_SORT_ID, 0}

/* The bugs q selects, in its order. q NULL: every bug by id. */
int crashsig_store_query(crashsig_store *s, const crashsig_bug_query *q,
			 crashsig_bug ***out, size_t *count);
void crashsig_bug_free(crashsig_bug *b);
void crashsig_bugs_free(crashsig_bug **bugs, size_t count);

/* ------------------------------------------------------------------ */
/* Crashes                                                             */
/* ------------------------------------------------------------------ */

/* Why a crash's report and log are kept (crashsig_crash_record.kept). */
#define CRASHSIG_KEPT_FIRST 1u    /* one of the first keep_per_bug */
#define CRASHSIG_KEPT_LAST 2u     /* the last one received */
#define CRASHSIG_KEPT_RELEASE 4u  /* the first of its kernel release */
#define CRASHSIG_KEPT_MACHINE 8u  /* the first on its machine */
#define CRASHSIG_KEPT_TITLE 16u   /* the first with its title */
#define CRASHSIG_KEPT_SAMPLE 32u  /* every keep_every-th */

/* One crash as the store holds it. */
typedef struct crashsig_crash_record {
	int64_t seq;           /* the store's number: order of arrival */
	const char *id;        /* its crash id */
	int64_t bug;           /* the bug that holds it */
	const char *title;     /* its own title (the bug's may differ) */
	const char *type;      /* syzkaller crash type, or NULL */
	int corrupted, suppressed;
	int64_t time;          /* seconds since the epoch */
	int32_t time_nsec;
	crashsig_time_source time_source;
	int64_t received;      /* when the store accepted it */
	double uptime;         /* seconds since boot, or < 0 (unknown) */
	const char *message_id; /* of the mail it came in, or NULL */
	const char *machine;   /* or NULL */
	const char *source;    /* or NULL */
	uint64_t offset;
	const char *release, *build_id, *arch, *hardware, *taint; /* or NULL */
	const char *signature; /* or NULL */
	unsigned int kept;     /* CRASHSIG_KEPT_*; 0: report and log dropped */
	/* With CRASHSIG_CRASHES_TEXT (always for crashsig_store_get_crash())
	 * and kept: the report and the log excerpt, decompressed; else NULL. */
	const char *report;
	size_t report_len;
	const char *log;
	size_t log_len;
} crashsig_crash_record;

/* crashsig_crash_query.flags */
#define CRASHSIG_CRASHES_TEXT 1u         /* load report and log */
#define CRASHSIG_CRASHES_KEPT 2u         /* only crashes whose texts are kept */
#define CRASHSIG_CRASHES_NEWEST_FIRST 4u /* by seq, descending */

/* Which crashes crashsig_store_crashes() and crashsig_store_count() take.
 * Zero / NULL fields impose nothing. */
typedef struct crashsig_crash_query {
	unsigned int version;  /* CRASHSIG_CRASH_QUERY_VERSION */
	int64_t bug;           /* crashes of this bug */
	int64_t since, until;  /* time in [since, until) */
	const char *machine;
	const char *release;
	unsigned int flags;    /* CRASHSIG_CRASHES_* */
	/* Paging: only crashes with seq > after (oldest first) or, with
	 * CRASHSIG_CRASHES_NEWEST_FIRST, seq < after; at most limit (0: all). */
	int64_t after;
	size_t limit;
	/* ---- version 2 (version 1 callers are still read) ---- */
	const int64_t *bugs;   /* crashes of any of these nbugs bugs (with bug:
				* of both); a dashboard's counts for the bugs
				* of one page in one statement */
	size_t nbugs;
} crashsig_crash_query;

#define CRASHSIG_CRASH_QUERY_VERSION 2
#define CRASHSIG_CRASH_QUERY_INIT \
	{CRASHSIG_CRASH_QUERY_VERSION, 0, 0, 0, NULL, NULL, 0, 0, 0, NULL, 0}

/* The crashes q selects, by seq (oldest first unless
 * CRASHSIG_CRASHES_NEWEST_FIRST). q NULL: every crash. */
int crashsig_store_crashes(crashsig_store *s, const crashsig_crash_query *q,
			   crashsig_crash_record ***out, size_t *count);
/* One crash by id, with its report and log when kept. CRASHSIG_ENOTFOUND
 * when the store has no such crash. */
int crashsig_store_get_crash(crashsig_store *s, const char *id,
			     crashsig_crash_record **out);
void crashsig_crash_record_free(crashsig_crash_record *c);
void crashsig_crash_records_free(crashsig_crash_record **v, size_t count);

/* Aggregates over the crashes q selects (its flags, after and limit
 * aside): one row per distinct value of the keys in `by`, a mask of
 * CRASHSIG_COUNT_BY_* with at most one time key (DAY, HOUR) and at most
 * one string key (MACHINE, RELEASE, ARCH, TYPE). by 0: one row for all. */
#define CRASHSIG_COUNT_BY_BUG 1u
#define CRASHSIG_COUNT_BY_DAY 2u   /* UTC days */
#define CRASHSIG_COUNT_BY_HOUR 4u
#define CRASHSIG_COUNT_BY_MACHINE 8u
#define CRASHSIG_COUNT_BY_RELEASE 16u
#define CRASHSIG_COUNT_BY_ARCH 32u
#define CRASHSIG_COUNT_BY_TYPE 64u

typedef struct crashsig_count {
	int64_t bug;         /* BY_BUG, else 0 */
	int64_t time;        /* BY_DAY / BY_HOUR: start of the day / hour */
	const char *key;     /* the string key's value ("" when unknown), or
			      * NULL without one */
	int64_t count;       /* crashes */
	int64_t corrupted;   /* of which corrupted reports */
	int64_t first, last; /* the earliest and latest crash time */
} crashsig_count;

/* Rows ordered by bug, time, key. *out is an array of *count rows. */
int crashsig_store_count(crashsig_store *s, const crashsig_crash_query *q,
			 unsigned int by, crashsig_count **out, size_t *count);
void crashsig_counts_free(crashsig_count *v, size_t count);

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

/* A change of a bug's state.
 *  - FIXED, INVALID: the bug attracts no more crashes; the next crash with
 *    its title opens "title (N)".
 *  - DUP (dup_of = target): the bug is merged into its target (followed
 *    to the end of a chain of duplicates): its crashes move there and
 *    count there, its titles become the target's merged and alternative
 *    titles, so later crashes with them join the target; the bug keeps
 *    its titles and history with count 0. A bug cannot be a duplicate of
 *    itself or of one of its own duplicates.
 *  - OPEN: reopen a fixed, invalid or duplicate bug (what a duplicate gave
 *    its target stays there). Refused (CRASHSIG_EINVAL, the message names
 *    the other bug) while another bug with the same base title is open:
 *    there is never more than one open "title (N)". */
typedef struct crashsig_bug_change {
	unsigned int version;        /* CRASHSIG_BUG_CHANGE_VERSION */
	crashsig_bug_status status;
	int64_t dup_of;              /* for CRASHSIG_BUG_DUP */
	const char *reason;          /* recorded with the change, or NULL */
	int64_t time;                /* when; 0: now */
} crashsig_bug_change;

#define CRASHSIG_BUG_CHANGE_VERSION 1
#define CRASHSIG_BUG_CHANGE_INIT \
	{CRASHSIG_BUG_CHANGE_VERSION, CRASHSIG_BUG_OPEN, 0, NULL, 0}

int crashsig_store_change_bug(crashsig_store *s, int64_t id,
			      const crashsig_bug_change *change);
/* The same with only a status (not DUP) and no reason. */
int crashsig_store_set_status(crashsig_store *s, int64_t id,
			      crashsig_bug_status status);

/* One recorded change of state. */
typedef struct crashsig_bug_event {
	int64_t bug;
	int64_t time;
	crashsig_bug_status from, to;
	int64_t dup_of;     /* to == DUP: the target */
	int64_t moved;      /* to == DUP: crashes moved into the target */
	const char *reason; /* or NULL */
} crashsig_bug_event;

/* The changes of one bug (bug 0: of every bug), oldest first. */
int crashsig_store_bug_events(crashsig_store *s, int64_t bug,
			      crashsig_bug_event **out, size_t *count);
void crashsig_bug_events_free(crashsig_bug_event *v, size_t count);

/* A bug near another by stack signature. */
typedef struct crashsig_similar {
	int64_t bug;
	double distance; /* crashsig_signature_distance(), < 1 */
} crashsig_similar;

/* The open bugs whose stack signature is nearest bug's (bug itself
 * aside), nearest first, ties by id; at most max (0: all). The store
 * compares with the signatures it keeps prepared for grouping, so a
 * store of many bugs answers in a millisecond. *out is freed with
 * free(). */
int crashsig_store_similar(crashsig_store *s, int64_t bug, size_t max,
			   crashsig_similar **out, size_t *count);

/* What crashsig_store_bug_facets() lists. */
typedef enum crashsig_facet {
	CRASHSIG_FACET_RELEASE = 1, /* kernel releases */
	CRASHSIG_FACET_MACHINE = 2, /* named machines */
} crashsig_facet;

/* The distinct kernel releases or named machines of a bug's crashes
 * (those merged into it included), sorted (strcmp). *out is an array of
 * *count strings, freed by crashsig_strings_free(). */
int crashsig_store_bug_facets(crashsig_store *s, int64_t bug, crashsig_facet what,
			      char ***out, size_t *count);
void crashsig_strings_free(char **v, size_t count);

/* Titles of corrupted and suppressed reports' bugs. */
#define CRASHSIG_CORRUPTED_TITLE "corrupted report"
#define CRASHSIG_SUPPRESSED_TITLE "suppressed report"

#ifdef __cplusplus
}
#endif

#endif
