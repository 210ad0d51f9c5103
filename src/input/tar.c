/* tar archives: POSIX.1-1988 ustar headers (name, size, typeflag, magic
 * "ustar", prefix), GNU "ustar  " with 'L' long names and base-256 sizes,
 * POSIX.1-2001 pax 'x' headers ("NN path=...\n" records). See tar.h. */
#include "input/tar.h"

#include <stdio.h>
#include <string.h>

enum { K_SKIP, K_MEMBER, K_LONGNAME, K_PAX };
#define MAX_META (64 * 1024)

static uint64_t octal(const unsigned char *s, size_t n, int *ok)
{
	*ok = 1;
	if (n && (s[0] & 0x80)) {
		/* GNU base-256: big-endian, the first byte's top bit set */
		uint64_t v = s[0] & 0x3f;
		for (size_t i = 1; i < n; i++) {
			if (v >> 55)
				*ok = 0;
			v = (v << 8) | s[i];
		}
		return v;
	}
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == 0))
		i++;
	int digits = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '7'; i++, digits++)
		v = v * 8 + (uint64_t)(s[i] - '0');
	for (; i < n; i++)
		if (s[i] != ' ' && s[i] != 0)
			*ok = 0;
	return v;
}

int cs_tar_is_header(const unsigned char *b, size_t n)
{
	if (n < 512 || memcmp(b + 257, "ustar", 5) != 0)
		return 0;
	int ok;
	uint64_t want = octal(b + 148, 8, &ok);
	if (!ok)
		return 0;
	uint64_t sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : b[i];
	return sum == want;
}

void cs_tar_init(cs_tar *t, const cs_tar_ops *ops)
{
	memset(t, 0, sizeof(*t));
	t->ops = *ops;
}

static int zero_block(const unsigned char *b)
{
	for (size_t i = 0; i < 512; i++)
		if (b[i])
			return 0;
	return 1;
}

/* "NN key=value\n" records: path= names the next member. */
static void pax_records(cs_tar *t)
{
	const char *s = t->meta.data;
	size_t n = t->meta.len, i = 0;
	while (i < n) {
		size_t len = 0, j = i;
		while (j < n && cs_isdigit((unsigned char)s[j]))
			len = len * 10 + (size_t)(s[j++] - '0');
		if (j >= n || s[j] != ' ' || len == 0 || i + len > n)
			return;
		const char *kv = s + j + 1;
		size_t kvn = i + len - (j + 1);
		if (kvn && kv[kvn - 1] == '\n')
			kvn--;
		if (kvn > 5 && !memcmp(kv, "path=", 5)) {
			cs_buf_clear(&t->next_name);
			cs_buf_add(&t->next_name, kv + 5, kvn - 5);
		}
		i += len;
	}
}

static int header(cs_tar *t)
{
	const unsigned char *h = t->hdr;
	if (zero_block(h)) {
		if (++t->zero_blocks >= 2)
			t->ended = 1;
		return 0;
	}
	t->zero_blocks = 0;
	if (!cs_tar_is_header(h, 512)) {
		snprintf(t->err, sizeof(t->err), "tar: corrupt header at offset %llu",
			 (unsigned long long)(t->off - 512));
		return CRASHSIG_EFORMAT;
	}
	int ok;
	uint64_t size = octal(h + 124, 12, &ok);
	if (!ok) {
		snprintf(t->err, sizeof(t->err), "tar: bad size at offset %llu",
			 (unsigned long long)(t->off - 512));
		return CRASHSIG_EFORMAT;
	}
	t->remain = size;
	t->pad = (512 - size % 512) % 512;
	char type = (char)h[156];
	if (type == 'L' || type == 'x') {
		t->kind = type == 'L' ? K_LONGNAME : K_PAX;
		cs_buf_clear(&t->meta);
	} else if (type == '0' || type == 0 || type == '7') {
		t->kind = K_MEMBER;
		char name[256 + 2];
		const char *nm = t->next_name.len ? t->next_name.data : NULL;
		if (!nm) {
			/* prefix "/" name (ustar) */
			size_t pl = strnlen((const char *)h + 345, 155);
			size_t nl = strnlen((const char *)h, 100);
			size_t k = 0;
			if (pl && !memcmp(h + 257, "ustar\0", 6)) {
				memcpy(name, h + 345, pl);
				k = pl;
				name[k++] = '/';
			}
			memcpy(name + k, h, nl);
			name[k + nl] = 0;
			nm = name;
		}
		t->in_member = 1;
		int rc = t->ops.begin(t->ops.arg, nm, t->off);
		cs_buf_clear(&t->next_name);
		if (rc)
			return rc;
		if (!t->remain) {
			t->in_member = 0;
			return t->ops.end(t->ops.arg);
		}
	} else {
		t->kind = K_SKIP; /* directories, links, devices, global pax */
		cs_buf_clear(&t->next_name);
	}
	return 0;
}

static int entry_done(cs_tar *t)
{
	if (t->kind == K_LONGNAME) {
		cs_buf_clear(&t->next_name);
		size_t n = strnlen(t->meta.data ? t->meta.data : "", t->meta.len);
		if (cs_buf_add(&t->next_name, t->meta.data ? t->meta.data : "", n))
			return CRASHSIG_ENOMEM;
	} else if (t->kind == K_PAX) {
		pax_records(t);
	} else if (t->kind == K_MEMBER && t->in_member) {
		t->in_member = 0;
		return t->ops.end(t->ops.arg);
	}
	return 0;
}

int cs_tar_feed(cs_tar *t, const char *data, size_t len)
{
	while (len && !t->ended) {
		if (t->remain) {
			size_t take = len < t->remain ? len : (size_t)t->remain;
			int rc = 0;
			if (t->kind == K_MEMBER)
				rc = t->ops.data(t->ops.arg, data, take);
			else if ((t->kind == K_LONGNAME || t->kind == K_PAX) &&
				 t->meta.len + take <= MAX_META)
				rc = cs_buf_add(&t->meta, data, take) ? CRASHSIG_ENOMEM : 0;
			t->remain -= take;
			t->off += take;
			data += take;
			len -= take;
			if (rc)
				return rc;
			if (!t->remain && (rc = entry_done(t)))
				return rc;
			continue;
		}
		if (t->pad) {
			size_t take = len < t->pad ? len : (size_t)t->pad;
			t->pad -= take;
			t->off += take;
			data += take;
			len -= take;
			continue;
		}
		size_t take = 512 - t->nhdr;
		if (take > len)
			take = len;
		memcpy(t->hdr + t->nhdr, data, take);
		t->nhdr += take;
		t->off += take;
		data += take;
		len -= take;
		if (t->nhdr == 512) {
			t->nhdr = 0;
			int rc = header(t);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int cs_tar_finish(cs_tar *t)
{
	if (t->remain || t->nhdr) {
		snprintf(t->err, sizeof(t->err), "tar: truncated archive at offset %llu",
			 (unsigned long long)t->off);
		int rc = 0;
		if (t->in_member) {
			t->in_member = 0;
			rc = t->ops.end(t->ops.arg);
		}
		return rc ? rc : CRASHSIG_EFORMAT;
	}
	return 0;
}

void cs_tar_free(cs_tar *t)
{
	if (t) {
		cs_buf_free(&t->meta);
		cs_buf_free(&t->next_name);
	}
}
