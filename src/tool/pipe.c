/* The bounded FIFO between a parsing thread and a store thread (pipe.h): a
 * ring of max_items slots under one mutex, with a condition variable for
 * each side. A side is signalled only when it waits. */
#include "pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct tool_pipe {
	pthread_mutex_t lock;
	pthread_cond_t room;  /* the producer waits here for room */
	pthread_cond_t items; /* the consumer waits here for an item */
	unsigned char *slots; /* max_items slots of item_size bytes */
	size_t *sizes;        /* the bytes each slot's item holds */
	size_t item_size, max_items, max_bytes;
	size_t head, count, bytes; /* the oldest slot; items and bytes waiting */
	int closed, stopped;
	int producer_waits, consumer_waits;
};

tool_pipe *tool_pipe_new(size_t item_size, size_t max_items, size_t max_bytes)
{
	if (!item_size || !max_items || max_items > (size_t)-1 / item_size)
		return NULL;
	tool_pipe *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->slots = malloc(item_size * max_items);
	p->sizes = malloc(max_items * sizeof(*p->sizes));
	if (!p->slots || !p->sizes)
		goto fail;
	if (pthread_mutex_init(&p->lock, NULL))
		goto fail;
	if (pthread_cond_init(&p->room, NULL)) {
		pthread_mutex_destroy(&p->lock);
		goto fail;
	}
	if (pthread_cond_init(&p->items, NULL)) {
		pthread_cond_destroy(&p->room);
		pthread_mutex_destroy(&p->lock);
		goto fail;
	}
	p->item_size = item_size;
	p->max_items = max_items;
	p->max_bytes = max_bytes;
	return p;
fail:
	free(p->slots);
	free(p->sizes);
	free(p);
	return NULL;
}

/* No room for an item of `bytes` bytes (an empty pipe always has room). */
static int full(const tool_pipe *p, size_t bytes)
{
	return p->count == p->max_items ||
	       (p->count && (p->bytes > p->max_bytes || bytes > p->max_bytes - p->bytes));
}

int tool_pipe_put(tool_pipe *p, const void *item, size_t bytes)
{
	pthread_mutex_lock(&p->lock);
	while (!p->stopped && full(p, bytes)) {
		p->producer_waits = 1;
		pthread_cond_wait(&p->room, &p->lock);
		p->producer_waits = 0;
	}
	if (p->stopped) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	size_t i = (p->head + p->count) % p->max_items;
	memcpy(p->slots + i * p->item_size, item, p->item_size);
	p->sizes[i] = bytes;
	p->count++;
	p->bytes += bytes;
	if (p->consumer_waits)
		pthread_cond_signal(&p->items);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int tool_pipe_stopped(tool_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	int s = p->stopped;
	pthread_mutex_unlock(&p->lock);
	return s;
}

void tool_pipe_close(tool_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	p->closed = 1;
	pthread_cond_signal(&p->items);
	pthread_mutex_unlock(&p->lock);
}

int tool_pipe_get(tool_pipe *p, void *item)
{
	pthread_mutex_lock(&p->lock);
	while (!p->stopped && !p->count && !p->closed) {
		p->consumer_waits = 1;
		pthread_cond_wait(&p->items, &p->lock);
		p->consumer_waits = 0;
	}
	if (p->stopped || !p->count) {
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	memcpy(item, p->slots + p->head * p->item_size, p->item_size);
	p->bytes -= p->sizes[p->head];
	p->head = (p->head + 1) % p->max_items;
	p->count--;
	/* half empty (a producer waiting for room for a large item is woken
	 * at every item from then on, until it fits) */
	if (p->producer_waits && p->count <= p->max_items / 2 && p->bytes <= p->max_bytes / 2)
		pthread_cond_signal(&p->room);
	pthread_mutex_unlock(&p->lock);
	return 1;
}

void tool_pipe_stop(tool_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopped = 1;
	pthread_cond_signal(&p->room);
	pthread_mutex_unlock(&p->lock);
}

void tool_pipe_free(tool_pipe *p, void (*drop)(void *item))
{
	if (!p)
		return;
	for (; p->count; p->count--) {
		if (drop)
			drop(p->slots + p->head * p->item_size);
		p->head = (p->head + 1) % p->max_items;
	}
	pthread_cond_destroy(&p->items);
	pthread_cond_destroy(&p->room);
	pthread_mutex_destroy(&p->lock);
	free(p->slots);
	free(p->sizes);
	free(p);
}
