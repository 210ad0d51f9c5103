/* A short x86-64 oops for the input tests, titled TITLE. */
#ifndef CRASHSIG_TEST_INPUT_OOPS_H
#define CRASHSIG_TEST_INPUT_OOPS_H

#define OOPS                                                                           \
	"general protection fault, probably for non-canonical address 0xdffffc0000000000: " \
	"0000 [#1] PREEMPT SMP KASAN\n"                                                \
	"CPU: 0 PID: 1 Comm: syz-executor Not tainted 6.1.0 #1\n"                      \
	"RIP: 0010:crashgen_gpf+0x1c/0x40\n"                                           \
	"Call Trace:\n"                                                                \
	" <TASK>\n"                                                                    \
	" proc_reg_write+0x1/0x2\n"                                                    \
	" vfs_write+0x1/0x2\n"                                                         \
	" ksys_write+0x1/0x2\n"                                                        \
	" do_syscall_64+0x1/0x2\n"                                                     \
	" </TASK>\n"
#define TITLE "general protection fault in crashgen_gpf"

#endif
