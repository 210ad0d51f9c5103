#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <crashsig/crashsig.h>

FILE *tool_open(const char *prog, const char *path)
{
	if (!strcmp(path, "-"))
		return stdin;
	FILE *f = fopen(path, "rb");
	if (!f)
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
	return f;
}

void tool_close(FILE *f)
{
	if (f && f != stdin)
		fclose(f);
}

typedef struct sink {
	char *buf;
	size_t len, cap;
} sink;

static int sink_write(void *arg, const void *data, size_t len)
{
	sink *s = arg;
	if (s->len + len + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < s->len + len + 1)
			cap *= 2;
		char *nb = realloc(s->buf, cap);
		if (!nb)
			return CRASHSIG_ENOMEM;
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = 0;
	return 0;
}

int tool_read_input(const char *prog, const char *path, char **buf, size_t *len)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	FILE *f = tool_open(prog, path);
	if (!f)
		return TOOL_EXIT_ERROR;
	crashsig_options co = CRASHSIG_OPTIONS_INIT;
	co.flags = CRASHSIG_CTX_NO_RULES;
	crashsig_ctx *ctx = NULL;
	crashsig_decompressor *d = NULL;
	sink s = {0};
	int rc = crashsig_ctx_new(&ctx, &co, NULL, 0);
	if (!rc)
		rc = crashsig_decompressor_new(&d, ctx);
	if (rc) {
		fprintf(stderr, "%s: out of memory\n", prog);
		crashsig_ctx_free(ctx);
		tool_close(f);
		return TOOL_EXIT_ERROR;
	}
	char *chunk = malloc(1 << 16);
	int status = chunk ? 0 : TOOL_EXIT_ERROR;
	while (!status) {
		size_t n = fread(chunk, 1, 1 << 16, f);
		if (n && (rc = crashsig_decompressor_feed(d, chunk, n, sink_write, &s))) {
			fprintf(stderr, "%s: %s: %s\n", prog, name,
				rc == CRASHSIG_ENOMEM ? "out of memory" : crashsig_error_last(ctx));
			status = TOOL_EXIT_ERROR;
			break;
		}
		if (n < (1 << 16)) {
			if (ferror(f)) {
				fprintf(stderr, "%s: %s: read error: %s\n", prog, name,
					strerror(errno));
				status = TOOL_EXIT_ERROR;
			} else if ((rc = crashsig_decompressor_finish(d, sink_write, &s))) {
				fprintf(stderr, "%s: %s: %s\n", prog, name,
					rc == CRASHSIG_ENOMEM ? "out of memory"
							      : crashsig_error_last(ctx));
				status = TOOL_EXIT_ERROR;
			}
			break;
		}
	}
	free(chunk);
	crashsig_decompressor_free(d);
	crashsig_ctx_free(ctx);
	tool_close(f);
	if (!status && !s.buf && sink_write(&s, "", 0))
		status = TOOL_EXIT_ERROR;
	if (status) {
		free(s.buf);
		return status;
	}
	*buf = s.buf;
	*len = s.len;
	return 0;
}

static int write_errno;

int tool_stdout_failed(void)
{
	if (!ferror(stdout))
		return 0;
	if (!write_errno)
		write_errno = errno ? errno : EIO;
	return 1;
}

int tool_finish_stdout(const char *prog, int status)
{
	int failed = tool_stdout_failed();
	errno = 0;
	if (fflush(stdout) != 0 && !write_errno)
		write_errno = errno ? errno : EIO;
	failed |= ferror(stdout) != 0;
	errno = 0;
	if (fclose(stdout) != 0) {
		if (!write_errno)
			write_errno = errno ? errno : EIO;
		failed = 1;
	}
	if (!failed && !write_errno)
		return status;
	if (write_errno != EPIPE)
		fprintf(stderr, "%s: write error: %s\n", prog, strerror(write_errno));
	return TOOL_EXIT_ERROR;
}
