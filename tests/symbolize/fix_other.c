/* Second translation unit: another static fix_dup, with a larger body. */
static volatile int fix_other_sink;

static __attribute__((noinline)) int fix_dup(int v)
{
	int r = v; /* FIX_DUP_OTHER */
	for (int i = 0; i < v; i++)
		r = r * 31 + fix_other_sink + i;
	fix_other_sink = r;
	return r ^ 0x5a5a;
}

int fix_other_entry(int x);
int fix_other_entry(int x)
{
	return fix_dup(x) + 1;
}
