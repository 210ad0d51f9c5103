/* The kernel's MAINTAINERS file, matched the way scripts/get_maintainer.pl
 * does (without git history):
 *  - a section is a run of "T:\tvalue" lines; its title is the last other
 *    non-blank, non-comment line before it (so the file's preamble is
 *    skipped);
 *  - F:/X: patterns become regular expressions: '.' is literal, '*' is
 *    ".*", '?' is "."; other characters (e.g. "[ch]") keep their regex
 *    meaning; a pattern naming a directory without a trailing '/' gets one;
 *  - a pattern ending in '/' matches every file below it (prefix match);
 *    any other pattern must match from the start of the path with the same
 *    number of '/' as the path (file_match_pattern);
 *  - a section is skipped for a file when one of its X: patterns matches;
 *  - N: values are extended regular expressions searched in the path;
 *  - sections are ranked by the depth of the pattern that matched: the
 *    number of '/' in it, plus one when it does not end in '/', -1 when it
 *    starts with '*'; N: matches rank 0; deeper first (file order breaks
 *    ties, where get_maintainer.pl leaves the order to Perl's hash).
 * The "is a directory" test asks the source tree around the MAINTAINERS
 * file when there is one (its Makefile exists); without a tree it is
 * answered by the path looked up: p names a directory when the path starts
 * with p/. */
#include "validate/validate_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct mtag {
	char type;
	unsigned char bad; /* F:/X:/N: pattern that is no valid regex: ignored */
	unsigned line;     /* 1-based line in the file */
	const char *value;
} mtag;

typedef struct msect {
	const char *title;
	size_t first, count; /* range in tags */
} msect;

struct crashsig_maintainers {
	crashsig_ctx *ctx;
	char *root; /* directory of the MAINTAINERS file (the source tree), or NULL */
	char *text;
	mtag *tags;
	size_t ntags, captags;
	msect *sects;
	size_t nsects, capsects;
	char **warnings; /* "FILE:LINE: ...", owned */
	size_t nwarnings, capwarnings;
};

static int is_tag(const char *l)
{
	return l[0] >= 'A' && l[0] <= 'Z' && l[1] == ':';
}

static int check_patterns(crashsig_maintainers *m, const char *name);

/* Parse data (len bytes) of the MAINTAINERS file called name in messages. */
static int parse(crashsig_maintainers **out, crashsig_ctx *ctx, const char *data, size_t len,
		 const char *name)
{
	if (!out || (!data && len))
		return CRASHSIG_EINVAL;
	*out = NULL;
	crashsig_maintainers *m = calloc(1, sizeof(*m));
	if (!m || !(m->text = malloc(len + 1))) {
		free(m);
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	}
	m->ctx = ctx;
	memcpy(m->text, data, len);
	m->text[len] = 0;
	const char *title = NULL;
	int in_section = 0;
	unsigned lineno = 0;
	for (char *p = m->text; p && *p;) {
		lineno++;
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		char *e = p + strlen(p);
		while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = 0;
		const char *s = p;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#') {
			/* blank and comment lines are ignored */
		} else if (is_tag(p)) {
			if (!in_section) {
				if (cs_reserve((void **)&m->sects, &m->capsects, m->nsects + 1,
					       sizeof(msect)))
					goto nomem;
				m->sects[m->nsects].title = title ? title : "";
				m->sects[m->nsects].first = m->ntags;
				m->sects[m->nsects++].count = 0;
				in_section = 1;
			}
			const char *v = p + 2;
			while (*v == ' ' || *v == '\t')
				v++;
			if (cs_reserve((void **)&m->tags, &m->captags, m->ntags + 1, sizeof(mtag)))
				goto nomem;
			m->tags[m->ntags].type = p[0];
			m->tags[m->ntags].bad = 0;
			m->tags[m->ntags].line = lineno;
			m->tags[m->ntags++].value = v;
			m->sects[m->nsects - 1].count++;
		} else {
			in_section = 0;
			title = p;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (!m->nsects) {
		crashsig_maintainers_free(m);
		return cs_ctx_error(ctx, CRASHSIG_EFORMAT, "no MAINTAINERS section found");
	}
	if (check_patterns(m, name))
		goto nomem;
	*out = m;
	return 0;
nomem:
	crashsig_maintainers_free(m);
	return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
}

CS_EXPORT int crashsig_maintainers_parse(crashsig_maintainers **out, crashsig_ctx *ctx,
					 const char *data, size_t len)
{
	return parse(out, ctx, data, len, "MAINTAINERS");
}

CS_EXPORT int crashsig_maintainers_load(crashsig_maintainers **out, crashsig_ctx *ctx,
					const char *path)
{
	if (!out || !path)
		return CRASHSIG_EINVAL;
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return cs_ctx_error(ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		int dir = S_ISDIR(st.st_mode);
		fclose(f);
		return cs_ctx_error(ctx, CRASHSIG_EIO, "%s: %s", path,
				    dir ? strerror(EISDIR) : "not a regular file");
	}
	cs_buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (cs_buf_add(&b, chunk, n)) {
			fclose(f);
			cs_buf_free(&b);
			return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
		}
	int err = ferror(f) ? errno : 0;
	fclose(f);
	if (err) {
		cs_buf_free(&b);
		return cs_ctx_error(ctx, CRASHSIG_EIO, "%s: %s", path, strerror(err));
	}
	int rc = parse(out, ctx, b.data ? b.data : "", b.len, path);
	cs_buf_free(&b);
	if (!rc) {
		const char *sl = strrchr(path, '/');
		(*out)->root = sl ? cs_strndup(path, (size_t)(sl - path) + (sl == path))
				  : cs_strndup(".", 1);
		if (!(*out)->root) {
			crashsig_maintainers_free(*out);
			*out = NULL;
			return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
		}
	}
	if (rc && rc != CRASHSIG_ENOMEM)
		cs_ctx_error(ctx, rc, "%s: no MAINTAINERS section found", path);
	return rc;
}

CS_EXPORT void crashsig_maintainers_free(crashsig_maintainers *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	free(m->root);
	free(m->text);
	free(m->tags);
	free(m->sects);
	free(m);
}

CS_EXPORT size_t crashsig_maintainers_count(const crashsig_maintainers *m)
{
	return m ? m->nsects : 0;
}

CS_EXPORT const char *crashsig_maintainers_warning(const crashsig_maintainers *m, size_t i)
{
	return m && i < m->nwarnings ? m->warnings[i] : NULL;
}

static size_t count_slashes(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '/';
	return k;
}

/* Regex of an F:/X: pattern as get_maintainer.pl builds it, anchored. */
static int pattern_regex(const char *pat, size_t n, cs_buf *re)
{
	if (cs_buf_adds(re, "^"))
		return CRASHSIG_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int rc;
		if (pat[i] == '.')
			rc = cs_buf_adds(re, "\\.");
		else if (pat[i] == '*')
			rc = cs_buf_adds(re, ".*");
		else if (pat[i] == '?')
			rc = cs_buf_addc(re, '.');
		else
			rc = cs_buf_addc(re, pat[i]);
		if (rc)
			return CRASHSIG_ENOMEM;
	}
	return 0;
}

/* Every F:, X: and N: pattern must be a regular expression PCRE2 compiles
 * (get_maintainer.pl would die on one Perl cannot compile): one that is not
 * gets a warning naming FILE:LINE and is ignored by lookups. F:/X: patterns
 * are compiled only when they hold regex characters besides the glob's
 * '*', '?' and '.'. Returns 0 or CRASHSIG_ENOMEM. */
static int check_patterns(crashsig_maintainers *m, const char *name)
{
	for (size_t i = 0; i < m->ntags; i++) {
		mtag *t = &m->tags[i];
		if (t->type != 'F' && t->type != 'X' && t->type != 'N')
			continue;
		cs_buf re = {0};
		const char *rx = t->value;
		if (t->type != 'N') {
			if (!t->value[strcspn(t->value, "[](){}+^$|\\")])
				continue; /* a plain glob: always valid */
			if (pattern_regex(t->value, strlen(t->value), &re)) {
				cs_buf_free(&re);
				return CRASHSIG_ENOMEM;
			}
			rx = re.data;
		}
		int ec;
		PCRE2_SIZE eo;
		pcre2_code *c = pcre2_compile((PCRE2_SPTR)rx, PCRE2_ZERO_TERMINATED,
					      t->type == 'N' ? PCRE2_EXTENDED : 0, &ec, &eo, NULL);
		cs_buf_free(&re);
		if (c) {
			pcre2_code_free(c);
			continue;
		}
		t->bad = 1;
		PCRE2_UCHAR why[120];
		if (pcre2_get_error_message(ec, why, sizeof(why)) < 0)
			snprintf((char *)why, sizeof(why), "error %d", ec);
		cs_buf w = {0};
		if (cs_buf_printf(&w, "%s:%u: %c: '%.200s' is not a valid regular expression (%s); "
				  "the pattern is ignored",
				  name, t->line, t->type, t->value, (const char *)why) ||
		    cs_reserve((void **)&m->warnings, &m->capwarnings, m->nwarnings + 1,
			       sizeof(char *))) {
			cs_buf_free(&w);
			return CRASHSIG_ENOMEM;
		}
		m->warnings[m->nwarnings++] = w.data; /* owned now */
	}
	return 0;
}

static int regex_search(const char *re, uint32_t opts, const char *s)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
	if (!c)
		return 0;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
	int r = md && pcre2_match(c, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL) >= 0;
	pcre2_match_data_free(md);
	pcre2_code_free(c);
	return r;
}

/* Is pat (no glob characters) a directory of the tree next to the
 * MAINTAINERS file? -1 when there is no tree to ask. */
static int tree_dir(const crashsig_maintainers *m, const char *pat, size_t pl)
{
	if (!m->root)
		return -1;
	char p[4096];
	struct stat st;
	if (snprintf(p, sizeof(p), "%s/%.*s", m->root, (int)pl, pat) >= (int)sizeof(p))
		return -1;
	if (!stat(p, &st))
		return S_ISDIR(st.st_mode);
	/* the tree must be there at all: its top-level Makefile */
	snprintf(p, sizeof(p), "%s/Makefile", m->root);
	return stat(p, &st) ? -1 : 0;
}

/* get_maintainer.pl's file_match_pattern, after the pattern got its
 * trailing '/' when it names a directory. *eff_dir reports that. */
static int file_match(const crashsig_maintainers *m, const char *file, const char *pat,
		      int *eff_dir)
{
	size_t pl = strlen(pat);
	*eff_dir = 0;
	if (!pl)
		return 0; /* an empty "F:" matches nothing (fuzz_validate) */
	*eff_dir = pat[pl - 1] == '/';
	/* The literal part before the first regex character must be a prefix
	 * of the path: a cheap filter before compiling anything. */
	size_t lit = strcspn(pat, "*?[]()+^$|{}\\");
	if (strncmp(file, pat, lit < strlen(file) ? lit : strlen(file)) ||
	    (lit > strlen(file)))
		return 0;
	if (!*eff_dir && lit == pl) {
		/* "F: dir" names a directory: asked of the source tree when the
		 * MAINTAINERS file sits in one (as get_maintainer.pl does with
		 * -d), else inferred from the path looked up */
		int td = tree_dir(m, pat, pl);
		if (td == 1 || (td < 0 && !strncmp(file, pat, pl) && file[pl] == '/'))
			*eff_dir = 1;
	}
	cs_buf re = {0};
	if (pattern_regex(pat, pl, &re) || (*eff_dir && pat[pl - 1] != '/' && cs_buf_addc(&re, '/'))) {
		cs_buf_free(&re);
		return 0;
	}
	int ok = regex_search(re.data, 0, file);
	cs_buf_free(&re);
	if (!ok)
		return 0;
	if (*eff_dir)
		return 1;
	return count_slashes(file, strlen(file)) == count_slashes(pat, pl);
}

typedef struct hit {
	size_t sect;
	int depth;
	const char *pattern;
} hit;

static int cmp_hit(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return x->sect < y->sect ? -1 : x->sect > y->sect;
}

static const char *const *collect_type(const crashsig_maintainers *m, const msect *s, char t,
				       size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < s->count; i++)
		*n += m->tags[s->first + i].type == t;
	if (!*n)
		return NULL;
	const char **v = malloc(*n * sizeof(char *));
	if (!v)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < s->count; i++)
		if (m->tags[s->first + i].type == t)
			v[k++] = m->tags[s->first + i].value;
	return v;
}

CS_EXPORT int crashsig_maintainers_lookup(const crashsig_maintainers *m, const char *path,
					  crashsig_maint_match **out, size_t *count)
{
	if (!m || !path || !out || !count)
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	hit *hits = NULL;
	size_t nh = 0, caph = 0;
	size_t file_pd = count_slashes(path, strlen(path));
	for (size_t si = 0; si < m->nsects; si++) {
		const msect *s = &m->sects[si];
		int excluded = 0, dir;
		for (size_t i = 0; i < s->count && !excluded; i++)
			if (m->tags[s->first + i].type == 'X' && !m->tags[s->first + i].bad &&
			    file_match(m, path, m->tags[s->first + i].value, &dir))
				excluded = 1;
		if (excluded)
			continue;
		int have = 0, depth = 0;
		const char *pat = NULL;
		for (size_t i = 0; i < s->count; i++) {
			const mtag *t = &m->tags[s->first + i];
			if (t->bad)
				continue;
			if (t->type == 'F' && file_match(m, path, t->value, &dir)) {
				int pd = (int)count_slashes(t->value, strlen(t->value));
				if (!dir)
					pd++;
				if (t->value[0] == '*')
					pd = -1;
				(void)file_pd;
				/* like get_maintainer.pl, the last matching
				 * pattern of a section sets its depth */
				have = 1;
				depth = pd;
				pat = t->value;
			} else if (t->type == 'N' && regex_search(t->value, PCRE2_EXTENDED, path)) {
				have = 1;
				depth = 0;
				pat = t->value;
			}
		}
		if (!have)
			continue;
		if (cs_reserve((void **)&hits, &caph, nh + 1, sizeof(hit))) {
			free(hits);
			return cs_ctx_error(m->ctx, CRASHSIG_ENOMEM, "out of memory");
		}
		hits[nh].sect = si;
		hits[nh].depth = depth;
		hits[nh++].pattern = pat;
	}
	if (nh)
		qsort(hits, nh, sizeof(hit), cmp_hit);
	crashsig_maint_match *res = nh ? calloc(nh, sizeof(*res)) : NULL;
	if (nh && !res) {
		free(hits);
		return cs_ctx_error(m->ctx, CRASHSIG_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < nh; i++) {
		const msect *s = &m->sects[hits[i].sect];
		crashsig_maint_match *r = &res[i];
		r->section = s->title;
		for (size_t k = 0; k < s->count; k++)
			if (m->tags[s->first + k].type == 'S')
				r->status = m->tags[s->first + k].value;
		r->maintainers = collect_type(m, s, 'M', &r->nmaintainers);
		r->reviewers = collect_type(m, s, 'R', &r->nreviewers);
		r->lists = collect_type(m, s, 'L', &r->nlists);
		r->depth = hits[i].depth;
		r->pattern = hits[i].pattern;
	}
	free(hits);
	*out = res;
	*count = nh;
	return 0;
}

CS_EXPORT void crashsig_maint_matches_free(crashsig_maint_match *arr, size_t count)
{
	if (!arr)
		return;
	for (size_t i = 0; i < count; i++) {
		free((void *)arr[i].maintainers);
		free((void *)arr[i].reviewers);
		free((void *)arr[i].lists);
	}
	free(arr);
}
