/* Frame model: every stack line shape parses into the right fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

static void test_suffix(void **state)
{
	(void)state;
	assert_int_equal(cs_func_base_len("f.isra.3", 8), 1);
	assert_int_equal(cs_func_base_len("crashgen_run.cold", 17), 12);
	assert_int_equal(cs_func_base_len("plain", 5), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86),        cmocka_unit_test(test_symbolized),
		cmocka_unit_test(test_ip_lines),   cmocka_unit_test(test_other_arches),
		cmocka_unit_test(test_not_frames), cmocka_unit_test(test_suffix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
