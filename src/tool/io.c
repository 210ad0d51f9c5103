#include "io.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <crashsig/crashsig.h>

void tool_err(const char *fmt, ...)
{
	char small[1024], *buf = small;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		buf = malloc((size_t)n + 1);
		if (!buf) {
			buf = small; /* truncated rather than lost */
			n = (int)sizeof(small) - 1;
		} else {
			va_start(ap, fmt);
			vsnprintf(buf, (size_t)n + 1, fmt, ap);
			va_end(ap);
		}
	}
	/* escaped into one buffer, written with one call: stderr is
	 * unbuffered, and a byte per write(2) was ~200 system calls for
	 * symbolize's list of missing modules */
	char osmall[4096], *out = osmall;
	size_t cap = (size_t)n * 4 + 16; /* \xNN per byte at most */
	if (cap > sizeof(osmall) && !(out = malloc(cap))) {
		out = osmall;
		cap = sizeof(osmall);
	}
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)buf;
	for (int i = 0; i < n && o + 9 < cap; i++) {
		unsigned c = s[i];
		if (c == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) {
			/* C1 in UTF-8 */
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x\\x%02x", c, s[i + 1]);
			i++;
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ||
			   (c >= 0x80 && c <= 0x9f && (i == 0 || s[i - 1] < 0x80))) {
			/* C0, DEL, and a byte 0x80..0x9f after ASCII (no
			 * UTF-8 sequence: a C1 control on 8-bit terminals) */
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	fwrite(out, 1, o, stderr);
	if (out != osmall)
		free(out);
	if (buf != small)
		free(buf);
}

FILE *tool_open(const char *prog, const char *path)
{
	if (!strcmp(path, "-"))
		return stdin;
	FILE *f = fopen(path, "rb");
	if (!f) {
		tool_err("%s: %s: %s\n", prog, path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		tool_err("%s: %s: %s\n", prog, path, strerror(EISDIR));
		fclose(f);
		return NULL;
	}
	return f;
}

void tool_close(FILE *f)
{
	if (f && f != stdin)
		fclose(f);
}

FILE *tool_spool_stdin(const char *prog)
{
	FILE *t = tmpfile();
	if (!t) {
		tool_err("%s: <stdin>: cannot create a temporary file: %s\n", prog,
			 strerror(errno));
		return NULL;
	}
	char *chunk = malloc(1 << 16);
	if (!chunk) {
		tool_err("%s: out of memory\n", prog);
		fclose(t);
		return NULL;
	}
	size_t n;
	int ok = 1;
	while (ok && (n = fread(chunk, 1, 1 << 16, stdin)) > 0)
		if (fwrite(chunk, 1, n, t) != n) {
			tool_err("%s: <stdin>: writing the temporary file: %s\n", prog,
				 strerror(errno));
			ok = 0;
		}
	if (ok && ferror(stdin)) {
		tool_err("%s: <stdin>: read error: %s\n", prog, strerror(errno));
		ok = 0;
	}
	if (ok && (fflush(t) != 0 || fseek(t, 0, SEEK_SET) != 0)) {
		tool_err("%s: <stdin>: writing the temporary file: %s\n", prog,
			 strerror(errno));
		ok = 0;
	}
	free(chunk);
	if (!ok) {
		fclose(t);
		return NULL;
	}
	return t;
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
		tool_err("%s: write error: %s\n", prog, strerror(write_errno));
	return TOOL_EXIT_ERROR;
}
