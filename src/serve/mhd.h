/* libmicrohttpd, loaded when `crashsig serve` runs (dlopen of
 * libmicrohttpd.so.12), so that no other command of the crashsig binary
 * maps it. The types and constants come from <microhttpd.h> (Debian
 * libmicrohttpd-dev, a build dependency); the functions are called through
 * this table only, and mhd.c checks at compile time that each pointer has
 * the type of the header's prototype. */
#ifndef CRASHSIG_SERVE_MHD_H
#define CRASHSIG_SERVE_MHD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

/* The soname of libmicrohttpd's ABI since 0.9.x (Debian libmicrohttpd12). */
#define SV_MHD_SONAME "libmicrohttpd.so.12"

typedef struct sv_mhd {
	void *handle;
	struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port,
					   MHD_AcceptPolicyCallback apc, void *apc_cls,
					   MHD_AccessHandlerCallback dh, void *dh_cls, ...);
	void (*stop_daemon)(struct MHD_Daemon *daemon);
	const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *daemon,
						       enum MHD_DaemonInfoType info_type, ...);
	const union MHD_ConnectionInfo *(*get_connection_info)(
		struct MHD_Connection *connection, enum MHD_ConnectionInfoType info_type, ...);
	const char *(*lookup_connection_value)(struct MHD_Connection *connection,
					       enum MHD_ValueKind kind, const char *key);
	int (*get_connection_values)(struct MHD_Connection *connection, enum MHD_ValueKind kind,
				     MHD_KeyValueIterator iterator, void *iterator_cls);
	struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
							    enum MHD_ResponseMemoryMode mode);
	enum MHD_Result (*add_response_header)(struct MHD_Response *response,
					       const char *header, const char *content);
	enum MHD_Result (*queue_response)(struct MHD_Connection *connection,
					  unsigned int status_code,
					  struct MHD_Response *response);
	void (*destroy_response)(struct MHD_Response *response);
	const char *(*get_version)(void);
} sv_mhd;

/* Load libmicrohttpd into m. On failure returns -1 with a message in err
 * ("cannot load libmicrohttpd.so.12 (...)"). */
int sv_mhd_load(sv_mhd *m, const char *soname, char *err, size_t errlen);
void sv_mhd_unload(sv_mhd *m);

#endif
