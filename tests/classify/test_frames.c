/* Frame model: every stack line shape parses into the right fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crashsig/crashsig.h"
#include "classify/frames.h"

static crashsig_frame F;
static char buf[1024];

static int parse(const char *l)
{
	return cs_frame_parse(l, strlen(l), &F, buf, sizeof(buf));
}

static void test_x86(void **state)
{
	(void)state;
	assert_true(parse(" ? crashgen_stackprot+0x70/0x70 [crashgen]"));
	assert_string_equal(F.func, "crashgen_stackprot");
	assert_int_equal(F.offset, 0x70);
	assert_int_equal(F.size, 0x70);
	assert_string_equal(F.module, "crashgen");
	assert_true(F.flags & CRASHSIG_FRAME_UNRELIABLE);
	assert_true(parse(" [<ffffffff8132e81d>] xsk_poll+0x81/0x4d0"));
	assert_int_equal(F.addr, 0xffffffff8132e81dULL);
	assert_true(F.flags & CRASHSIG_FRAME_HAS_ADDR);
	assert_true(parse(" f+0x1/0x2 [mod 0123456789abcdef0123456789abcdef01234567]"));
	assert_string_equal(F.build_id, "0123456789abcdef0123456789abcdef01234567");
}

static void test_symbolized(void **state)
{
	(void)state;
	assert_true(parse(" tcp_sendmsg+0x1f/0x80 net/ipv4/tcp.c:1788"));
	assert_string_equal(F.file, "net/ipv4/tcp.c");
	assert_int_equal(F.line, 1788);
	assert_false(F.flags & CRASHSIG_FRAME_INLINE);
	assert_true(parse(" __dump_stack lib/dump_stack.c:77 [inline]"));
	assert_string_equal(F.func, "__dump_stack");
	assert_true(F.flags & CRASHSIG_FRAME_INLINE);
	assert_false(F.flags & CRASHSIG_FRAME_HAS_OFFSET);
	/* the symbolizer knew the file but not the line */
	assert_true(parse(" sock_sendmsg+0x1f/0x80 net/socket.c:-1"));
	assert_string_equal(F.func, "sock_sendmsg");
	assert_string_equal(F.file, "net/socket.c");
	assert_int_equal(F.line, 0);
	assert_true(parse(" sock_sendmsg_nosec net/socket.c:-1 [inline]"));
	assert_string_equal(F.func, "sock_sendmsg_nosec");
	assert_true(F.flags & CRASHSIG_FRAME_INLINE);
	/* symbolized twice */
	assert_true(parse(" skb_put.cold+0x24/0x24 net/core/skbuff.c:1986 net/core/skbuff.c:1986"));
	assert_string_equal(F.func, "skb_put.cold");
	assert_int_equal(F.line, 1986);
	assert_true(parse(" napi_poll net/core/dev.c:6431 [inline] net/core/dev.c:6518"));
	assert_true(F.flags & CRASHSIG_FRAME_INLINE);
}

static void test_ip_lines(void **state)
{
	(void)state;
	assert_true(parse("RIP: 0010:do_tcp_getsockopt.isra.50+0x1f57/0x2c40 net/ipv4/tcp.c:3677"));
	assert_true(F.flags & CRASHSIG_FRAME_IP);
	assert_string_equal(F.func, "do_tcp_getsockopt.isra.50");
	assert_true(parse("RIP: 0010:tcp_zerocopy_receive net/ipv4/tcp.c:1788 [inline]"));
	assert_true(F.flags & CRASHSIG_FRAME_INLINE);
	assert_true(parse("RIP: 0033:0x459829"));
	assert_string_equal(F.func, "");
	assert_int_equal(F.addr, 0x459829);
	assert_true(parse("pc : el0_svc_common+0x1c/0x2c"));
	assert_true(F.flags & CRASHSIG_FRAME_IP);
	assert_true(parse("lr : el0_svc_handler+0x1c/0x2c"));
	assert_false(F.flags & CRASHSIG_FRAME_IP);
	assert_true(parse("PC is at f+0x10/0x20"));
	assert_true(parse("NIP [c0000000000b4a00] f+0x10/0x20"));
	assert_string_equal(F.func, "f");
}

static void test_other_arches(void **state)
{
	(void)state;
	/* arm: the line is the call in the caller, at the return address */
	assert_true(parse("[<8010e300>] (show_stack) from [<8018de80>] (rcu_check_callbacks+0x7a0/0x7a8)"));
	assert_string_equal(F.func, "rcu_check_callbacks");
	assert_int_equal(F.offset, 0x7a0);
	assert_int_equal(F.size, 0x7a8);
	assert_int_equal(F.addr, 0x8018de80);
	assert_true(parse("[<818e9a30>] (__fortify_panic) from [<8062a3b0>] (ext4_fileattr_get+0x0/0x78)"));
	assert_string_equal(F.func, "ext4_fileattr_get");
	/* ...and the callee A, which runs at pc, is a frame of its own */
	{
		crashsig_frame b, a;
		char abuf[256];
		const char *l = "[<81620a3c>] (tipc_conn_recv_work) from [<802712a8>] (process_one_work+0x1f8/0x5b0)";
		assert_int_equal(cs_frame_parse_ex(l, strlen(l), &b, &a, abuf, sizeof(abuf)), 1);
		assert_string_equal(b.func, "process_one_work");
		assert_string_equal(a.func, "tipc_conn_recv_work");
		assert_int_equal(a.addr, 0x81620a3c);
		/* printed with an offset, A is not read (as syzkaller's regex) */
		l = "[<81620a3c>] (tipc_conn_recv_work+0x10/0x40) from [<802712a8>] (process_one_work+0x1f8/0x5b0)";
		assert_int_equal(cs_frame_parse_ex(l, strlen(l), &b, &a, abuf, sizeof(abuf)), 1);
		assert_string_equal(b.func, "process_one_work");
		assert_null(a.func);
	}
	/* powerpc "(unreliable)" frames are stale stack words, as x86 "? " */
	assert_true(parse("[c000000001bb3530] [c000000001bb35a0] __rela_dyn_start+0x308828/0x345288 (unreliable)"));
	assert_true(F.flags & CRASHSIG_FRAME_UNRELIABLE);
	assert_true(parse("[c000000000e0fd20] [c0000000000207a4] show_stack+0x94/0x1e0 (unreliable)"));
	assert_string_equal(F.func, "show_stack");
	assert_int_equal(F.addr, 0xc0000000000207a4ULL);
	assert_true(parse("--- interrupt: 700 at assert_slb_presence+0x2c/0x70"));
	assert_string_equal(F.func, "assert_slb_presence");
	assert_true(F.flags & CRASHSIG_FRAME_IP);
	assert_false(parse("[c00000003ae5bdc0] [0000000000000000]           (null) (unreliable)"));
	assert_true(parse(" ([<0000000000123456>] dump_stack+0x1/0x2)"));
	assert_string_equal(F.func, "dump_stack");
	assert_true(parse(" <ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap+0x10/0x20"));
	assert_string_equal(F.func, "<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap");
}

static void test_not_frames(void **state)
{
	(void)state;
	assert_false(parse("Call Trace:"));
	assert_false(parse("BUG: KASAN: use-after-free in f+0x1/0x2"));
	assert_false(parse("Workqueue: events crashgen_work_fn [crashgen]"));
	assert_false(parse("RSP: 0018:ffff88807a7bf8b0 EFLAGS: 00010207"));
	assert_false(parse("hello world"));
}

/* The shapes cs_frame_parse_ex() reads in one pass (frames.c:
 * parse_common), each field pinned. */
static void test_common_shapes(void **state)
{
	(void)state;
	crashsig_frame f, callee;
	const char *l = "  __schedule+0x86c/0x1ed0";
	assert_int_equal(cs_frame_parse_ex(l, strlen(l), &f, &callee, buf, sizeof(buf)), 1);
	assert_string_equal(f.func, "__schedule");
	assert_int_equal(f.offset, 0x86c);
	assert_int_equal(f.size, 0x1ed0);
	assert_int_equal(f.flags, CRASHSIG_FRAME_HAS_OFFSET | CRASHSIG_FRAME_HAS_SIZE);
	assert_null(f.module);
	assert_null(f.file);
	assert_null(callee.func);
	assert_true(parse(" ? f+0x1/0x2"));
	assert_int_equal(F.flags, CRASHSIG_FRAME_UNRELIABLE | CRASHSIG_FRAME_HAS_OFFSET |
					  CRASHSIG_FRAME_HAS_SIZE);
	assert_true(parse(" [<ffffffff8132e81d>] ? xsk_poll+0x81/0x4d0"));
	assert_int_equal(F.addr, 0xffffffff8132e81dULL);
	assert_int_equal(F.flags, CRASHSIG_FRAME_UNRELIABLE | CRASHSIG_FRAME_HAS_ADDR |
					  CRASHSIG_FRAME_HAS_OFFSET | CRASHSIG_FRAME_HAS_SIZE);
	assert_true(parse("? [<ffffffff8132e81d>]\txsk_poll+0x81/0x4d0"));
	assert_string_equal(F.func, "xsk_poll");
	assert_true(parse("crashgen_stackprot+0x70/0x70 [crash-gen.x]"));
	assert_string_equal(F.module, "crash-gen.x");
	assert_null(F.build_id);
	assert_true(parse(" kasan_report+0x12f/0x170 mm/kasan/report.c:588"));
	assert_string_equal(F.func, "kasan_report");
	assert_string_equal(F.file, "mm/kasan/report.c");
	assert_int_equal(F.line, 588);
	assert_false(F.flags & CRASHSIG_FRAME_INLINE);
	assert_true(parse(" f+0x1/0x2 net/socket.c:12 [inline]"));
	assert_true(F.flags & CRASHSIG_FRAME_INLINE);
	assert_int_equal(F.line, 12);
	/* (kept as they were: trailing blanks are noise, a trailing tab is
	 * not; "[inline]" without a source file is no flag) */
	assert_true(parse("f+0x1/0x2 "));
	assert_false(parse("f+0x1/0x2\t"));
	assert_true(parse("f+0x1/0x2 [inline]"));
	assert_false(F.flags & CRASHSIG_FRAME_INLINE);
	assert_null(F.module);
	/* names the one-pass parser leaves to the general one */
	assert_true(parse("foo-bar+0x1/0x2"));
	assert_string_equal(F.func, "foo-bar");
	assert_true(parse("a::b+0x1/0x2"));
	assert_string_equal(F.func, "a::b");
	assert_true(parse("name.cold-0x5/0x1f"));
	assert_string_equal(F.func, "name.cold");
	assert_false(F.flags & CRASHSIG_FRAME_HAS_OFFSET);
	assert_true(parse("RIP+0x1/0x2"));
	assert_string_equal(F.func, "RIP");
	assert_false(F.flags & CRASHSIG_FRAME_IP);
	/* an address needs four digits */
	assert_false(parse(" [<fff>] f+0x1/0x2"));
	/* a scratch area too small for the strings: no frame */
	assert_int_equal(cs_frame_parse(l, strlen(l), &F, buf, 10), 0);
	assert_int_equal(cs_frame_parse(l, strlen(l), &F, buf, 11), 1);
}

/* Lines cs_frame_parse_ex() rejects early, and their neighbours that are
 * frames after all. */
static void test_early_rejects(void **state)
{
	(void)state;
	assert_false(parse("RAX: 0000000000000000 RBX: ffff88807a7bf8b0 RCX: ffffffff81a2b3c4"));
	assert_false(parse("CPU: 1 PID: 18769 Comm: syz-executor2 Not tainted 4.3.5+ #10"));
	assert_false(parse("Hardware name: Google Google Compute Engine/Google Compute Engine"));
	assert_false(parse(" <IRQ>"));
	assert_false(parse(" </IRQ>"));
	assert_false(parse(" #0: ffff8880a1b2c3d4 (&mm->mmap_lock){++++}-{3:3}, at: f+0x1/0x2"));
	assert_false(parse("2 locks held by syz-executor.0/1234:"));
	assert_false(parse(""));
	assert_false(parse(" \t "));
	assert_false(parse("Call Trace: a/b.c:1 [inline]"));
	assert_false(parse("RAX:: x"));
	/* instruction pointer lines start like register dumps */
	assert_true(parse("RIP: 0010:f+0x1/0x2"));
	assert_true(F.flags & CRASHSIG_FRAME_IP);
	assert_true(parse("IP: f+0x1/0x2"));
	assert_true(parse("EIP: 0060:[<c1234567>] f+0x1/0x2"));
	assert_int_equal(F.addr, 0xc1234567);
	assert_true(parse("pc : f+0x1/0x2"));
	assert_true(parse("LR is at f+0x1/0x2"));
	assert_true(F.flags & CRASHSIG_FRAME_LR);
	/* an inlined function: a name, a source file and "[inline]" (kept as
	 * it was: a file name with no function before it reads as one) */
	assert_true(parse("Call a/b.c:1 [inline]"));
	assert_string_equal(F.func, "Call");
	assert_string_equal(F.file, "a/b.c");
	assert_true(parse("lib/dump_stack.c:77 [inline]"));
	assert_string_equal(F.func, "lib");
	assert_string_equal(F.file, "/dump_stack.c");
	assert_true(parse("<IRQ> a.c:1 [inline]"));
	assert_string_equal(F.func, "<IRQ>");
}

/* Do two parses agree in every field (strings by content)? */
static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same_frame(const crashsig_frame *a, const crashsig_frame *b)
{
	return same_str(a->func, b->func) && a->offset == b->offset && a->size == b->size &&
	       a->addr == b->addr && same_str(a->module, b->module) &&
	       same_str(a->build_id, b->build_id) && same_str(a->file, b->file) &&
	       a->line == b->line && a->flags == b->flags && a->context == b->context;
}

/* cs_frame_parse_ex() and cs_frame_parse_general() on [l, l+len), copied
 * to a buffer of exactly len bytes (AddressSanitizer sees a read past
 * it), with a scratch area of buflen bytes: the same answer and fields. */
static void check_same(const char *l, size_t len, size_t buflen)
{
	char *line = malloc(len ? len : 1);
	char *b1 = malloc(buflen ? buflen : 1), *b2 = malloc(buflen ? buflen : 1);
	assert_non_null(line);
	assert_non_null(b1);
	assert_non_null(b2);
	memcpy(line, l, len);
	crashsig_frame f1, c1, f2, c2;
	int r1 = cs_frame_parse_ex(line, len, &f1, &c1, b1, buflen);
	int r2 = cs_frame_parse_general(line, len, &f2, &c2, b2, buflen);
	if (r1 != r2 || !same_frame(&f1, &f2) || !same_frame(&c1, &c2))
		fail_msg("parsers differ (%d, %d) on \"%.*s\" (scratch %zu)", r1, r2,
			 (int)len, l, buflen);
	free(line);
	free(b1);
	free(b2);
}

/* Every prefix of l (a line cut anywhere), with a large and a small
 * scratch area. */
static void check_prefixes(const char *l)
{
	size_t n = strlen(l);
	for (size_t k = 0; k <= n; k++) {
		check_same(l, k, 256 + k);
		check_same(l, k, k / 2 + 3);
	}
}

/* Pieces of stack lines, of the shapes the one-pass parser reads and of
 * their near misses. */
static const char *const g_indent[] = {"", " ", "  ", "\t", " \t "};
static const char *const g_pre[] = {"", "", "? ", "?", "?  ", "([", "("};
static const char *const g_addr[] = {
	"", "", "[<ffffffff8132e81d>] ", "[<ffffffff8132e81d>]", "[<ffff>]\t",
	"[<fff>] ", "[<0x1234>] ", "[ffff] ", "[<ffff] ", "[<ffff>] [<eeee>] ",
	"[<11112222333344445555>] ", "[<8010e300>] (", "[c000000001bb3530] [c0000000000207a4] "};
static const char *const g_pre2[] = {"", "", "? ", "?"};
static const char *const g_name[] = {
	"__schedule", "f", "do_tcp_getsockopt.isra.50", "skb_put.cold", "foo-bar", "a::b",
	"<A as B>::f", "a$b", "_Z3foov", "null", "RIP", "IP", "pc", "lr", "LR", "Call",
	"9abc", "<IRQ>", "</IRQ>", "a:b", "x-0x1", "<a"};
static const char *const g_off[] = {
	"", "+0x86c/0x1ed0", "+0x1/0x2", "-0x5/0x1f", "+0x", "+0x1", "+0x1/", "+0x1/0x",
	"+12/34", "-5/0x1f", "+0X1F/0XAB", "+0x1/0x2/0x3", "+0x12345678/0x9abcdef0",
	"+0x123456789abcdef0123/0x1", "+0x1/0xg"};
static const char *const g_mod[] = {
	"", "", " [crashgen]", " [mod 0123456789abcdef0123]", " [mod 0123]", " [mod",
	" []", " [mod]x", "  [mod]", "\t[mod]", " [inline]", " [inline", " [a-b.c$]"};
static const char *const g_src[] = {
	"", "", " mm/kasan/report.c:588", " net/socket.c:-1", " a.c:1:5", " a.c:1:",
	" a:1", " file.c:", " file.c:x", " a.c:123456789012", " a.c:1 a.c:1", "  a.c:1",
	"\ta.c:1", " a.c:-1x", " a.c:1\t", " a.c:1 [inline] b.c:2", " \ta.c:1", " a/b:1"};
static const char *const g_inl[] = {"", "", " [inline]", "  [inline]", "\t[inline]",
				    " [inline", " [inline]x"};
static const char *const g_tail[] = {
	"", "", "", " ", "\t", " (unreliable)", ")", ": x",
	") from [<8018de80>] (rcu_check_callbacks+0x7a0/0x7a8)", " garbage"};
static const char *const g_ip[] = {
	"RIP: 0010:", "RIP: 0033:0x459829", "EIP: 0060:[<c1234567>] ", "IP: ", "pc : ",
	"PC is at ", "NIP [c0000000000b4a00] ", "lr : ", "LR is at ", "LR [", "ra : ",
	"--- interrupt: 700 at ", "pc : [<00000000>]    lr : [<808eaab4>] ", "RAX: ",
	"Call Trace: ", "CPU: 0 PID: 1 ", "#0: "};

/* Lines of the one-pass parser's shapes, to be mutated. */
static const char *const g_fast[] = {
	"  __schedule+0x86c/0x1ed0",
	" ? f+0x1/0x2",
	" [<ffffffff8132e81d>] ? xsk_poll+0x81/0x4d0",
	"? [<ffff8880>]\tg+0x0/0x10",
	" f+0x1/0x2 [mod]",
	" f+0x1/0x2 mm/kasan/report.c:588",
	" f+0x1/0x2 a.c:12345678 [inline]",
	"RAX: 0000000000000000 RBX: 0000000000000000",
	"Call Trace:",
	" <IRQ>",
};
/* Bytes that matter to the frame grammar. */
static const char g_bytes[] = " \t:[]<>()+-/x0aF?.$_,&*;19";

#define PICK(a) ((a)[rnd(&seed) % (sizeof(a) / sizeof((a)[0]))])

static uint32_t rnd(uint64_t *s)
{
	/* xorshift64*: a fixed sequence, the same lines on every run */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dULL) >> 32);
}

/* The one-pass parser gives what the general one gives, on generated
 * lines and every prefix of them. */
static void test_fast_equals_general(void **state)
{
	(void)state;
	static const char *const pinned[] = {
		"  __schedule+0x86c/0x1ed0",
		" ? crashgen_stackprot+0x70/0x70 [crashgen]",
		" [<ffffffff8132e81d>] ? xsk_poll+0x81/0x4d0",
		" kasan_report+0x12f/0x170 mm/kasan/report.c:588",
		" __dump_stack lib/dump_stack.c:77 [inline]",
		" f+0x1/0x2 [mod 0123456789abcdef0123]",
		"RIP: 0010:do_tcp_getsockopt.isra.50+0x1f57/0x2c40 net/ipv4/tcp.c:3677",
		"RIP: 0033:0x4010",
		"[<8010e300>] (show_stack) from [<8018de80>] (rcu_check_callbacks+0x7a0/0x7a8)",
		"[c000000000e0fd20] [c0000000000207a4] show_stack+0x94/0x1e0 (unreliable)",
		" ([<0000000000123456>] dump_stack+0x1/0x2)",
		" <A as B>::f+0x10/0x20",
		" name.cold-0x5/0x1f",
		" f+0x1/0x2 a.c:-1",
		" f+0x1/0x2 \ta.c:1",
		" f+0x1/0x2 a.c:1:5",
		" f+0x1/0x2 a.c:123456789012 [inline]",
		" f+0x1/0x2 [inline]",
		" f+0x1/0x2 [mod]\t",
		" [<ffffffff8132e81d>]  [<ffffffff8132e81d>] f+0x1/0x2",
		" skb_put+0x24/0x24 net/core/skbuff.c:1986 net/core/skbuff.c:1986",
		"RAX: 0000000000000000 RBX: ffff88807a7bf8b0 RCX: ffffffff81a2b3c4",
		"CPU: 1 PID: 18769 Comm: syz-executor2 Not tainted 4.3.5+ #10",
		"Call Trace:",
		" <IRQ>",
	};
	for (size_t k = 0; k < sizeof(pinned) / sizeof(pinned[0]); k++)
		check_prefixes(pinned[k]);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	char l[512];
	/* near misses of the one-pass shapes: one to three bytes replaced,
	 * inserted or deleted */
	for (int n = 0; n < 3000; n++) {
		size_t len = (size_t)snprintf(l, sizeof(l), "%s", PICK(g_fast));
		for (uint32_t m = rnd(&seed) % 3 + 1; m > 0 && len; m--) {
			size_t at = rnd(&seed) % len;
			char ch = g_bytes[rnd(&seed) % (sizeof(g_bytes) - 1)];
			switch (rnd(&seed) % 3) {
			case 0:
				l[at] = ch;
				break;
			case 1:
				memmove(l + at + 1, l + at, len - at + 1);
				l[at] = ch;
				len++;
				break;
			default:
				memmove(l + at, l + at + 1, len - at);
				len--;
			}
		}
		check_same(l, len, 256 + len);
		if (n % 16 == 0)
			check_prefixes(l);
	}
	for (int n = 0; n < 6000; n++) {
		if (rnd(&seed) % 4)
			snprintf(l, sizeof(l), "%s%s%s%s%s%s%s%s%s%s", PICK(g_indent), PICK(g_pre),
				 PICK(g_addr), PICK(g_pre2), PICK(g_name), PICK(g_off), PICK(g_mod),
				 PICK(g_src), PICK(g_inl), PICK(g_tail));
		else
			snprintf(l, sizeof(l), "%s%s%s%s%s%s%s", PICK(g_indent), PICK(g_ip),
				 PICK(g_name), PICK(g_off), PICK(g_mod), PICK(g_src), PICK(g_tail));
		if (n % 8 == 0) {
			check_prefixes(l);
		} else {
			size_t len = strlen(l);
			check_same(l, len, 256 + len);
			check_same(l, len, rnd(&seed) % (len + 8));
		}
	}
}

static void test_suffix(void **state)
{
	(void)state;
	assert_int_equal(cs_func_base_len("f.isra.3", 8), 1);
	assert_int_equal(cs_func_base_len("crashgen_run.cold", 17), 12);
	assert_int_equal(cs_func_base_len("plain", 5), 5);
	/* the first '.' after the first byte, within len */
	assert_int_equal(cs_func_base_len("", 0), 0);
	assert_int_equal(cs_func_base_len(".", 1), 1);
	assert_int_equal(cs_func_base_len(".cold", 5), 5);
	assert_int_equal(cs_func_base_len("a.", 2), 1);
	assert_int_equal(cs_func_base_len("a..b", 4), 1);
	assert_int_equal(cs_func_base_len("ab.c", 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86),        cmocka_unit_test(test_symbolized),
		cmocka_unit_test(test_ip_lines),   cmocka_unit_test(test_other_arches),
		cmocka_unit_test(test_not_frames), cmocka_unit_test(test_suffix),
		cmocka_unit_test(test_common_shapes), cmocka_unit_test(test_early_rejects),
		cmocka_unit_test(test_fast_equals_general),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
