/* Line splitting: a byte stream, fed in pieces, becomes lines.
 * A line ends at "\n", at "\r\n", or at a bare "\r" (a run of "\r" before
 * "\n", or alone, is one line end: consoles write "\r\r\n").
 * Memory is bounded by max_line: a longer line is cut (its tail dropped,
 * its bytes still counted) or, with CS_SPLIT_SEGMENTS, handed out in
 * segments of max_line bytes. */
#ifndef CRASHSIG_INPUT_SPLIT_H
#define CRASHSIG_INPUT_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Flags of a cs_rline (the mail flags are set by input/mail.c). */
#define CS_RL_MORE 1u    /* a segment: the line goes on in the next one */
#define CS_RL_CONT 2u    /* a segment continuing the previous one */
#define CS_RL_CUT 4u     /* the line was longer than max_line and cut */
#define CS_RL_QUOTED 8u  /* mail: quoted text (quote > 0) */
#define CS_RL_PROSE 16u  /* mail: text that is no console output */
#define CS_RL_MAIL 32u   /* mail: a body line */
#define CS_RL_NOEOL 64u  /* the input ended inside this line (no line end) */
#define CS_RL_CLEAN 128u /* the splitter saw no ESC, NUL or '\r' in data[0..len)
			  * (cs_line_parse's CS_LINE_CLEAN); not always set */

/* A raw logical line. data excludes the line end and is valid during the
 * callback; data[len] is readable (a NUL or the next byte). */
typedef struct cs_rline {
	const char *data;
	size_t len;
	uint64_t off;     /* document offset of the line (segment) start */
	uint64_t raw_len; /* document bytes it took, its line end included */
	unsigned flags;   /* CS_RL_* */
	unsigned quote;   /* mail quote depth */
	size_t qlen;      /* bytes of quote markers at the start of data */
} cs_rline;

typedef int (*cs_rline_fn)(void *arg, const cs_rline *l);

#define CS_SPLIT_SEGMENTS 1u

typedef struct cs_splitter {
	cs_buf partial;   /* pending incomplete line (owned) */
	uint64_t off;     /* stream offset of the pending line */
	uint64_t pending; /* stream bytes of the pending line seen so far */
	int in_cr;        /* the pending line ended in '\r' at the end of the
			   * last piece: a '\n' may still follow */
	int cont;         /* segments: the pending line continues a segment */
	int cut;          /* the pending line was cut */
	size_t max_line;
	unsigned flags;
	int avx2;         /* the CPU has AVX2 (find_eol32) */
	cs_rline_fn fn;
	void *arg;
	/* Skipping (optional, see cs_splitter_set_scan). */
	size_t (*scan)(void *arg, const char *s, size_t n);
	void (*skipped)(void *arg, uint64_t bytes);
	void *scan_arg;
	/* while *scan_hold is nonzero, scan would answer 0: not asked (no
	 * call per line; see cs_splitter_set_scan_hold) */
	const size_t *scan_hold;
} cs_splitter;

void cs_splitter_init(cs_splitter *s, size_t max_line, unsigned flags,
		      cs_rline_fn fn, void *arg);
/* Lines nobody needs are not handed out: at a line start, scan(arg, s, n)
 * says how many bytes of s[0..n) the consumer can do without (0: none;
 * the position of the first byte it needs). The complete lines before that
 * position are skipped (offsets still count them) and skipped(arg, bytes)
 * is told. */
void cs_splitter_set_scan(cs_splitter *s, size_t (*scan)(void *, const char *, size_t),
			  void (*skipped)(void *, uint64_t), void *arg);
/* Optional, with a scan: a word of the consumer's that, while nonzero, says
 * scan would answer 0 (it has crash blocks open: every line is needed), so
 * it is not asked. NULL: always asked. */
void cs_splitter_set_scan_hold(cs_splitter *s, const size_t *hold);
/* Start counting offsets at 0 again (a new document); pending bytes are
 * dropped (call cs_splitter_finish first). */
void cs_splitter_reset(cs_splitter *s);
int cs_splitter_feed(cs_splitter *s, const char *data, size_t len);
/* End of input: a last line without a line end is handed out. */
int cs_splitter_finish(cs_splitter *s);
void cs_splitter_free(cs_splitter *s);

#endif
