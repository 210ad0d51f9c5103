/* Documents kept beyond their callback: a copy in one allocation. */
#ifndef CRASHSIG_INPUT_DOC_H
#define CRASHSIG_INPUT_DOC_H

#include "crashsig/input.h"

/* A copy of d (strings included) in one allocation: release with free()
 * (cs_document_free). NULL on ENOMEM. */
crashsig_document *cs_document_dup(const crashsig_document *d);
void cs_document_free(crashsig_document *d);

#endif
