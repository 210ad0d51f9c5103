/* crashsig dedup: put every crash found into a bug store; list, query and
 * export the store; change the state of bugs. Uses only the public API
 * (include/crashsig). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crashsig/crashsig.h"
#include "crashsig/dedup.h"

#include "commands.h"
#include "dedup_tool.h"
#include "io.h"
#include "pipe.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const char usage_text[] =
	"usage: crashsig dedup [OPTIONS] [FILE|DIR|-]...\n"
	"       crashsig dedup [OPTIONS] --list | --crashes | --bug ID | --crash ID | --export\n"
	"       crashsig dedup [OPTIONS] --fix ID | --invalid ID | --reopen ID | --dup ID:TARGET\n"
	"\n"
	"Find every crash in the console logs and crash reports given (directories\n"
	"are read recursively; '-' or no FILE with no action reads standard input),\n"
	"add each to a bug store, and print the store's bugs. Crashes join bugs by\n"
	"title and alternative titles with the rules of syzbot's dashboard. Every\n"
	"crash has an id: reading the same logs again adds nothing, and a log that\n"
	"has grown adds only its new crashes.\n"
	"\n"
	"Store:\n"
	"      --db URL          the bug store: sqlite:PATH, PATH (SQLite, created on\n"
	"                        first use) or postgresql://... (default: $CRASHSIG_DB,\n"
	"                        else crashsig-bugs.db); read-only commands never\n"
	"                        create one\n"
	"\n"
	"Adding crashes:\n"
	"      --machine NAME    the machine the crashes come from (also a filter of\n"
	"                        the listings)\n"
	"      --source NAME     the name of standard input's crashes (default <stdin>)\n"
	"      --merge-similar   a crash that would open a new bug joins the most\n"
	"                        similar open bug instead (stack distance <= threshold)\n"
	"      --threshold D     similarity threshold in (0, 1] (default " STR(CRASHSIG_SIMILARITY_THRESHOLD) ")\n"
	"      --keep N          keep report and log of the first N crashes of each bug\n"
	"                        ('all': of every crash; default " STR(CRASHSIG_KEEP_PER_BUG) ")\n"
	"      --keep-every K    ... then of every K-th (default " STR(CRASHSIG_KEEP_EVERY) "), the last, and the\n"
	"                        first of each release, machine and title\n"
	"      --log-excerpt N   bytes of log kept around each crash (default 64K;\n"
	"                        K and M suffixes; 0: none)\n"
	"      --batch N         crashes per transaction (default 1000)\n"
	"      --sequential      parse and add the crashes in one thread (default: the\n"
	"                        input is parsed in a second thread while the store\n"
	"                        writes)\n"
	"      --rules DIR       use the *.rules files in DIR\n"
	"\n"
	"Reading the store (bugs by id unless --sort):\n"
	"      --list            print the store's bugs without reading input\n"
	"      --crashes         print crashes instead of bugs (with --bug ID: its own)\n"
	"      --bug ID          print bug ID: titles, history, report, crashes\n"
	"      --crash ID        print one crash with its report and log\n"
	"      --export          print the whole store as JSON Lines\n"
	"      --status LIST     bugs in these states (open,fixed,invalid,dup)\n"
	"      --title REGEX     bugs with a title or alternative title matching REGEX\n"
	"      --since TIME      bugs / crashes with a crash at or after TIME\n"
	"      --until TIME      ... before TIME (TIME: YYYY-MM-DD[ HH:MM[:SS]], seconds\n"
	"                        since the epoch, or an age: 30m, 24h, 7d, 2w)\n"
	"      --release REL     bugs / crashes of kernel release REL\n"
	"      --sort KEY        id, count, first or last (largest / newest first)\n"
	"      --reverse         the other way round\n"
	"      --limit N         at most N bugs or crashes\n"
	"  -j, --json            JSON Lines (--bug: one JSON object)\n"
	"      --outdir DIR      also write DIR/<id>/ per bug: description, titles, report\n"
	"\n"
	"Changing bugs (before reading input, in the order given):\n"
	"      --fix ID          mark bug ID fixed (its next crash opens \"title (2)\")\n"
	"      --invalid ID      mark bug ID invalid (likewise; --close is the same)\n"
	"      --reopen ID       mark bug ID open again\n"
	"      --dup ID:TARGET   merge bug ID into bug TARGET (a duplicate)\n"
	"      --reason TEXT     why, recorded with the changes\n"
	"  -h, --help            show this help\n"
	"\n"
	"Table columns: ID, COUNT, FIRST SEEN and LAST SEEN (UTC; a crash's time is\n"
	"the time in its log when the log has one, else its file's modification\n"
	"time, else the time it was read), STATUS, TITLE, then the bug's other\n"
	"titles and the bug it is similar to, if any.\n"
	"\n"
	"Exit status: 0 crashes were found (or bugs / crashes listed, or the change\n"
	"made), 1 none were, 2 an error occurred.\n";

enum {
	O_DB = 256, O_OUTDIR, O_MERGE, O_THRESH, O_FIX, O_INVALID, O_REOPEN, O_DUP, O_REASON,
	O_LIST, O_CRASHES, O_BUG, O_CRASH, O_EXPORT, O_STATUS, O_TITLE, O_SINCE, O_UNTIL,
	O_MACHINE, O_RELEASE, O_SORT, O_REVERSE, O_LIMIT, O_SOURCE, O_KEEP, O_KEEP_EVERY,
	O_LOG_EXCERPT, O_BATCH, O_RULES, O_SEQUENTIAL
};

typedef struct mark {
	int64_t id, target;
	crashsig_bug_status status;
} mark;

typedef struct dopts {
	const char *db, *outdir, *rules, *machine, *source, *reason, *title, *release;
	const char *crash;
	int json, merge, list, crashes, export_, reverse, sequential;
	int64_t bug, since, until;
	unsigned statuses;
	crashsig_bug_sort sort;
	size_t limit;
	double threshold;
	unsigned batch, keep, keep_every;
	size_t log_max;
	mark *marks;
	size_t nmarks;
} dopts;

/* ---------------- reading input into the store ----------------
 *
 * Two sides: the parser side reads the inputs (directories walked, files
 * decompressed and parsed through the input layer), making a report of each
 * crash; the store side adds each report to the store. By default they run
 * in two threads joined by a bounded pipe (pipe.h), the parser ahead of the
 * store, so that parsing overlaps the store's writes; --sequential runs both
 * in this thread, one after the other. Each side has its own context: the
 * store and its context are used by this thread only. What the parser side
 * has to say (a file that cannot be read, an entry skipped) goes down the
 * pipe with the reports, and the store side prints it: messages come in the
 * order of a one-thread run, and none after a store failure, which stops
 * the parser at its next report, input or piece of input, and ends its
 * wait for an input that makes it wait (a pipe, a FIFO, a terminal: those
 * are waited for with poll(), on the input and on R->wake). */

/* Bounds of the pipe: reports waiting, and the bytes of their texts and
 * log excerpts (each has up to --log-excerpt bytes of log). Runs of logs
 * that are slower to parse than to store, or the other way round, last
 * hundreds of crashes: 2048 lets the parser side bank enough work to keep
 * the store side busy through them (bench/README.md, bench_dedup). */
#define DD_PIPE_ITEMS 2048
#define DD_PIPE_BYTES (8u << 20)

static int64_t time_now(void) { return (int64_t)time(NULL); }

typedef struct devino {
	dev_t dev;
	ino_t ino;
} devino;

/* What the parser side hands to the store side. */
typedef enum { IT_INPUT, IT_REPORT, IT_MESSAGE } item_kind;
typedef struct item {
	item_kind kind;
	crashsig_report *r; /* IT_REPORT */
	/* IT_INPUT: the source of the crashes that follow; IT_MESSAGE: a
	 * message for stderr, formatted */
	char *text;
	int64_t time; /* IT_INPUT: the time of the crashes without their own */
	crashsig_time_source tsrc;
} item;

typedef struct run {
	const dopts *o;
	tool_pipe *pipe; /* parser side -> store side; NULL: one thread */
	int wake[2];     /* the store side writes to wake[1] when it fails; else -1 */
	/* the parser side */
	crashsig_ctx *pctx; /* parses (the store side's ctx in one thread) */
	char *buf;          /* read buffer */
	size_t bufsz;
	char **paths; /* the inputs, after standard input when read_stdin */
	int npaths, read_stdin;
	int error;       /* an input failed */
	int halted;      /* the store failed: read no further */
	int input_error; /* the parser failed (its message given) */
	crashsig_parser *p; /* of the current input */
	const char *name;
	/* directories read (symbolic links are followed once, within the tree) */
	devino *dirs;
	size_t ndirs, dirs_cap;
	/* the store side */
	crashsig_ctx *ctx; /* its rules give the store the generic frames */
	crashsig_store *store;
	const char *url; /* as shown: no password */
	long crashes, fresh;
	int db_error; /* the store failed: stop */
	char *source; /* of the current input */
	int64_t time;
	crashsig_time_source tsrc;
} run;

/* ---- the store side ---- */

static void drop(void *arg)
{
	item *it = arg;
	crashsig_report_free(it->r);
	free(it->text);
}

static int add_one(run *R, crashsig_report *r)
{
	crashsig_add_options ao = CRASHSIG_ADD_OPTIONS_INIT;
	ao.source = R->source;
	ao.machine = R->o->machine;
	ao.time = R->time;
	ao.time_source = R->tsrc;
	crashsig_add_result res;
	/* (the log around it: the one the parser kept). The report was parsed
	 * with the parser side's context; this one has the same rules. */
	int rc = crashsig_store_add_report_opts(R->store, R->ctx, r, &ao, &res);
	R->crashes++;
	if (rc) {
		tool_err("%s: %s: %s\n", DD_PROG, R->url, crashsig_store_error(R->store));
		R->db_error = 1;
		if (R->pipe) { /* the parser side stops at once */
			tool_pipe_stop(R->pipe);
			if (R->wake[1] >= 0 && write(R->wake[1], "", 1) < 0) {
				/* (the pipe is empty: it cannot fail) */
			}
		}
		return TOOL_EXIT_ERROR;
	}
	R->fresh += !res.duplicate;
	return 0;
}

/* One item from the parser side, which it frees. Non-zero once the store
 * has failed. */
static int take(run *R, item *it)
{
	switch (it->kind) {
	case IT_INPUT:
		free(R->source);
		R->source = it->text;
		it->text = NULL;
		R->time = it->time;
		R->tsrc = it->tsrc;
		break;
	case IT_MESSAGE:
		tool_err("%s", it->text);
		break;
	case IT_REPORT:
		add_one(R, it->r);
		break;
	}
	drop(it);
	return R->db_error;
}

/* ---- the parser side ---- */

/* What an item holds, for the pipe's budget. */
static size_t item_bytes(const item *it)
{
	size_t n = sizeof(*it), len = 0;
	if (it->text)
		n += strlen(it->text);
	if (it->r) {
		crashsig_report_text(it->r, &len);
		n += len;
		crashsig_report_log(it->r, &len);
		n += len;
	}
	return n;
}

/* Hand an item to the store side, which takes what it holds (freed here
 * when the store has failed). 0, or -1 once the store has failed. */
static int give(run *R, item *it)
{
	if (R->halted) {
		drop(it);
		return -1;
	}
	if (R->pipe) {
		if (tool_pipe_put(R->pipe, it, item_bytes(it))) {
			drop(it);
			R->halted = 1;
		}
	} else if (take(R, it)) {
		R->halted = 1;
	}
	return R->halted ? -1 : 0;
}

/* Has the store failed? (In one thread, give() tells at once.) */
static int halted(run *R)
{
	if (!R->halted && R->pipe && tool_pipe_stopped(R->pipe))
		R->halted = 1;
	return R->halted;
}

/* tool_err() of the parser side: the store side prints it, in turn. */
static void say(run *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(run *R, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s) {
		vsnprintf(s, (size_t)n + 1, fmt, ap2);
		item it = {IT_MESSAGE, NULL, s, 0, CRASHSIG_TIME_SOURCE_RECEIVED};
		give(R, &it);
	} else {
		tool_err("%s: out of memory\n", DD_PROG); /* now, rather than lost */
	}
	va_end(ap2);
	va_end(ap);
}

/* The parser hands each report over as soon as it is ready (push mode). */
static int on_report(void *arg, crashsig_report *r)
{
	run *R = arg;
	item it = {IT_REPORT, r, NULL, 0, CRASHSIG_TIME_SOURCE_RECEIVED};
	return give(R, &it) ? TOOL_EXIT_ERROR : 0;
}

/* Decompressed bytes: parsed. */
static int on_data(void *arg, const void *data, size_t len)
{
	run *R = arg;
	int rc = crashsig_parser_feed(R->p, data, len);
	if (rc && !R->halted) {
		say(R, "%s: %s: %s\n", DD_PROG, R->name, crashsig_error_last(R->pctx));
		R->input_error = 1;
	}
	return rc;
}

/* The next bytes of input fd into R->buf: their count, 0 at its end, -1 on
 * an error (errno). An input that may make one wait (wait: not a regular
 * file) is waited for with poll(), which the store side's failure ends:
 * then -1 with R->halted set. A FIFO nobody has opened for writing yet is
 * waited for, as a blocking open would. */
static ssize_t read_input(run *R, int fd, int wait)
{
	for (;;) {
		if (wait) {
			struct pollfd pf[2] = {{fd, POLLIN, 0}, {R->wake[0], POLLIN, 0}};
			if (poll(pf, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			if (pf[1].revents) {
				R->halted = 1;
				errno = ECANCELED;
				return -1;
			}
			if (!pf[0].revents)
				continue;
		}
		ssize_t n = read(fd, R->buf, R->bufsz);
		if (n >= 0 || (errno != EINTR && errno != EAGAIN))
			return n;
	}
}

/* Read one input into the store: decompressed here (the bytes the
 * parser's offsets count), parsed through the input layer (mail, archives,
 * console prefixes and their times). */
static int add_stream(run *R, int fd, const char *name, const char *source, int64_t time,
		      crashsig_time_source tsrc)
{
	crashsig_parser_options po = CRASHSIG_PARSER_OPTIONS_INIT;
	po.report = on_report;
	po.arg = R;
	po.log_context = R->o->log_max; /* the log excerpt of each crash */
	/* year-less stamps (syslog, journal short) belong to the year of the
	 * file's last change; of standard input, to now */
	po.reference_time = time ? time : (int64_t)time_now();
	crashsig_decompressor *d = NULL;
	if (crashsig_parser_new_opts(&R->p, R->pctx, &po) ||
	    crashsig_decompressor_new(&d, R->pctx)) {
		say(R, "%s: %s: %s\n", DD_PROG, name, crashsig_error_last(R->pctx));
		crashsig_parser_free(R->p);
		R->p = NULL;
		return TOOL_EXIT_ERROR;
	}
	R->name = name;
	R->input_error = 0;
	int status = 0;
	item in = {IT_INPUT, NULL, strdup(source), time, tsrc};
	if (!in.text) {
		say(R, "%s: out of memory\n", DD_PROG);
		status = TOOL_EXIT_ERROR;
	} else if (give(R, &in)) {
		status = TOOL_EXIT_ERROR;
	}
	struct stat st;
	int wait = fstat(fd, &st) || !S_ISREG(st.st_mode);
	while (!status) {
		ssize_t n = read_input(R, fd, wait);
		if (n < 0) {
			if (!R->halted)
				say(R, "%s: %s: read error: %s\n", DD_PROG, name, strerror(errno));
			status = TOOL_EXIT_ERROR;
			break;
		}
		int last = !n;
		int rc = n ? crashsig_decompressor_feed(d, R->buf, (size_t)n, on_data, R) : 0;
		if (!rc && last)
			rc = crashsig_decompressor_finish(d, on_data, R);
		if (!rc && last)
			rc = crashsig_parser_finish(R->p);
		if (rc) {
			/* the store's error or the parser's is printed; else the
			 * decompressor's */
			if (!R->halted && !R->input_error)
				say(R, "%s: %s: %s\n", DD_PROG, name, crashsig_error_last(R->pctx));
			status = TOOL_EXIT_ERROR;
			break;
		}
		if (last)
			break;
		if (halted(R)) /* a long input with few crashes: stop now */
			status = TOOL_EXIT_ERROR;
	}
	crashsig_decompressor_free(d);
	crashsig_parser_free(R->p);
	R->p = NULL;
	return status;
}

/* A regular file's crashes; its source is its canonical path, so that the
 * same file reached another way (a relative path, a link) is the same
 * source, and its crashes are not counted twice. */
static int add_fd(run *R, int fd, const char *path)
{
	struct stat st;
	int64_t mtime = 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		mtime = (int64_t)st.st_mtime;
	char *real = realpath(path, NULL);
	int rc = add_stream(R, fd, path, real ? real : path, mtime,
			    mtime ? CRASHSIG_TIME_SOURCE_FILE : CRASHSIG_TIME_SOURCE_RECEIVED);
	free(real);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int seen_dir(run *R, const struct stat *st)
{
	for (size_t i = 0; i < R->ndirs; i++)
		if (R->dirs[i].dev == st->st_dev && R->dirs[i].ino == st->st_ino)
			return 1;
	if (R->ndirs == R->dirs_cap) {
		size_t ncap = R->dirs_cap ? R->dirs_cap * 2 : 64;
		devino *n = realloc(R->dirs, ncap * sizeof(*n));
		if (!n)
			return 1; /* out of memory: read no further */
		R->dirs = n;
		R->dirs_cap = ncap;
	}
	R->dirs[R->ndirs].dev = st->st_dev;
	R->dirs[R->ndirs++].ino = st->st_ino;
	return 0;
}

static const char *file_kind(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device"
	       : S_ISBLK(m) ? "a block device" : "not a regular file";
}

static int add_dir(run *R, const char *path, const char *root);

/* One entry of a directory being read. Entries that are not regular files
 * or directories (FIFOs, sockets, devices) are skipped with a message: a
 * FIFO would block the run. A symbolic link to a directory is followed only
 * to a directory inside the tree given and not read yet: never out of the
 * tree, never twice, so that links such as "up -> .." end. */
static int add_entry(run *R, const char *path, const char *root)
{
	struct stat lst, st;
	if (lstat(path, &lst)) {
		say(R, "%s: %s: %s\n", DD_PROG, path, strerror(errno));
		return TOOL_EXIT_ERROR;
	}
	int link = S_ISLNK(lst.st_mode);
	if (link && stat(path, &st)) {
		say(R, "%s: %s: skipped: a symbolic link to nothing readable (%s)\n", DD_PROG, path,
		    strerror(errno));
		return 0;
	}
	if (!link)
		st = lst;
	if (S_ISDIR(st.st_mode)) {
		if (link) {
			char *real = realpath(path, NULL);
			size_t rl = strlen(root);
			int inside = real && (!strcmp(real, root) ||
					      (!strncmp(real, root, rl) && real[rl] == '/'));
			free(real);
			if (!inside) {
				say(R, "%s: %s: skipped: a symbolic link out of %s\n", DD_PROG, path,
				    root);
				return 0;
			}
		}
		if (seen_dir(R, &st)) {
			say(R, "%s: %s: skipped: a directory already read\n", DD_PROG, path);
			return 0;
		}
		return add_dir(R, path, root);
	}
	if (!S_ISREG(st.st_mode)) {
		say(R, "%s: %s: skipped: %s\n", DD_PROG, path, file_kind(st.st_mode));
		return 0;
	}
	/* O_NONBLOCK: should it have become a FIFO since, opening it does not
	 * wait; fstat tells */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		say(R, "%s: %s: %s\n", DD_PROG, path, strerror(errno));
		return TOOL_EXIT_ERROR;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		say(R, "%s: %s: skipped: %s\n", DD_PROG, path, file_kind(st.st_mode));
		close(fd);
		return 0;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	int rc = add_fd(R, fd, path);
	close(fd);
	return rc;
}

static int add_dir(run *R, const char *path, const char *root)
{
	DIR *d = opendir(path);
	if (!d) {
		say(R, "%s: %s: %s\n", DD_PROG, path, strerror(errno));
		return TOOL_EXIT_ERROR;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* ., .., hidden files */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				rc = TOOL_EXIT_ERROR;
				break;
			}
			names = nn;
		}
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		if (!(names[n] = malloc(len))) {
			rc = TOOL_EXIT_ERROR;
			break;
		}
		snprintf(names[n], len, "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	if (rc)
		say(R, "%s: out of memory\n", DD_PROG);
	if (n)
		qsort(names, n, sizeof(*names), entry_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!rc && !halted(R) && add_entry(R, names[i], root))
			R->error = 1;
		free(names[i]);
	}
	free(names);
	return rc;
}

static int add_path(run *R, const char *path)
{
	if (!strcmp(path, "-")) {
		const char *src = R->o->source ? R->o->source : "<stdin>";
		return add_stream(R, STDIN_FILENO, "<stdin>", src, 0, CRASHSIG_TIME_SOURCE_RECEIVED);
	}
	struct stat st;
	if (stat(path, &st)) {
		say(R, "%s: %s: %s\n", DD_PROG, path, strerror(errno));
		return TOOL_EXIT_ERROR;
	}
	if (S_ISDIR(st.st_mode)) {
		char *root = realpath(path, NULL);
		if (!root) {
			say(R, "%s: %s: %s\n", DD_PROG, path, strerror(errno));
			return TOOL_EXIT_ERROR;
		}
		int rc = 0;
		if (!seen_dir(R, &st))
			rc = add_dir(R, path, root);
		free(root);
		return rc;
	}
	/* named on the command line: read whatever it is (a FIFO from a shell's
	 * <(...) too), with tool_open()'s messages. O_NONBLOCK: a FIFO without
	 * a writer is waited for by read_input(), where a store failure can
	 * end the wait, not in open(). */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		say(R, "%s: %s: %s\n", DD_PROG, path, strerror(errno));
		return TOOL_EXIT_ERROR;
	}
	if (!fstat(fd, &st) && S_ISDIR(st.st_mode)) {
		say(R, "%s: %s: %s\n", DD_PROG, path, strerror(EISDIR));
		close(fd);
		return TOOL_EXIT_ERROR;
	}
	int rc = add_fd(R, fd, path);
	close(fd);
	return rc;
}

/* Every input, in order. */
static void read_inputs(run *R)
{
	if (R->read_stdin && add_path(R, "-"))
		R->error = 1;
	for (int i = 0; i < R->npaths && !halted(R); i++)
		if (add_path(R, R->paths[i]))
			R->error = 1;
}

static void *parser_thread(void *arg)
{
	run *R = arg;
	read_inputs(R);
	tool_pipe_close(R->pipe);
	return NULL;
}

/* ---- both ---- */

/* Every input into the store: parsed in a thread of its own while this one
 * adds the reports (R->pipe), else both in this one. The final flush is the
 * caller's, in this thread. */
static void add_inputs(run *R)
{
	pthread_t t;
	if (R->pipe && pthread_create(&t, NULL, parser_thread, R)) {
		tool_pipe_free(R->pipe, NULL); /* no thread: one thread does both */
		R->pipe = NULL;
	}
	if (!R->pipe) {
		read_inputs(R);
		return;
	}
	item it;
	while (tool_pipe_get(R->pipe, &it) && !take(R, &it))
		; /* (a store failure stops the parser side: add_one) */
	pthread_join(t, NULL);
	tool_pipe_free(R->pipe, drop); /* what it had made after the failure */
	R->pipe = NULL;
}

/* ---------------- options ---------------- */

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	errno = 0;
	if (*s == '-' || *s == '+')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == 'k' || *end == 'K') {
		v *= 1024;
		end++;
	} else if (*end == 'm' || *end == 'M') {
		v *= 1024 * 1024;
		end++;
	}
	if (*end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_time(const char *s, int64_t *out)
{
	return dd_parse_time(s, (int64_t)time(NULL), out);
}

static int parse_statuses(const char *s, unsigned *mask)
{
	return dd_parse_statuses(s, mask) || !*mask ? -1 : 0;
}

static int add_mark(dopts *o, int64_t id, int64_t target, crashsig_bug_status st)
{
	mark *n = realloc(o->marks, (o->nmarks + 1) * sizeof(*n));
	if (!n)
		return -1;
	o->marks = n;
	o->marks[o->nmarks++] = (mark){id, target, st};
	return 0;
}

static int bad_arg(const char *opt, const char *arg, const char *what)
{
	tool_err("%s: %s: '%s' is not %s\n", DD_PROG, opt, arg, what);
	return TOOL_EXIT_ERROR;
}

static int parse_opts(int argc, char **argv, dopts *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, O_DB},
		{"json", no_argument, NULL, 'j'},
		{"outdir", required_argument, NULL, O_OUTDIR},
		{"merge-similar", no_argument, NULL, O_MERGE},
		{"threshold", required_argument, NULL, O_THRESH},
		{"fix", required_argument, NULL, O_FIX},
		{"invalid", required_argument, NULL, O_INVALID},
		{"close", required_argument, NULL, O_INVALID},
		{"reopen", required_argument, NULL, O_REOPEN},
		{"dup", required_argument, NULL, O_DUP},
		{"reason", required_argument, NULL, O_REASON},
		{"list", no_argument, NULL, O_LIST},
		{"crashes", no_argument, NULL, O_CRASHES},
		{"bug", required_argument, NULL, O_BUG},
		{"crash", required_argument, NULL, O_CRASH},
		{"export", no_argument, NULL, O_EXPORT},
		{"status", required_argument, NULL, O_STATUS},
		{"title", required_argument, NULL, O_TITLE},
		{"since", required_argument, NULL, O_SINCE},
		{"until", required_argument, NULL, O_UNTIL},
		{"machine", required_argument, NULL, O_MACHINE},
		{"release", required_argument, NULL, O_RELEASE},
		{"sort", required_argument, NULL, O_SORT},
		{"reverse", no_argument, NULL, O_REVERSE},
		{"limit", required_argument, NULL, O_LIMIT},
		{"source", required_argument, NULL, O_SOURCE},
		{"keep", required_argument, NULL, O_KEEP},
		{"keep-every", required_argument, NULL, O_KEEP_EVERY},
		{"log-excerpt", required_argument, NULL, O_LOG_EXCERPT},
		{"batch", required_argument, NULL, O_BATCH},
		{"rules", required_argument, NULL, O_RULES},
		{"sequential", no_argument, NULL, O_SEQUENTIAL},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	unsigned long long v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: o->db = optarg; break;
		case 'j': o->json = 1; break;
		case O_OUTDIR: o->outdir = optarg; break;
		case O_MERGE: o->merge = 1; break;
		case O_THRESH: {
			char *end;
			double d = strtod(optarg, &end);
			if (*end || end == optarg || !isfinite(d) || !(d > 0 && d <= 1))
				return bad_arg("--threshold", optarg, "a number in (0, 1]");
			o->threshold = d;
			break;
		}
		case O_FIX:
		case O_INVALID:
		case O_REOPEN: {
			int64_t id;
			if (parse_id(optarg, &id))
				return bad_arg(c == O_FIX ? "--fix" : c == O_REOPEN ? "--reopen" : "--invalid",
					       optarg, "a bug id");
			if (add_mark(o, id, 0,
				     c == O_FIX ? CRASHSIG_BUG_FIXED
				     : c == O_REOPEN ? CRASHSIG_BUG_OPEN : CRASHSIG_BUG_INVALID))
				return TOOL_EXIT_ERROR;
			break;
		}
		case O_DUP: {
			char buf[64];
			int64_t id, target;
			snprintf(buf, sizeof(buf), "%s", optarg);
			char *colon = strchr(buf, ':');
			if (!colon || strlen(optarg) >= sizeof(buf))
				return bad_arg("--dup", optarg, "ID:TARGET");
			*colon = 0;
			if (parse_id(buf, &id) || parse_id(colon + 1, &target))
				return bad_arg("--dup", optarg, "ID:TARGET (two bug ids)");
			if (add_mark(o, id, target, CRASHSIG_BUG_DUP))
				return TOOL_EXIT_ERROR;
			break;
		}
		case O_REASON: o->reason = optarg; break;
		case O_LIST: o->list = 1; break;
		case O_CRASHES: o->crashes = 1; break;
		case O_BUG:
			if (parse_id(optarg, &o->bug))
				return bad_arg("--bug", optarg, "a bug id");
			break;
		case O_CRASH: o->crash = optarg; break;
		case O_EXPORT: o->export_ = 1; break;
		case O_STATUS:
			if (parse_statuses(optarg, &o->statuses))
				return bad_arg("--status", optarg, "a list of open, fixed, invalid, dup");
			break;
		case O_TITLE: o->title = optarg; break;
		case O_SINCE:
			if (parse_time(optarg, &o->since))
				return bad_arg("--since", optarg, "a time");
			break;
		case O_UNTIL:
			if (parse_time(optarg, &o->until))
				return bad_arg("--until", optarg, "a time");
			break;
		case O_MACHINE: o->machine = optarg; break;
		case O_RELEASE: o->release = optarg; break;
		case O_SORT:
			if (!strcmp(optarg, "id"))
				o->sort = CRASHSIG_SORT_ID;
			else if (!strcmp(optarg, "count"))
				o->sort = CRASHSIG_SORT_COUNT;
			else if (!strcmp(optarg, "first"))
				o->sort = CRASHSIG_SORT_FIRST_SEEN;
			else if (!strcmp(optarg, "last"))
				o->sort = CRASHSIG_SORT_LAST_SEEN;
			else
				return bad_arg("--sort", optarg, "id, count, first or last");
			break;
		case O_REVERSE: o->reverse = 1; break;
		case O_LIMIT:
			if (parse_count(optarg, (unsigned long long)SIZE_MAX, &v) || !v)
				return bad_arg("--limit", optarg, "a count");
			o->limit = (size_t)v;
			break;
		case O_SOURCE: o->source = optarg; break;
		case O_KEEP:
			if (!strcmp(optarg, "all"))
				o->keep = CRASHSIG_KEEP_ALL;
			else if (parse_count(optarg, CRASHSIG_KEEP_ALL - 1, &v) || !v)
				return bad_arg("--keep", optarg, "a count or 'all'");
			else
				o->keep = (unsigned)v;
			break;
		case O_KEEP_EVERY:
			if (parse_count(optarg, UINT_MAX, &v) || !v)
				return bad_arg("--keep-every", optarg, "a count");
			o->keep_every = (unsigned)v;
			break;
		case O_LOG_EXCERPT:
			if (parse_count(optarg, 16ull << 20, &v))
				return bad_arg("--log-excerpt", optarg, "a size up to 16M");
			o->log_max = (size_t)v;
			break;
		case O_BATCH:
			if (parse_count(optarg, 10000000, &v) || !v)
				return bad_arg("--batch", optarg, "a count");
			o->batch = (unsigned)v;
			break;
		case O_RULES: o->rules = optarg; break;
		case O_SEQUENTIAL: o->sequential = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default: fputs(usage_text, stderr); return TOOL_EXIT_ERROR;
		}
	}
	return 0;
}

/* ---------------- the command ---------------- */

static int list_bugs(const dopts *o, crashsig_store *store, const char *url, size_t *found)
{
	crashsig_bug_query q = CRASHSIG_BUG_QUERY_INIT;
	q.statuses = o->statuses;
	q.title_regex = o->title;
	q.since = o->since;
	q.until = o->until;
	q.machine = o->machine;
	q.release = o->release;
	q.sort = o->sort;
	q.limit = o->limit;
	int desc = o->sort != CRASHSIG_SORT_ID;
	q.flags = (desc != o->reverse) ? CRASHSIG_QUERY_DESCENDING : 0;
	if (!o->outdir) /* only the files have the reports */
		q.flags |= CRASHSIG_QUERY_NO_REPORT;
	crashsig_bug **bugs = NULL;
	size_t nbugs = 0;
	if (crashsig_store_query(store, &q, &bugs, &nbugs)) {
		tool_err("%s: %s: %s\n", DD_PROG, url, crashsig_store_error(store));
		return TOOL_EXIT_ERROR;
	}
	int status = 0;
	if (!o->json && nbugs)
		dd_bug_header(stdout);
	for (size_t i = 0; i < nbugs && !tool_stdout_failed(); i++) {
		if (o->json)
			dd_bug_json(stdout, bugs[i], 0);
		else
			dd_bug_row(stdout, bugs[i]);
		if (o->outdir && !status && dd_write_outdir(o->outdir, bugs[i]))
			status = TOOL_EXIT_ERROR;
	}
	crashsig_bugs_free(bugs, nbugs);
	*found = nbugs;
	return status;
}

static int read_store(const dopts *o, crashsig_store *store, const char *url, size_t *found)
{
	*found = 1;
	if (o->export_)
		return dd_export(stdout, store, url);
	if (o->crash)
		return dd_crash_page(stdout, store, url, o->crash, o->json);
	crashsig_crash_query cq = CRASHSIG_CRASH_QUERY_INIT;
	cq.since = o->since;
	cq.until = o->until;
	cq.machine = o->machine;
	cq.release = o->release;
	cq.limit = o->limit;
	if (o->reverse)
		cq.flags |= CRASHSIG_CRASHES_NEWEST_FIRST;
	if (o->bug && !o->crashes)
		return dd_bug_page(stdout, store, url, o->bug, o->json, &cq);
	if (o->crashes) {
		cq.bug = o->bug;
		if (o->bug) {
			crashsig_bug *b = NULL;
			if (crashsig_store_get(store, o->bug, &b)) {
				tool_err("%s: %s: %s\n", DD_PROG, url, crashsig_store_error(store));
				return TOOL_EXIT_ERROR;
			}
			crashsig_bug_free(b);
		}
		return dd_crashes(stdout, store, url, &cq, o->json, found);
	}
	return list_bugs(o, store, url, found);
}

int tool_cmd_dedup(int argc, char **argv)
{
	dopts o;
	memset(&o, 0, sizeof(o));
	o.db = getenv("CRASHSIG_DB");
	if (!o.db || !*o.db)
		o.db = "crashsig-bugs.db";
	o.batch = 1000;
	o.log_max = CRASHSIG_LOG_EXCERPT_MAX;
	int prc = parse_opts(argc, argv, &o);
	if (prc) {
		free(o.marks);
		return prc < 0 ? tool_finish_stdout(DD_PROG, 0) : prc;
	}
	int nfiles = argc - optind;
	int reading = o.list || o.crashes || o.bug || o.crash || o.export_;
	int read_stdin = !nfiles && !reading && !o.nmarks;
	int ingest = nfiles || read_stdin;
	char url[600];
	crashsig_store_url_redact(o.db, url, sizeof(url));

	run R;
	memset(&R, 0, sizeof(R));
	R.o = &o;
	R.url = url;
	R.wake[0] = R.wake[1] = -1;
	if (ingest) {
		/* The store side's context: its rules give the store the generic
		 * frames of similarity. The parser side's has the same rules
		 * (in one thread, it is the same context). */
		crashsig_options copts = CRASHSIG_OPTIONS_INIT;
		copts.rules_dir = o.rules;
		char err[512];
		const char *why = NULL;
		R.bufsz = 1u << 16;
		if (!(R.buf = malloc(R.bufsz)))
			why = "out of memory";
		else if (crashsig_ctx_new(&R.ctx, &copts, err, sizeof(err)))
			why = err;
		else if (o.sequential)
			R.pctx = R.ctx;
		else if (crashsig_ctx_new(&R.pctx, &copts, err, sizeof(err)))
			why = err;
		else if (!(R.pipe = tool_pipe_new(sizeof(item), DD_PIPE_ITEMS, DD_PIPE_BYTES)))
			why = "out of memory";
		else if (pipe2(R.wake, O_CLOEXEC))
			why = strerror(errno);
		if (why) {
			tool_err("%s: %s\n", DD_PROG, why);
			tool_pipe_free(R.pipe, NULL);
			if (R.pctx != R.ctx)
				crashsig_ctx_free(R.pctx);
			crashsig_ctx_free(R.ctx);
			free(R.buf);
			free(o.marks);
			return TOOL_EXIT_ERROR;
		}
	}
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.flags = (o.merge ? CRASHSIG_STORE_MERGE_SIMILAR : 0) |
		   (ingest ? 0 : CRASHSIG_STORE_NO_CREATE);
	so.similarity_threshold = o.threshold;
	so.batch = o.batch;
	so.ctx = R.ctx;
	so.keep_per_bug = o.keep;
	so.keep_every = o.keep_every;
	so.log_max = o.log_max ? o.log_max : CRASHSIG_LOG_EXCERPT_MAX;
	crashsig_store *store = NULL;
	int status = 0;
	if (crashsig_store_open(&store, o.db, &so)) {
		/* the message names the store (without its password) */
		tool_err("%s: %s\n", DD_PROG, store ? crashsig_store_error(store) : "out of memory");
		status = TOOL_EXIT_ERROR;
		goto out;
	}
	for (size_t i = 0; i < o.nmarks; i++) {
		crashsig_bug_change ch = CRASHSIG_BUG_CHANGE_INIT;
		ch.status = o.marks[i].status;
		ch.dup_of = o.marks[i].target;
		ch.reason = o.reason;
		if (crashsig_store_change_bug(store, o.marks[i].id, &ch)) {
			tool_err("%s: %s: bug %lld: %s\n", DD_PROG, url, (long long)o.marks[i].id,
				 crashsig_store_error(store));
			status = TOOL_EXIT_ERROR;
		}
	}
	if (ingest) {
		R.store = store;
		R.read_stdin = read_stdin;
		R.paths = argv + optind;
		R.npaths = nfiles;
		add_inputs(&R);
		if (!R.db_error && crashsig_store_flush(store)) {
			tool_err("%s: %s: %s\n", DD_PROG, url, crashsig_store_error(store));
			R.db_error = 1;
		}
		if (R.error || R.db_error)
			status = TOOL_EXIT_ERROR;
	}
	if (!R.db_error) {
		size_t found = 0;
		int rc = read_store(&o, store, url, &found);
		if (rc)
			status = rc;
		else if (!ingest && reading && !found && !status)
			status = TOOL_EXIT_NONE;
	}
	if (ingest && !status && !R.crashes)
		status = TOOL_EXIT_NONE;
out:
	tool_pipe_free(R.pipe, drop); /* when the store failed to open */
	crashsig_store_free(store); /* before the context it borrows */
	crashsig_ctx_free(R.ctx);
	if (R.pctx != R.ctx) /* after every report parsed with it */
		crashsig_ctx_free(R.pctx);
	if (R.wake[0] >= 0) {
		close(R.wake[0]);
		close(R.wake[1]);
	}
	free(R.source);
	free(R.buf);
	free(R.dirs);
	free(o.marks);
	return tool_finish_stdout(DD_PROG, status);
}
