/* Mail: RFC 5322 messages and mbox archives, read line by line into the
 * text their bodies hold (see include/crashsig/input.h, step 4).
 *
 * The reader takes the raw lines of one stream (a file, an archive member)
 * and hands out, per message, a document (its headers' metadata) and the
 * decoded lines of its text parts, each marked with its quote depth and
 * whether it is prose (no console output). Offsets of the lines handed out
 * are relative to the message's first header line. */
#ifndef CRASHSIG_INPUT_MAIL_H
#define CRASHSIG_INPUT_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "crashsig/input.h"
#include "input/split.h"

typedef struct cs_mail_ops {
	/* A message starts (its headers are read) / ends. doc->index, member
	 * and offset are left for the caller to fill. */
	int (*begin)(void *arg, crashsig_document *doc);
	int (*end)(void *arg, crashsig_document *doc);
	/* A decoded body line: l->flags has CS_RL_MAIL, and CS_RL_QUOTED /
	 * CS_RL_PROSE where they apply; l->quote, l->qlen the quote markers. */
	int (*line)(void *arg, const cs_rline *l);
	void *arg;
} cs_mail_ops;

typedef struct cs_mail cs_mail;

int cs_mail_new(cs_mail **out, const cs_mail_ops *ops, size_t max_line);
/* Feed one raw line of the stream (offsets in the stream). */
int cs_mail_line(cs_mail *m, const cs_rline *l);
/* End of the stream: the last message ends. */
int cs_mail_finish(cs_mail *m);
void cs_mail_free(cs_mail *m);

/* Is the stream mail? Fed its first lines until it answers. */
enum { CS_SNIFF_MORE = 0, CS_SNIFF_MAIL = 1, CS_SNIFF_NOT = 2 };
typedef struct cs_mail_sniff {
	int state;
	size_t lines;
	size_t fields;     /* header fields seen */
	size_t key_fields; /* From, Date, Subject, Message-ID, Received, ... */
	int from_line;     /* the first line is an mbox "From " line */
} cs_mail_sniff;
int cs_mail_sniff_line(cs_mail_sniff *s, const char *data, size_t len);
/* The input ended while the answer was CS_SNIFF_MORE. */
int cs_mail_sniff_end(cs_mail_sniff *s);

/* "From sender date" (mboxo/mboxrd separator, as mutt, git format-patch
 * and public-inbox write it). */
int cs_mail_from_line(const char *s, size_t n);
/* "Name: value" with a field name of RFC 5322's characters. Returns the
 * name's length, 0 when the line is no header field. */
size_t cs_mail_field(const char *s, size_t n);

#endif
