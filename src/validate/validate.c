/* Title validation: which function a syzbot title names, and what this
 * kernel build has under that name (symbol, suffixed pieces, module,
 * several statics, inline-only, partly inlined, absent), its declaration
 * and whether the build can produce the title. */
#include "validate/result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

static int ident_start(int c) { return cs_isalpha(c) || c == '_'; }
int vx_ident_char(int c) { return cs_isalnum(c) || c == '_'; }

/* Words syzkaller puts where a function would be when it has none. */
static int pseudo_function(const char *s, size_t n)
{
	static const char *const words[] = {"corrupted", "NUM", "ADDR", "PTR", "DEV", NULL};
	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && !memcmp(words[i], s, n))
			return 1;
	return 0;
}

/* Find " in FUNC" in title: the last " in " followed by an identifier
 * that ends the title or is followed by a space / '(' / '+'. Sets
 * *kind_len (the text before " in ") and the function span. */
int vx_title_split(const char *t, size_t *kind_len, const char **fn, size_t *fnlen)
{
	size_t n = strlen(t);
	int found = 0;
	for (size_t i = 0; i + 4 <= n; i++) {
		if (memcmp(t + i, " in ", 4))
			continue;
		size_t s = i + 4, e = s;
		if (s >= n || !ident_start((unsigned char)t[s]))
			continue;
		while (e < n && vx_ident_char((unsigned char)t[e]))
			e++;
		/* compiler suffixes are dropped from titles, but accept them */
		size_t e2 = e;
		while (e2 < n && t[e2] == '.' && e2 + 1 < n && vx_ident_char((unsigned char)t[e2 + 1])) {
			e2++;
			while (e2 < n && vx_ident_char((unsigned char)t[e2]))
				e2++;
		}
		if (e2 < n && t[e2] != ' ' && t[e2] != '(')
			continue;
		*kind_len = i;
		*fn = t + s;
		*fnlen = e - s;
		found = 1;
	}
	if (found && pseudo_function(*fn, *fnlen))
		return 0;
	return found;
}

CS_EXPORT int crashsig_title_function(const char *title, char *func, size_t funclen)
{
	if (func && funclen)
		func[0] = 0;
	if (!title)
		return 0;
	size_t kl, fl;
	const char *fn;
	if (!vx_title_split(title, &kl, &fn, &fl))
		return 0;
	if (func && funclen) {
		size_t k = fl < funclen - 1 ? fl : funclen - 1;
		memcpy(func, fn, k);
		func[k] = 0;
	}
	return 1;
}


static void set_decl_die(vres *r, Dwarf_Die *die)
{
	const char *f = dwarf_decl_file(die);
	int line = 0;
	dwarf_decl_line(die, &line);
	if (f) {
		vx_norm_path(r, f, &r->v.decl_file);
		r->v.decl_line = line > 0 ? (unsigned)line : 0;
	}
}

static void set_decl_vmlinux(crashsig_index *ix, vres *r, const char *name, int want_code)
{
	if (!ix->dw)
		return;
	uint32_t best = VX_NONE;
	for (uint32_t i = vx_fn_first(ix, name, strlen(name)); i != VX_NONE; i = ix->fns[i].next) {
		const vx_fn *f = &ix->fns[i];
		if (strcmp(f->name, name) || (f->flags & VX_FN_DECL))
			continue;
		int code = (f->flags & (VX_FN_CODE | VX_FN_OOL)) != 0;
		if (best == VX_NONE || (want_code && code && !(ix->fns[best].flags & (VX_FN_CODE | VX_FN_OOL))) ||
		    (!want_code && f->inl && !ix->fns[best].inl))
			best = i;
	}
	if (best == VX_NONE)
		return;
	Dwarf_Die die;
	if (dwarf_offdie(ix->dw, ix->fns[best].off, &die))
		set_decl_die(r, &die);
}

/* Source file (unit name) of the vmlinux code at addr. */
static const char *unit_of(crashsig_index *ix, uint64_t addr)
{
	Dwarf_Die cu;
	if (!ix->dw || !dwarf_addrdie(ix->dw, addr, &cu))
		return NULL;
	return dwarf_diename(&cu);
}

typedef struct find_fn {
	const char *name;
	Dwarf_Die die;
	int found;
} find_fn;

static int find_fn_cb(Dwarf_Die *d, void *arg)
{
	find_fn *ff = arg;
	const char *n = dwarf_diename(d);
	if (n && !strcmp(n, ff->name)) {
		ff->die = *d;
		ff->found = 1;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

/* Declaration of a module function: find its address through the module's
 * symbol table as libdwfl laid it out, then the subprogram in that unit. */
static void set_decl_module(crashsig_index *ix, vres *r, vx_mod *m, const char *sym)
{
	Dwarf_Addr bias;
	if (!vx_mod_dwarf(ix, m, &bias) || !m->dm)
		return;
	Dwfl_Module *dm = m->dm;
	int nsym = dwfl_module_getsymtab(dm);
	for (int i = 1; i < nsym; i++) {
		GElf_Sym gs;
		GElf_Addr addr;
		const char *n = dwfl_module_getsym_info(dm, i, &gs, &addr, NULL, NULL, NULL);
		if (!n || strcmp(n, sym) || GELF_ST_TYPE(gs.st_info) != STT_FUNC)
			continue;
		Dwarf_Addr b2;
		Dwarf_Die *cu = dwfl_module_addrdie(dm, addr, &b2);
		if (!cu)
			return;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)vx_base_len(sym), sym);
		find_fn ff = {.name = name};
		dwarf_getfuncs(cu, find_fn_cb, &ff, 0);
		if (ff.found)
			set_decl_die(r, &ff.die);
		return;
	}
}


static const char *const sys_prefixes[][2] = {
	/* title prefix, binary prefix to try (in order) */
	{"sys_", "__x64_sys_"}, {"sys_", "__do_sys_"}, {"sys_", "__se_sys_"},
	{"sys_", "__ia32_sys_"},
	{"SyS_", "__x64_sys_"}, {"SyS_", "__se_sys_"}, {"SyS_", "__do_sys_"},
	{"SYSC_", "__do_sys_"}, {"SYSC_", "__se_sys_"}, {"SYSC_", "__x64_sys_"},
	{"compat_sys_", "__ia32_compat_sys_"}, {"compat_sys_", "__do_compat_sys_"},
	{"compat_sys_", "__se_compat_sys_"}, {"compat_SyS_", "__se_compat_sys_"},
	{"C_SYSC_", "__do_compat_sys_"},
};

/* Collect the symbols with base name == name: exact ones and pieces. */
static void collect(crashsig_index *ix, const char *name, int vmlinux_only,
		    uint32_t *exact, size_t *nexact, uint32_t *pieces, size_t *npieces,
		    size_t max)
{
	*nexact = *npieces = 0;
	size_t n = strlen(name);
	for (uint32_t i = vx_sym_first(ix, name, n); i != VX_NONE; i = ix->syms[i].next) {
		const vx_sym *s = &ix->syms[i];
		if (s->blen != n || memcmp(s->name, name, n))
			continue;
		if (vmlinux_only && s->mod)
			continue;
		if (!vmlinux_only && !s->mod)
			continue;
		if (!s->name[n]) {
			int dup = 0;
			for (size_t k = 0; k < *nexact; k++)
				if (ix->syms[exact[k]].addr == s->addr &&
				    ix->syms[exact[k]].mod == s->mod)
					dup = 1;
			if (!dup && *nexact < max)
				exact[(*nexact)++] = i;
		} else if (*npieces < max) {
			pieces[(*npieces)++] = i;
		}
	}
}

/* Does DWARF describe inlined copies of name (DW_AT_inline inlined or
 * declared_inlined)? */
static int dwarf_inlined(const crashsig_index *ix, const char *name)
{
	for (uint32_t i = vx_fn_first(ix, name, strlen(name)); i != VX_NONE; i = ix->fns[i].next)
		if (!strcmp(ix->fns[i].name, name) &&
		    (ix->fns[i].inl == DW_INL_inlined || ix->fns[i].inl == DW_INL_declared_inlined))
			return 1;
	return 0;
}


static int classify_name(crashsig_index *ix, vres *r, const char *name, const char *file_hint)
{
	crashsig_validation *v = &r->v;
	enum { MAXS = 64 };
	uint32_t exact[MAXS], pieces[MAXS];
	size_t ne, np;
	slist syms = {0}, items = {0};
	int sites_ok = vx_wants_sites(v->kind);
	vx_range rg[MAXS * 2];
	size_t nrg = 0;

	collect(ix, name, 1, exact, &ne, pieces, &np, MAXS);
	const char *wrapper = NULL;
	char wbuf[512];
	if (!ne && !np) {
		for (size_t k = 0; k < sizeof(sys_prefixes) / sizeof(sys_prefixes[0]); k++) {
			size_t pl = strlen(sys_prefixes[k][0]);
			if (strncmp(name, sys_prefixes[k][0], pl) || !name[pl])
				continue;
			snprintf(wbuf, sizeof(wbuf), "%s%s", sys_prefixes[k][1], name + pl);
			collect(ix, wbuf, 1, exact, &ne, pieces, &np, MAXS);
			if (ne || np) {
				wrapper = wbuf;
				break;
			}
		}
	}
	if (ne || np) {
		for (size_t k = 0; k < ne; k++) {
			const vx_sym *s = &ix->syms[exact[k]];
			vx_slist_add(r, &syms, s->name, 0);
			rg[nrg].lo = s->addr;
			rg[nrg++].hi = s->addr + (s->size ? s->size : 1);
		}
		for (size_t k = 0; k < np; k++) {
			const vx_sym *s = &ix->syms[pieces[k]];
			vx_slist_add(r, &syms, s->name, 1);
			rg[nrg].lo = s->addr;
			rg[nrg++].hi = s->addr + (s->size ? s->size : 1);
		}
		v->symbols = vx_slist_take(r, &syms, &v->nsymbols);
		const char *base = wrapper ? wrapper : name;
		if (wrapper)
			v->syscall_wrapper = vx_rstr(r, wrapper);
		if (ne >= 2) {
			v->status = CRASHSIG_NAME_MULTIPLE_STATIC;
			for (size_t k = 0; k < ne; k++)
				vx_slist_add(r, &items, unit_of(ix, ix->syms[exact[k]].addr), 1);
			v->items = vx_slist_take(r, &items, &v->nitems);
			v->verdict = vx_rfmt(r, "%zu static functions are named %s in this build; "
					  "a report names one of them", ne, base);
		} else if (!ne) {
			v->status = CRASHSIG_NAME_SUFFIXED;
			v->verdict = vx_rfmt(r, "%s exists only as compiler-made pieces (%s%s); "
					  "titles drop the suffix, so the title holds",
					  base, ix->syms[pieces[0]].name, np > 1 ? ", ..." : "");
		} else if (!wrapper && dwarf_inlined(ix, name)) {
			v->status = CRASHSIG_NAME_PARTLY_INLINED;
			/* Holders are not listed here: finding them walks every
			 * unit that inlines the function, and the title holds
			 * anyway. */
			v->verdict = vx_rfmt(r, "%s has an out-of-line copy and DWARF shows "
					  "inlined copies too; a crash in an inlined copy "
					  "names %s only in a symbolized report", name, name);
		} else {
			v->status = CRASHSIG_NAME_SYMBOL;
			v->verdict = wrapper
				? vx_rfmt(r, "%s is reached through the syscall wrapper %s", name, wrapper)
				: vx_rfmt(r, "%s is a function of this build", name);
		}
		v->producible = 1;
		set_decl_vmlinux(ix, r, wrapper ? wrapper : name, 1);
		if (!v->decl_file && wrapper) {
			/* SYSCALL_DEFINE: the DWARF name of __do_sys_X is the
			 * same; fall back to any wrapper. */
			char b2[512];
			snprintf(b2, sizeof(b2), "__do_sys_%s", strchr(name, '_') + 1);
			set_decl_vmlinux(ix, r, b2, 1);
		}
		if (sites_ok)
			vx_sites_in(ix, r, rg, nrg);
		return r->oom ? CRASHSIG_ENOMEM : 0;
	}

	/* Modules. */
	collect(ix, name, 0, exact, &ne, pieces, &np, MAXS);
	if (ne || np) {
		v->status = CRASHSIG_NAME_MODULE;
		const vx_sym *first = &ix->syms[ne ? exact[0] : pieces[0]];
		vx_mod *m = &ix->mods[first->mod - 1];
		v->module = vx_rstr(r, m->name);
		for (size_t k = 0; k < ne + np; k++) {
			const vx_sym *s = &ix->syms[k < ne ? exact[k] : pieces[k - ne]];
			char b[512];
			snprintf(b, sizeof(b), "%s:%s", ix->mods[s->mod - 1].name, s->name);
			vx_slist_add(r, &syms, b, 1);
		}
		v->symbols = vx_slist_take(r, &syms, &v->nsymbols);
		v->producible = 1;
		if (!ne) {
			/* only compiler-made pieces, in a module */
			v->status = CRASHSIG_NAME_SUFFIXED;
			v->verdict = vx_rfmt(r, "%s exists only as compiler-made pieces in module "
					     "%s (%s%s); titles drop the suffix, so the title holds",
					     name, m->name, first->name, np > 1 ? ", ..." : "");
		} else {
			v->verdict = vx_rfmt(r, "%s is a function of module %s", name, m->name);
		}
		set_decl_module(ix, r, m, first->name);
		if (sites_ok)
			vx_module_sites(ix, r, m, name);
		return r->oom ? CRASHSIG_ENOMEM : 0;
	}

	/* No symbol: inlined copies only? */
	holders_acc h;
	if (vx_collect_holders(ix, r, name, &h)) {
		free(h.ranges);
		free(h.names.v);
		return CRASHSIG_ENOMEM;
	}
	vx_mod *hm = NULL;
	if (!h.total) {
		/* Inlined copies in a module: only modules whose DWARF strings
		 * hold the name are walked. */
		uint32_t cmods[2];
		size_t nc = vx_modules_with_string(ix, name, cmods, 2);
		for (size_t k = 0; k < nc && !h.total; k++) {
			free(h.ranges);
			h.ranges = NULL;
			h.nranges = h.capranges = 0;
			vx_mod_holders(ix, &ix->mods[cmods[k]], name, vx_holders_add, &h);
			if (h.total)
				hm = &ix->mods[cmods[k]];
		}
		free(h.all.v);
		memset(&h.all, 0, sizeof(h.all));
		if (h.oom || h.names.oom) {
			free(h.ranges);
			free(h.names.v);
			return CRASHSIG_ENOMEM;
		}
	}
	if (h.total && hm) {
		v->status = CRASHSIG_NAME_INLINE_ONLY;
		v->module = vx_rstr(r, hm->name);
		v->items = vx_slist_take(r, &h.names, &v->nitems);
		v->holders_total = h.total;
		free(h.ranges);
		v->producible = !sites_ok;
		v->verdict = vx_rfmt(r, "inline-only here (module %s): %s names the function "
				  "holding the copy (%s%s)%s", hm->name,
				  sites_ok ? "the WARNING/BUG line" : "a raw report",
				  v->nitems ? v->items[0] : "?", h.total > 1 ? ", ..." : "",
				  sites_ok ? ", so this build cannot produce this title"
					   : "; only a symbolized report names the function");
		return r->oom ? CRASHSIG_ENOMEM : 0;
	}
	if (h.total) {
		v->status = CRASHSIG_NAME_INLINE_ONLY;
		v->items = vx_slist_take(r, &h.names, &v->nitems);
		v->holders_total = h.total;
		set_decl_vmlinux(ix, r, name, 0);
		const char *first = v->nitems ? v->items[0] : "?";
		if (sites_ok) {
			v->producible = 0;
			v->verdict = vx_rfmt(r, "inline-only here: the %s line names the function "
					  "holding the copy (%s%s), so this build cannot produce "
					  "this title", strncmp(v->kind, "WARNING", 7) ? "BUG" : "WARNING",
					  first, h.total > 1 ? ", ..." : "");
			vx_sites_in(ix, r, h.ranges, h.nranges);
		} else {
			v->producible = 1;
			v->verdict = vx_rfmt(r, "inline-only here: a raw report would be titled by "
					  "its caller %s%s; only a symbolized report names %s",
					  first, h.total > 1 ? " (or another holder)" : "", name);
		}
		free(h.ranges);
		return r->oom ? CRASHSIG_ENOMEM : 0;
	}
	free(h.ranges);
	free(h.names.v);
	v->status = CRASHSIG_NAME_ABSENT;
	v->producible = 0;
	set_decl_vmlinux(ix, r, name, 0);
	v->verdict = v->decl_file
		? vx_rfmt(r, "%s is declared here but has no code in this build", name)
		: vx_rfmt(r, "%s is not in this build", name);
	vx_suggest(ix, r, name, file_hint);
	return r->oom ? CRASHSIG_ENOMEM : 0;
}

/* "KCSAN: data-race in A / B": after A (at rest, compiler suffixes
 * allowed) comes " / B"; B is validated as "KIND in B" and its status and
 * verdict are copied into r. Returns 0 or an error code. */
static int second_function(crashsig_index *ix, vres *r, const char *title, size_t kind_len,
			   const char *rest)
{
	crashsig_validation *v = &r->v;
	v->status2 = CRASHSIG_NAME_NO_FUNCTION;
	while (*rest == '.' || vx_ident_char((unsigned char)*rest))
		rest++;
	if (strncmp(rest, " / ", 3) || !ident_start((unsigned char)rest[3]))
		return 0;
	const char *b = rest + 3, *e = b;
	while (vx_ident_char((unsigned char)*e) || (*e == '.' && vx_ident_char((unsigned char)e[1])))
		e++;
	if (*e && *e != ' ')
		return 0;
	const char *t2 = vx_rfmt(r, "%.*s in %.*s", (int)kind_len, title, (int)(e - b), b);
	if (!t2)
		return CRASHSIG_ENOMEM;
	vres *r2 = NULL;
	int rc = vx_validate_title(ix, t2, NULL, &r2);
	if (rc)
		return rc;
	v->function2 = r2->v.function ? vx_rstr(r, r2->v.function) : NULL;
	v->status2 = r2->v.status;
	v->verdict2 = vx_rstr(r, r2->v.verdict);
	if (!r2->v.producible) {
		v->producible = 0;
		v->verdict = vx_rfmt(r, "%s; and the second function: %s", v->verdict, v->verdict2);
	}
	crashsig_validation_free(&r2->v);
	return 0;
}

int vx_validate_title(crashsig_index *ix, const char *title, const char *file_hint,
			  vres **out)
{
	*out = NULL;
	if (!ix || !title)
		return CRASHSIG_EINVAL;
	vres *r = calloc(1, sizeof(*r));
	if (!r)
		return cs_ctx_error(ix->ctx, CRASHSIG_ENOMEM, "out of memory");
	crashsig_validation *v = &r->v;
	v->title = vx_rstr(r, title);
	size_t kl, fl;
	const char *fn;
	int rc = 0;
	if (!vx_title_split(title, &kl, &fn, &fl)) {
		v->kind = vx_rstr(r, title);
		v->status = CRASHSIG_NAME_NO_FUNCTION;
		v->producible = 1;
		v->verdict = vx_rstr(r, "the title names no function");
	} else {
		v->kind = vx_rstrn(r, title, kl);
		v->function = vx_rstrn(r, fn, fl);
		if (v->function && v->kind)
			rc = classify_name(ix, r, v->function, file_hint);
		if (!rc)
			rc = second_function(ix, r, title, kl, fn + fl);
	}
	if (!rc && r->oom)
		rc = CRASHSIG_ENOMEM;
	if (rc) {
		crashsig_validation_free(v);
		return cs_ctx_error(ix->ctx, rc, "out of memory");
	}
	*out = r;
	return 0;
}

CS_EXPORT int crashsig_validate_title(crashsig_index *ix, const char *title,
				      crashsig_validation **out)
{
	if (!out)
		return CRASHSIG_EINVAL;
	vres *r;
	int rc = vx_validate_title(ix, title, NULL, &r);
	*out = r ? &r->v : NULL;
	return rc;
}

