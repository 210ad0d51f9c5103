/* For the benchmarks: the entries of a directory (dot files left out) as
 * "dir/name" paths in sorted order, so every run reads the files in the same
 * order. Exits with a message when the directory cannot be read. The caller
 * frees each path and the array. */
#ifndef CRASHSIG_BENCH_DIR_H
#define CRASHSIG_BENCH_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bench_dir_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **bench_dir_list(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		exit(2);
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				perror("realloc");
				exit(2);
			}
		}
		size_t l = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(l);
		if (!names[n]) {
			perror("malloc");
			exit(2);
		}
		snprintf(names[n++], l, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), bench_dir_cmp);
	*count = n;
	return names;
}

#endif
