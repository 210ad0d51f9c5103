/*
 * libcrashsig classify: cut crashes out of console logs, parse their stacks
 * and name them as syzbot does (title, guilty frame, type, flags).
 * Ownership and errors follow <crashsig/base.h>.
 */
#ifndef CRASHSIG_CLASSIFY_H
#define CRASHSIG_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "crashsig/base.h"
#include "crashsig/input.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Frames and stacks                                                   */
/* ------------------------------------------------------------------ */

typedef enum crashsig_frame_flags {
	CRASHSIG_FRAME_UNRELIABLE = 1 << 0, /* printed with a leading '?' */
	CRASHSIG_FRAME_INLINE = 1 << 1,     /* "[inline]" frame */
	CRASHSIG_FRAME_HAS_OFFSET = 1 << 2, /* offset (and size) are valid */
	CRASHSIG_FRAME_HAS_SIZE = 1 << 3,
	CRASHSIG_FRAME_HAS_ADDR = 1 << 4, /* raw address is valid */
	CRASHSIG_FRAME_IP = 1 << 5,       /* RIP/PC line: the faulting pc */
	CRASHSIG_FRAME_LR = 1 << 6,       /* LR/ra line: the return address */
} crashsig_frame_flags;

typedef struct crashsig_frame {
	const char *func;     /* function name as printed ("" if unknown) */
	uint64_t offset;      /* func+OFFSET */
	uint64_t size;        /* func+off/SIZE */
	uint64_t addr;        /* raw [<addr>] or pc value */
	const char *module;   /* "[module]" or NULL for vmlinux */
	const char *build_id; /* module build id, hex, or NULL */
	const char *file;     /* source file, or NULL */
	unsigned int line;    /* source line, 0 if unknown */
	unsigned int flags;   /* crashsig_frame_flags */
	unsigned int context; /* crashsig_stack_context at the frame */
} crashsig_frame;

typedef enum crashsig_stack_context {
	CRASHSIG_CTX_TASK = 0,
	CRASHSIG_CTX_IRQ = 1,
	CRASHSIG_CTX_SOFTIRQ = 2,
	CRASHSIG_CTX_NMI = 3,
	CRASHSIG_CTX_EXCEPTION = 4,
} crashsig_stack_context;

typedef struct crashsig_stack {
	/* What this stack is: "ip" (RIP/PC line), "call trace", "allocated",
	 * "freed", "uninit created", "backtrace", ... */
	const char *kind;
	const crashsig_frame *frames;
	size_t nframes;
} crashsig_stack;

/* Parse one line of a stack trace (after console prefix removal).
 * Returns 1 and fills *frame when the line is a frame, 0 otherwise.
 * Strings in *frame point into buf, a caller-provided scratch area of
 * buflen bytes (256 + line length is always enough). */
int crashsig_frame_parse(const char *line, size_t len, crashsig_frame *frame,
			 char *buf, size_t buflen);

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

typedef struct crashsig_report crashsig_report;

const char *crashsig_report_title(const crashsig_report *r);
size_t crashsig_report_alt_title_count(const crashsig_report *r);
/* Alternative titles, sorted. */
const char *crashsig_report_alt_title(const crashsig_report *r, size_t i);
/* syzkaller crash type name ("KASAN-READ", "WARNING", "HANG", ...), or "". */
const char *crashsig_report_type(const crashsig_report *r);
int crashsig_report_corrupted(const crashsig_report *r);
/* Why the report is considered corrupted, or NULL. */
const char *crashsig_report_corrupted_reason(const crashsig_report *r);
int crashsig_report_suppressed(const crashsig_report *r);
int crashsig_report_panicked(const crashsig_report *r);
/* Function named by the title (the guilty frame), or NULL. */
const char *crashsig_report_frame(const crashsig_report *r);
/* "proc=N, id=M" of the syz-executor that caused it, or NULL. */
const char *crashsig_report_executor(const crashsig_report *r);
/* Name of the rule (crash kind) that matched. */
const char *crashsig_report_kind(const crashsig_report *r);
/* Where the title format that named the report is defined in the rules
 * ("30-bug.rules:90"), or NULL when no format matched (the start line is
 * the title). Owned by the context, like the kind. */
const char *crashsig_report_rule(const crashsig_report *r);
/* Byte offsets of the crash in the input (end is exclusive). */
uint64_t crashsig_report_start(const crashsig_report *r);
uint64_t crashsig_report_end(const crashsig_report *r);
/* The crash text with console prefixes removed, '\n' separated. */
const char *crashsig_report_text(const crashsig_report *r, size_t *len);
size_t crashsig_report_stack_count(const crashsig_report *r);
const crashsig_stack *crashsig_report_stack(const crashsig_report *r,
					    size_t i);
void crashsig_report_free(crashsig_report *r);

/* Where and when (see <crashsig/input.h>). The time of the report's first
 * line as its console prefix gives it (seconds since boot, wall clock);
 * for a report in a message whose lines carry no wall clock time, the
 * message's Date: (CRASHSIG_TIME_WALL | CRASHSIG_TIME_MAIL). */
int crashsig_report_time(const crashsig_report *r, crashsig_time *t);
/* CRASHSIG_ORIGIN_MAIL for a report read from a message, else what its
 * first line's prefix says (console, journal, kmsg, netconsole). */
crashsig_origin crashsig_report_origin(const crashsig_report *r);
/* The document the report was found in: the message (message id, subject,
 * from, date, and syzbot's claimed title), the archive member; owned by
 * the report. NULL for a report not made by a parser. Offsets of the
 * report (crashsig_report_start) are offsets in this document. */
const crashsig_document *crashsig_report_document(const crashsig_report *r);
/* The report was found in quoted mail text (CRASHSIG_PARSER_QUOTED). */
int crashsig_report_quoted(const crashsig_report *r);
/* The console log around the report, as it was read (decompressed, console
 * prefixes kept): from the first line start within log_context bytes
 * before the report (crashsig_parser_options.log_context) to the report's
 * end; *len gets its length. NULL when the parser kept no log: log_context
 * 0, a report in a message (its body may be encoded) or in an archive member
 * (compressed on its own), or a report longer than the parser's window
 * (2 x log_context + 1 MiB). Owned by the report. */
const char *crashsig_report_log(const crashsig_report *r, size_t *len);

/* ------------------------------------------------------------------ */
/* Streaming parser                                                    */
/* ------------------------------------------------------------------ */

typedef struct crashsig_parser crashsig_parser;

/* A parser reads one input, fed in pieces of any size, through the input
 * layer (<crashsig/input.h>: compressed files, archives, mail, every
 * console prefix), and hands out the crash reports it finds, in order: per
 * document (each message of an mbox, each archive member is a log of its
 * own), in order of start. Memory use is bounded by the longest crash
 * block, not by the length of the input. The parser borrows ctx, which
 * must outlive it. */
int crashsig_parser_new(crashsig_parser **out, crashsig_ctx *ctx);

#define CRASHSIG_PARSER_QUOTED 1u     /* also crashes seen only in quoted mail text
				       * (crashsig_report_quoted) */
#define CRASHSIG_PARSER_NO_MAIL 2u    /* read messages as console text */
#define CRASHSIG_PARSER_NO_ARCHIVE 4u /* read tar archives as bytes */
typedef struct crashsig_parser_options {
	unsigned int version; /* CRASHSIG_PARSER_OPTIONS_VERSION */
	unsigned int flags;   /* CRASHSIG_PARSER_* */
	/* Seconds since the epoch that places year-less stamps (syslog,
	 * journal short): crashsig_input_options.reference_time. 0: none. */
	int64_t reference_time;
	/* Push mode: when set, every report is handed to report(arg, r) as
	 * soon as it is ready (the callback owns r) instead of being queued
	 * for crashsig_parser_next, so memory stays bounded however many
	 * crashes one piece of (compressed) input expands to. A non-zero
	 * return stops the feed and is returned by crashsig_parser_feed /
	 * _finish (and by every later call). */
	int (*report)(void *arg, crashsig_report *r);
	void *arg;
	/* Version 2. Bytes of console log kept before each report
	 * (crashsig_report_log); 0: none. The store keeps such an excerpt with
	 * every crash (CRASHSIG_LOG_EXCERPT_MAX). */
	size_t log_context;
} crashsig_parser_options;
/* Version 1 (without log_context) is accepted too. */
#define CRASHSIG_PARSER_OPTIONS_VERSION 2
#define CRASHSIG_PARSER_OPTIONS_INIT {CRASHSIG_PARSER_OPTIONS_VERSION, 0, 0, NULL, NULL, 0}
int crashsig_parser_new_opts(crashsig_parser **out, crashsig_ctx *ctx,
			     const crashsig_parser_options *opts);
int crashsig_parser_feed(crashsig_parser *p, const void *data, size_t len);
/* Signal end of input: the last open crash block is closed. */
int crashsig_parser_finish(crashsig_parser *p);
/* Take the next finished report. Returns 1 and sets *out (owned by the
 * caller) when there is one, 0 when none is ready, < 0 on error. */
int crashsig_parser_next(crashsig_parser *p, crashsig_report **out);
void crashsig_parser_free(crashsig_parser *p);

/* Convenience: parse a whole buffer. *out receives an array of *count
 * reports; release with crashsig_reports_free. */
int crashsig_parse_buffer(crashsig_ctx *ctx, const void *data, size_t len,
			  crashsig_report ***out, size_t *count);
void crashsig_reports_free(crashsig_report **reports, size_t count);

/* ------------------------------------------------------------------ */
/* Kernel metadata                                                     */
/* ------------------------------------------------------------------ */

/* What a report (or a whole log) says about the kernel and the task: from
 * the "CPU: N PID: N Comm: C Tainted: FLAGS RELEASE #VERSION" line, the
 * "Hardware name:" line and the "Linux version" banner. Strings are ""
 * and numbers -1 when the text does not say. Plain value, no ownership. */
typedef struct crashsig_kernel_info {
	unsigned int version; /* CRASHSIG_KERNEL_INFO_VERSION */
	unsigned int flags;   /* CRASHSIG_KINFO_* */
	char release[65];     /* "6.1.0-56-cloud-amd64" (uname -r) */
	char build[128];      /* what follows the release: "#1  Debian 6.1.192-2" */
	char taint[32];       /* taint letters as printed, blanks removed ("GOE") */
	unsigned long tainted; /* bit N = kernel TAINT bit N (crashsig_taint_name) */
	int cpu;
	long pid;
	char comm[64];        /* task name */
	char hardware[160];   /* "QEMU Standard PC (i440FX + PIIX, 1996), BIOS ..." */
	/* vmlinux build id (hex) that kernels with CONFIG_STACKTRACE_BUILD_ID
	 * print at the end of the CPU: line, or "" */
	char build_id[65];
} crashsig_kernel_info;
#define CRASHSIG_KINFO_CPU 1u   /* a CPU:/PID:/Comm: line was found */
#define CRASHSIG_KINFO_TAINT 2u /* its taint state ("Not tainted" too) is known */
#define CRASHSIG_KERNEL_INFO_VERSION 1
#define CRASHSIG_KERNEL_INFO_INIT \
	{CRASHSIG_KERNEL_INFO_VERSION, 0, "", "", "", 0, -1, -1, "", "", ""}

/* Fill *ki from the report's text. */
int crashsig_report_kernel_info(const crashsig_report *r, crashsig_kernel_info *ki);
/* Fill *ki from any console log text (console prefixes allowed): the first
 * CPU: line, Hardware name: line and Linux version banner. */
int crashsig_kernel_info_parse(const char *text, size_t len, crashsig_kernel_info *ki);
/* Kernel taint bit -> name without TAINT_ ("OOT_MODULE") and letter ('O');
 * NULL / 0 past the last known bit. */
const char *crashsig_taint_name(unsigned int bit);
char crashsig_taint_letter(unsigned int bit);

#ifdef __cplusplus
}
#endif

#endif
