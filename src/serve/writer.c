/* The process's writes: one store connection shared by the request
 * threads, taken in turn under a lock, with group commit.
 *
 * A request parses its body first, outside the lock (ingest.c), then
 * takes the writer and adds its crashes to the open transaction. If other
 * requests are already waiting for the writer, it leaves the transaction
 * open and waits: the last request of the group commits for all of them
 * and wakes them. Every request is answered only after the commit that
 * holds its crashes (an acknowledged crash survives kill -9), and a batch
 * whose commit fails fails every request in it (none is acknowledged, so
 * clients send them again). One connection also means the write path
 * keeps its page cache and its grouping caches warm, where a connection
 * per thread re-read what the others had written. Waiting on a condition
 * variable wakes a thread as soon as the writer is free; SQLite's busy
 * handler would poll with sleeps of milliseconds. (Other processes on the
 * same store still meet the database's own lock.) */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

#define BATCH_MAX 64 /* requests in one commit */

typedef struct member {
	int done, rc;
	struct member *next;
} member;

struct sv_writer {
	pthread_mutex_t lock;
	pthread_cond_t done;
	const sv_config *cf;
	crashsig_ctx *ctx;     /* the store's (its rules) */
	crashsig_store *store; /* opened on first use */
	atomic_uint intent;    /* requests about to take the writer */
	unsigned members;      /* requests in the open batch */
	member *waiting;       /* those of them waiting for its commit */
	char err[512];         /* the last failed commit's message */
};

int sv_writer_new(sv_writer **out, const sv_config *cf, char *err, size_t errlen)
{
	*out = NULL;
	sv_writer *W = calloc(1, sizeof(*W));
	if (!W) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	W->cf = cf;
	atomic_init(&W->intent, 0);
	crashsig_options copts = CRASHSIG_OPTIONS_INIT;
	copts.rules_dir = cf->rules;
	if (pthread_mutex_init(&W->lock, NULL)) {
		free(W);
		snprintf(err, errlen, "pthread_mutex_init failed");
		return -1;
	}
	if (pthread_cond_init(&W->done, NULL)) {
		pthread_mutex_destroy(&W->lock);
		free(W);
		snprintf(err, errlen, "pthread_cond_init failed");
		return -1;
	}
	if (crashsig_ctx_new(&W->ctx, &copts, err, errlen)) {
		sv_writer_free(W);
		return -1;
	}
	*out = W;
	return 0;
}

void sv_writer_free(sv_writer *W)
{
	if (!W)
		return;
	if (W->store)
		crashsig_store_rollback(W->store);
	crashsig_store_free(W->store); /* before the context it borrows */
	crashsig_ctx_free(W->ctx);
	pthread_cond_destroy(&W->done);
	pthread_mutex_destroy(&W->lock);
	free(W);
}

crashsig_ctx *sv_writer_ctx(sv_writer *W) { return W->ctx; }

int sv_writer_take(sv_writer *W, crashsig_store **store, char *msg, size_t msglen)
{
	atomic_fetch_add(&W->intent, 1);
	pthread_mutex_lock(&W->lock);
	atomic_fetch_sub(&W->intent, 1);
	if (!W->store) {
		crashsig_store_options so;
		sv_store_options(W->cf, W->ctx, &so);
		if (crashsig_store_open(&W->store, W->cf->db, &so)) {
			snprintf(msg, msglen, "store: %s",
				 W->store ? crashsig_store_error(W->store) : "out of memory");
			crashsig_store_free(W->store);
			W->store = NULL;
			pthread_mutex_unlock(&W->lock);
			return -1;
		}
	}
	*store = W->store;
	return 0;
}

/* The open batch is over: rc for each request waiting on it. A store that
 * failed is closed, to be opened again by the next writer. */
static void batch_end(sv_writer *W, int rc)
{
	if (rc) {
		snprintf(W->err, sizeof(W->err), "%s", crashsig_store_error(W->store));
		crashsig_store_rollback(W->store);
		crashsig_store_free(W->store);
		W->store = NULL;
	}
	for (member *m = W->waiting; m; m = m->next) {
		m->rc = rc;
		m->done = 1;
	}
	W->waiting = NULL;
	W->members = 0;
	pthread_cond_broadcast(&W->done);
}

int sv_writer_solo(sv_writer *W, char *msg, size_t msglen)
{
	if (!W->members)
		return 0;
	int rc = crashsig_store_flush(W->store);
	batch_end(W, rc);
	if (rc) {
		snprintf(msg, msglen, "store: %s", W->err);
		pthread_mutex_unlock(&W->lock);
		return -1;
	}
	return 0;
}

int sv_writer_finish(sv_writer *W, int rc, int solo, char *msg, size_t msglen)
{
	if (rc) {
		/* its adds are dropped: alone, its own transaction; in a batch,
		 * the batch's (the requests waiting on it fail with it) */
		if (rc < 0)
			snprintf(msg, msglen, "store: %s", crashsig_store_error(W->store));
		if (solo || !W->members) {
			crashsig_store_rollback(W->store);
			if (rc < 0) {
				crashsig_store_free(W->store);
				W->store = NULL;
			}
		} else {
			batch_end(W, rc < 0 ? rc : CRASHSIG_EDB);
		}
		pthread_mutex_unlock(&W->lock);
		return rc;
	}
	if (solo) {
		if ((rc = crashsig_store_flush(W->store))) {
			snprintf(msg, msglen, "store: %s", crashsig_store_error(W->store));
			crashsig_store_rollback(W->store);
			crashsig_store_free(W->store);
			W->store = NULL;
		}
		pthread_mutex_unlock(&W->lock);
		return rc;
	}
	W->members++;
	if (atomic_load(&W->intent) > 0 && W->members < BATCH_MAX) {
		/* another request is about to join: the last one commits */
		member me = {0, 0, W->waiting};
		W->waiting = &me;
		while (!me.done)
			pthread_cond_wait(&W->done, &W->lock);
		rc = me.rc;
	} else {
		rc = crashsig_store_flush(W->store);
		batch_end(W, rc);
	}
	if (rc)
		snprintf(msg, msglen, "store: %s", W->err);
	pthread_mutex_unlock(&W->lock);
	return rc;
}
