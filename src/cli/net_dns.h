/* Host name lookups for the native CLI's user networking (net_posix.c), off
 * the emulator's thread: a few worker threads run the host's resolver
 * (getaddrinfo: /etc/hosts, DNS, as any program on the host) while the main
 * loop polls a pipe that becomes readable when answers wait. Bounded: at
 * most NET_DNS_JOBS lookups queued or running at once. */
#ifndef WVM_CLI_NET_DNS_H
#define WVM_CLI_NET_DNS_H

#include <stddef.h>
#include <stdint.h>

#define NET_DNS_JOBS 64    /* lookups waiting or running at once (usernet holds at most 64 queries) */
#define NET_DNS_ADDRS 16   /* addresses kept per answer (a 512-byte DNS message fits about that many) */
#define NET_DNS_NAME_MAX 255 /* bytes of a DNS name (RFC 1035 2.3.4) */

typedef struct net_dns net_dns;

/* An answer for the query of net_dns_query, as wvm_net_dns_answer takes it. */
typedef struct net_dns_answer {
    uint32_t id, tag; /* as given to net_dns_query */
    int rcode;        /* 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN (RFC 1035 4.1.1) */
    int naddrs, addrlen; /* addrlen: 4 (A) or 16 (AAAA) */
    uint8_t addrs[NET_DNS_ADDRS * 16]; /* network byte order */
} net_dns_answer;

/* Start the workers. Returns NULL if the host cannot (no memory, no threads). */
net_dns *net_dns_open(void);

/* Stop: lookups not started are dropped, running ones are waited for (the
 * host resolver's own timeouts bound them). NULL is a no-op. */
void net_dns_close(net_dns *d);

/* The fd that polls readable (POLLIN) while answers wait. */
int net_dns_fd(const net_dns *d);

/* Look `name` (len bytes, no NUL) up for QTYPE `qtype` (1 A, 28 AAAA); `id`
 * and `tag` come back in the answer. A name that has no address of that
 * type is NOERROR with none, one that does not exist NXDOMAIN, other
 * failures SERVFAIL. Returns 0, or -1 when NET_DNS_JOBS are under way or
 * the name is too long (answer SERVFAIL then). */
int net_dns_query(net_dns *d, uint32_t id, uint32_t tag, const uint8_t *name, size_t len, int qtype);

/* Take a finished lookup's answer into *a. Returns 1, or 0 if none waits. */
int net_dns_take(net_dns *d, net_dns_answer *a);

#endif
