/* Tests for Code: decoding (include/crashsig/decode.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "crashsig/crashsig.h"
#include "crashsig/decode.h"

#include "testutil.h"

#ifndef CRASHSIG_DECODE_FIXTURE_DIR
#ifdef CRASHSIG_SOURCE_DIR
#define CRASHSIG_DECODE_FIXTURE_DIR CRASHSIG_SOURCE_DIR "/fixtures/decode"
#else
#define CRASHSIG_DECODE_FIXTURE_DIR "fixtures/decode"
#endif
#endif
#ifndef CRASHSIG_SHARED_DIR
#define CRASHSIG_SHARED_DIR "../shared"
#endif

/* Decode a fixture; the caller frees *r and *d. */
static void decode_fixture(const char *name, crashsig_arch arch,
			   crashsig_decoder **d, crashsig_decoded **r)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", CRASHSIG_DECODE_FIXTURE_DIR, name);
	size_t len = 0;
	char *text = test_read_file(path, &len);
	assert_non_null(text);
	assert_int_equal(crashsig_decoder_new(d, NULL), CRASHSIG_OK);
	assert_int_equal(crashsig_decoder_decode(*d, text, len, arch, r),
			 CRASHSIG_OK);
	free(text);
}

static const crashsig_insn *trapping(const crashsig_code *c)
{
	for (size_t i = 0; i < c->ninsns; i++)
		if (c->insns[i].trapping)
			return &c->insns[i];
	return NULL;
}

static void decode_string(const char *text, crashsig_arch arch,
			  crashsig_decoder **d, crashsig_decoded **r)
{
	assert_int_equal(crashsig_decoder_new(d, NULL), CRASHSIG_OK);
	assert_int_equal(crashsig_decoder_decode(*d, text, strlen(text), arch, r),
			 CRASHSIG_OK);
}

/* ------------------------------------------------------------------ */

static void test_api_basics(void **state)
{
	(void)state;
	crashsig_decoder_free(NULL);
	crashsig_decoded_free(NULL);
	assert_int_equal(crashsig_decoded_count(NULL), 0);
	assert_null(crashsig_decoded_code(NULL, 0));
	assert_null(crashsig_decoded_primary(NULL));
	crashsig_arch a;
	assert_int_equal(crashsig_arch_parse("amd64", &a), CRASHSIG_OK);
	assert_int_equal(a, CRASHSIG_ARCH_X86_64);
	assert_int_equal(crashsig_arch_parse("aarch64", &a), CRASHSIG_OK);
	assert_int_equal(a, CRASHSIG_ARCH_ARM64);
	assert_int_equal(crashsig_arch_parse("vax", &a), CRASHSIG_EINVAL);
	assert_string_equal(crashsig_arch_name(CRASHSIG_ARCH_S390), "s390");
	assert_int_equal(crashsig_decoder_new(NULL, NULL), CRASHSIG_EINVAL);
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_string("no code here\n", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	assert_int_equal(crashsig_decoded_count(r), 0);
	crashsig_decoded_free(r);
	assert_int_equal(crashsig_decoder_decode(d, "x", 1, (crashsig_arch)99, &r),
			 CRASHSIG_EINVAL);
	assert_null(r);
	crashsig_decoder_free(d);
}

/* seed 000: KASAN shadow check of a NULL-based pointer, console prefixes */
static void test_x86_kasan(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("x86_64_kasan.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	assert_int_equal(crashsig_decoded_count(r), 1);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->status, CRASHSIG_OK);
	assert_int_equal(c->arch, CRASHSIG_ARCH_X86_64);
	assert_false(c->user);
	assert_int_equal(c->trap_offset, 42);
	const crashsig_insn *t = trapping(c);
	assert_non_null(t);
	assert_string_equal(t->mnemonic, "movzbl");
	assert_string_equal(t->operands, "(%rdx,%rax,1),%eax");
	assert_string_equal(t->line, "* 2a:\t0f b6 04 02          \tmovzbl "
				     "(%rdx,%rax,1),%eax <-- trapping instruction");
	assert_int_equal(c->trap_kind, CRASHSIG_TRAP_MEMORY);
	assert_true(c->kasan);
	assert_int_equal(c->kasan_start, 0x90);
	assert_int_equal(c->kasan_end, 0x98);
	assert_true(c->has_address);
	assert_int_equal(c->address, 0xdffffc0000000012ull);
	assert_non_null(strstr(c->explanation,
			       "reads 0xdffffc0000000012 (RDX=0x12 RAX=0xdffffc0000000000)"
			       " = KASAN shadow of 0x90..0x97 (NULL+0x90)"));
	assert_ptr_equal(crashsig_decoded_primary(r), c);
	/* the long movabs continues on a second objdump line */
	assert_non_null(strstr(c->listing,
			       "  11:\t48 b8 00 00 00 00 00 \tmovabs $0xdffffc0000000000,%rax\n"
			       "  18:\tfc ff df\n"));
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

static void test_x86_user(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("x86_64_user.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_non_null(c);
	assert_true(c->user);
	assert_int_equal(c->status, CRASHSIG_OK);
	assert_non_null(strstr(c->explanation, "User code at: cmp"));
	/* syzbot leaves user code out */
	assert_null(crashsig_decoded_primary(r));
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

/* the bytes before the marker start inside an instruction */
static void test_x86_alignment(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("x86_64_align.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->skipped, 1);
	assert_string_equal(c->listing,
			    "   0:\t48 89 c7             \tmov    %rax,%rdi\n"
			    "*  3:\t48 8b 47 08          \tmov    0x8(%rdi),%rax"
			    " <-- trapping instruction\n"
			    "   7:\tc3                   \tret\n");
	assert_non_null(strstr(c->explanation, "reads 0x18 (RDI=0x10 + 0x8)"));
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	/* invalid bytes are avoided when another start offset works */
	decode_string("RIP: 0010:f+0x1/0x2\nCode: 06 90 90 <c3>\n",
		      CRASHSIG_ARCH_UNKNOWN, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->skipped, 1);
	assert_int_equal(c->ninsns, 3);
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

/* capstone's AT&T output normalised to objdump's (binutils 2.40, -m i386
 * -M x86-64 as syzbot runs it) */
static void test_x86_objdump_spelling(void **state)
{
	(void)state;
	static const struct {
		const char *code;
		const char *text; /* "mnemonic operands" of the trapping insn */
	} cases[] = {
		{"Code: <48> b8 00 00 00 00 00 fc ff df", "movabs $0xdffffc0000000000,%rax"},
		{"Code: <66> 2e 0f 1f 84 00 00 00 00 00", "cs nopw 0x0(%rax,%rax,1)"},
		{"Code: <0f> 1f 40 00", "nopl 0x0(%rax)"},
		{"Code: <0f> 1f 44 00 00", "nopl 0x0(%rax,%rax,1)"},
		{"Code: <48> c1 ea 03", "shr $0x3,%rdx"},
		{"Code: <80> 3c 02 00", "cmpb $0x0,(%rdx,%rax,1)"},
		{"Code: <c3>", "ret"},
		{"Code: 90 <e8> f0 8e 14 fe", "call 0xfe148ef6"},
		{"Code: <74> 08", "je 0xa"},
		{"Code: <eb> fe", "jmp 0x0"},
		{"Code: <48> 83 e4 f0", "and $0xfffffffffffffff0,%rsp"},
		{"Code: <83> e0 f8", "and $0xfffffff8,%eax"},
		{"Code: <c7> 80 20 03 00 00 00 00 00 00", "movl $0x0,0x320(%rax)"},
		{"Code: <48> 8b 45 f8", "mov -0x8(%rbp),%rax"},
		{"Code: <48> 8b 45 00", "mov 0x0(%rbp),%rax"},
		{"Code: <65> 48 8b 04 25 28 00 00 00", "mov %gs:0x28,%rax"},
		{"Code: <48> 8b 05 10 00 00 00", "mov 0x10(%rip),%rax        # 0x17"},
		{"Code: <ff> 75 20", "push 0x20(%rbp)"},
		{"Code: <9c>", "pushf"},
		{"Code: <66> 90", "xchg %ax,%ax"},
		{"Code: <f3> 48 ab", "rep stos %rax,%es:(%rdi)"},
		{"Code: <d1> e7", "shl %edi"},
		{"Code: <0f> b6 04 02", "movzbl (%rdx,%rax,1),%eax"},
		{"Code: <48> f7 f5", "div %rbp"},
		{"Code: <0f> 0b", "ud2"},
		{"Code: <06>", "(bad)"},
		{"Code: 90 <e8>", ".byte 0xe8"},
		{"Code: 90 <48>", "rex.W"},
		{"Code: <41> 41 90", "rex.B"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		crashsig_decoder *d;
		crashsig_decoded *r;
		decode_string(cases[i].code, CRASHSIG_ARCH_X86_64, &d, &r);
		const crashsig_code *c = crashsig_decoded_code(r, 0);
		assert_non_null(c);
		const crashsig_insn *t = trapping(c);
		assert_non_null(t);
		char buf[256];
		if (t->operands[0])
			snprintf(buf, sizeof(buf), "%s %s", t->mnemonic, t->operands);
		else
			snprintf(buf, sizeof(buf), "%s", t->mnemonic);
		if (strcmp(buf, cases[i].text))
			fail_msg("%s: got '%s' want '%s'", cases[i].code, buf,
				 cases[i].text);
		crashsig_decoded_free(r);
		crashsig_decoder_free(d);
	}
}

static void test_x86_traps(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("x86_64_ud2.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->trap_kind, CRASHSIG_TRAP_BUG);
	assert_non_null(strstr(c->explanation, "BUG()/WARN()"));
	assert_null(crashsig_decoded_primary(r)); /* syzbot skips BUG traps */
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	decode_fixture("x86_64_divide.log", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	int found = 0;
	for (size_t i = 0; i < crashsig_decoded_count(r); i++) {
		c = crashsig_decoded_code(r, i);
		if (c->trap_kind == CRASHSIG_TRAP_DIVIDE) {
			found = 1;
			assert_non_null(strstr(c->explanation,
					       "idiv %ecx divides by ECX = 0x0"));
		}
	}
	assert_true(found);
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

static void test_i386(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("i386.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->arch, CRASHSIG_ARCH_I386);
	assert_string_equal(trapping(c)->operands, "0x10(%eax),%eax");
	assert_true(c->has_address);
	assert_int_equal(c->address, 0x10);
	assert_non_null(strstr(c->explanation, "(NULL+0x10)"));
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

static void test_arm64(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("arm64_fault.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->arch, CRASHSIG_ARCH_ARM64);
	assert_int_equal(c->trap_offset, 16);
	assert_string_equal(trapping(c)->line, "* 10:\tf9400420 \tldr\tx0, [x1, #8]"
					       " <-- trapping instruction");
	assert_int_equal(c->address, 8);
	assert_non_null(strstr(c->explanation, "reads 0x8 (x1=0x0 + 0x8) (NULL+0x8)"));
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	decode_fixture("arm64_brk.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->trap_kind, CRASHSIG_TRAP_BUG);
	assert_string_equal(trapping(c)->operands, "#0x800");
	assert_null(crashsig_decoded_primary(r));
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	/* objdump's condition-alias comments, post-index and pac hints */
	decode_string("Code: d503233f a8c17bfd 54000061 (9a9f17e0)", CRASHSIG_ARCH_ARM64,
		      &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_string_equal(c->listing,
			    "   0:\td503233f \tpaciasp\n"
			    "   4:\ta8c17bfd \tldp\tx29, x30, [sp], #16\n"
			    "   8:\t54000061 \tb.ne\t0x14  // b.any\n"
			    "*  c:\t9a9f17e0 \tcset\tx0, eq\t// eq = none"
			    " <-- trapping instruction\n");
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	/* objdump's mov-immediate comment */
	decode_string("Code: (d2bfd001)", CRASHSIG_ARCH_ARM64, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_string_equal(c->insns[0].line,
			    "*  0:\td2bfd001 \tmov\tx1, #0xfe800000            "
			    "\t// #4269801472 <-- trapping instruction");
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

static void test_arm(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("arm_fault.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->arch, CRASHSIG_ARCH_ARM);
	assert_false(c->thumb);
	assert_string_equal(trapping(c)->line,
			    "* 10:\te5834000 \tstr\tr4, [r3] <-- trapping instruction");
	assert_true(c->is_write);
	assert_int_equal(c->address, 0);
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	decode_fixture("arm_bug.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->trap_kind, CRASHSIG_TRAP_BUG);
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	decode_fixture("arm_thumb.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_true(c->thumb);
	assert_int_equal(c->trap_offset, 2);
	assert_string_equal(trapping(c)->line,
			    "*  2:\t6843      \tldr\tr3, [r0, #4] <-- trapping instruction");
	assert_int_equal(c->address, 4);
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	/* objdump's value comment on str with a negative offset */
	decode_string("Code: 9a000012 (e5034020)", CRASHSIG_ARCH_ARM, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_string_equal(c->listing,
			    "   0:\t9a000012 \tbls\t0x50\n"
			    "*  4:\te5034020 \tstr\tr4, [r3, #-32]\t@ 0xffffffe0"
			    " <-- trapping instruction\n");
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

static void test_other_arches(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("riscv.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->arch, CRASHSIG_ARCH_RISCV);
	assert_int_equal(c->status, CRASHSIG_EUNSUPPORTED);
	assert_non_null(strstr(c->message, "riscv"));
	assert_int_equal(c->nbytes, 14);
	assert_int_equal(c->trap_offset, 6);
	assert_int_equal(c->bytes[6], 0x08); /* halfword 6108, little endian */
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	decode_fixture("powerpc.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->arch, CRASHSIG_ARCH_POWERPC);
	assert_int_equal(c->status, CRASHSIG_OK);
	assert_int_equal(c->trap_offset, 36);
	assert_string_equal(trapping(c)->mnemonic, "ld");
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	decode_fixture("s390.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->arch, CRASHSIG_ARCH_S390);
	assert_int_equal(c->status, CRASHSIG_OK);
	assert_int_equal(c->ninsns, 4);
	assert_int_equal(c->trap_offset, 16);
	assert_string_equal(trapping(c)->mnemonic, "br");
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

static void test_bad_input(void **state)
{
	(void)state;
	crashsig_decoder *d;
	crashsig_decoded *r;
	decode_fixture("bad_input.txt", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	assert_int_equal(crashsig_decoded_count(r), 7);
	static const struct {
		int status;
		const char *msg;
	} want[] = {
		{CRASHSIG_EFORMAT, "odd number of hex digits"},
		{CRASHSIG_EFORMAT, "more than one trap marker"},
		{CRASHSIG_EFORMAT, "unterminated trap marker"},
		{CRASHSIG_EFORMAT, "no code bytes: Unable to access"},
		{CRASHSIG_EFORMAT, "do not fit x86_64"},
		{CRASHSIG_OK, "no trap marker"},
		{CRASHSIG_OK, NULL},
	};
	for (size_t i = 0; i < 7; i++) {
		const crashsig_code *c = crashsig_decoded_code(r, i);
		assert_int_equal(c->status, want[i].status);
		if (want[i].msg) {
			assert_non_null(c->message);
			if (!strstr(c->message, want[i].msg))
				fail_msg("dump %zu: '%s' lacks '%s'", i, c->message,
					 want[i].msg);
		} else {
			assert_null(c->message);
		}
	}
	/* the rest of the report is still decoded */
	const crashsig_code *last = crashsig_decoded_code(r, 6);
	assert_string_equal(trapping(last)->mnemonic, "ud2");
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);

	/* word form without a register dump: unknown architecture */
	decode_string("Code: d503201f (d4210000)\n", CRASHSIG_ARCH_UNKNOWN, &d, &r);
	const crashsig_code *c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->status, CRASHSIG_EUNSUPPORTED);
	assert_non_null(strstr(c->message, "unknown architecture"));
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
	/* ... and with an override */
	decode_string("Code: d503201f (d4210000)\n", CRASHSIG_ARCH_ARM64, &d, &r);
	c = crashsig_decoded_code(r, 0);
	assert_int_equal(c->status, CRASHSIG_OK);
	assert_int_equal(c->trap_kind, CRASHSIG_TRAP_BUG);
	crashsig_decoded_free(r);
	crashsig_decoder_free(d);
}

/* The shared syzkaller decompile corpus: wherever the .out carries a
 * "Code disassembly (best guess):" block, the primary dump's listing must be
 * identical; where it does not, there must be no primary dump (BUG/WARN
 * trap, user code, stall or no code bytes). */
static int compare_case(crashsig_decoder *d, const char *in, const char *out)
{
	size_t il, ol;
	char *itext = test_read_file(in, &il), *otext = test_read_file(out, &ol);
	if (!itext || !otext) {
		free(itext);
		free(otext);
		return 0;
	}
	crashsig_decoded *r = NULL;
	assert_int_equal(crashsig_decoder_decode(d, itext, il, CRASHSIG_ARCH_UNKNOWN, &r),
			 CRASHSIG_OK);
	const crashsig_code *p = crashsig_decoded_primary(r);
	const char *hdr = strstr(otext, "Code disassembly (best guess)");
	if (!hdr) {
		if (p)
			fail_msg("%s: decoded a primary dump (line %u) but syzbot "
				 "printed none", in, p->line);
	} else {
		if (!p)
			fail_msg("%s: no primary dump", in);
		const char *want = strchr(hdr, '\n') + 1;
		/* compare line by line, ignoring trailing blanks */
		const char *got = p->listing;
		while (*want && *got) {
			size_t wl = strcspn(want, "\n"), gl = strcspn(got, "\n");
			size_t wt = wl, gt = gl;
			while (wt && want[wt - 1] == ' ')
				wt--;
			while (gt && got[gt - 1] == ' ')
				gt--;
			if (wt != gt || memcmp(want, got, wt))
				fail_msg("%s: got '%.*s' want '%.*s'", in, (int)gt, got,
					 (int)wt, want);
			want += wl + (want[wl] ? 1 : 0);
			got += gl + (got[gl] ? 1 : 0);
		}
		if (*got)
			fail_msg("%s: extra lines: %s", in, got);
		while (*want == '\n')
			want++;
		if (*want && strstr(want, ":\t"))
			fail_msg("%s: missing lines: %s", in, want);
	}
	crashsig_decoded_free(r);
	free(itext);
	free(otext);
	return hdr ? 2 : 1;
}

static void test_shared_decompile_corpus(void **state)
{
	(void)state;
	static const char *const arches[] = {"amd64", "arm64", "arm"};
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/corpus/syzkaller/linux/decompile",
		 CRASHSIG_SHARED_DIR);
	DIR *top = opendir(dir);
	if (!top) {
		print_message("SKIPPED: %s not present\n", dir);
		skip();
	}
	closedir(top);
	crashsig_decoder *d;
	assert_int_equal(crashsig_decoder_new(&d, NULL), CRASHSIG_OK);
	int with = 0, without = 0;
	for (size_t a = 0; a < 3; a++) {
		char sub[600];
		snprintf(sub, sizeof(sub), "%s/%s", dir, arches[a]);
		DIR *dd = opendir(sub);
		if (!dd)
			continue;
		struct dirent *e;
		while ((e = readdir(dd))) {
			size_t l = strlen(e->d_name);
			if (l < 4 || strcmp(e->d_name + l - 3, ".in"))
				continue;
			char in[900], out[900];
			snprintf(in, sizeof(in), "%s/%s", sub, e->d_name);
			snprintf(out, sizeof(out), "%s/%.*s.out", sub, (int)(l - 3),
				 e->d_name);
			int k = compare_case(d, in, out);
			if (k == 2)
				with++;
			else if (k == 1)
				without++;
		}
		closedir(dd);
	}
	crashsig_decoder_free(d);
	print_message("decompile corpus: %d with disassembly matched, %d "
		      "without handled\n", with, without);
	assert_true(with >= 3);
}

/* crashsig_arch_infer: the register dump's first marker line. */
static void test_arch_infer(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		crashsig_arch arch;
	} cases[] = {
		{"BUG: x\nRIP: 0010:f+0x1/0x2\nRSP: 0018:ffff EFLAGS: 0\n", CRASHSIG_ARCH_X86_64},
		{"oops\n  RAX: 0000000000000000 RBX: 1\n", CRASHSIG_ARCH_X86_64},
		{"EIP: f+0x1/0x2\nEAX: 0\n", CRASHSIG_ARCH_I386},
		{"Internal error: Oops\npc : f+0x1/0x2\nlr : g+0x3/0x4\n", CRASHSIG_ARCH_ARM64},
		{"x29: 0000 x28: 0000\n", CRASHSIG_ARCH_ARM64},
		{"PC is at f+0x1/0x2\nLR is at g\n", CRASHSIG_ARCH_ARM},
		{"pc : [<c01234>]    lr : [<c05678>]    psr: 60000013\n", CRASHSIG_ARCH_ARM},
		{"epc : f+0x1/0x2\n ra : g+0x3/0x4\n", CRASHSIG_ARCH_RISCV},
		{"NIP:  c000000000123456 LR: c000000000654321\n", CRASHSIG_ARCH_POWERPC},
		{"Krnl PSW : 0704c00180000000 0000000000123456\n", CRASHSIG_ARCH_S390},
		{"WARNING: x\nCall Trace:\n f+0x1/0x2\n", CRASHSIG_ARCH_UNKNOWN},
		{"", CRASHSIG_ARCH_UNKNOWN},
		/* a marker inside a line is no register dump line */
		{"the value of RIP: was lost\n", CRASHSIG_ARCH_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(crashsig_arch_infer(cases[i].text, strlen(cases[i].text)), cases[i].arch);
	assert_int_equal(crashsig_arch_infer(NULL, 0), CRASHSIG_ARCH_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_basics),
		cmocka_unit_test(test_x86_kasan),
		cmocka_unit_test(test_x86_user),
		cmocka_unit_test(test_x86_alignment),
		cmocka_unit_test(test_x86_objdump_spelling),
		cmocka_unit_test(test_x86_traps),
		cmocka_unit_test(test_i386),
		cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_arm),
		cmocka_unit_test(test_other_arches),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_arch_infer),
		cmocka_unit_test(test_shared_decompile_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
