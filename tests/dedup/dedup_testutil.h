/* Helpers shared by the dedup tests: temporary stores on each backend,
 * annotated logs (header lines, a blank line, the log). */
#ifndef CRASHSIG_DEDUP_TESTUTIL_H
#define CRASHSIG_DEDUP_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crashsig/crashsig.h"
#include "crashsig/dedup.h"
#include "dedup/dedup_int.h"
#include "testutil.h"

/* A fresh temporary directory (mkdtemp), owned by the caller. */
static inline char *dt_tmpdir(void)
{
	char tmpl[] = "/tmp/crashsig-dedup-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

static inline void dt_rmrf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
	}
}

/* The PostgreSQL server of the tests, or NULL (then the PostgreSQL tests
 * are skipped, visibly). */
static inline const char *dt_pg_url(void)
{
	const char *u = getenv("CRASHSIG_TEST_PG");
	return u && *u ? u : NULL;
}

static inline void dt_pg_skip_note(const char *what)
{
	printf("skipped: %s on PostgreSQL because CRASHSIG_TEST_PG is not set "
	       "(scripts/test-pg.sh starts a server and sets it)\n", what);
	fflush(stdout);
}

/* A store URL in an empty place: a new SQLite file under dir, or a new
 * PostgreSQL schema (dropped first) selected through the connection's
 * search_path. Returns a malloc'd URL or NULL. */
static inline char *dt_fresh_url(int pg, const char *dir, const char *name)
{
	char *url = malloc(4096);
	if (!url)
		return NULL;
	if (!pg) {
		snprintf(url, 4096, "sqlite:%s/%s.db", dir, name);
		return url;
	}
	const char *base = dt_pg_url();
	/* the library's own database layer (libpq through dlopen): the tests
	 * need no libpq of their own */
	cs_db *db = NULL;
	cs_err err = {0};
	if (cs_db_open(&db, base, 0, 0, &err)) {
		fprintf(stderr, "%s: %s\n", base, err.msg);
		free(url);
		return NULL;
	}
	char sql[512];
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name,
		 name);
	int ok = !cs_db_exec(db, sql);
	if (!ok)
		fprintf(stderr, "%s: %s\n", base, cs_db_errmsg(db));
	cs_db_close(db);
	if (!ok) {
		free(url);
		return NULL;
	}
	snprintf(url, 4096, "%s%soptions=-csearch_path%%3D%s", base,
		 strchr(base, '?') ? "&" : "?", name);
	return url;
}

typedef struct dt_annot {
	char *title;
	char *alts[16];
	size_t nalts;
	int corrupted, suppressed;
	const char *log; /* points into the file buffer */
	size_t log_len;
	char *buf;
} dt_annot;

static inline void dt_annot_free(dt_annot *a)
{
	free(a->title);
	for (size_t i = 0; i < a->nalts; i++)
		free(a->alts[i]);
	free(a->buf);
	memset(a, 0, sizeof(*a));
}

/* Read an annotated log as syzkaller's pkg/report tests lay them out:
 * "KEY: value" header lines, a blank line, the log (ending before a
 * "REPORT:" line that follows a blank line). Returns 0 on success. */
static inline int dt_annot_read(const char *path, dt_annot *a)
{
	memset(a, 0, sizeof(*a));
	size_t len;
	char *buf = test_read_file(path, &len);
	if (!buf)
		return -1;
	/* CRs go, as the corpus readers do */
	size_t j = 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != '\r')
			buf[j++] = buf[i];
	buf[j] = 0;
	len = j;
	a->buf = buf;
	char *p = buf;
	while (*p && *p != '\n') {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, "TITLE: ", 7))
			a->title = strndup(p + 7, n - 7);
		else if (!strncmp(p, "ALT: ", 5) && a->nalts < 16)
			a->alts[a->nalts++] = strndup(p + 5, n - 5);
		else if (!strncmp(p, "CORRUPTED: Y", 12))
			a->corrupted = 1;
		else if (!strncmp(p, "SUPPRESSED: Y", 13))
			a->suppressed = 1;
		p = nl ? nl + 1 : p + n;
	}
	if (*p == '\n')
		p++;
	a->log = p;
	const char *end = strstr(p, "\n\nREPORT:\n");
	a->log_len = end ? (size_t)(end - p) + 1 : strlen(p);
	return 0;
}

/* Sorted entries of a directory (regular files), NULL-terminated, owned by
 * the caller (free each and the array). */
#include <dirent.h>
static inline int dt_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline char **dt_list_dir(const char *dir, const char *prefix_filter, size_t *n)
{
	DIR *d = opendir(dir);
	*n = 0;
	if (!d)
		return NULL;
	size_t cap = 64;
	char **v = malloc(cap * sizeof(char *));
	struct dirent *e;
	while (v && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (prefix_filter && !strstr(e->d_name, prefix_filter))
			continue;
		if (*n + 2 > cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(char *));
			if (!v)
				break;
		}
		size_t l = strlen(dir) + strlen(e->d_name) + 2;
		v[*n] = malloc(l);
		snprintf(v[*n], l, "%s/%s", dir, e->d_name);
		(*n)++;
	}
	closedir(d);
	if (v) {
		qsort(v, *n, sizeof(char *), dt_name_cmp);
		v[*n] = NULL;
	}
	return v;
}

static inline void dt_free_list(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

#endif
