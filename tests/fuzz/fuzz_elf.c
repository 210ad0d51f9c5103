/* libFuzzer target: any file as vmlinux, and as a module (NAME.ko, .ko.gz,
 * .ko.xz or .ko.zst: the first byte chooses). The file is written to a
 * private temporary directory; a fixed report naming the module is then
 * symbolized. Opening must fail cleanly or work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"

static char dir[256];
static crashsig_ctx *ctx;

static const char report[] =
	"[   12.345680] RIP: 0010:fixmod_entry+0x10/0x40 [fuzzmod]\n"
	"[   12.345681] Call Trace:\n"
	"[   12.345683]  fixmod_slowpath+0x6/0x20 [fuzzmod]\n"
	"[   12.345684]  main+0x12/0x80\n"
	"[   12.345685]  fix_dup+0x2/0x10\n"
	"[   12.345686]  [<ffffffff81000000>] 0xffffffff81000000\n";

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
}

static void symbolize(const char *vmlinux, const char *modules)
{
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	so.vmlinux = vmlinux;
	so.modules_dir = modules;
	crashsig_symbolizer *s = NULL;
	if (crashsig_symbolizer_new(&s, ctx, &so)) {
		if (s)
			abort();
		return;
	}
	char *out = NULL;
	size_t outlen;
	if (!crashsig_symbolizer_report(s, report, sizeof(report) - 1, &out, &outlen) &&
	    (!out || out[outlen]))
		abort();
	free(out);
	crashsig_symbolizer_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		crashsig_options o = CRASHSIG_OPTIONS_INIT;
		o.flags = CRASHSIG_CTX_NO_RULES;
		if (crashsig_ctx_new(&ctx, &o, NULL, 0))
			abort();
		snprintf(dir, sizeof(dir), "%s/crashsig-fuzz-elf.XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(dir))
			abort();
	}
	char vm[300], mod[300], moddir[300];
	snprintf(vm, sizeof(vm), "%s/vmlinux", dir);
	snprintf(moddir, sizeof(moddir), "%s/mods", dir);
	/* as vmlinux */
	write_file(vm, data, size);
	symbolize(vm, NULL);
	unlink(vm);
	/* as a module, next to the test vmlinux */
	static const char *ext[] = {".ko", ".ko.gz", ".ko.xz", ".ko.zst"};
	const char *e = ext[size ? data[0] % 4 : 0];
	mkdir(moddir, 0700);
	snprintf(mod, sizeof(mod), "%s/fuzzmod%s", moddir, e);
	write_file(mod, data, size);
	symbolize(SYMFIX_DIR "/fix_prog", moddir);
	unlink(mod);
	return 0;
}
