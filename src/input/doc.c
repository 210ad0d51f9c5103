#include "input/doc.h"

#include <stdlib.h>
#include <string.h>

static size_t slen(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *put(char **at, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	memcpy(*at, s, n);
	const char *r = *at;
	*at += n;
	return r;
}

crashsig_document *cs_document_dup(const crashsig_document *d)
{
	size_t n = sizeof(*d) + slen(d->member) + slen(d->message_id) + slen(d->subject) +
		   slen(d->from) + slen(d->date) + slen(d->claimed_title);
	crashsig_document *c = malloc(n);
	if (!c)
		return NULL;
	*c = *d;
	char *at = (char *)(c + 1);
	c->member = put(&at, d->member);
	c->message_id = put(&at, d->message_id);
	c->subject = put(&at, d->subject);
	c->from = put(&at, d->from);
	c->date = put(&at, d->date);
	c->claimed_title = put(&at, d->claimed_title);
	return c;
}

void cs_document_free(crashsig_document *d)
{
	free(d);
}
