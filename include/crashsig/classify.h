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

/* ------------------------------------------------------------------ */
/* Streaming parser                                                    */
/* ------------------------------------------------------------------ */

typedef struct crashsig_parser crashsig_parser;

/* A parser reads one log, fed in pieces of any size, and hands out the crash
 * reports it finds, in order. Memory use is bounded by the longest crash
 * block, not by the length of the log. The parser borrows ctx, which must
 * outlive it. */
int crashsig_parser_new(crashsig_parser **out, crashsig_ctx *ctx);
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

/* ------------------------------------------------------------------ */
/* Compressed input                                                    */
/* ------------------------------------------------------------------ */

/* The parser (crashsig_parser_feed) recognises gzip, xz and zstd input by
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
/* "gzip", "xz", "zstd", "plain", or NULL before enough input was seen. */
const char *crashsig_decompressor_format(const crashsig_decompressor *d);
void crashsig_decompressor_free(crashsig_decompressor *d);

#ifdef __cplusplus
}
#endif

#endif
