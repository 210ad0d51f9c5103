/* MAINTAINERS lookup (get_maintainer.pl semantics) on our own excerpt
 * (fixtures/validate/MAINTAINERS.excerpt), then on the real file of
 * Debian's linux-source-6.1, extracted at test time into the build
 * directory (skipped visibly when the package is not installed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crashsig/crashsig.h"
#include "crashsig/validate.h"

#ifndef MAINT_WORKDIR
#define MAINT_WORKDIR "/tmp"
#endif
#define EXCERPT CRASHSIG_SOURCE_DIR "/fixtures/validate/MAINTAINERS.excerpt"
#define LINUX_SOURCE "/usr/src/linux-source-6.1.tar.xz"

static crashsig_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	return crashsig_ctx_new(&ctx, &o, NULL, 0);
}

static int teardown(void **state)
{
	(void)state;
	crashsig_ctx_free(ctx);
	return 0;
}

/* The sections for path, in order, joined with '|'. */
static void sections(const crashsig_maintainers *m, const char *path, char *out, size_t len)
{
	crashsig_maint_match *mm = NULL;
	size_t n = 0;
	assert_int_equal(crashsig_maintainers_lookup(m, path, &mm, &n), 0);
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(out);
		snprintf(out + l, len - l, "%s%s", i ? "|" : "", mm[i].section);
	}
	crashsig_maint_matches_free(mm, n);
}

static void expect(const crashsig_maintainers *m, const char *path, const char *want)
{
	char got[2048];
	sections(m, path, got, sizeof(got));
	if (strcmp(got, want))
		fail_msg("%s: got '%s', expected '%s'", path, got, want);
}

static void test_excerpt(void **state)
{
	(void)state;
	crashsig_maintainers *m;
	assert_int_equal(crashsig_maintainers_load(&m, ctx, EXCERPT), 0);
	/* the preamble's indented "M:" lines are not a section */
	assert_int_equal(crashsig_maintainers_count(m), 9);

	/* deepest pattern first: tcp*.c (3) > net/ipv4/ (2) > net/ (1) > '*' */
	expect(m, "net/ipv4/tcp_input.c",
	       "NETWORKING [TCP]|NETWORKING [IPv4/IPv6]|NETWORKING [GENERAL]|THE REST");
	expect(m, "net/ipv4/udp.c", "NETWORKING [IPv4/IPv6]|NETWORKING [GENERAL]|THE REST");
	/* a glob without trailing '/' needs the same number of levels */
	expect(m, "net/ipv4/tcp/odd.c", "NETWORKING [IPv4/IPv6]|NETWORKING [GENERAL]|THE REST");
	/* X: excludes the section */
	expect(m, "net/bluetooth/hci_core.c", "THE REST");
	/* a header named exactly */
	expect(m, "include/net/tcp.h", "NETWORKING [TCP]|NETWORKING [GENERAL]|THE REST");
	/* character classes are kept */
	expect(m, "drivers/edac/altera_edac.c", "EXAMPLE ALTERA EDAC DRIVER|THE REST");
	expect(m, "drivers/edac/altera_edac.h", "EXAMPLE ALTERA EDAC DRIVER|THE REST");
	expect(m, "drivers/edac/altera_edac.o", "THE REST");
	/* "drivers/bar/<star>.c" covers one level only */
	expect(m, "drivers/bar/bar.c", "EXAMPLE BAR DRIVER (ONE LEVEL ONLY)|THE REST");
	expect(m, "drivers/bar/sub/bar.c", "THE REST");
	/* "F: drivers/foo" names a directory: everything below it */
	expect(m, "drivers/foo/deep/er/x.c", "EXAMPLE FOO DIRECTORY WITHOUT SLASH|THE REST");
	/* without a tree "drivers/foo" could be a file, and get_maintainer.pl
	 * then matches it as a prefix on the same level */
	expect(m, "drivers/foobar.c", "EXAMPLE FOO DIRECTORY WITHOUT SLASH|THE REST");
	/* N: is a regex on the path, ranked 0 */
	expect(m, "arch/arm/boot/dts/sun8i-h3.dtsi", "EXAMPLE SUNXI PLATFORM|THE REST");
	/* top-level file: "F: *" (-1) */
	expect(m, "Makefile", "THE REST");
	expect(m, "./fs/xfs/xfs_inode.c", "XFS FILESYSTEM|THE REST");

	crashsig_maint_match *mm;
	size_t n;
	assert_int_equal(crashsig_maintainers_lookup(m, "net/ipv4/tcp.c", &mm, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(mm[0].status, "Maintained");
	assert_int_equal(mm[0].nmaintainers, 1);
	assert_string_equal(mm[0].maintainers[0], "Tess Example <tess@example.org>");
	assert_int_equal(mm[0].nreviewers, 1);
	assert_string_equal(mm[0].lists[0], "netdev@example.org");
	assert_string_equal(mm[0].pattern, "net/ipv4/tcp*.c");
	assert_int_equal(mm[0].depth, 3);
	assert_int_equal(mm[1].depth, 2);
	assert_int_equal(mm[2].nmaintainers, 2);
	assert_int_equal(mm[3].depth, -1);
	crashsig_maint_matches_free(mm, n);
	crashsig_maintainers_free(m);
}

/* With a source tree next to MAINTAINERS, "F: drivers/foo" is a directory
 * when the tree says so, like get_maintainer.pl's -d test. */
static void test_tree(void **state)
{
	(void)state;
	char dir[] = MAINT_WORKDIR "/treeXXXXXX", cmd[2048], path[1024];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", MAINT_WORKDIR);
	assert_int_equal(system(cmd), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cp '%s' '%s/MAINTAINERS' && mkdir -p '%s/drivers/foo' && touch '%s/Makefile'",
		 EXCERPT, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/MAINTAINERS", dir);
	crashsig_maintainers *m;
	assert_int_equal(crashsig_maintainers_load(&m, ctx, path), 0);
	expect(m, "drivers/foobar.c", "THE REST");
	expect(m, "drivers/foo/x.c", "EXAMPLE FOO DIRECTORY WITHOUT SLASH|THE REST");
	crashsig_maintainers_free(m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_errors(void **state)
{
	(void)state;
	crashsig_maintainers *m = (crashsig_maintainers *)1;
	assert_int_equal(crashsig_maintainers_load(&m, ctx, "/nonexistent/MAINTAINERS"),
			 CRASHSIG_EIO);
	assert_null(m);
	assert_non_null(strstr(crashsig_error_last(ctx), "/nonexistent/MAINTAINERS"));
	const char junk[] = "no sections\nat all\n";
	assert_int_equal(crashsig_maintainers_parse(&m, ctx, junk, sizeof(junk) - 1),
			 CRASHSIG_EFORMAT);
	/* a directory is named as such, not "read error" (audit F13) */
	assert_int_equal(crashsig_maintainers_load(&m, ctx, CRASHSIG_SOURCE_DIR "/fixtures"),
			 CRASHSIG_EIO);
	assert_null(m);
	assert_string_equal(crashsig_error_last(ctx),
			    CRASHSIG_SOURCE_DIR "/fixtures: Is a directory");
	crashsig_maintainers_free(NULL);
	crashsig_maint_matches_free(NULL, 0);
	assert_null(crashsig_maintainers_warning(NULL, 0));
}

/* Patterns that are no valid regular expression get a warning naming the
 * line and are ignored; the valid ones of the same sections still work
 * (audit F18). */
static void test_bad_regex(void **state)
{
	(void)state;
	static const char text[] =
		"Preamble\n"
		"\n"
		"FOO DRIVER\n"
		"M:\tA <a@example.org>\n"
		"F:\tdrivers/foo[/\n"
		"F:\tdrivers/foo/\n"
		"X:\tdrivers/foo/(bad\n"
		"N:\tfoo(\n"
		"\n"
		"BAR DRIVER\n"
		"M:\tB <b@example.org>\n"
		"N:\tbar[0-9]+\\.c\n"
		"F:\tdrivers/b?r/*.[ch]\n";
	crashsig_maintainers *m;
	assert_int_equal(crashsig_maintainers_parse(&m, ctx, text, sizeof(text) - 1), 0);
	assert_string_equal(crashsig_maintainers_warning(m, 0),
			    "MAINTAINERS:5: F: 'drivers/foo[/' is not a valid regular expression "
			    "(missing terminating ] for character class); the pattern is ignored");
	assert_string_equal(crashsig_maintainers_warning(m, 1),
			    "MAINTAINERS:7: X: 'drivers/foo/(bad' is not a valid regular "
			    "expression (missing closing parenthesis); the pattern is ignored");
	assert_string_equal(crashsig_maintainers_warning(m, 2),
			    "MAINTAINERS:8: N: 'foo(' is not a valid regular expression (missing "
			    "closing parenthesis); the pattern is ignored");
	assert_null(crashsig_maintainers_warning(m, 3));
	/* the bad X: excludes nothing, the good F: still matches */
	expect(m, "drivers/foo/core.c", "FOO DRIVER");
	expect(m, "drivers/bar/bar12.c", "BAR DRIVER");
	expect(m, "lib/bar7.c", "BAR DRIVER");
	crashsig_maintainers_free(m);
	/* loaded from a file, the warning names the file */
	char path[] = "/tmp/crashsig-maint-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	assert_int_equal(crashsig_maintainers_load(&m, ctx, path), 0);
	const char *w = crashsig_maintainers_warning(m, 0);
	assert_non_null(w);
	assert_int_equal(strncmp(w, path, strlen(path)), 0);
	assert_int_equal(strncmp(w + strlen(path), ":5: F: ", 7), 0);
	crashsig_maintainers_free(m);
	unlink(path);
	/* our excerpt has none */
	assert_int_equal(crashsig_maintainers_load(&m, ctx, EXCERPT), 0);
	assert_null(crashsig_maintainers_warning(m, 0));
	crashsig_maintainers_free(m);
}

/* The real MAINTAINERS of Linux 6.1. */
static void test_linux_61(void **state)
{
	(void)state;
	if (access(LINUX_SOURCE, R_OK)) {
		fprintf(stderr, "skipped: %s is not installed (package linux-source-6.1)\n",
			LINUX_SOURCE);
		skip();
	}
	char cmd[1024], path[512];
	snprintf(path, sizeof(path), "%s/linux-source-6.1/MAINTAINERS", MAINT_WORKDIR);
	if (access(path, R_OK)) {
		snprintf(cmd, sizeof(cmd),
			 "mkdir -p '%s' && tar -xJf '%s' -C '%s' linux-source-6.1/MAINTAINERS",
			 MAINT_WORKDIR, LINUX_SOURCE, MAINT_WORKDIR);
		assert_int_equal(system(cmd), 0);
	}
	crashsig_maintainers *m;
	assert_int_equal(crashsig_maintainers_load(&m, ctx, path), 0);
	assert_true(crashsig_maintainers_count(m) > 2000);
	/* every pattern of the real file compiles */
	if (crashsig_maintainers_warning(m, 0))
		fail_msg("warning: %s", crashsig_maintainers_warning(m, 0));
	expect(m, "net/ipv4/tcp.c",
	       "NETWORKING [TCP]|NETWORKING [IPv4/IPv6]|NETWORKING [GENERAL]|THE REST");
	expect(m, "fs/xfs/xfs_inode.c", "XFS FILESYSTEM|THE REST");
	expect(m, "kernel/bpf/verifier.c",
	       "BPF [CORE]|BPF [GENERAL] (Safe Dynamic Programs and Tools)|THE REST");
	expect(m, "drivers/net/wireless/ath/ath9k/hif_usb.c",
	       "QUALCOMM ATHEROS ATH9K WIRELESS DRIVER|NETWORKING DRIVERS (WIRELESS)|"
	       "NETWORKING DRIVERS|THE REST");
	expect(m, "drivers/tty/sysrq.c", "TTY LAYER|THE REST");
	expect(m, "net/xdp/xsk.c", "XDP SOCKETS (AF_XDP)|NETWORKING [GENERAL]|THE REST");
	crashsig_maint_match *mm;
	size_t n;
	assert_int_equal(crashsig_maintainers_lookup(m, "fs/xfs/xfs_inode.c", &mm, &n), 0);
	assert_true(n >= 1);
	assert_string_equal(mm[0].status, "Supported");
	assert_string_equal(mm[0].lists[0], "linux-xfs@vger.kernel.org");
	assert_true(mm[0].nmaintainers >= 1);
	crashsig_maint_matches_free(mm, n);
	crashsig_maintainers_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excerpt),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_linux_61),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
