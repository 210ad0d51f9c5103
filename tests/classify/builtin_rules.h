/* The built-in rules loaded from their texts with every regex compiled
 * at once (cs_rules_load_texts), as the tests that check them need. */
#ifndef CRASHSIG_TEST_BUILTIN_RULES_H
#define CRASHSIG_TEST_BUILTIN_RULES_H

#include "classify/rules.h"
#include "classify/rules_builtin.h"

static inline int test_load_builtin_rules(cs_rules **r, cs_err *err)
{
	enum { MAX = 64 };
	const char *names[MAX], *texts[MAX];
	size_t lens[MAX], n = 0;
	for (; crashsig_builtin_rules[n].name; n++) {
		if (n == MAX)
			return -1;
		names[n] = crashsig_builtin_rules[n].name;
		texts[n] = crashsig_builtin_rules[n].text;
		lens[n] = crashsig_builtin_rules[n].len;
	}
	return cs_rules_load_texts(r, n, names, texts, lens, err);
}

#endif
