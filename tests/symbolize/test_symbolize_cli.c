/* crashsig symbolize, the CLI: usage errors, bad binaries, reports from
 * stdin, --json, --addresses, --libdw-only, no DWARF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "crashsig/crashsig.h"
#include "symbolize/symfix.h"
#include <sys/wait.h>

static char *read_file(const char *path, size_t *len)
{
	char *b = test_read_file(path, len);
	assert_non_null(b);
	return b;
}

/* ------------------------------------------------------------------ */
/* the CLI                                                             */
/* ------------------------------------------------------------------ */

/* Run a shell command; capture stdout and stderr; return the exit code. */
static int sh(const char *cmd, char **out, char **err)
{
	char full[4096];
	const char *o = SYMFIX_DIR "/cli.out", *e = SYMFIX_DIR "/cli.err";
	snprintf(full, sizeof(full), "%s > '%s' 2> '%s'", cmd, o, e);
	int st = system(full);
	size_t n;
	*out = read_file(o, &n);
	*err = read_file(e, &n);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void **state)
{
	(void)state;
#ifndef SYMFIX_CLI
	skip();
#else
	char *out, *err;
	char cmd[2048];
	/* usage error */
	assert_int_equal(sh("'" SYMFIX_CLI "' symbolize", &out, &err), 2);
	assert_non_null(strstr(err, "--vmlinux"));
	free(out);
	free(err);
	/* bad binary */
	/* bad binary: an error (exit status 2, as every crashsig command) */
	assert_int_equal(sh("'" SYMFIX_CLI "' symbolize --vmlinux /nonexistent-vmlinux -", &out, &err),
			 2);
	assert_non_null(strstr(err, "nonexistent-vmlinux"));
	free(out);
	free(err);
	/* a damaged unit after the first: what can be read is printed, the
	 * damage is named, and the status is 2 (as grep's after a read error) */
	{
		const char *bad = SYMFIX_DIR "/bad-second-unit-cli";
		damage_second_unit(bad);
		snprintf(cmd, sizeof(cmd),
			 "printf ' fix_use_inlines+0x4\n fix_other_entry+0x4\n' | "
			 "'%s' symbolize --vmlinux '%s'",
			 SYMFIX_CLI, bad);
		assert_int_equal(sh(cmd, &out, &err), 2);
		assert_non_null(strstr(out, "fix_prog.c:"));
		assert_non_null(strstr(err, "bad-second-unit-cli: truncated or corrupt DWARF"));
		free(out);
		free(err);
	}
	/* report from stdin, CRLF, one frame resolved, one mismatch */
	snprintf(cmd, sizeof(cmd),
		 "printf '[ 1.0] hello\r\n[ 1.0]  fix_use_inlines+0x1/0x999\r\n"
		 "[ 1.0]  fix_split+0x3\r\n' | '%s' symbolize --vmlinux '%s'",
		 SYMFIX_CLI, FIX_PROG);
	assert_int_equal(sh(cmd, &out, &err), 0);
	assert_null(strchr(out, '\r'));
	assert_true(strncmp(out, "[ 1.0] hello\n", 13) == 0);
	assert_non_null(strstr(out, "fix_use_inlines+0x1/0x999 [mismatch: size 0x999 != "));
	assert_non_null(strstr(out, "fix_split+0x3 "));
	assert_non_null(strstr(out, "fix_prog.c:"));
	assert_non_null(strstr(err, "report does not match this vmlinux"));
	free(out);
	free(err);
	/* --json: one object per frame */
	snprintf(cmd, sizeof(cmd),
		 "printf ' fix_split+0x3\n not a frame\n' | '%s' symbolize --json --vmlinux '%s'",
		 SYMFIX_CLI, FIX_PROG);
	assert_int_equal(sh(cmd, &out, &err), 0);
	assert_true(out[0] == '{');
	assert_non_null(strstr(out, "\"symbol\":\"fix_split\""));
	assert_non_null(strstr(out, "\"status\":\"ok\""));
	assert_non_null(strstr(out, "\"frames\":[{\"func\":"));
	assert_null(strstr(out, "not a frame"));
	assert_non_null(strchr(out, '\n'));
	assert_null(strchr(strchr(out, '\n') + 1, '{')); /* exactly one line */
	free(out);
	free(err);
	/* --addresses like addr2line -fi, module addresses too */
	snprintf(cmd, sizeof(cmd),
		 "printf 'fix_use_inlines+0x0\nfixmod:fixmod_slowpath+0x0\n' | '%s' symbolize "
		 "--vmlinux '%s' --modules '%s' --addresses --print-address",
		 SYMFIX_CLI, FIX_PROG, FIX_MODDIR);
	assert_int_equal(sh(cmd, &out, &err), 0);
	assert_true(strncmp(out, "fix_use_inlines+0x0\n", 20) == 0);
	assert_non_null(strstr(out, "fixmod:fixmod_slowpath+0x0\nfixmod_slowpath\n"));
	assert_non_null(strstr(out, "fixmod.c:"));
	free(out);
	free(err);
	/* --libdw-only: the built-in readers off, the same answers */
	{
		char *out2, *err2;
		snprintf(cmd, sizeof(cmd),
			 "printf 'fix_use_inlines+0x0\nfixmod:fixmod_slowpath+0x0\nfix_split+0x3\n' | "
			 "'%s' symbolize --vmlinux '%s' --modules '%s' --addresses",
			 SYMFIX_CLI, FIX_PROG, FIX_MODDIR);
		assert_int_equal(sh(cmd, &out, &err), 0);
		strncat(cmd, " --libdw-only", sizeof(cmd) - strlen(cmd) - 1);
		assert_int_equal(sh(cmd, &out2, &err2), 0);
		assert_non_null(strstr(out, "fix_prog.c:"));
		assert_string_equal(out, out2);
		free(out);
		free(err);
		free(out2);
		free(err2);
	}
	/* no DWARF: warning, names kept */
	snprintf(cmd, sizeof(cmd),
		 "printf ' fix_split+0x3\n' | '%s' symbolize --vmlinux '%s'", SYMFIX_CLI,
		 FIX_NODEBUG);
	assert_int_equal(sh(cmd, &out, &err), 0);
	assert_string_equal(out, " fix_split+0x3\n");
	assert_non_null(strstr(err, "no DWARF"));
	free(out);
	free(err);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
