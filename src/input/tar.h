/* tar archives (POSIX ustar, GNU long names, pax extended headers), read as
 * a stream: each regular member is handed out as a document of its own. */
#ifndef CRASHSIG_INPUT_TAR_H
#define CRASHSIG_INPUT_TAR_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

typedef struct cs_tar_ops {
	int (*begin)(void *arg, const char *name, uint64_t offset);
	int (*data)(void *arg, const char *data, size_t len);
	int (*end)(void *arg);
	void *arg;
} cs_tar_ops;

typedef struct cs_tar {
	cs_tar_ops ops;
	unsigned char hdr[512];
	size_t nhdr;
	uint64_t remain;  /* data bytes of the current entry still to come */
	uint64_t pad;     /* padding bytes after it */
	int kind;         /* what the current entry's data is */
	int in_member;
	int zero_blocks;  /* consecutive zero blocks (two end the archive) */
	int ended;
	uint64_t off;     /* archive offset */
	cs_buf meta;      /* data of a long-name or pax entry */
	cs_buf next_name; /* name for the next member (GNU 'L', pax path=) */
	char err[160];
} cs_tar;

/* Is this a tar header block (ustar magic, checksum right)? */
int cs_tar_is_header(const unsigned char *b, size_t n);
void cs_tar_init(cs_tar *t, const cs_tar_ops *ops);
/* Returns 0, a callback's non-zero, CRASHSIG_EFORMAT (t->err) or ENOMEM. */
int cs_tar_feed(cs_tar *t, const char *data, size_t len);
int cs_tar_finish(cs_tar *t);
void cs_tar_free(cs_tar *t);

#endif
