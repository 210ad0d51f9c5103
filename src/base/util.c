#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int cs_buf_reserve(cs_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - 1 - b->len)
		return CRASHSIG_ENOMEM;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			return CRASHSIG_ENOMEM;
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (!p)
		return CRASHSIG_ENOMEM;
	/* the buffer is always NUL terminated once it has memory, also when
	 * only reserved (cs_buf_reserve(b, 0) on an empty buffer) */
	p[b->len] = 0;
	b->data = p;
	b->cap = cap;
	return 0;
}

int cs_buf_add(cs_buf *b, const void *data, size_t len)
{
	if (cs_buf_reserve(b, len))
		return CRASHSIG_ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = 0;
	return 0;
}

int cs_buf_adds(cs_buf *b, const char *s) { return cs_buf_add(b, s, strlen(s)); }

int cs_buf_printf(cs_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || cs_buf_reserve(b, (size_t)n))
		return CRASHSIG_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void cs_buf_clear(cs_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

void cs_buf_free(cs_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *cs_buf_detach(cs_buf *b)
{
	if (!b->data && cs_buf_reserve(b, 0))
		return NULL;
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int cs_reserve(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 8;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / elem)
		return CRASHSIG_ENOMEM;
	void *v = realloc(*p, c * elem);
	if (!v)
		return CRASHSIG_ENOMEM;
	*p = v;
	*cap = c;
	return 0;
}

char *cs_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

int cs_error(cs_err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Value + 1 of a hex digit, 0 for other bytes (cs_parse_hex). */
#define H(c, v) [c] = (v) + 1
const unsigned char cs_hex1[256] = {
	H('0', 0), H('1', 1), H('2', 2), H('3', 3), H('4', 4), H('5', 5), H('6', 6),
	H('7', 7), H('8', 8), H('9', 9), H('a', 10), H('b', 11), H('c', 12),
	H('d', 13), H('e', 14), H('f', 15), H('A', 10), H('B', 11), H('C', 12),
	H('D', 13), H('E', 14), H('F', 15),
};
#undef H

size_t cs_utf8_len(const unsigned char *s, size_t n)
{
	if (!n)
		return 0;
	if (s[0] < 0x80)
		return 1;
	size_t k;
	unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		k = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 3;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 4;
		if (s[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (k > n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return k;
}

/* One directory, open as fd, whose path is in path (path->len bytes; the
 * walk appends "/name" and cuts it off again). Entries are read with
 * getdents64 into one buffer and subdirectories opened relative to fd: per
 * directory an openat, the reads and a close (opendir/readdir add an fstat
 * and resolve the whole path again), and no allocation per entry. */
struct dwalk {
	int max_depth, follow_links;
	int (*fn)(void *, const char *, const char *);
	void *arg;
	cs_buf path;
};

#define DWALK_BUF 32768

static int dir_walk(struct dwalk *w, int fd, int depth)
{
	char *buf = malloc(DWALK_BUF);
	if (!buf) {
		close(fd);
		return CRASHSIG_ENOMEM;
	}
	size_t base = w->path.len;
	int rc = 0;
	long n;
	while (!rc && (n = syscall(SYS_getdents64, fd, buf, DWALK_BUF)) > 0) {
		for (long off = 0; !rc && off < n;) {
			/* struct linux_dirent64: u64 ino, s64 off, u16 reclen,
			 * u8 type, char name[] */
			unsigned short reclen;
			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			unsigned char type = (unsigned char)buf[off + 18];
			const char *name = buf + off + 19;
			off += reclen;
			if (name[0] == '.' || !reclen)
				continue;
			size_t nl = strlen(name);
			w->path.len = base;
			if (cs_buf_addc(&w->path, '/') || cs_buf_add(&w->path, name, nl)) {
				rc = CRASHSIG_ENOMEM;
				break;
			}
			int isdir = type == DT_DIR;
			if (type == DT_UNKNOWN || (type == DT_LNK && w->follow_links)) {
				struct stat st;
				isdir = !fstatat(fd, name, &st, 0) && S_ISDIR(st.st_mode);
			}
			if (!isdir) {
				rc = w->fn(w->arg, w->path.data, w->path.data + base + 1);
			} else if (depth < w->max_depth) {
				int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (sub >= 0)
					rc = dir_walk(w, sub, depth + 1);
			}
		}
	}
	w->path.len = base;
	if (w->path.data)
		w->path.data[base] = 0;
	free(buf);
	close(fd);
	return rc;
}

int cs_dir_walk(const char *dir, int max_depth, int follow_links,
		int (*fn)(void *arg, const char *path, const char *name), void *arg)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return CRASHSIG_EIO;
	struct dwalk w = {max_depth, follow_links, fn, arg, {0}};
	int rc = cs_buf_add(&w.path, dir, strlen(dir)) ? CRASHSIG_ENOMEM : 0;
	if (rc)
		close(fd);
	else
		rc = dir_walk(&w, fd, 0);
	cs_buf_free(&w.path);
	return rc;
}

/* Chunks of 16 KiB (a larger object gets a chunk of its own size). */
#define CS_ARENA_CHUNK 16384
struct cs_arena_chunk {
	cs_arena_chunk *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

void *cs_arena_alloc(cs_arena *a, size_t n)
{
	const size_t al = _Alignof(max_align_t);
	if (n > SIZE_MAX - al)
		return NULL;
	n = (n + al - 1) & ~(al - 1);
	cs_arena_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CS_ARENA_CHUNK ? n : CS_ARENA_CHUNK;
		if (cap > SIZE_MAX - sizeof(*c))
			return NULL;
		cs_arena_chunk *nc = malloc(sizeof(*nc) + cap);
		if (!nc)
			return NULL;
		nc->used = 0;
		nc->cap = cap;
		if (c && n > CS_ARENA_CHUNK) {
			/* a large object: behind the current chunk, which
			 * goes on being filled */
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			a->head = nc;
		}
		c = nc;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

char *cs_arena_strndup(cs_arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *p = cs_arena_alloc(a, n + 1);
	if (p) {
		if (n)
			memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

char *cs_arena_strdup(cs_arena *a, const char *s)
{
	return cs_arena_strndup(a, s, strlen(s));
}

void cs_arena_free(cs_arena *a)
{
	cs_arena_chunk *c = a->head;
	while (c) {
		cs_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}
