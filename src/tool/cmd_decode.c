/* crashsig decode [--arch A] [--json] [FILE...]: disassemble the Code: dumps
 * of kernel crash output and explain the trapping instruction. Uses only the
 * public API (include/crashsig). */
#include <errno.h>
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
	      "Disassemble the Code: dumps of kernel crash output (files or stdin,\n"
	      "gzip/xz/zstd recognised by content) in objdump's syntax, mark the\n"
	      "trapping instruction and explain it.\n"
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
				fprintf(stderr, "crashsig decode: unknown architecture '%s'\n",
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
		fprintf(stderr, "crashsig decode: out of memory\n");
		return 2;
	}
	int status = 0, found = 0;
	for (int f = 0; f < (nfiles ? nfiles : 1); f++) {
		const char *name = nfiles ? argv[first_file + f] : "-";
		char *text = NULL;
		size_t len = 0;
		if (tool_read_input("crashsig decode", name, &text, &len)) {
			status = 2;
			continue;
		}
		const char *disp = strcmp(name, "-") ? name : "<stdin>";
		crashsig_decoded *r = NULL;
		int rc = crashsig_decoder_decode(d, text, len, arch, &r);
		if (rc) {
			fprintf(stderr, "crashsig decode: %s: decoding failed (%d)\n", disp,
				rc);
			free(text);
			status = 2;
			continue;
		}
		size_t n = crashsig_decoded_count(r);
		const crashsig_code *prim = crashsig_decoded_primary(r);
		if (json) {
			fputs("{\"file\":", stdout);
			json_cstr(stdout, disp);
			fputs(",\"code\":[", stdout);
		}
		for (size_t k = 0; k < n; k++) {
			const crashsig_code *c = crashsig_decoded_code(r, k);
			found = 1;
			if (c->status != CRASHSIG_OK) {
				fprintf(stderr, "crashsig decode: %s:%u: %s\n", disp, c->line,
					c->message ? c->message : "cannot decode");
				if (status < 1)
					status = 1;
			} else if (c->message && !json) {
				fprintf(stderr, "crashsig decode: %s:%u: warning: %s\n", disp,
					c->line, c->message);
			}
			if (json) {
				if (k)
					fputc(',', stdout);
				json_code(stdout, c, c == prim);
			} else if (c->status == CRASHSIG_OK) {
				if (k)
					fputc('\n', stdout);
				print_human(stdout, disp, c);
			}
		}
		if (json)
			fputs("]}\n", stdout);
		crashsig_decoded_free(r);
		free(text);
		if (tool_stdout_failed()) {
			status = 2;
			break;
		}
	}
	crashsig_decoder_free(d);
	if (!found && status == 0) {
		fprintf(stderr, "crashsig decode: no Code: dump found\n");
		status = 1;
	}
	return tool_finish_stdout("crashsig decode", status);
}
