#ifndef CRASHSIG_RULES_BUILTIN_H
#define CRASHSIG_RULES_BUILTIN_H
#include <stddef.h>
/* The rules files compiled into the library (generated table,
 * terminated by an entry whose name is NULL). */
struct crashsig_builtin_rule {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct crashsig_builtin_rule crashsig_builtin_rules[];
#endif
