/* Tests of the loader of kernel images (src/symbolize/image.c), shared by
 * the symbolizer and validate's name index:
 *  - one loader, one message: every bad vmlinux (a module, truncated to
 *    64 bytes and at a third, an i386 ELF, a shared object, a stripped
 *    file, not ELF, a directory, missing) fails crashsig_symbolizer_new and
 *    crashsig_index_new with the same code and the same text (audit F10,
 *    F13);
 *  - modules: kinds, architecture against vmlinux, compressed files,
 *    decompression bombs, module file names;
 *  - refused modules are named with the reason: by the symbolizer
 *    (crashsig_symbolizer_missing_module_problem) and by the index
 *    (crashsig_index_module_problem; an explicit extra module fails). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <gelf.h>
#include <zlib.h>

#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"
#include "crashsig/validate.h"
#include "symbolize/image.h"
#include "symbolize/symfix.h"
#include "testutil.h"

#define REL_DIR CRASHSIG_SOURCE_DIR "/fixtures/reliability/symbolize"
#define WORK SYMFIX_DIR "/image-tests"

static char *slurp(const char *path, size_t *n)
{
	char *d = test_read_file(path, n);
	assert_non_null(d);
	return d;
}

static void spit(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static crashsig_ctx *ctx_new(void)
{
	crashsig_ctx *ctx = NULL;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), 0);
	return ctx;
}

/* Offset of the section header of the first section of type t in the ELF
 * file d (64-bit little endian), or 0. */
static size_t shdr_of_type(const char *d, size_t n, unsigned t)
{
	Elf *e = elf_memory((char *)d, n);
	assert_non_null(e);
	GElf_Ehdr eh;
	assert_non_null(gelf_getehdr(e, &eh));
	size_t off = 0;
	Elf_Scn *scn = NULL;
	while (!off && (scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == t)
			off = eh.e_shoff + elf_ndxscn(scn) * eh.e_shentsize;
	}
	elf_end(e);
	return off;
}

/* The bad vmlinux files, made from the fixtures. */
struct bad {
	const char *path;
	const char *says; /* in the message */
	int code;
};

static size_t make_bad(struct bad *b)
{
	size_t n, k = 0;
	elf_version(EV_CURRENT);
	mkdir(WORK, 0755);
	char *prog = slurp(FIX_PROG, &n);
	/* F10: a module given as vmlinux */
	b[k++] = (struct bad){RK_DIR "/crashgen.ko", "a kernel module, not a vmlinux",
			      CRASHSIG_EFORMAT};
	/* F13: truncated to 64 bytes, at a third, and just before the
	 * section header table */
	spit(WORK "/cut64", prog, 64);
	b[k++] = (struct bad){WORK "/cut64", "truncated file", CRASHSIG_EFORMAT};
	spit(WORK "/cut3", prog, n / 3);
	b[k++] = (struct bad){WORK "/cut3", "truncated file", CRASHSIG_EFORMAT};
	spit(WORK "/cutend", prog, n - 1);
	b[k++] = (struct bad){WORK "/cutend", "truncated file", CRASHSIG_EFORMAT};
	/* F13: an i386 ELF (a 32-bit header of our own: the section header
	 * table is empty) */
	unsigned char h32[52] = {0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB, EV_CURRENT};
	h32[16] = ET_EXEC;
	h32[18] = EM_386;
	h32[20] = EV_CURRENT;
	h32[40] = 52; /* e_ehsize */
	spit(WORK "/i386", h32, sizeof(h32));
	b[k++] = (struct bad){WORK "/i386", "wrong architecture: i386 (32-bit)",
			      CRASHSIG_EUNSUPPORTED};
	/* the 64-bit program relabelled as PowerPC */
	char *d = malloc(n);
	assert_non_null(d);
	memcpy(d, prog, n);
	d[18] = EM_PPC64;
	d[19] = 0;
	spit(WORK "/ppc64", d, n);
	b[k++] = (struct bad){WORK "/ppc64", "wrong architecture: PowerPC64 (64-bit)",
			      CRASHSIG_EUNSUPPORTED};
	/* a shared object / PIE program */
	memcpy(d, prog, n);
	d[16] = ET_DYN;
	spit(WORK "/dyn", d, n);
	b[k++] = (struct bad){WORK "/dyn", "not a kernel image (ELF type DYN", CRASHSIG_EFORMAT};
	/* stripped: its .symtab turned into PROGBITS */
	memcpy(d, prog, n);
	size_t so = shdr_of_type(d, n, SHT_SYMTAB);
	assert_true(so > 0);
	uint32_t progbits = SHT_PROGBITS;
	memcpy(d + so + 4, &progbits, 4);
	spit(WORK "/stripped", d, n);
	b[k++] = (struct bad){WORK "/stripped", "no symbol table", CRASHSIG_EFORMAT};
	free(d);
	spit(WORK "/text", "not an ELF file at all\n", 23);
	b[k++] = (struct bad){WORK "/text", "not an ELF file", CRASHSIG_EFORMAT};
	/* F13: a directory */
	b[k++] = (struct bad){WORK, "Is a directory", CRASHSIG_EIO};
	b[k++] = (struct bad){WORK "/missing", "No such file", CRASHSIG_EIO};
	free(prog);
	return k;
}

static void test_one_message(void **state)
{
	(void)state;
	struct bad b[16];
	size_t nb = make_bad(b);
	for (size_t i = 0; i < nb; i++) {
		crashsig_ctx *c1 = ctx_new(), *c2 = ctx_new();
		crashsig_symbolizer *s = NULL;
		crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
		so.vmlinux = b[i].path;
		int r1 = crashsig_symbolizer_new(&s, c1, &so);
		crashsig_index *ix = NULL;
		crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
		io.vmlinux = b[i].path;
		io.modules_dir = "";
		int r2 = crashsig_index_new(&ix, c2, &io);
		const char *m1 = crashsig_error_last(c1), *m2 = crashsig_error_last(c2);
		if (r1 != b[i].code || r2 != b[i].code || strcmp(m1, m2) ||
		    !strstr(m1, b[i].says) || strncmp(m1, b[i].path, strlen(b[i].path)))
			fail_msg("%s: symbolizer %d '%s', index %d '%s'; expected %d '%s'",
				 b[i].path, r1, m1, r2, m2, b[i].code, b[i].says);
		assert_null(s);
		assert_null(ix);
		crashsig_ctx_free(c1);
		crashsig_ctx_free(c2);
	}
	/* and the good ones open in both */
	crashsig_ctx *ctx = ctx_new();
	crashsig_symbolizer *s = NULL;
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	so.vmlinux = FIX_PROG;
	assert_int_equal(crashsig_symbolizer_new(&s, ctx, &so), 0);
	crashsig_symbolizer_free(s);
	crashsig_index *ix = NULL;
	crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
	io.vmlinux = FIX_PROG;
	io.modules_dir = "";
	assert_int_equal(crashsig_index_new(&ix, ctx, &io), 0);
	crashsig_index_free(ix);
	crashsig_ctx_free(ctx);
}

static void gz_file(const char *path, const char *d, size_t n)
{
	gzFile g = gzopen(path, "wb");
	assert_non_null(g);
	assert_int_equal(gzwrite(g, d, (unsigned)n), (int)n);
	assert_int_equal(gzclose(g), Z_OK);
}

static void test_modules(void **state)
{
	(void)state;
	crashsig_ctx *ctx = ctx_new();
	cs_image img;
	mkdir(WORK, 0755);
	/* a module, plain and compressed */
	assert_int_equal(cs_image_open(&img, ctx, FIX_MOD, CS_IMAGE_MODULE, EM_X86_64), 0);
	assert_true(img.is_rel);
	assert_false(img.compressed);
	assert_int_equal(img.machine, EM_X86_64);
	uint64_t plain = img.size;
	int fd = cs_image_dup_fd(&img);
	assert_true(fd >= 0);
	close(fd);
	cs_image_close(&img);
	assert_int_equal(img.fd, -1);
	cs_image_close(&img); /* twice: harmless */
	cs_image_close(NULL);
	size_t n;
	char *mod = slurp(FIX_MOD, &n);
	gz_file(WORK "/fixmod.ko.gz", mod, n);
	assert_int_equal(cs_image_open(&img, ctx, WORK "/fixmod.ko.gz", CS_IMAGE_MODULE, 0), 0);
	assert_true(img.compressed);
	assert_int_equal(img.size, plain);
	cs_image_close(&img);
	/* a module of another architecture than vmlinux */
	assert_int_equal(cs_image_open(&img, ctx, FIX_MOD, CS_IMAGE_MODULE, EM_AARCH64),
			 CRASHSIG_EUNSUPPORTED);
	assert_non_null(strstr(crashsig_error_last(ctx),
			       "wrong architecture: x86-64 (64-bit); expected a 64-bit AArch64 "
			       "module like its vmlinux"));
	/* an executable is not a module; a module is not a vmlinux */
	assert_int_equal(cs_image_open(&img, ctx, FIX_PROG, CS_IMAGE_MODULE, 0),
			 CRASHSIG_EFORMAT);
	assert_non_null(strstr(crashsig_error_last(ctx), "not a kernel module (ELF type EXEC"));
	assert_int_equal(cs_image_open(&img, ctx, RK_DIR "/crashgen.ko", CS_IMAGE_MODULE, 0), 0);
	cs_image_close(&img);
	/* a relocatable object without module sections (vmlinux.o) is a
	 * kernel image */
	assert_int_equal(cs_image_open(&img, ctx, FIX_MOD, CS_IMAGE_VMLINUX, 0), 0);
	cs_image_close(&img);
	/* compressed: truncated, padded, bombs, corrupt (the reproducers) */
	gz_file(WORK "/half.ko.gz", mod, n / 2);
	assert_int_equal(cs_image_open(&img, ctx, WORK "/half.ko.gz", CS_IMAGE_MODULE, 0),
			 CRASHSIG_EFORMAT);
	assert_non_null(strstr(crashsig_error_last(ctx), "truncated file"));
	char *pad = calloc(1, n + 65536);
	assert_non_null(pad);
	memcpy(pad, mod, n);
	gz_file(WORK "/pad.ko.gz", pad, n + 65536);
	free(pad);
	assert_int_equal(cs_image_open(&img, ctx, WORK "/pad.ko.gz", CS_IMAGE_MODULE, 0),
			 CRASHSIG_EFORMAT);
	assert_non_null(strstr(crashsig_error_last(ctx), "decompresses to more than"));
	static const struct {
		const char *file, *says;
	} rep[] = {
		{REL_DIR "/mod_xz_bomb/crashgen.ko.xz", "not an ELF file (decompressed data)"},
		{REL_DIR "/mod_zst_bomb/crashgen.ko.zst", "not an ELF file (decompressed data)"},
		{REL_DIR "/mod_gz_corrupt/crashgen.ko.gz", ": gzip: "},
		{REL_DIR "/mod_ko_notelf/crashgen.ko", ": not an ELF file"},
	};
	for (size_t i = 0; i < sizeof(rep) / sizeof(rep[0]); i++) {
		assert_int_equal(cs_image_open(&img, ctx, rep[i].file, CS_IMAGE_MODULE, 0),
				 CRASHSIG_EFORMAT);
		const char *m = crashsig_error_last(ctx);
		if (strncmp(m, rep[i].file, strlen(rep[i].file)) || !strstr(m, rep[i].says))
			fail_msg("%s: '%s', expected '%s'", rep[i].file, m, rep[i].says);
		assert_int_equal(img.fd, -1);
		assert_null(img.elf);
	}
	free(mod);
	/* module file names */
	char nm[64];
	assert_int_equal(cs_module_name("nf-conntrack.ko.xz", nm, sizeof(nm)), 12);
	assert_string_equal(nm, "nf_conntrack");
	assert_int_equal(cs_module_name("a.ko.zst", nm, sizeof(nm)), 1);
	assert_int_equal(cs_module_name("a.ko.gz", nm, sizeof(nm)), 1);
	assert_int_equal(cs_module_name("ext4.ko.debug", nm, sizeof(nm)), 4);
	assert_int_equal(cs_module_name("vdso64.so", nm, sizeof(nm)), 0);
	assert_int_equal(cs_module_name(".ko", nm, sizeof(nm)), 0);
	assert_int_equal(cs_module_name("verylongname.ko", nm, 5), 4);
	assert_string_equal(nm, "very");
	assert_string_equal(cs_machine_name(EM_386), "i386");
	assert_null(cs_machine_name(0xfff0));
	crashsig_ctx_free(ctx);
}

/* A refused module is named with its file and the reason, by both. */
static void test_refused_modules(void **state)
{
	(void)state;
	crashsig_ctx *ctx = ctx_new();
	/* the symbolizer: a frame of [crashgen] with a non-ELF crashgen.ko */
	crashsig_symbolizer *s = NULL;
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	so.vmlinux = FIX_PROG;
	so.modules_dir = REL_DIR "/mod_ko_notelf";
	assert_int_equal(crashsig_symbolizer_new(&s, ctx, &so), 0);
	const char *line = " crashgen_run+0x1c/0x4e [crashgen]";
	const crashsig_symres *r;
	assert_int_equal(crashsig_symbolizer_line(s, line, strlen(line), &r), 1);
	assert_true(r->status & CRASHSIG_SYM_NO_MODULE);
	assert_string_equal(crashsig_symbolizer_missing_module(s, 0), "crashgen");
	assert_null(crashsig_symbolizer_missing_module(s, 1));
	assert_string_equal(crashsig_symbolizer_missing_module_problem(s, 0),
			    REL_DIR "/mod_ko_notelf/crashgen.ko: not an ELF file");
	assert_null(crashsig_symbolizer_missing_module_problem(s, 1));
	/* a module that is not there at all has no problem, only a name */
	line = " foo+0x1/0x10 [nosuchmod]";
	assert_int_equal(crashsig_symbolizer_line(s, line, strlen(line), &r), 1);
	assert_string_equal(crashsig_symbolizer_missing_module(s, 1), "nosuchmod");
	assert_null(crashsig_symbolizer_missing_module_problem(s, 1));
	crashsig_symbolizer_free(s);

	/* the index: a tree with one good and one refused module */
	mkdir(WORK, 0755);
	mkdir(WORK "/tree", 0755);
	size_t n;
	char *d = slurp(FIX_MOD, &n);
	spit(WORK "/tree/good.ko", d, n);
	free(d);
	spit(WORK "/tree/bad.ko", "garbage", 7);
	crashsig_index *ix = NULL;
	crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
	io.vmlinux = FIX_PROG;
	io.modules_dir = WORK "/tree";
	assert_int_equal(crashsig_index_new(&ix, ctx, &io), 0);
	crashsig_index_stats st;
	crashsig_index_stats_get(ix, &st);
	assert_int_equal(st.modules, 2); /* the refused one listed by name */
	assert_true(st.module_symbols > 0);
	assert_string_equal(crashsig_index_module_problem(ix, 0),
			    WORK "/tree/bad.ko: not an ELF file");
	assert_null(crashsig_index_module_problem(ix, 1));
	crashsig_index_free(ix);
	assert_null(crashsig_index_module_problem(NULL, 0));
	/* an extra module that is refused fails the index, with the same text */
	const char *extra[] = {WORK "/tree/bad.ko"};
	io.modules_dir = "";
	io.extra_modules = extra;
	io.nextra_modules = 1;
	ix = (crashsig_index *)1;
	assert_int_equal(crashsig_index_new(&ix, ctx, &io), CRASHSIG_EFORMAT);
	assert_null(ix);
	assert_string_equal(crashsig_error_last(ctx), WORK "/tree/bad.ko: not an ELF file");
	crashsig_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_message),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_refused_modules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
