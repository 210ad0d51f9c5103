/* A bounded FIFO between two threads: one producer (the thread that reads
 * and parses the input) hands items to one consumer (the thread that
 * writes them to a store), in the order they were put. Items are copied in
 * and out by value (item_size bytes each). At most max_items items wait in
 * it, and at most max_bytes bytes of what they hold (the size the producer
 * gives with each; one item is always let through, however large): memory
 * stays bounded whatever the input. The consumer can stop the producer
 * (tool_pipe_stop): a store that fails ends the reading promptly.
 *
 * A full pipe wakes its producer once it is half empty, an empty one its
 * consumer at the first item: a thread ahead of the other sleeps in long
 * stretches rather than once per item. */
#ifndef CRASHSIG_TOOL_PIPE_H
#define CRASHSIG_TOOL_PIPE_H

#include <stddef.h>

typedef struct tool_pipe tool_pipe;

/* NULL when out of memory (or the mutex could not be made). */
tool_pipe *tool_pipe_new(size_t item_size, size_t max_items, size_t max_bytes);

/* Producer: append a copy of item, waiting while the pipe is full. 0; -1
 * once the consumer has stopped: the item was not taken (what it holds is
 * still the caller's). */
int tool_pipe_put(tool_pipe *p, const void *item, size_t bytes);
/* Producer: 1 once the consumer has stopped (to check between inputs). */
int tool_pipe_stopped(tool_pipe *p);
/* Producer: no more items. */
void tool_pipe_close(tool_pipe *p);

/* Consumer: the oldest item copied to item, waiting while the pipe is
 * empty. 1; 0 once the producer has closed the pipe and every item was
 * taken, or once the consumer has stopped. */
int tool_pipe_get(tool_pipe *p, void *item);
/* Consumer: take no more items; the producer's next put fails, and a put
 * waiting for room returns at once. */
void tool_pipe_stop(tool_pipe *p);

/* When both threads are done with it: the items never taken, oldest first,
 * to drop (may be NULL), then the pipe itself. */
void tool_pipe_free(tool_pipe *p, void (*drop)(void *item));

#endif
