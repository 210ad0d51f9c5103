/* crashsig decode [--arch A] [--json] [FILE...]: disassemble the Code: dumps
 * of kernel crash output and explain the trapping instruction. Uses only the
 * public API (include/crashsig). */
#include <errno.h>
#include <stdint.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"
#include "crashsig/decode.h"

#include "commands.h"
#include "decode_out.h"
#include "io.h"
#include "json.h"
#include "lines.h"

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

static const char *trap_kind_name(crashsig_trap_kind k)
{
	switch (k) {
	case CRASHSIG_TRAP_MEMORY: return "memory";
	case CRASHSIG_TRAP_BUG: return "bug";
	case CRASHSIG_TRAP_DIVIDE: return "divide";
	case CRASHSIG_TRAP_OTHER: return "other";
	default: return "unknown";
	}
}

static const char *status_name(int st)
{
	switch (st) {
	case CRASHSIG_OK: return "ok";
	case CRASHSIG_EFORMAT: return "bad-format";
	case CRASHSIG_EUNSUPPORTED: return "unsupported";
	default: return "error";
	}
}

static void json_code(FILE *out, const crashsig_code *c, int primary)
{
	fprintf(out, "{\"line\":%u,\"arch\":", c->line);
	json_cstr(out, crashsig_arch_name(c->arch));
	fprintf(out, ",\"user\":%s,\"thumb\":%s,\"primary\":%s,\"status\":",
		c->user ? "true" : "false", c->thumb ? "true" : "false",
		primary ? "true" : "false");
	json_cstr(out, status_name(c->status));
	fputs(",\"message\":", out);
	json_cstr(out, c->message);
	fputs(",\"bytes\":\"", out);
	for (size_t i = 0; i < c->nbytes; i++)
		fprintf(out, "%02x", c->bytes[i]);
	fputc('"', out);
	if (c->trap_offset != CRASHSIG_NO_TRAP)
		fprintf(out, ",\"trap_offset\":%zu", c->trap_offset);
	else
		fputs(",\"trap_offset\":null", out);
	fprintf(out, ",\"skipped\":%zu,\"trap_kind\":", c->skipped);
	json_cstr(out, trap_kind_name(c->trap_kind));
	fputs(",\"explanation\":", out);
	json_cstr(out, c->explanation);
	if (c->has_address)
		fprintf(out, ",\"address\":\"0x%llx\",\"access\":\"%s\"",
			(unsigned long long)c->address, c->is_write ? "write" : "read");
	if (c->kasan)
		fprintf(out, ",\"kasan_shadow_of\":{\"start\":\"0x%llx\",\"end\":\"0x%llx\"}",
			(unsigned long long)c->kasan_start,
			(unsigned long long)c->kasan_end);
	fputs(",\"instructions\":[", out);
	for (size_t i = 0; i < c->ninsns; i++) {
		const crashsig_insn *in = &c->insns[i];
		fprintf(out, "%s{\"addr\":\"0x%llx\",\"bytes\":\"", i ? "," : "",
			(unsigned long long)in->addr);
		for (size_t k = 0; k < in->size; k++)
			fprintf(out, "%02x", c->bytes[in->offset + k]);
		fputs("\",\"mnemonic\":", out);
		json_cstr(out, in->mnemonic);
		fputs(",\"operands\":", out);
		json_cstr(out, in->operands);
		fputs(",\"text\":", out);
		json_cstr(out, in->line);
		fprintf(out, ",\"trapping\":%s,\"invalid\":%s}",
			in->trapping ? "true" : "false", in->invalid ? "true" : "false");
	}
	fputs("]}", out);
}

static int decode_text(const char *text, size_t len, crashsig_arch arch,
		       crashsig_decoder **dp, crashsig_decoded **rp)
{
	int rc = crashsig_decoder_new(dp, NULL);
	if (rc)
		return rc;
	rc = crashsig_decoder_decode(*dp, text, len, arch, rp);
	if (rc) {
		crashsig_decoder_free(*dp);
		*dp = NULL;
	}
	return rc;
}

int tool_decode_json(FILE *out, const char *report_text, size_t len)
{
	crashsig_decoder *d = NULL;
	crashsig_decoded *r = NULL;
	int rc = decode_text(report_text, len, CRASHSIG_ARCH_UNKNOWN, &d, &r);
	if (rc) {
		fputs("[]", out);
		return rc;
	}
	const crashsig_code *prim = crashsig_decoded_primary(r);
	size_t n = crashsig_decoded_count(r);
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		const crashsig_code *c = crashsig_decoded_code(r, i);
		if (i)
			fputc(',', out);
		json_code(out, c, c == prim);
	}
	fputc(']', out);
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
	return (int)n;
}

static void print_block(FILE *out, const crashsig_code *c)
{
	if (c->skipped)
		fprintf(out, "Code disassembly (best guess), %zu bytes skipped:\n",
			c->skipped);
	else
		fputs("Code disassembly (best guess):\n", out);
	fputs(c->listing, out);
}

int tool_decode_append_text(FILE *out, const char *report_text, size_t len)
{
	crashsig_decoder *d = NULL;
	crashsig_decoded *r = NULL;
	int rc = decode_text(report_text, len, CRASHSIG_ARCH_UNKNOWN, &d, &r);
	if (rc)
		return rc;
	const crashsig_code *c = crashsig_decoded_primary(r);
	int printed = 0;
	if (c) {
		fputs("----------------\n", out);
		print_block(out, c);
		if (c->explanation)
			fprintf(out, "%s\n", c->explanation);
		printed = 1;
	}
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
	return printed;
}

/* ------------------------------------------------------------------ */
/* The sub-command                                                     */
/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: crashsig decode [--arch ARCH] [--json] [FILE...]\n"
	      "Disassemble the Code: dumps of kernel crash output (files or stdin; any\n"
	      "input crashsig reads: gzip/xz/zstd/bzip2, tar, mail, every console\n"
	      "prefix) in objdump's syntax, mark the trapping instruction and explain it.\n"
	      "  -A, --arch ARCH  x86_64, i386, arm64, arm, riscv, powerpc, s390\n"
	      "                   (default: inferred from the register dump)\n"
	      "  -j, --json       one JSON object per input: {\"file\":..,\"code\":[..]}\n"
	      "  -h, --help       show this help\n"
	      "Exit status: 0 every dump decoded, 1 no dump found or some dump could\n"
	      "not be decoded, 2 error (unreadable input, bad option, write error).\n",
	      f);
}

static void print_human(FILE *out, const char *name, const crashsig_code *c)
{
	fprintf(out, "%s:%u: %s %s code", name, c->line, crashsig_arch_name(c->arch),
		c->user ? "user" : "kernel");
	if (c->thumb)
		fputs(" (thumb)", out);
	if (c->skipped)
		fprintf(out, ", %zu bytes skipped", c->skipped);
	fputs(":\n", out);
	if (c->listing && c->listing[0])
		fputs(c->listing, out);
	if (c->explanation)
		fprintf(out, "%s\n", c->explanation);
}

/* ------------------------------------------------------------------ */
/* The input is decoded in pieces of whole lines, so memory is bounded by a
 * piece and not by the input. crashsig_decoder_decode reads a window around
 * each dump: back to the previous dump (at most
 * CRASHSIG_DECODE_WINDOW_BEFORE lines) and forward to the next one (at most
 * CRASHSIG_DECODE_WINDOW_AFTER lines). A piece is cut where no window
 * crosses the cut: right before a dump line, or once the last dump is more
 * than WINDOW_AFTER lines back; the next piece starts with the lines after
 * the last dump (at most WINDOW_BEFORE) as context. Pieces are cut once they
 * reach PIECE_BYTES; a piece that cannot be cut exactly (dumps packed closer
 * than the window) is cut anyway at PIECE_MAX_BYTES. */
#define PIECE_BYTES (1u << 20)
#define PIECE_MAX_BYTES (16u << 20)

typedef struct dstream {
	crashsig_decoder *d;
	const char *name;
	crashsig_arch arch;
	int json;
	int hang;        /* the input is a stall/hang report: no primary dump */
	int decided;     /* the primary dump (or that there is none) is known */
	size_t ncodes;
	size_t base;     /* input line number of the piece's first line */
	int found, status;
	/* the piece being assembled */
	tool_piece p;
	tool_piece first; /* the first non-empty lines: hang report? */
	int head;
	size_t lineno;
	size_t last_dump; /* 1 + index in p of the last dump line, 0: none */
	size_t piece, piece_max;
} dstream;

/* Decode the piece and print its dumps. */
static int flush_piece(dstream *st, tool_piece *p)
{
	if (!p->len)
		return 0;
	crashsig_decoded *r = NULL;
	int rc = crashsig_decoder_decode(st->d, p->text, p->len, st->arch, &r);
	if (rc) {
		tool_err("crashsig decode: %s: decoding failed (%d)\n", st->name, rc);
		return 2;
	}
	size_t n = crashsig_decoded_count(r);
	for (size_t k = 0; k < n; k++) {
		crashsig_code c = *crashsig_decoded_code(r, k);
		c.line = (unsigned)(st->base + c.line - 1);
		/* crashsig_decoded_primary over the whole input: the first
		 * kernel dump with a trapping instruction, unless it is a
		 * BUG/WARN trap or the input is a hang report */
		int primary = 0;
		if (!st->decided && c.status == CRASHSIG_OK && !c.user && c.ninsns &&
		    c.trap_offset != CRASHSIG_NO_TRAP) {
			st->decided = 1;
			primary = !st->hang && c.trap_kind != CRASHSIG_TRAP_BUG;
		}
		st->found = 1;
		if (c.status != CRASHSIG_OK) {
			tool_err("crashsig decode: %s:%u: %s\n", st->name, c.line,
				c.message ? c.message : "cannot decode");
			if (st->status < 1)
				st->status = 1;
		} else if (c.message && !st->json) {
			tool_err("crashsig decode: %s:%u: warning: %s\n", st->name,
				c.line, c.message);
		}
		if (st->json) {
			if (st->ncodes)
				fputc(',', stdout);
			json_code(stdout, &c, primary);
		} else if (c.status == CRASHSIG_OK) {
			if (st->ncodes)
				fputc('\n', stdout);
			print_human(stdout, st->name, &c);
		}
		st->ncodes++;
	}
	crashsig_decoded_free(r);
	return 0;
}

static int on_line(void *arg, const tool_line *l)
{
	dstream *st = arg;
	if (l->cont) {
		/* the rest of a line over TOOL_MAX_LINE: no dump is that long,
		 * the part kept is reported as over the limit */
		if (!l->more)
			tool_err("crashsig decode: %s:%zu: line of %zu bytes: "
				"only the first %d kept\n", st->name, st->lineno, l->full,
				TOOL_MAX_LINE);
		return 0;
	}
	st->lineno++;
	tool_piece *p = &st->p;
	/* the console text: every prefix format reads the same */
	if (st->head < 3 && l->tlen) {
		if (tool_piece_add(&st->first, l->text, l->tlen))
			goto oom;
		st->head++;
		st->hang = crashsig_decode_text_is_hang(st->first.text, st->first.len);
	}
	int dump = crashsig_decode_line_is_dump(l->text, l->tlen);
	size_t keep_from = (size_t)-1;
	if (dump && p->len >= st->piece)
		keep_from = st->last_dump; /* cut right before this dump */
	else if (p->len >= st->piece &&
		 (!st->last_dump || p->nlines - st->last_dump > CRASHSIG_DECODE_WINDOW_AFTER))
		keep_from = st->last_dump; /* every window is complete */
	else if (p->len >= st->piece_max)
		keep_from = p->nlines; /* bounded, not exact */
	if (keep_from != (size_t)-1) {
		if (p->nlines - keep_from > CRASHSIG_DECODE_WINDOW_BEFORE)
			keep_from = p->nlines - CRASHSIG_DECODE_WINDOW_BEFORE;
		/* the context lines kept hold no dump: decoded once */
		int rc = flush_piece(st, p);
		if (rc)
			return rc;
		size_t before = p->nlines;
		tool_piece_keep_from(p, keep_from);
		st->base += before - p->nlines;
		st->last_dump = 0;
	}
	if (tool_piece_add(p, l->text, l->tlen))
		goto oom;
	if (dump)
		st->last_dump = p->nlines;
	return 0;
oom:
	tool_err("crashsig decode: out of memory\n");
	return 2;
}

/* Decode one input (read through the library's input layer: compressed,
 * archives, mail, every console prefix); returns 0, or 2 on an error
 * (reported). */
static int decode_stream(dstream *st, const char *path)
{
	/* the test of streaming (tests/stream_pieces.py) sets the piece size */
	st->piece = PIECE_BYTES;
	st->piece_max = PIECE_MAX_BYTES;
	const char *env = getenv("CRASHSIG_TEST_PIECE_BYTES");
	if (env && strtoull(env, NULL, 10) > 0) {
		unsigned long long v = strtoull(env, NULL, 10);
		st->piece = v > SIZE_MAX / 16 ? SIZE_MAX / 16 : (size_t)v;
		st->piece_max = 16 * st->piece;
	}
	int rc = tool_read_path("crashsig decode", path, on_line, st);
	if (!rc)
		rc = flush_piece(st, &st->p);
	tool_piece_free(&st->p);
	tool_piece_free(&st->first);
	return rc ? 2 : 0;
}

int tool_cmd_decode(int argc, char **argv)
{
	crashsig_arch arch = CRASHSIG_ARCH_UNKNOWN;
	int json = 0, nfiles = 0, opt;
	static const struct option lopts[] = {
		{"arch", required_argument, NULL, 'A'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	while ((opt = getopt_long(argc, argv, "A:jh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'A':
			if (crashsig_arch_parse(optarg, &arch)) {
				tool_err("crashsig decode: unknown architecture '%s'\n",
					optarg);
				usage(stderr);
				return 2;
			}
			break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return tool_finish_stdout("crashsig decode", 0);
		default:
			fputs("Try 'crashsig help decode'.\n", stderr);
			return 2;
		}
	}
	int first_file = optind;
	nfiles = argc - first_file;
	crashsig_decoder *d = NULL;
	if (crashsig_decoder_new(&d, NULL)) {
		tool_err("crashsig decode: out of memory\n");
		return 2;
	}
	int status = 0, found = 0;
	for (int f = 0; f < (nfiles ? nfiles : 1); f++) {
		const char *name = nfiles ? argv[first_file + f] : "-";
		const char *disp = strcmp(name, "-") ? name : "<stdin>";
		if (json) {
			fputs("{\"file\":", stdout);
			json_cstr(stdout, disp);
			fputs(",\"code\":[", stdout);
		}
		dstream st = {0};
		st.d = d;
		st.name = disp;
		st.arch = arch;
		st.json = json;
		st.base = 1;
		int rc = decode_stream(&st, name);
		if (json)
			fputs("]}\n", stdout);
		if (st.found)
			found = 1;
		if (rc)
			status = 2;
		else if (st.status > status)
			status = st.status;
		if (tool_stdout_failed()) {
			status = 2;
			break;
		}
	}
	crashsig_decoder_free(d);
	if (!found && status == 0) {
		tool_err("crashsig decode: no Code: dump found\n");
		status = 1;
	}
	return tool_finish_stdout("crashsig decode", status);
}
