/* The native CLI's host side of user-mode networking (QEMU's -nic user),
 * over POSIX sockets: it answers the events of the core's stack
 * (wvm_net_take_event, core/wvm.h; their meaning: src/net/usernet.h) as
 * src/js/usernet.mjs does in Node. The guest's TCP connections become
 * nonblocking host sockets (10.0.2.2 is the host's 127.0.0.1, the rest of
 * 10.0.2.0/24 refuses), its UDP datagrams go out from one host socket per
 * guest source port (closed after 60 s unused), its DNS questions go to the
 * host's resolver (cli/net_dns.h), and hostfwd rules listen on host ports
 * whose connections go to guest ports. Nothing here blocks; a failing
 * socket ends its connection (a reset for the guest), never the emulator. */
#ifndef WVM_CLI_NET_POSIX_H
#define WVM_CLI_NET_POSIX_H

#include <poll.h>
#include <stddef.h>

#include "cli/options.h"
#include "core/wvm.h"
#include "net/usernet.h"

#define NET_MAX_UDP 64 /* guest ports with a host UDP socket at once (the least recently used goes) */
/* Most pollfds net_posix_pollfds fills: listeners, connections, UDP
 * sockets, the resolver's pipe. */
#define NET_POSIX_POLLFDS (CLI_MAX_HOSTFWD + USERNET_MAX_CONNS + NET_MAX_UDP + 1)

typedef struct net_posix net_posix;

/* Listen for the `n` hostfwd rules (bound to their address, a port 0 to one
 * the system picks: written back into rules[i].host_port). The listeners
 * stay until net_posix_close, across machines (a guest reboot). Returns the
 * backend, or NULL with a one-line message in err ("hostfwd: cannot listen
 * on 127.0.0.1:80 (EACCES)", out of memory). */
net_posix *net_posix_open(cli_hostfwd *rules, int n, char *err, size_t errlen);

/* Serve machine `m`, which has user networking (wvm_net_user). */
void net_posix_attach(net_posix *net, wvm_machine *m);

/* The machine goes (before wvm_destroy): its connections are reset, its UDP
 * sockets closed, lookups under way forgotten. The listeners stay; host
 * connections to them are closed until a machine is attached. */
void net_posix_detach(net_posix *net);

/* net_posix_detach, close the listeners, free. NULL is a no-op. */
void net_posix_close(net_posix *net);

/* Serve the machine's events and whatever its sockets have: call after every
 * wvm_run. Never blocks. Returns nonzero if it gave the machine anything
 * (data, an answer, a connection): run it again before waiting. */
int net_posix_pump(net_posix *net);

/* Fill up to `max` pollfds with what net_posix_pump waits for (for the
 * idle wait of the main loop); returns how many. */
int net_posix_pollfds(net_posix *net, struct pollfd *fds, int max);

#endif
