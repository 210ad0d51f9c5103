/* Loading libmicrohttpd at run time: see mhd.h. The pattern is the one of
 * libpq (src/dedup/db.c) and libdebuginfod (src/symbolize/locate.c). */
#include "mhd.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* Each pointer of the table has the type of the header's prototype (the
 * operand of _Generic is not evaluated: nothing refers to the symbols at
 * link time). */
#define SV_SAME_TYPE(field, fn)                                                        \
	_Static_assert(_Generic(&fn, __typeof__(((sv_mhd *)0)->field): 1, default: 0), \
		       #fn " does not have the type of sv_mhd." #field)
SV_SAME_TYPE(start_daemon, MHD_start_daemon);
SV_SAME_TYPE(stop_daemon, MHD_stop_daemon);
SV_SAME_TYPE(get_daemon_info, MHD_get_daemon_info);
SV_SAME_TYPE(get_connection_info, MHD_get_connection_info);
SV_SAME_TYPE(lookup_connection_value, MHD_lookup_connection_value);
SV_SAME_TYPE(get_connection_values, MHD_get_connection_values);
SV_SAME_TYPE(create_response_from_buffer, MHD_create_response_from_buffer);
SV_SAME_TYPE(add_response_header, MHD_add_response_header);
SV_SAME_TYPE(queue_response, MHD_queue_response);
SV_SAME_TYPE(destroy_response, MHD_destroy_response);
SV_SAME_TYPE(get_version, MHD_get_version);

int sv_mhd_load(sv_mhd *m, const char *soname, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	dlerror();
	/* RTLD_NODELETE: the library's threads and exit handlers may outlive
	 * the last reference to it. */
	m->handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!m->handle) {
		const char *why = dlerror();
		snprintf(err, errlen,
			 "cannot load %s (%s); crashsig serve needs libmicrohttpd "
			 "(Debian: apt install libmicrohttpd12)",
			 soname, why ? why : "not found");
		return -1;
	}
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define S(f, n) {n, offsetof(sv_mhd, f)}
		S(start_daemon, "MHD_start_daemon"),
		S(stop_daemon, "MHD_stop_daemon"),
		S(get_daemon_info, "MHD_get_daemon_info"),
		S(get_connection_info, "MHD_get_connection_info"),
		S(lookup_connection_value, "MHD_lookup_connection_value"),
		S(get_connection_values, "MHD_get_connection_values"),
		S(create_response_from_buffer, "MHD_create_response_from_buffer"),
		S(add_response_header, "MHD_add_response_header"),
		S(queue_response, "MHD_queue_response"),
		S(destroy_response, "MHD_destroy_response"),
		S(get_version, "MHD_get_version"),
#undef S
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *f = dlsym(m->handle, syms[i].name);
		if (!f) {
			snprintf(err, errlen, "%s has no %s", soname, syms[i].name);
			dlclose(m->handle);
			m->handle = NULL;
			return -1;
		}
		/* POSIX: a data pointer from dlsym converts to a function pointer */
		memcpy((char *)m + syms[i].off, &f, sizeof(f));
	}
	return 0;
}

void sv_mhd_unload(sv_mhd *m)
{
	if (m && m->handle)
		dlclose(m->handle);
	if (m)
		memset(m, 0, sizeof(*m));
}
