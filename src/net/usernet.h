/* User-mode networking, as QEMU's `-netdev user` (slirp): a virtual network
 * behind the guest's Ethernet device, on lwIP 2.1 (Debian's source package,
 * scripts/lwip.sh), that needs no privileges on the host. The guest is
 * 10.0.2.15, the gateway and host 10.0.2.2, the DNS server 10.0.2.3. Guest
 * frames come in with usernet_input; what needs the outside world (a TCP
 * connection or a UDP datagram to any address, a DNS name to resolve) goes to
 * the host through the callbacks of usernet_host, and the host answers with
 * the usernet_* calls below. The stack itself answers ARP (RFC 826) for the
 * virtual hosts, ICMP echo (RFC 792) to them, DHCP (RFC 2131) and DNS queries
 * (RFC 1035, resolved by the host), and terminates every guest TCP
 * connection (RFC 9293) itself: a guest SYN is held until the host has
 * connected, so a refused connection is a reset, as on a real network.
 *
 * ONE usernet per process: lwIP keeps its state in globals, so there is one
 * stack per process natively and per instance of the wasm module (which may
 * run several machines; at most one of them has user networking at a time).
 * usernet_init refuses a second one; usernet_close ends it, and another may
 * start after.
 *
 * Addresses are IPv4 in host byte order (USERNET_IP(10, 0, 2, 15)), ports in
 * host byte order, times in milliseconds. Nothing here blocks, allocates
 * more than a bounded amount or fails on bad input: malformed frames are
 * dropped, calls with unknown or finished connection ids do nothing. (lwIP's
 * own consistency checks abort the process: they catch bugs in lwIP, such
 * as those usernet.c works around, which guest input must not reach.) */
#ifndef WVM_USERNET_H
#define WVM_USERNET_H

#include <stddef.h>
#include <stdint.h>

#define USERNET_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define USERNET_GUEST_IP USERNET_IP(10, 0, 2, 15) /* what DHCP hands out */
#define USERNET_HOST_IP USERNET_IP(10, 0, 2, 2)   /* gateway; the backend maps it to its loopback */
#define USERNET_DNS_IP USERNET_IP(10, 0, 2, 3)
#define USERNET_NETMASK USERNET_IP(255, 255, 255, 0)
#define USERNET_FRAME_MAX 1514u      /* Ethernet header and 1500 bytes of payload, no FCS */
#define USERNET_MAX_CONNS 256        /* TCP connections at once (either direction) */
#define USERNET_MAX_DNS 64           /* DNS queries waiting for the host at once */
#define USERNET_DNS_TIMEOUT_MS 10000 /* a query the host has not answered by then gets SERVFAIL */
#define USERNET_CONNECT_TIMEOUT_MS 120000 /* a tcp_connect not answered by then: reset, tcp_closed */
#define USERNET_LEASE_S 86400             /* DHCP lease time */

/* The host side. Every callback is required. Connection ids (never 0) are
 * usernet's. A connection ends exactly once: by tcp_closed, by the host's
 * own usernet_tcp_connected(id, 0) or usernet_tcp_abort(id), or with all
 * others by usernet_close; its id is then dead and calls with it do nothing. Callbacks may call usernet_tcp_*,
 * usernet_udp_recv and usernet_dns_answer (the TCP ones for any
 * connection), but not usernet_input, usernet_poll or usernet_close, which
 * do nothing then. `output` should only queue the frame. */
typedef struct usernet_host {
    void *opaque; /* first argument of every callback */
    /* Monotonic host time in milliseconds (wrapping at 2^32). */
    uint32_t (*now_ms)(void *opaque);
    /* A frame for the guest: `len` (<= USERNET_FRAME_MAX) bytes from the
     * Ethernet header on, valid during the call. */
    void (*output)(void *opaque, const uint8_t *frame, size_t len);
    /* The guest opened a TCP connection to ip:port (any address, including
     * USERNET_HOST_IP and USERNET_DNS_IP): connect to it, then answer with
     * usernet_tcp_connected. */
    void (*tcp_connect)(void *opaque, uint32_t conn, uint32_t ip, uint16_t port);
    /* A usernet_tcp_forward connection: the guest accepted it. */
    void (*tcp_ready)(void *opaque, uint32_t conn);
    /* `len` bytes the guest sent (valid during the call); report them with
     * usernet_tcp_consumed once the host has taken them (the guest's window
     * stays closed by what is not consumed). */
    void (*tcp_data)(void *opaque, uint32_t conn, const uint8_t *data, size_t len);
    /* The guest sent FIN: it sends no more (the host may still send). */
    void (*tcp_eof)(void *opaque, uint32_t conn);
    /* Room again after usernet_tcp_send took less than it was given. */
    void (*tcp_writable)(void *opaque, uint32_t conn);
    /* The connection is over: closed in both directions after all data
     * (reset 0), or reset by the guest, timed out or out of memory (reset 1). */
    void (*tcp_closed)(void *opaque, uint32_t conn, int reset);
    /* A UDP datagram from guest port `sport` to ip:port (not DHCP, not DNS to
     * USERNET_DNS_IP:53); replies come back with usernet_udp_recv. */
    void (*udp_send)(void *opaque, uint16_t sport, uint32_t ip, uint16_t port, const uint8_t *data,
                     size_t len);
    /* Resolve `name` (a NUL-terminated host name, no trailing dot) for record
     * type `qtype`: 1 (A, IPv4) or 28 (AAAA, IPv6); answer with
     * usernet_dns_answer(query, ...). */
    void (*dns_query)(void *opaque, uint32_t query, const char *name, int qtype);
} usernet_host;

typedef struct usernet_stats {
    unsigned tcp_open;      /* connections established */
    unsigned tcp_pending;   /* guest SYNs held while the host connects */
    unsigned tcp_pcbs;      /* lwIP's TCP control blocks, closing and TIME_WAIT ones included */
    unsigned dns_pending;   /* DNS queries waiting for the host */
    uint64_t frames_in;     /* frames the guest sent */
    uint64_t frames_out;    /* frames to the guest */
    uint64_t frames_bad;    /* guest frames dropped by usernet: malformed, or not for this network */
} usernet_stats;

/* Start the network: the virtual hosts answer at Ethernet address `mac`
 * (e.g. 52:55:0a:00:02:02), `host`'s callbacks (copied) serve the guest.
 * Sends a gratuitous ARP (RFC 5227) for USERNET_HOST_IP. Returns 0, or -1
 * if a usernet is open already, a callback is missing or lwIP is out of
 * memory (nothing is left open then). */
int usernet_init(const usernet_host *host, const uint8_t mac[6]);

/* End the network: every connection is dropped without a word to the guest
 * or a tcp_closed to the host, held DNS queries are forgotten, lwIP's
 * control blocks and buffers go back to its pools. usernet_init may run
 * again after. No-op if none is open. */
void usernet_close(void);

/* A frame the guest sent (Ethernet header on, no FCS, at most
 * USERNET_FRAME_MAX bytes): ARP (RFC 826) and IPv4 (RFC 791) carrying ICMP
 * echo (RFC 792) to the virtual hosts, UDP (RFC 768) to DHCP (RFC 2131,
 * port 67), DNS (RFC 1035, USERNET_DNS_IP:53) or elsewhere, TCP (RFC 9293)
 * to anywhere. Anything else, or anything malformed, is dropped. */
void usernet_input(const uint8_t *frame, size_t len);

/* Run lwIP's timers (TCP retransmission and delayed ACKs: 250 ms; ARP and
 * IP reassembly: 1 s) and the DNS and connect timeouts. Call it when
 * usernet_next_poll_ms says, or more often. */
void usernet_poll(void);

/* Milliseconds until usernet_poll has work (0: now; at most 1000). */
uint32_t usernet_next_poll_ms(void);

/* Answer to tcp_connect: ok 1, the host is connected and the guest's SYN
 * gets its SYN-ACK; ok 0, the guest gets a reset (RFC 9293 3.10.7.1) and
 * the id ends here. Then (ok 1) send with usernet_tcp_send. */
void usernet_tcp_connected(uint32_t conn, int ok);

/* Queue up to `len` bytes (copied) from the host for the guest. Returns how
 * many were taken: fewer than `len` when the connection's send buffer
 * (64 KiB) is full or it is not connected yet (before
 * usernet_tcp_connected), and tcp_writable follows when there is room;
 * 0 for a dead id or after usernet_tcp_shutdown. */
size_t usernet_tcp_send(uint32_t conn, const uint8_t *data, size_t len);

/* The host has taken `len` more bytes of tcp_data: the guest's receive
 * window reopens by as much. More than tcp_data gave is ignored. */
void usernet_tcp_consumed(uint32_t conn, size_t len);

/* The host sends no more (its peer closed): the guest gets FIN after the
 * queued data, and never before the handshake is complete (before
 * usernet_tcp_connected or the guest's ACK of the SYN-ACK: right after
 * it). The connection closes (tcp_closed, reset 0) once the guest has sent
 * FIN too and the host has consumed everything. */
void usernet_tcp_shutdown(uint32_t conn);

/* The host gives up on the connection (its socket failed): the guest gets
 * a reset, no tcp_closed follows, the id ends here. */
void usernet_tcp_abort(uint32_t conn);

/* Port forwarding (hostfwd): open a connection from USERNET_HOST_IP to the
 * guest's TCP port `guest_port`. Returns its id, or 0 if none is free.
 * tcp_ready follows when the guest accepts, tcp_closed (reset 1) when it
 * refuses or does not answer (~1 min of SYN retransmissions). The host may
 * send at once: the data waits for the handshake. */
uint32_t usernet_tcp_forward(uint16_t guest_port);

/* A UDP datagram from ip:port (the host's reply to udp_send) for the
 * guest's port `guest_port`: `len` bytes, at most 65507 (larger ones are
 * dropped), sent in IP fragments if it does not fit a frame. */
void usernet_udp_recv(uint32_t ip, uint16_t port, uint16_t guest_port, const uint8_t *data, size_t len);

/* Answer DNS query `query` of dns_query (RFC 1035 4.1): `rcode` 0 with
 * `naddrs` addresses of `addrlen` bytes each at `addrs` (4: IPv4 for A,
 * 16: IPv6 for AAAA; network byte order, as many as fit a 512-byte
 * message) valid for `ttl` seconds; or an error rcode (2 SERVFAIL, 3
 * NXDOMAIN, ...) and no addresses. Addresses of the wrong length for the
 * query's type are left out. Unknown or timed-out queries are ignored. */
void usernet_dns_answer(uint32_t query, int rcode, const uint8_t *addrs, int naddrs, int addrlen, uint32_t ttl);

/* Counters and what is open now (all 0 when no usernet is open). */
void usernet_get_stats(usernet_stats *stats);

/* Pseudo-random numbers for lwIP (LWIP_RAND: its first ephemeral port), a
 * fixed sequence from each usernet_init. */
uint32_t usernet_rand(void);

#endif
