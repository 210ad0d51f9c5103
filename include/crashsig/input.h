/*
 * libcrashsig input: the one reading layer under every command.
 *
 * Bytes go in, in pieces of any size; logical console lines come out, each
 * with what its console prefix said (time since boot and/or wall clock,
 * log level, caller id) and where it came from (console, journal, kmsg,
 * netconsole, mail). In order:
 *
 *   1. Decompression, recognised by content: gzip, xz, zstd, bzip2 (also
 *      concatenated streams). A stream cut short is an error.
 *   2. Documents: a tar archive (ustar/GNU/pax) is read member by member;
 *      an RFC 5322 message, or an mbox of them (mboxo/mboxrd "From "
 *      separators), message by message; anything else is one console log.
 *      Each member of an archive is read as a file of its own (compressed
 *      members are decompressed; a member may be a message or an mbox).
 *   3. Lines: a line ends at "\n", "\r\n" or a bare "\r" (a run of "\r"
 *      before "\n" is one line end). Lines longer than max_line are cut
 *      (or handed out in segments, CRASHSIG_INPUT_SEGMENTS).
 *   4. Mail: headers are never console text. The body is read as MIME:
 *      multipart (nested), quoted-printable, base64, charsets converted to
 *      UTF-8, format=flowed joined. Quoted text ("> ", nested, and the
 *      "On ... wrote:" attribution, "-----Original Message-----") is marked
 *      with its quote depth; lines of syzbot's mail templates that are no
 *      console output (the title line of a patch-test result, the title
 *      table of a monthly report) and attribution lines are marked prose.
 *   5. Console prefixes: [   12.345678] and [ T123]/[  C1] caller ids,
 *      <N> levels, dmesg -T/-e/-d/--time-format=iso, journalctl -k (short,
 *      short-precise, short-full, short-iso, short-monotonic; the month in
 *      any locale), syslog, /dev/kmsg and netconsole extended records
 *      (caller=, escapes, dictionary lines dropped), ANSI escapes and NUL
 *      bytes removed.
 *
 * Offsets are offsets in the document (the decompressed file, the message,
 * the archive member): a message of an mbox, or a member of a tar file,
 * gives the same lines at the same offsets as the message or member read
 * on its own. Mail lines carry the offset of the raw body line they were
 * decoded from.
 *
 * Memory is bounded by max_line and small per-document state (headers are
 * kept up to 8 KiB each, MIME nesting is followed 64 levels deep), never by
 * the input. Ownership and errors follow <crashsig/base.h>.
 */
#ifndef CRASHSIG_INPUT_H
#define CRASHSIG_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "crashsig/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a line came from. */
typedef enum crashsig_origin {
	CRASHSIG_ORIGIN_CONSOLE = 0,    /* console, serial, dmesg output */
	CRASHSIG_ORIGIN_JOURNAL = 1,    /* journalctl / syslog ("host kernel: ") */
	CRASHSIG_ORIGIN_KMSG = 2,       /* /dev/kmsg records */
	CRASHSIG_ORIGIN_NETCONSOLE = 3, /* netconsole extended records (ncfrag=) */
	CRASHSIG_ORIGIN_MAIL = 4,       /* the body of an email */
} crashsig_origin;
/* "console", "journal", "kmsg", "netconsole", "mail". */
const char *crashsig_origin_name(crashsig_origin o);

/* The console prefix a line carried. */
typedef enum crashsig_prefix {
	CRASHSIG_PREFIX_NONE = 0,
	CRASHSIG_PREFIX_PRINTK,           /* [   12.345678] (and/or [ T1]) */
	CRASHSIG_PREFIX_DMESG_CTIME,      /* dmesg -T: [Tue Dec  1 15:39:35 2026] */
	CRASHSIG_PREFIX_DMESG_RELTIME,    /* dmesg -e: [Dec 1 15:39] / [  +0.000123] */
	CRASHSIG_PREFIX_DMESG_DELTA,      /* dmesg -d: [    2.70 <    0.00>] */
	CRASHSIG_PREFIX_DMESG_ISO,        /* dmesg --time-format=iso */
	CRASHSIG_PREFIX_SYSLOG,           /* Dec  1 15:39:35 host kernel: (any locale) */
	CRASHSIG_PREFIX_JOURNAL_ISO,      /* 2026-12-01T15:39:35+00:00 host kernel: */
	CRASHSIG_PREFIX_JOURNAL_FULL,     /* Tue 2026-12-01 15:39:35 UTC host kernel: */
	CRASHSIG_PREFIX_JOURNAL_MONOTONIC, /* [    2.701028] host kernel: */
	CRASHSIG_PREFIX_KMSG,             /* 6,542,2377692,-[,caller=T1];text */
} crashsig_prefix;
/* "none", "printk", "dmesg-ctime", ... */
const char *crashsig_prefix_name(crashsig_prefix p);

/* What a line's (or a report's) time stamp says. */
#define CRASHSIG_TIME_BOOT 1u     /* boot: seconds since boot */
#define CRASHSIG_TIME_WALL 2u     /* wall/wall_nsec: wall clock, seconds since the epoch */
#define CRASHSIG_TIME_NO_ZONE 4u  /* the stamp names no zone (dmesg -T, syslog): read as UTC */
#define CRASHSIG_TIME_NO_YEAR 8u  /* the stamp names no year (syslog, journal short): the
				   * year is the latest that does not put the stamp more than
				   * a day after crashsig_input_options.reference_time; without
				   * a reference time WALL is not set */
#define CRASHSIG_TIME_MAIL 16u    /* wall is the Date: of the message holding the text */
typedef struct crashsig_time {
	unsigned int flags; /* CRASHSIG_TIME_* */
	double boot;        /* seconds since boot (CRASHSIG_TIME_BOOT) */
	int64_t wall;       /* seconds since 1970-01-01 UTC (CRASHSIG_TIME_WALL) */
	int32_t wall_nsec;
	int32_t utc_offset; /* seconds east of UTC the stamp was written in */
} crashsig_time;

/* Line flags. */
#define CRASHSIG_LINE_QUOTED 1u /* quoted text of a mail (quote > 0) */
#define CRASHSIG_LINE_PROSE 2u  /* mail text that is no console output
				 * (attribution, syzbot template lines) */
#define CRASHSIG_LINE_MORE 4u   /* segment of a longer line: more follows */
#define CRASHSIG_LINE_CONT 8u   /* segment continuing the previous one */
#define CRASHSIG_LINE_CUT 16u   /* the line was longer than max_line and cut */
#define CRASHSIG_LINE_NO_EOL 32u /* the input ended in this line, without a line end */

/* One logical line. Valid during the callback only. */
typedef struct crashsig_line {
	/* The line as read, without its line end: decoded for mail (quote
	 * markers kept), with NUL bytes, ANSI escapes and stray '\r' removed. */
	const char *line;
	size_t line_len;
	/* The console text: line + prefix_len, console prefix and mail quote
	 * markers removed (/dev/kmsg escapes decoded). */
	const char *text;
	size_t len;
	size_t prefix_len;
	uint64_t offset; /* of the line start in its document */
	uint64_t bytes;  /* document bytes the line took, its line end included */
	size_t document; /* index of its document (0, 1, ...) */
	crashsig_origin origin;
	crashsig_prefix prefix;
	unsigned int flags;  /* CRASHSIG_LINE_* */
	unsigned int quote;  /* quote depth (0: the message's own text) */
	int level;           /* printk level 0..7, -1 when not printed */
	char caller[16];     /* "T123" / "C1" without brackets, or "" */
	crashsig_time time;
} crashsig_line;

typedef enum crashsig_document_kind {
	CRASHSIG_DOCUMENT_LOG = 0,  /* console output of any kind */
	CRASHSIG_DOCUMENT_MAIL = 1, /* an RFC 5322 message */
} crashsig_document_kind;

/* A document: the file, a message of a mail or mbox, an archive member.
 * Strings are NULL when absent; header values are unfolded, their RFC 2047
 * encoded words decoded to UTF-8. Valid during the callback only (and,
 * through crashsig_report_document, as long as the report). */
typedef struct crashsig_document {
	size_t index;
	crashsig_document_kind kind;
	const char *member;     /* archive member name, or NULL */
	uint64_t offset;        /* where it starts in the (decompressed) input */
	const char *message_id; /* "<...@...>" */
	const char *subject;
	const char *from;
	const char *date;       /* as written */
	crashsig_time date_time; /* the Date: parsed (CRASHSIG_TIME_WALL when it parsed) */
	/* The sender is syzbot (syzbot@... / syzbot+...@... /
	 * syzbot-ci@...): */
	int from_syzbot;
	/* ... and the title its mail claims for the crash it carries: the
	 * line after "still triggering an issue:" in a patch-test result,
	 * else the Subject with "Re:", list and "[syzbot]" tags removed.
	 * NULL for other senders. Never used as a title: shown beside it. */
	const char *claimed_title;
} crashsig_document;

typedef int (*crashsig_line_fn)(void *arg, const crashsig_line *line);
/* Called with end = 0 when a document starts (before its first line) and
 * end = 1 when it ends. */
typedef int (*crashsig_document_fn)(void *arg, const crashsig_document *doc,
				    int end);

#define CRASHSIG_INPUT_SEGMENTS 1u /* hand lines longer than max_line out in
				    * segments (MORE/CONT) instead of cutting */
#define CRASHSIG_INPUT_NO_MAIL 2u  /* read messages as console text */
#define CRASHSIG_INPUT_NO_ARCHIVE 4u /* read tar archives as bytes */

typedef struct crashsig_input_options {
	unsigned int version; /* CRASHSIG_INPUT_OPTIONS_VERSION */
	crashsig_line_fn line;         /* required */
	crashsig_document_fn document; /* may be NULL */
	void *arg;
	unsigned int flags; /* CRASHSIG_INPUT_* */
	size_t max_line;    /* 0: the context's (default 64 KiB) */
	/* Seconds since the epoch to place year-less stamps (the file's
	 * modification time, say); 0: none. */
	int64_t reference_time;
} crashsig_input_options;
#define CRASHSIG_INPUT_OPTIONS_VERSION 1
#define CRASHSIG_INPUT_OPTIONS_INIT {CRASHSIG_INPUT_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, 0}

typedef struct crashsig_input crashsig_input;

/* The input borrows ctx (errors are recorded there). A non-zero return of
 * a callback stops the feed and is returned by it. Errors: CRASHSIG_EFORMAT
 * (corrupt or truncated compressed data, a corrupt archive),
 * CRASHSIG_ENOMEM; crashsig_error_last(ctx) says why. */
int crashsig_input_new(crashsig_input **out, crashsig_ctx *ctx,
		       const crashsig_input_options *opts);
int crashsig_input_feed(crashsig_input *in, const void *data, size_t len);
/* End of input: the last line and document end are handed out. */
int crashsig_input_finish(crashsig_input *in);
void crashsig_input_free(crashsig_input *in);
/* "gzip", "xz", "zstd", "bzip2", "plain", or NULL before enough input. */
const char *crashsig_input_compression(const crashsig_input *in);

/* Parse the console prefix of one line (no line end) into *out: text,
 * prefix, origin (console, journal or kmsg), level, caller, time. *out
 * points into line or into scratch, a caller buffer of at least len + 1
 * bytes (used when bytes are removed). reference_time as in the options. */
int crashsig_line_parse(const char *line, size_t len, int64_t reference_time,
			char *scratch, size_t scratch_len, crashsig_line *out);

/* Format t->wall as "2026-12-01T15:39:35Z" (with ".nnnnnn" when there are
 * fractions). Returns the length (snprintf semantics), 0 without a wall
 * time. */
size_t crashsig_time_format(const crashsig_time *t, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Compressed input                                                    */
/* ------------------------------------------------------------------ */

/* The parser (crashsig_parser_feed) recognises gzip, xz, zstd and bzip2 input by
 * its first bytes and decompresses it as it streams; report offsets are
 * then offsets in the decompressed text. The same machinery is available to
 * callers that need a whole decompressed buffer (for example to hand it to
 * crashsig_symbolizer_report or crashsig_decoder_decode). */
typedef struct crashsig_decompressor crashsig_decompressor;

/* Receives output; a non-zero return stops the feed and is returned. */
typedef int (*crashsig_write_fn)(void *arg, const void *data, size_t len);

int crashsig_decompressor_new(crashsig_decompressor **out, crashsig_ctx *ctx);
/* Feed input (compressed or not: plain text passes through unchanged);
 * decompressed bytes are passed to fn as they are produced. Errors
 * (CRASHSIG_EFORMAT for corrupt data) are recorded on ctx. */
int crashsig_decompressor_feed(crashsig_decompressor *d, const void *data,
			       size_t len, crashsig_write_fn fn, void *arg);
/* End of input: CRASHSIG_EFORMAT when a compressed stream is truncated. */
int crashsig_decompressor_finish(crashsig_decompressor *d, crashsig_write_fn fn,
				 void *arg);
/* "gzip", "xz", "zstd", "bzip2", "plain", or NULL before enough input was seen. */
const char *crashsig_decompressor_format(const crashsig_decompressor *d);
void crashsig_decompressor_free(crashsig_decompressor *d);

#ifdef __cplusplus
}
#endif

#endif
