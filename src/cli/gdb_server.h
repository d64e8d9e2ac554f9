/* The native CLI's GDB server: QEMU's -gdb tcp:[HOST]:PORT, one debugger at
 * a time, bytes shuttled to and from the core's stub (wvm_gdb_*). */
#ifndef WVM_CLI_GDB_SERVER_H
#define WVM_CLI_GDB_SERVER_H

#include <poll.h>
#include <stddef.h>

#include "core/wvm.h"

typedef struct gdb_server {
    int listen_fd, conn_fd; /* -1: none */
} gdb_server;

/* Listen on `spec` ("tcp::PORT" or "tcp:HOST:PORT"; HOST defaults to
 * 127.0.0.1). Returns 0, or -1 with a one-line message in err. */
int gdb_server_open(gdb_server *s, const char *spec, char *err, size_t errlen);

/* Accept a waiting debugger, pass its bytes to the stub, send the stub's
 * replies; a closed connection detaches. Never blocks. */
void gdb_server_pump(gdb_server *s, wvm_machine *m);

/* Close the debugger's connection, if any (the guest runs on). */
void gdb_server_drop(gdb_server *s, wvm_machine *m);

/* Fill up to 2 pollfds with the server's sockets (for an idle wait);
 * returns how many. */
int gdb_server_pollfds(const gdb_server *s, struct pollfd *fds);

#endif
