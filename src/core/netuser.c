/* User-mode networking on a machine: usernet (src/net/usernet.h) behind the
 * virtio-net device, with what needs the host's network as a queue of events
 * the host drains after wvm_run (wvm.h). Transport-free, like the GDB stub:
 * the native CLI answers with POSIX sockets, Node with node:net, the page
 * through a Wisp relay. */
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "host/host.h"
#include "net/usernet.h"

#define RXQ_FRAMES 256                 /* frames for the guest while it has no receive buffer */
#define EVENTS_SOFT_MAX (4u << 20)     /* droppable events (UDP, DNS) beyond this queued size are dropped */

typedef struct event {
    struct event *next;
    wvm_net_event ev;
    uint8_t data[];
} event;

struct netuser {
    wvm_machine *m;
    event *head, *tail;
    size_t queued; /* bytes of event data waiting */
    uint64_t next_poll_ns;
    unsigned rxq_head, rxq_len;
    uint64_t rx_dropped;
    struct { uint16_t len; uint8_t data[USERNET_FRAME_MAX]; } rxq[RXQ_FRAMES];
};

static wvm_machine *owner; /* the machine with user networking (usernet is one per process) */

static void push(netuser *u, uint32_t type, uint32_t id, uint32_t ip, uint32_t port, uint32_t arg,
                 const void *data, size_t len, int droppable)
{
    if (droppable && u->queued + len > EVENTS_SOFT_MAX)
        return;
    event *e = malloc(sizeof(*e) + len);
    if (!e)
        return; /* out of host memory: as a lost datagram; a lost TCP event stalls that connection only */
    *e = (event){NULL, {type, id, ip, port, arg, (uint32_t)len}};
    if (len)
        memcpy(e->data, data, len);
    u->queued += len;
    if (u->tail)
        u->tail->next = e;
    else
        u->head = e;
    u->tail = e;
}

static uint32_t now_ms(void *opaque)
{
    (void)opaque;
    return (uint32_t)(host_time_ns() / 1000000);
}

/* A frame for the guest: into its receive buffers, or held until it posts some. */
static void output(void *opaque, const uint8_t *frame, size_t len)
{
    netuser *u = opaque;
    if (!u->rxq_len && virtio_net_rx(&u->m->net, frame, len) != 0)
        return; /* delivered or malformed */
    if (u->rxq_len == RXQ_FRAMES) {
        u->rx_dropped++; /* the guest does not read: TCP retransmits */
        return;
    }
    unsigned i = (u->rxq_head + u->rxq_len++) % RXQ_FRAMES;
    u->rxq[i].len = (uint16_t)len;
    memcpy(u->rxq[i].data, frame, len);
}

/* The guest posted receive buffers: deliver what waits. */
static void rx_ready(void *opaque)
{
    wvm_machine *m = opaque;
    netuser *u = m->user;
    while (u && u->rxq_len && virtio_net_rx(&m->net, u->rxq[u->rxq_head].data, u->rxq[u->rxq_head].len) != 0) {
        u->rxq_head = (u->rxq_head + 1) % RXQ_FRAMES;
        u->rxq_len--;
    }
}

/* virtio-net's tx: every guest frame goes to the stack. */
static int tx(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    usernet_input(frame, len);
    return 0;
}

static void tcp_connect(void *o, uint32_t conn, uint32_t ip, uint16_t port)
{
    push(o, WVM_NET_TCP_CONNECT, conn, ip, port, 0, NULL, 0, 0);
}

static void tcp_ready(void *o, uint32_t conn) { push(o, WVM_NET_TCP_READY, conn, 0, 0, 0, NULL, 0, 0); }

static void tcp_data(void *o, uint32_t conn, const uint8_t *data, size_t len)
{
    for (size_t off = 0; off < len; off += WVM_NET_EVENT_DATA_MAX) {
        size_t n = len - off < WVM_NET_EVENT_DATA_MAX ? len - off : WVM_NET_EVENT_DATA_MAX;
        push(o, WVM_NET_TCP_DATA, conn, 0, 0, 0, data + off, n, 0);
    }
}

static void tcp_eof(void *o, uint32_t conn) { push(o, WVM_NET_TCP_EOF, conn, 0, 0, 0, NULL, 0, 0); }

static void tcp_writable(void *o, uint32_t conn) { push(o, WVM_NET_TCP_WRITABLE, conn, 0, 0, 0, NULL, 0, 0); }

static void tcp_closed(void *o, uint32_t conn, int reset)
{
    push(o, WVM_NET_TCP_CLOSED, conn, 0, 0, (uint32_t)reset, NULL, 0, 0);
}

static void udp_send(void *o, uint16_t sport, uint32_t ip, uint16_t port, const uint8_t *data, size_t len)
{
    if (len <= WVM_NET_EVENT_DATA_MAX)
        push(o, WVM_NET_UDP_SEND, 0, ip, port, sport, data, len, 1);
}

static void dns_query(void *o, uint32_t query, const char *name, int qtype)
{
    push(o, WVM_NET_DNS_QUERY, query, 0, 0, (uint32_t)qtype, name, strlen(name), 1);
}

int wvm_net_user(wvm_machine *m)
{
    if (!m->has_net)
        return wvm_fail("user networking needs a network device (wvm_add_net)");
    if (m->user)
        return 0;
    if (owner)
        return wvm_fail("another machine in this process has user networking");
    netuser *u = calloc(1, sizeof(*u));
    if (!u)
        return wvm_fail("out of memory for user networking");
    u->m = m;
    usernet_host h = {u, now_ms, output, tcp_connect, tcp_ready, tcp_data, tcp_eof, tcp_writable, tcp_closed,
                      udp_send, dns_query};
    static const uint8_t host_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}; /* QEMU's slirp */
    m->user = u; /* before usernet_init: its gratuitous ARP comes out at once */
    if (usernet_init(&h, host_mac) != 0) {
        m->user = NULL;
        free(u);
        return wvm_fail("cannot start user networking");
    }
    owner = m;
    m->net.tx = tx;
    m->net.rx_ready = rx_ready;
    virtio_net_tx_resume(&m->net); /* frames the guest queued meanwhile */
    return 0;
}

void netuser_free(wvm_machine *m)
{
    netuser *u = m->user;
    if (!u)
        return;
    usernet_close();
    owner = NULL;
    for (event *e = u->head, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    free(u);
    m->user = NULL;
}

void netuser_poll(wvm_machine *m)
{
    netuser *u = m->user;
    if (!u)
        return;
    uint64_t now = host_time_ns();
    if (now < u->next_poll_ns)
        return;
    usernet_poll();
    u->next_poll_ns = now + (uint64_t)usernet_next_poll_ms() * 1000000;
}

uint64_t netuser_idle_us(wvm_machine *m)
{
    netuser *u = m->user;
    if (!u)
        return UINT64_MAX;
    uint64_t now = host_time_ns();
    return u->next_poll_ns > now ? (u->next_poll_ns - now) / 1000 : 0;
}

int wvm_net_take_event(wvm_machine *m, wvm_net_event *ev, uint8_t *data, size_t max)
{
    netuser *u = m->user;
    event *e = u ? u->head : NULL;
    if (!e || max < WVM_NET_EVENT_DATA_MAX)
        return 0;
    *ev = e->ev;
    memcpy(data, e->data, e->ev.len);
    u->queued -= e->ev.len;
    u->head = e->next;
    if (!u->head)
        u->tail = NULL;
    free(e);
    return 1;
}

void wvm_net_tcp_connected(wvm_machine *m, uint32_t id, int ok)
{
    if (m->user)
        usernet_tcp_connected(id, ok);
}

size_t wvm_net_tcp_send(wvm_machine *m, uint32_t id, const uint8_t *data, size_t len)
{
    return m->user ? usernet_tcp_send(id, data, len) : 0;
}

void wvm_net_tcp_consumed(wvm_machine *m, uint32_t id, size_t len)
{
    if (m->user)
        usernet_tcp_consumed(id, len);
}

void wvm_net_tcp_shutdown(wvm_machine *m, uint32_t id)
{
    if (m->user)
        usernet_tcp_shutdown(id);
}

void wvm_net_tcp_abort(wvm_machine *m, uint32_t id)
{
    if (m->user)
        usernet_tcp_abort(id);
}

uint32_t wvm_net_tcp_forward(wvm_machine *m, uint16_t guest_port)
{
    return m->user ? usernet_tcp_forward(guest_port) : 0;
}

void wvm_net_udp_recv(wvm_machine *m, uint32_t ip, uint16_t port, uint16_t guest_port, const uint8_t *data,
                      size_t len)
{
    if (m->user)
        usernet_udp_recv(ip, port, guest_port, data, len);
}

void wvm_net_dns_answer(wvm_machine *m, uint32_t id, int rcode, const uint8_t *addrs, int naddrs, int addrlen,
                        uint32_t ttl)
{
    if (m->user)
        usernet_dns_answer(id, rcode, addrs, naddrs, addrlen, ttl);
}
