/* A program built against an installed libcrashsig (pkg-config and CMake
 * find_package): names the crash in a log and prints the kernel release. */
#include <stdio.h>
#include <string.h>

#include <crashsig/crashsig.h>

int main(void)
{
	static const char log[] =
		"[    2.701028] general protection fault, probably for non-canonical address 0xdead4ead00000000: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[    2.701323] CPU: 1 PID: 94 Comm: sh Not tainted 6.1.0-56-cloud-amd64 #1\n"
		"[    2.701790] RIP: 0010:xsk_poll+0xc/0x20\n"
		"[    2.702872] Call Trace:\n"
		"[    2.702872]  <TASK>\n"
		"[    2.702872]  sock_poll+0x56/0xa0\n"
		"[    2.702872]  do_sys_poll+0xc7/0x3f0\n"
		"[    2.702872]  </TASK>\n";
	crashsig_ctx *ctx;
	char err[256];
	if (crashsig_ctx_new(&ctx, NULL, err, sizeof(err))) {
		fprintf(stderr, "consumer: %s\n", err);
		return 2;
	}
	crashsig_report **r;
	size_t n;
	if (crashsig_parse_buffer(ctx, log, strlen(log), &r, &n) || n != 1) {
		fprintf(stderr, "consumer: %s\n", crashsig_error_last(ctx));
		crashsig_ctx_free(ctx);
		return 2;
	}
	crashsig_kernel_info ki = CRASHSIG_KERNEL_INFO_INIT;
	crashsig_report_kernel_info(r[0], &ki);
	printf("%s | %s | %s\n", crashsig_version(), crashsig_report_title(r[0]), ki.release);
	crashsig_reports_free(r, n);
	crashsig_ctx_free(ctx);
	return 0;
}
