/* crashsig bisect [--json] LOG...: audit syzbot bisection logs. Uses only the
 * public API (include/crashsig). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"
#include "crashsig/bisect.h"

#include "commands.h"
#include "io.h"

static const char bisect_usage[] =
	"usage: crashsig bisect [--json] [--rules DIR] [LOG...]\n"
	"\n"
	"Audit syz-ci bisection logs (the bisect.txt of syzbot): for every tested\n"
	"commit the logged verdict, the verdict under the rules of then and of now,\n"
	"run counts and each crash title's relation to the bisected crash; then\n"
	"the culprit checks, syzkaller's confidence, a title-aware confidence and a\n"
	"label (high, medium, low). LOG '-' or no LOG reads standard input.\n"
	"\n"
	"Options:\n"
	"  -j, --json         one JSON object per log (JSON Lines)\n"
	"      --rules DIR    title rules from DIR instead of the built-in rules\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 every log was parsed and audited, 1 some input holds no\n"
	"bisection, 2 an error occurred.\n";

static int audit_one(crashsig_ctx *ctx, const char *path, int json)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	FILE *fp = tool_open("crashsig bisect", path);
	if (!fp)
		return 2;
	/* streamed through the library's input layer (compressed logs, any
	 * line ends), memory bounded whatever the input */
	crashsig_bisect_reader *rd = NULL;
	if (crashsig_bisect_reader_new(&rd, ctx, NULL)) {
		tool_err("crashsig bisect: %s: %s\n", name, crashsig_error_last(ctx));
		tool_close(fp);
		return 2;
	}
	char buf[1 << 16];
	int rc = 0;
	for (;;) {
		size_t n = fread(buf, 1, sizeof(buf), fp);
		if (n && (rc = crashsig_bisect_reader_feed(rd, buf, n)))
			break;
		if (n < sizeof(buf)) {
			if (ferror(fp)) {
				tool_err("crashsig bisect: %s: read error: %s\n", name,
					 strerror(errno));
				crashsig_bisect_reader_free(rd);
				tool_close(fp);
				return 2;
			}
			break;
		}
	}
	tool_close(fp);
	crashsig_bisect *b = NULL;
	if (!rc)
		rc = crashsig_bisect_reader_finish(rd, &b);
	crashsig_bisect_reader_free(rd);

	if (rc == CRASHSIG_ENOTFOUND) {
		tool_err("crashsig bisect: %s: no bisection log found\n", name);
		return 1;
	}
	if (rc) {
		tool_err("crashsig bisect: %s: %s\n", name, crashsig_error_last(ctx));
		return 2;
	}
	char *text = NULL;
	size_t tlen = 0;
	rc = crashsig_bisect_render(b, json ? CRASHSIG_BISECT_JSON : CRASHSIG_BISECT_TEXT,
				    name, &text, &tlen);
	crashsig_bisect_free(b);
	if (rc) {
		tool_err("crashsig bisect: %s: out of memory\n", name);
		return 2;
	}
	size_t w = fwrite(text, 1, tlen, stdout);
	free(text);
	if (w != tlen || fflush(stdout)) {
		tool_err("crashsig bisect: write error: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

int tool_cmd_bisect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"rules", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int json = 0, c;
	const char *rules = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'R': rules = optarg; break;
		case 'h': fputs(bisect_usage, stdout); return 0;
		default: fputs(bisect_usage, stderr); return 2;
		}
	}
	crashsig_options copts = CRASHSIG_OPTIONS_INIT;
	copts.rules_dir = rules;
	crashsig_ctx *ctx;
	char err[512];
	if (crashsig_ctx_new(&ctx, &copts, err, sizeof(err))) {
		tool_err("crashsig bisect: %s\n", err);
		return 2;
	}
	int status = 0, none = 0;
	if (optind >= argc) {
		int rc = audit_one(ctx, "-", json);
		status = rc == 2 ? 2 : 0;
		none = rc == 1;
	}
	for (int i = optind; i < argc; i++) {
		int rc = audit_one(ctx, argv[i], json);
		if (rc == 2)
			status = 2;
		else if (rc == 1)
			none = 1;
	}
	crashsig_ctx_free(ctx);
	if (status == 2)
		return 2;
	return none ? 1 : 0;
}
