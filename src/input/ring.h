/*
 * cs_ring: the last bytes of a stream, by their offset in it, for the log
 * excerpt kept with a crash (crashsig_parser_options.log_context).
 */
#ifndef CS_INPUT_RING_H
#define CS_INPUT_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct cs_ring {
	char *buf;
	size_t cap;
	uint64_t end; /* offset in the stream after the last byte added */
} cs_ring;

/* 0, or CRASHSIG_ENOMEM. */
int cs_ring_init(cs_ring *r, size_t cap);
void cs_ring_free(cs_ring *r);
void cs_ring_add(cs_ring *r, const char *p, size_t n);
/* The bytes [from, to) the ring still holds, from the first line start at
 * or after from (from itself when it starts a line): a malloc'd copy and its
 * length, or NULL (*len 0) when none is left or memory is short. */
char *cs_ring_lines(const cs_ring *r, uint64_t from, uint64_t to, size_t *len);

#endif
