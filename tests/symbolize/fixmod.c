/* Stands in for a kernel module: compiled with -c, an ET_REL object whose
 * symbols are relative to .text and .text.unlikely (fixmod_run.cold). */
extern void fixmod_panic(const char *msg) __attribute__((cold, noreturn));
extern int fixmod_ext(int);

struct fixmod_obj {
	int pad;
	int len;
};

static inline __attribute__((always_inline)) int fixmod_obj_len(struct fixmod_obj *o)
{
	return o->len; /* FIXMOD_INNER */
}

__attribute__((noinline)) int fixmod_nullderef(struct fixmod_obj *o)
{
	return fixmod_obj_len(o) + 1; /* FIXMOD_OUTER */
}

/* A cold function: placed in .text.unlikely. */
__attribute__((noinline, cold)) int fixmod_slowpath(int v)
{
	int r = fixmod_ext(v + 1); /* FIXMOD_SLOW */
	return fixmod_ext(r * 5);
}

__attribute__((noinline)) int fixmod_run(int v)
{
	if (__builtin_expect(v < 0, 0)) {
		int a = fixmod_ext(v * 3);
		int b = fixmod_ext(a + v);
		fixmod_ext(a * b - 1);
		fixmod_panic("negative"); /* FIXMOD_COLD */
	}
	return fixmod_ext(v) + fixmod_nullderef(0) + fixmod_slowpath(v);
}
