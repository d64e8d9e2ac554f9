/* User-mode networking on lwIP 2.1 (NO_SYS=1, raw API): see usernet.h.
 *
 * lwIP is a stack for one host; it is made to terminate connections to any
 * address (as tun2socks does) without patching it:
 *  - its netif is 10.0.2.2 with netmask 0.0.0.0, so every address is on-link
 *    and replies go straight to the guest's Ethernet address (learnt by ARP);
 *  - a frame for another address is fed with the netif's address set to that
 *    address for the duration of the call (a plain field store:
 *    netif_set_ipaddr() would abort the pcbs bound to the old one);
 *    ip4_input accepts it, and TCP and ICMP answer from that address;
 *  - a guest SYN is held until the host has connected (refused: RST, as
 *    slirp does), then fed to one listening pcb whose port is set to the
 *    SYN's for that call; lwIP's passive_open ext-arg callback hands over the
 *    new pcb;
 *  - all UDP goes to one raw pcb (any port, after reassembly); replies leave
 *    through one udp pcb whose local port is set per datagram. The DHCP
 *    server and the DNS front end sit on that.
 * lwIP's input path and timers keep state in globals and must not be
 * re-entered: `depth` counts the calls under way into them (and into the
 * host's output callback); usernet_input, usernet_poll and usernet_close do
 * nothing inside one, and a SYN the host accepts inside one is fed when the
 * outermost call ends. */
#include "net/usernet.h"

#include <stdlib.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/ip4_frag.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h" /* tcp_rst(), the pcb lists */
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"

#include "net/wire.h"

#define ETH_HLEN 14
#define IP_BROADCAST 0xffffffffu
#define DHCP_MAGIC 0x63825363u /* RFC 2131 3: the options field's first four bytes */
#define DNS_MSG_MAX 512        /* RFC 1035 4.2.1: a DNS message over UDP */
#define UDP_PAYLOAD_MAX 65507  /* 65535 - IP header - UDP header */

enum {
    C_FREE,
    C_PENDING,   /* guest SYN held, the host connecting */
    C_READY,     /* the host connected; the SYN waits to be fed (inside a callback) */
    C_HANDSHAKE, /* lwIP has the pcb: SYN_RCVD, or SYN_SENT for a forward */
    C_OPEN,      /* established */
};

typedef struct conn {
    uint16_t gen; /* the id's high half: a reused slot gets a new id */
    uint8_t state, rx_eof, tx_eof, want_writable, abort_pending;
    uint8_t fin_wait;    /* the host's FIN waits for the handshake (finish_tx) */
    unsigned busy;       /* inside a host callback about this connection */
    struct tcp_pcb *pcb; /* C_HANDSHAKE, C_OPEN */
    uint32_t gip, dip;   /* the guest's address and the one it connected to */
    uint16_t gport, dport;
    uint32_t gseq, t0; /* the SYN's sequence number and arrival time */
    uint8_t *syn;      /* the held SYN frame (C_PENDING, C_READY) */
    size_t synlen;
    size_t unconsumed; /* bytes given to tcp_data, not yet consumed */
} conn;

typedef struct dnsq {
    uint8_t used;
    uint16_t gport, qtype;
    uint32_t id, gip, t0;
    uint8_t hdr[4]; /* the query's ID and flags */
    uint8_t q[260]; /* its question: a name of <= 255 bytes, QTYPE, QCLASS */
    size_t qlen;
} dnsq;

static struct {
    int open, quiet;
    usernet_host h;
    struct netif nif;
    struct tcp_pcb *listener;
    struct raw_pcb *udp_in;
    struct udp_pcb *udp_out;
    conn conns[USERNET_MAX_CONNS];
    conn *injecting; /* the connection whose SYN is being fed */
    dnsq dns[USERNET_MAX_DNS];
    uint32_t guest_ip, next_query, rng;
    unsigned depth;
    int syn_ready; /* some connection is C_READY */
    int fin_due;   /* some connection with fin_wait is C_OPEN */
    uint64_t frames_in, frames_out, frames_bad;
    uint8_t frame[USERNET_FRAME_MAX];
    uint8_t segment[USERNET_FRAME_MAX]; /* a guest segment rewritten (feed_segment) */
    uint8_t dgram[65536];
} un;
static int lwip_ready; /* lwip_init() and the ext-arg id: once per process */
static u8_t ext_id;

uint32_t usernet_rand(void)
{
    un.rng ^= un.rng << 13; /* xorshift32 */
    un.rng ^= un.rng >> 17;
    un.rng ^= un.rng << 5;
    return un.rng;
}

/* lwIP's clock (NO_SYS): the host's milliseconds. */
u32_t sys_now(void)
{
    return un.open ? un.h.now_ms(un.h.opaque) : 0;
}

static ip_addr_t ipa(uint32_t a)
{
    ip_addr_t r;
    ip4_addr_set_u32(ip_2_ip4(&r), lwip_htonl(a));
    return r;
}

static uint32_t ipu(const ip_addr_t *a)
{
    return lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(a)));
}

/* 1 if `len` bytes of TCP or UDP at `l4` carry a right checksum. */
static int l4_sum_ok(const uint8_t *l4, size_t len, uint32_t src, uint32_t dst, uint8_t proto)
{
    return inet_fold(inet_sum(l4, len, inet_pseudo(src, dst, proto, len))) == 0;
}

/* ---- connections ---- */

static uint32_t conn_id(const conn *c)
{
    return (uint32_t)c->gen << 16 | (uint32_t)(c - un.conns + 1);
}

static conn *conn_get(uint32_t id)
{
    uint32_t i = (id & 0xffff) - 1;
    if (!un.open || i >= USERNET_MAX_CONNS || un.conns[i].state == C_FREE || un.conns[i].gen != id >> 16)
        return NULL;
    return &un.conns[i];
}

static conn *conn_new(void)
{
    for (int i = 0; i < USERNET_MAX_CONNS; i++) {
        conn *c = &un.conns[i];
        if (c->state == C_FREE) {
            uint16_t gen = (uint16_t)(c->gen + 1) ? (uint16_t)(c->gen + 1) : 1;
            memset(c, 0, sizeof(*c));
            c->gen = gen;
            return c;
        }
    }
    return NULL;
}

static void conn_free(conn *c)
{
    free(c->syn);
    c->syn = NULL;
    c->pcb = NULL;
    c->state = C_FREE;
}

static conn *conn_find(uint32_t gip, uint16_t gport, uint32_t dip, uint16_t dport)
{
    for (int i = 0; i < USERNET_MAX_CONNS; i++) {
        conn *c = &un.conns[i];
        if (c->state != C_FREE && c->gip == gip && c->gport == gport && c->dip == dip && c->dport == dport)
            return c;
    }
    return NULL;
}

/* Unhook usernet from a pcb lwIP keeps (closing) or is about to free. */
static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
}

/* ---- the netif ---- */

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (un.quiet)
        return ERR_OK;
    if (p->tot_len > sizeof(un.frame))
        return ERR_IF;
    const uint8_t *f = p->payload;
    if (p->next) /* (LWIP_NETIF_TX_SINGLE_PBUF: not expected) */
        f = pbuf_copy_partial(p, un.frame, p->tot_len, 0) == p->tot_len ? un.frame : NULL;
    if (!f)
        return ERR_IF;
    un.frames_out++;
    un.depth++;
    un.h.output(un.h.opaque, f, p->tot_len);
    un.depth--;
    return ERR_OK;
}

static err_t nif_init(struct netif *n)
{
    n->name[0] = 'u';
    n->name[1] = 'n';
    n->output = etharp_output;
    n->linkoutput = linkoutput;
    n->mtu = 1500;
    n->hwaddr_len = ETH_HWADDR_LEN;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

static void inject_syn(conn *c);
static void finish_tx(conn *c);

/* Leave a call into lwIP; the outermost one feeds the SYNs that the host
 * accepted meanwhile, and sends the FINs that waited for a handshake. */
static void leave(void)
{
    if (un.depth == 1) {
        while (un.syn_ready) {
            un.syn_ready = 0;
            for (int i = 0; i < USERNET_MAX_CONNS; i++)
                if (un.conns[i].state == C_READY)
                    inject_syn(&un.conns[i]);
        }
        for (int i = 0; un.fin_due && i < USERNET_MAX_CONNS; i++)
            if (un.conns[i].fin_wait && un.conns[i].state == C_OPEN) {
                un.conns[i].fin_wait = 0;
                finish_tx(&un.conns[i]);
            }
        un.fin_due = 0;
    }
    un.depth--;
}

/* Feed one frame to lwIP as if the netif had address `as` (0: its own). */
static void feed(const uint8_t *f, size_t len, uint32_t as)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
    if (!p)
        return;
    memcpy(p->payload, f, len);
    un.depth++;
    if (as)
        ip4_addr_set_u32(ip_2_ip4(&un.nif.ip_addr), lwip_htonl(as));
    if (un.nif.input(p, &un.nif) != ERR_OK)
        pbuf_free(p);
    ip4_addr_set_u32(ip_2_ip4(&un.nif.ip_addr), lwip_htonl(USERNET_HOST_IP));
    leave();
}

/* ---- TCP ---- */

/* RST to the guest for its segment gport -> dip:dport (RFC 9293 3.10.7.1:
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>). */
static void rst_for(uint32_t gip, uint16_t gport, uint32_t dip, uint16_t dport, uint32_t ack)
{
    ip_addr_t local = ipa(dip), remote = ipa(gip);
    tcp_rst(NULL, 0, ack, &local, &remote, dport, gport);
}

static void rst_syn(conn *c)
{
    rst_for(c->gip, c->gport, c->dip, c->dport, c->gseq + 1);
}

/* Close a connection both sides have finished with (FIN each way, all data
 * consumed), then tcp_closed. Returns ERR_ABRT if lwIP could not close the
 * pcb and it was aborted instead (an lwIP callback must then return that). */
static err_t maybe_close(conn *c)
{
    if (c->busy || !c->rx_eof || !c->tx_eof || c->unconsumed || !c->pcb)
        return ERR_OK;
    uint32_t id = conn_id(c);
    struct tcp_pcb *pcb = c->pcb;
    err_t r = ERR_OK;
    detach(pcb);
    conn_free(c);
    if (tcp_close(pcb) != ERR_OK) {
        tcp_abort(pcb);
        r = ERR_ABRT;
    }
    un.h.tcp_closed(un.h.opaque, id, 0);
    return r;
}

/* After a host callback about `c` (id `id`, pcb `pcb`), in an lwIP callback:
 * do what the host asked meanwhile (abort, or the close that shutdown or
 * consumed allow). Returns ERR_OK, or ERR_ABRT if the pcb is gone (lwIP
 * freed it meanwhile, or it was aborted here). */
static err_t after_callback(conn *c, uint32_t id, struct tcp_pcb *pcb)
{
    if (conn_get(id) != c || c->pcb != pcb)
        return ERR_ABRT; /* on_err ran: lwIP has freed the pcb */
    if (--c->busy)
        return ERR_OK;
    if (!c->abort_pending)
        return maybe_close(c);
    detach(pcb);
    conn_free(c);
    tcp_abort(pcb);
    return ERR_ABRT;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    conn *c = arg;
    (void)err;
    if (!c) { /* (detached: lwIP's own tcp_recv_null does this) */
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    uint32_t id = conn_id(c);
    c->busy++;
    if (!p) { /* FIN */
        c->rx_eof = 1;
        un.h.tcp_eof(un.h.opaque, id);
    } else {
        c->unconsumed += p->tot_len;
        for (struct pbuf *q = p; q; q = q->next) {
            un.h.tcp_data(un.h.opaque, id, q->payload, q->len);
            if (conn_get(id) != c || c->abort_pending)
                break;
        }
        pbuf_free(p);
    }
    return after_callback(c, id, pcb);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    conn *c = arg;
    (void)len;
    if (!c || !c->want_writable || tcp_sndbuf(pcb) < TCP_SND_BUF / 2)
        return ERR_OK;
    uint32_t id = conn_id(c);
    c->want_writable = 0;
    c->busy++;
    un.h.tcp_writable(un.h.opaque, id);
    return after_callback(c, id, pcb);
}

static void on_err(void *arg, err_t err)
{
    conn *c = arg; /* lwIP has freed the pcb */
    if (!c)
        return;
    uint32_t id = conn_id(c);
    conn_free(c);
    un.h.tcp_closed(un.h.opaque, id, err != ERR_CLSD);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    conn *c = arg; /* the new pcb's arg, set by on_passive_open */
    (void)pcb;
    if (!c || err != ERR_OK)
        return ERR_VAL;
    c->state = C_OPEN;
    un.fin_due |= c->fin_wait; /* the FIN from leave(): tcp_process sets the state after this */
    return ERR_OK;
}

/* A forward's SYN-ACK from the guest. */
static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    conn *c = arg;
    (void)err;
    if (!c)
        return ERR_OK;
    uint32_t id = conn_id(c);
    c->state = C_OPEN;
    if (c->tx_eof) /* the host finished while the guest was accepting */
        tcp_shutdown(pcb, 0, 1);
    c->busy++;
    un.h.tcp_ready(un.h.opaque, id);
    return after_callback(c, id, pcb);
}

static void attach(conn *c, struct tcp_pcb *pcb)
{
    c->pcb = pcb;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
}

static err_t on_passive_open(u8_t id, struct tcp_pcb_listen *lpcb, struct tcp_pcb *npcb)
{
    (void)id, (void)lpcb;
    if (!un.injecting)
        return ERR_VAL; /* a SYN usernet did not let through: lwIP drops the pcb */
    attach(un.injecting, npcb);
    return ERR_OK;
}

static const struct tcp_ext_arg_callbacks ext_callbacks = {NULL, on_passive_open};

/* A guest SYN may reopen a connection lwIP holds in TIME-WAIT (RFC 9293
 * 3.10.7.4 and RFC 6191; lwIP would answer it with an ACK for the old one):
 * the guest reuses a port within 2 MSL (2 min) when it opens many
 * connections to one place. Drop that TIME-WAIT pcb. */
static void end_time_wait(const conn *c)
{
    for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next)
        if (p->remote_port == c->gport && p->local_port == c->dport && ipu(&p->remote_ip) == c->gip &&
            ipu(&p->local_ip) == c->dip) {
            tcp_abort(p);
            return;
        }
}

/* Feed a connection's held SYN to the listener, now that the host is connected. */
static void inject_syn(conn *c)
{
    uint32_t id = conn_id(c);
    end_time_wait(c);
    c->state = C_HANDSHAKE;
    un.listener->local_port = c->dport;
    un.injecting = c;
    feed(c->syn, c->synlen, c->dip);
    un.injecting = NULL;
    un.listener->local_port = 0;
    if (conn_get(id) != c)
        return; /* lwIP made the pcb and dropped it at once: on_err said tcp_closed */
    free(c->syn);
    c->syn = NULL;
    if (!c->pcb) { /* lwIP made no pcb (out of memory) */
        conn_free(c);
        un.h.tcp_closed(un.h.opaque, id, 1);
        return;
    }
    struct tcp_pcb *pcb = c->pcb;
    if (c->tx_eof) /* usernet_tcp_shutdown came before the SYN was fed */
        finish_tx(c);
    if (c->want_writable) { /* usernet_tcp_send came before: it can take data now */
        c->want_writable = 0;
        c->busy++;
        un.h.tcp_writable(un.h.opaque, id);
        after_callback(c, id, pcb);
    }
}

/* Feed a guest TCP segment (its header checked by tcp_frame) that is not
 * the SYN opening a connection. Works around lwIP 2.1.3 (tcp_process calls
 * tcp_parseopt for every segment a pcb gets), which takes the MSS option
 * from any segment, not only from the SYN (RFC 9293 3.7.1): a smaller MSS
 * later leaves queued segments longer than it, and lwIP's own checks fail,
 * an abort ("split <= mss" when the persist timer splits one, "mss_local is
 * too small" in tcp_write). So every MSS option that lwIP's walk of the
 * options could reach (RFC 9293 3.2) becomes NOPs, and the checksum is made
 * again; but not in the SYN-ACK of a forward (its pcb in SYN_SENT), nor in
 * a segment with a bad checksum, which lwIP drops. */
static void feed_segment(const uint8_t *f, size_t len, size_t ihl, size_t tot)
{
    const uint8_t *ip = f + ETH_HLEN, *t = ip + ihl;
    uint8_t *u = un.segment + ETH_HLEN + ihl;
    size_t hl = (size_t)(t[12] >> 4) * 4, n = tot - ihl;
    uint32_t src = rd32(ip + 12), dst = rd32(ip + 16);
    int rewritten = 0;
    for (size_t i = 20; i < hl && t[i] != 0 /* EOL */;) {
        if (t[i] == 1) { /* NOP */
            i++;
            continue;
        }
        if (i + 1 >= hl || t[i + 1] < 2)
            break; /* where lwIP stops too */
        if (t[i] == 2 && !rewritten) {
            conn *c = conn_find(src, rd16(t), dst, rd16(t + 2));
            if ((c && c->pcb && c->pcb->state == SYN_SENT) || !l4_sum_ok(t, n, src, dst, IP_PROTO_TCP))
                break;
            memcpy(un.segment, f, len);
            rewritten = 1;
        }
        if (t[i] == 2)
            memset(u + i, 1, LWIP_MIN(t[i + 1], hl - i));
        i += t[i + 1];
    }
    if (rewritten) {
        wr16(u + 16, 0);
        wr16(u + 16, inet_fold(inet_sum(u, n, inet_pseudo(src, dst, IP_PROTO_TCP, n))));
    }
    feed(rewritten ? un.segment : f, len, dst);
}

/* A TCP segment from the guest: a new connection's SYN is held and handed
 * to the host, everything else goes to lwIP (which resets what matches no
 * connection). */
static void tcp_frame(const uint8_t *f, size_t len, const uint8_t *ip, size_t ihl, size_t tot)
{
    const uint8_t *t = ip + ihl;
    uint32_t src = rd32(ip + 12), dst = rd32(ip + 16);
    if (tot < ihl + 20 || (size_t)(t[12] >> 4) * 4 < 20 || (size_t)(t[12] >> 4) * 4 > tot - ihl) {
        un.frames_bad++;
        return;
    }
    uint16_t sport = rd16(t), dport = rd16(t + 2);
    if ((t[13] & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) != TCP_SYN) {
        feed_segment(f, len, ihl, tot);
        return;
    }
    conn *c = conn_find(src, sport, dst, dport);
    if (c && c->state != C_PENDING && c->state != C_READY) {
        feed_segment(f, len, ihl, tot); /* lwIP answers a SYN on a connection it has */
        return;
    }
    if (!l4_sum_ok(t, tot - ihl, src, dst, IP_PROTO_TCP) || !sport || !dport) {
        un.frames_bad++;
        return;
    }
    if (c) { /* the guest retransmits while the host connects: keep the latest */
        if (len <= c->synlen) {
            memcpy(c->syn, f, len);
            c->synlen = len;
            c->gseq = rd32(t + 4);
        }
        return;
    }
    if (!(c = conn_new()) || !(c->syn = malloc(len))) {
        if (c)
            conn_free(c);
        rst_for(src, sport, dst, dport, rd32(t + 4) + 1); /* no room: refused */
        return;
    }
    memcpy(c->syn, f, len);
    c->synlen = len;
    c->state = C_PENDING;
    c->gip = src, c->gport = sport, c->dip = dst, c->dport = dport;
    c->gseq = rd32(t + 4);
    c->t0 = sys_now();
    un.h.tcp_connect(un.h.opaque, conn_id(c), dst, dport);
}

void usernet_tcp_connected(uint32_t id, int ok)
{
    conn *c = conn_get(id);
    if (!c || c->state != C_PENDING)
        return;
    if (!ok) {
        rst_syn(c);
        conn_free(c);
        return;
    }
    c->state = C_READY;
    un.syn_ready = 1;
    un.depth++;
    leave(); /* fed now, or when the outermost call into lwIP ends */
}

size_t usernet_tcp_send(uint32_t id, const uint8_t *data, size_t len)
{
    conn *c = conn_get(id);
    size_t done = 0;
    if (!c || c->tx_eof || !data)
        return 0;
    if (!c->pcb) { /* C_PENDING, C_READY: nothing can queue yet */
        c->want_writable = 1;
        return 0;
    }
    /* lwIP queues data in SYN_RCVD and SYN_SENT too. */
    while (done < len) {
        size_t m = LWIP_MIN(len - done, LWIP_MIN(tcp_sndbuf(c->pcb), 0xffff));
        err_t e = ERR_OK;
        while (m && (e = tcp_write(c->pcb, data + done, (u16_t)m, TCP_WRITE_FLAG_COPY)) == ERR_MEM)
            m /= 2; /* out of segments or heap: try a smaller piece */
        if (!m || e != ERR_OK)
            break;
        done += m;
    }
    tcp_output(c->pcb);
    if (done < len)
        c->want_writable = 1;
    return done;
}

void usernet_tcp_consumed(uint32_t id, size_t len)
{
    conn *c = conn_get(id);
    if (!c || !c->pcb || len > c->unconsumed)
        return;
    c->unconsumed -= len;
    while (len) {
        u16_t n = (u16_t)LWIP_MIN(len, 0xffff);
        tcp_recved(c->pcb, n);
        len -= n;
    }
    maybe_close(c);
}

/* The host sends no more (tx_eof): FIN after the data queued, or, in
 * SYN_RCVD, once the handshake is complete (RFC 9293 3.10.4, CLOSE in
 * SYN-RECEIVED: queued until ESTABLISHED). lwIP 2.1.3 would go straight to
 * FIN_WAIT_1 with the congestion window of tcp_alloc(), 1 byte, which it
 * sets only on the way to ESTABLISHED: no segment fits it, so the data would
 * never go; and a persist timer started by a small window would then never
 * stop, and when it fires tcp_slowtmr() splits the unsent segment at the
 * window cut to 16 bits, 0 for a scaled window of 64 KiB: an assertion fails
 * (abort). */
static void finish_tx(conn *c)
{
    if (c->pcb->state == SYN_RCVD)
        c->fin_wait = 1; /* on_accept, then leave() */
    else if (c->rx_eof && !c->unconsumed)
        maybe_close(c);
    else
        tcp_shutdown(c->pcb, 0, 1);
}

void usernet_tcp_shutdown(uint32_t id)
{
    conn *c = conn_get(id);
    if (!c || c->tx_eof)
        return;
    c->tx_eof = 1;
    if (!c->pcb || c->pcb->state == SYN_SENT)
        return; /* FIN once the SYN is fed (C_PENDING, C_READY) or the guest has accepted (forward) */
    finish_tx(c);
}

void usernet_tcp_abort(uint32_t id)
{
    conn *c = conn_get(id);
    if (!c)
        return;
    if (c->busy) { /* inside a callback about it: after that returns */
        c->abort_pending = 1;
        return;
    }
    struct tcp_pcb *pcb = c->pcb;
    if (!pcb)
        rst_syn(c);
    else
        detach(pcb);
    conn_free(c);
    if (pcb)
        tcp_abort(pcb);
}

uint32_t usernet_tcp_forward(uint16_t guest_port)
{
    if (!un.open || !guest_port)
        return 0;
    conn *c = conn_new();
    struct tcp_pcb *pcb = c ? tcp_new() : NULL;
    ip_addr_t gw = ipa(USERNET_HOST_IP), guest = ipa(un.guest_ip);
    if (!pcb) {
        if (c)
            conn_free(c);
        return 0;
    }
    if (tcp_bind(pcb, &gw, 0) != ERR_OK) {
        tcp_abort(pcb);
        conn_free(c);
        return 0;
    }
    c->state = C_HANDSHAKE;
    c->gip = un.guest_ip, c->gport = guest_port, c->dip = USERNET_HOST_IP, c->dport = pcb->local_port;
    attach(c, pcb);
    if (tcp_connect(pcb, &guest, guest_port, on_connected) != ERR_OK) {
        detach(pcb);
        conn_free(c);
        tcp_abort(pcb);
        return 0;
    }
    return conn_id(c);
}

/* ---- UDP: DHCP server, DNS, the rest to the host ---- */

static void udp_reply(uint32_t from, uint16_t sport, uint32_t to, uint16_t dport, const uint8_t *data, size_t len)
{
    struct pbuf *b = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    ip_addr_t src = ipa(from), dst = ipa(to);
    if (!b)
        return;
    pbuf_take(b, data, (u16_t)len);
    un.udp_out->local_port = sport;
    udp_sendto_if_src(un.udp_out, b, &dst, dport, &un.nif, &src);
    pbuf_free(b);
}

void usernet_udp_recv(uint32_t ip, uint16_t port, uint16_t guest_port, const uint8_t *data, size_t len)
{
    if (un.open && len <= UDP_PAYLOAD_MAX && port && (data || !len))
        udp_reply(ip, port, un.guest_ip, guest_port, data, len);
}

static uint8_t *dhcp_opt(uint8_t *o, uint8_t code, uint32_t v)
{
    o[0] = code;
    o[1] = 4;
    wr32(o + 2, v);
    return o + 6;
}

/* A DHCP message (RFC 2131 3, options of RFC 2132) from the guest: DISCOVER
 * gets OFFER, REQUEST gets ACK (or NAK for another address), INFORM gets ACK
 * with the options only. Replies go to 255.255.255.255:68. */
static void dhcp(const uint8_t *m, size_t n)
{
    uint8_t r[300] = {0}, *o = r + 240, type = 0, reply;
    uint32_t want = 0;
    if (n < 240 || m[0] != 1 || m[1] != 1 || m[2] != 6 || rd32(m + 236) != DHCP_MAGIC)
        return; /* BOOTREQUEST over Ethernet only */
    for (size_t i = 240; i < n && m[i] != 255;) {
        if (m[i] == 0) { /* pad */
            i++;
            continue;
        }
        if (i + 2 > n || i + 2 + m[i + 1] > n)
            return;
        if (m[i] == 53 && m[i + 1] >= 1)
            type = m[i + 2]; /* message type */
        if (m[i] == 50 && m[i + 1] >= 4)
            want = rd32(m + i + 2); /* requested address */
        i += 2 + (size_t)m[i + 1];
    }
    if (!want)
        want = rd32(m + 12); /* ciaddr, when renewing */
    if (type == 1)
        reply = 2; /* DHCPDISCOVER -> DHCPOFFER */
    else if (type == 3)
        reply = !want || want == USERNET_GUEST_IP ? 5 : 6; /* DHCPREQUEST -> DHCPACK / DHCPNAK */
    else if (type == 8)
        reply = 5; /* DHCPINFORM -> DHCPACK */
    else
        return;
    memcpy(r, m, 44); /* op htype hlen hops xid secs flags ciaddr yiaddr siaddr giaddr chaddr */
    r[0] = 2;         /* BOOTREPLY */
    r[3] = 0;
    memset(r + 12, 0, 16);
    if (type == 8)
        memcpy(r + 12, m + 12, 4); /* ciaddr */
    else if (reply != 6)
        wr32(r + 16, USERNET_GUEST_IP); /* yiaddr */
    wr32(r + 20, USERNET_HOST_IP);      /* siaddr */
    wr32(r + 236, DHCP_MAGIC);
    *o++ = 53, *o++ = 1, *o++ = reply;
    o = dhcp_opt(o, 54, USERNET_HOST_IP); /* server identifier */
    if (reply != 6) {
        if (type != 8)
            o = dhcp_opt(o, 51, USERNET_LEASE_S);
        o = dhcp_opt(o, 1, USERNET_NETMASK);
        o = dhcp_opt(o, 3, USERNET_HOST_IP); /* router */
        o = dhcp_opt(o, 6, USERNET_DNS_IP);
    }
    *o = 255; /* end */
    udp_reply(USERNET_HOST_IP, 67, IP_BROADCAST, 68, r, sizeof(r));
}

/* Answer query `q` (RFC 1035 4.1.1): the question echoed, then one answer
 * record per address that fits; frees its slot. */
static void dns_send(dnsq *q, int rcode, const uint8_t *addrs, int naddrs, int addrlen, uint32_t ttl)
{
    uint8_t r[DNS_MSG_MAX];
    size_t len = 12 + q->qlen;
    uint16_t an = 0;
    int want = q->qtype == 1 ? 4 : 16;
    memcpy(r, q->hdr, 2);
    wr16(r + 2, (uint16_t)(0x8000 | (q->hdr[2] & 1) << 8 | 0x80 | (rcode & 15))); /* QR, RD echoed, RA */
    memcpy(r + 12, q->q, q->qlen);
    for (int i = 0; addrs && addrlen == want && i < naddrs && len + 12 + (size_t)want <= sizeof(r); i++) {
        uint8_t *a = r + len;
        wr16(a, 0xc00c); /* the name: a pointer to the question's */
        wr16(a + 2, q->qtype);
        wr16(a + 4, 1); /* class IN */
        wr32(a + 6, ttl);
        wr16(a + 10, (uint16_t)want);
        memcpy(a + 12, addrs + (size_t)i * (size_t)want, (size_t)want);
        len += 12 + (size_t)want;
        an++;
    }
    wr16(r + 4, 1);
    wr16(r + 6, an);
    wr16(r + 8, 0);
    wr16(r + 10, 0);
    udp_reply(USERNET_DNS_IP, 53, q->gip, q->gport, r, len);
    q->used = 0;
}

/* A DNS query (RFC 1035 4.1) to USERNET_DNS_IP:53: one question, type A or
 * AAAA of class IN, goes to the host resolver; other types get an empty
 * answer, names the host could not take (with '.' or control bytes in a
 * label) REFUSED. Malformed queries are dropped. */
static void dns(uint32_t gip, uint16_t gport, const uint8_t *m, size_t n)
{
    char name[256];
    size_t i = 12, k = 0;
    int odd = 0;
    dnsq *q = NULL;
    if (n < 12 || (m[2] & 0xf8) || rd16(m + 4) != 1)
        return; /* a standard query (QR 0, OPCODE 0) with one question */
    while (i < n && m[i]) {
        size_t l = m[i];
        if (l > 63 || i + 1 + l >= n || k + l + 1 >= sizeof(name))
            return; /* a compression pointer, truncated, or a name over 255 bytes */
        if (k)
            name[k++] = '.';
        for (size_t j = 0; j < l; j++) {
            uint8_t ch = m[i + 1 + j];
            odd |= ch <= ' ' || ch == '.' || ch >= 0x7f;
            name[k++] = (char)ch;
        }
        i += 1 + l;
    }
    name[k] = 0;
    if (i + 5 > n)
        return;
    for (int j = 0; j < USERNET_MAX_DNS && !q; j++)
        if (!un.dns[j].used)
            q = &un.dns[j];
    if (!q)
        return; /* all busy: the guest retries */
    q->used = 1;
    if (!un.next_query)
        un.next_query = 1; /* (ids are never 0) */
    q->id = un.next_query++;
    q->gip = gip;
    q->gport = gport;
    q->t0 = sys_now();
    memcpy(q->hdr, m, 4);
    q->qlen = i + 5 - 12;
    memcpy(q->q, m + 12, q->qlen);
    q->qtype = rd16(m + i + 1);
    if (odd || !k)
        dns_send(q, 5, NULL, 0, 0, 0); /* REFUSED */
    else if (rd16(m + i + 3) != 1 || (q->qtype != 1 && q->qtype != 28))
        dns_send(q, 0, NULL, 0, 0, 0); /* no data of that type */
    else
        un.h.dns_query(un.h.opaque, q->id, name, q->qtype);
}

void usernet_dns_answer(uint32_t query, int rcode, const uint8_t *addrs, int naddrs, int addrlen, uint32_t ttl)
{
    if (!un.open)
        return;
    for (int j = 0; j < USERNET_MAX_DNS; j++)
        if (un.dns[j].used && un.dns[j].id == query) {
            dns_send(&un.dns[j], rcode, addrs, naddrs, addrlen, ttl);
            return;
        }
}

/* Every UDP datagram (after reassembly), whatever its port. */
static u8_t on_udp(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    (void)arg, (void)pcb, (void)addr;
    size_t n = p->tot_len;
    uint32_t src = ipu(ip_current_src_addr()), dst = ipu(ip_current_dest_addr());
    pbuf_copy_partial(p, un.dgram, (u16_t)n, 0);
    pbuf_free(p);
    size_t hl = (size_t)(un.dgram[0] & 15) * 4;
    const uint8_t *u = un.dgram + hl;
    if (n < hl + 8 || rd16(u + 4) < 8 || rd16(u + 4) > n - hl)
        return 1;
    size_t ulen = rd16(u + 4);
    if (rd16(u + 6) && !l4_sum_ok(u, ulen, src, dst, IP_PROTO_UDP))
        return 1; /* (checksum 0: none, RFC 768) */
    uint16_t sport = rd16(u), dport = rd16(u + 2);
    if (dport == 67)
        dhcp(u + 8, ulen - 8);
    else if (dst == USERNET_DNS_IP && dport == 53)
        dns(src, sport, u + 8, ulen - 8);
    else if (dst != IP_BROADCAST && sport && dport)
        un.h.udp_send(un.h.opaque, sport, dst, dport, u + 8, ulen - 8);
    return 1; /* eaten */
}

/* ---- frames in ---- */

/* 1 if `a` may be the guest's own address: in 10.0.2.0/24, not a virtual
 * host, the network or the broadcast address. */
static int guest_addr(uint32_t a)
{
    uint32_t h = a & 255;
    return (a & USERNET_NETMASK) == (USERNET_GUEST_IP & USERNET_NETMASK) && h != 0 && h != 255 &&
           a != USERNET_HOST_IP && a != USERNET_DNS_IP;
}

static void input(const uint8_t *f, size_t len)
{
    if (len < ETH_HLEN || len > USERNET_FRAME_MAX) {
        un.frames_bad++;
        return;
    }
    uint16_t type = rd16(f + 12);
    if (type == ETHTYPE_ARP) {
        if (len < ETH_HLEN + 28) {
            un.frames_bad++;
            return;
        }
        uint32_t tip = rd32(f + ETH_HLEN + 24); /* the target protocol address */
        feed(f, len, tip == USERNET_HOST_IP || tip == USERNET_DNS_IP ? tip : 0);
        return;
    }
    if (type != ETHTYPE_IP || len < ETH_HLEN + 20) {
        un.frames_bad++;
        return;
    }
    const uint8_t *ip = f + ETH_HLEN;
    size_t ihl = (size_t)(ip[0] & 15) * 4, tot = rd16(ip + 2);
    if (ip[0] >> 4 != 4 || ihl < 20 || tot < ihl || ETH_HLEN + tot > len) {
        un.frames_bad++;
        return;
    }
    uint32_t src = rd32(ip + 12), dst = rd32(ip + 16);
    if (dst == IP_BROADCAST) { /* DHCP only */
        if (ip[9] == IP_PROTO_UDP)
            feed(f, len, 0);
        return;
    }
    if (!src || dst >> 28 == 14 || dst >> 24 == 127 || dst >> 24 == 0 || dst == (USERNET_GUEST_IP | 255)) {
        un.frames_bad++; /* multicast, loopback, "this network", subnet broadcast */
        return;
    }
    if (guest_addr(src))
        un.guest_ip = src;
    switch (ip[9]) {
    case IP_PROTO_ICMP: /* echo is answered for the virtual hosts only */
        if (dst == USERNET_HOST_IP || dst == USERNET_DNS_IP)
            feed(f, len, dst);
        break;
    case IP_PROTO_UDP:
        feed(f, len, dst);
        break;
    case IP_PROTO_TCP:
        if (rd16(ip + 6) & 0x3fff) /* fragmented: guests set DF on TCP */
            un.frames_bad++;
        else
            tcp_frame(f, len, ip, ihl, tot);
        break;
    default:
        un.frames_bad++;
    }
}

void usernet_input(const uint8_t *frame, size_t len)
{
    if (!un.open || un.depth || !frame)
        return;
    un.frames_in++;
    un.depth++;
    input(frame, len);
    leave();
}

/* Work around lwIP 2.1.3 (tcp_in.c, tcp_receive): an ACK that covers a zero
 * window probe (RFC 9293 3.8.6.1) of the last unsent segment, one byte or a
 * FIN, frees that segment but leaves the persist timer running, and the next
 * tcp_slowtmr() then fails the assertion "persist ticking with empty send
 * buffer" (an abort). A guest does that when its window reopens as the probe
 * arrives. Stop such timers, as tcp_output() does once nothing waits. */
static void stop_idle_persist_timers(void)
{
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
        if (p->persist_backoff && !p->unsent) {
            p->persist_backoff = 0;
            p->persist_probe = 0;
        }
}

void usernet_poll(void)
{
    if (!un.open || un.depth)
        return;
    uint32_t now = sys_now();
    un.depth++;
    stop_idle_persist_timers();
    sys_check_timeouts();
    for (int j = 0; j < USERNET_MAX_DNS; j++) /* the host never answered */
        if (un.dns[j].used && now - un.dns[j].t0 >= USERNET_DNS_TIMEOUT_MS)
            dns_send(&un.dns[j], 2, NULL, 0, 0, 0); /* SERVFAIL */
    for (int i = 0; i < USERNET_MAX_CONNS; i++) {
        conn *c = &un.conns[i];
        if (c->state == C_PENDING && now - c->t0 >= USERNET_CONNECT_TIMEOUT_MS) {
            uint32_t id = conn_id(c);
            rst_syn(c);
            conn_free(c);
            un.h.tcp_closed(un.h.opaque, id, 1);
        }
    }
    leave();
}

uint32_t usernet_next_poll_ms(void)
{
    if (!un.open)
        return 1000;
    uint32_t next = LWIP_MIN(sys_timeouts_sleeptime(), 1000), now = sys_now(), left;
    for (int j = 0; j < USERNET_MAX_DNS; j++)
        if (un.dns[j].used) {
            left = now - un.dns[j].t0 >= USERNET_DNS_TIMEOUT_MS ? 0 : USERNET_DNS_TIMEOUT_MS - (now - un.dns[j].t0);
            next = LWIP_MIN(next, left);
        }
    for (int i = 0; i < USERNET_MAX_CONNS; i++)
        if (un.conns[i].state == C_PENDING) {
            uint32_t age = now - un.conns[i].t0;
            left = age >= USERNET_CONNECT_TIMEOUT_MS ? 0 : USERNET_CONNECT_TIMEOUT_MS - age;
            next = LWIP_MIN(next, left);
        }
    return next;
}

/* ---- start and end ---- */

static int host_ok(const usernet_host *h)
{
    return h && h->now_ms && h->output && h->tcp_connect && h->tcp_ready && h->tcp_data && h->tcp_eof &&
           h->tcp_writable && h->tcp_closed && h->udp_send && h->dns_query;
}

/* Free every lwIP object usernet made, and what lwIP still holds for them. */
static void teardown(void)
{
    un.quiet = 1; /* no frames out from here on */
    for (int i = 0; i < USERNET_MAX_CONNS; i++) {
        conn *c = &un.conns[i];
        if (c->pcb)
            detach(c->pcb);
        if (c->state != C_FREE)
            conn_free(c);
    }
    /* The pcbs left: usernet's closing ones (detached), TIME_WAIT ones. */
    struct tcp_pcb **lists[] = {&tcp_active_pcbs, &tcp_tw_pcbs, &tcp_bound_pcbs};
    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
        while (*lists[l]) {
            detach(*lists[l]);
            tcp_abort(*lists[l]);
        }
    if (un.listener)
        tcp_close(un.listener);
    if (un.udp_in)
        raw_remove(un.udp_in);
    if (un.udp_out)
        udp_remove(un.udp_out);
    un.listener = NULL, un.udp_in = NULL, un.udp_out = NULL;
    for (int t = 0; t <= IP_REASS_MAXAGE; t++)
        ip_reass_tmr(); /* fragments waiting for the rest */
    if (netif_default == &un.nif) {
        netif_set_down(&un.nif); /* and its ARP entries and the frames queued on them */
        netif_remove(&un.nif);
    }
    un.open = 0;
    un.quiet = 0;
}

int usernet_init(const usernet_host *host, const uint8_t mac[6])
{
    if (un.open || !host_ok(host) || !mac)
        return -1;
    uint16_t gens[USERNET_MAX_CONNS]; /* ids stay unique across sessions */
    for (int i = 0; i < USERNET_MAX_CONNS; i++)
        gens[i] = un.conns[i].gen;
    memset(&un, 0, sizeof(un));
    for (int i = 0; i < USERNET_MAX_CONNS; i++)
        un.conns[i].gen = gens[i];
    un.h = *host;
    un.open = 1;
    un.guest_ip = USERNET_GUEST_IP;
    un.next_query = 1;
    un.rng = 0x2545f491;
    if (!lwip_ready) {
        lwip_init();
        ext_id = tcp_ext_arg_alloc_id();
        lwip_ready = 1;
    } else {
        sys_restart_timeouts(); /* lwIP's timers, on this host's clock */
    }
    ip_addr_t addr = ipa(USERNET_HOST_IP), any = ipa(0);
    un.depth++; /* (the gratuitous ARP goes out) */
    struct netif *n = netif_add(&un.nif, ip_2_ip4(&addr), ip_2_ip4(&any), ip_2_ip4(&any), NULL, nif_init,
                                ethernet_input);
    if (n) {
        memcpy(un.nif.hwaddr, mac, ETH_HWADDR_LEN);
        netif_set_default(&un.nif);
        netif_set_up(&un.nif);
    }
    un.depth--;
    struct tcp_pcb *pcb = n ? tcp_new() : NULL;
    if (pcb && tcp_bind(pcb, IP_ANY_TYPE, 1) == ERR_OK)
        un.listener = tcp_listen(pcb); /* (frees pcb) */
    else if (pcb)
        tcp_abort(pcb);
    un.udp_in = un.listener ? raw_new(IP_PROTO_UDP) : NULL;
    un.udp_out = un.udp_in ? udp_new() : NULL;
    if (!un.udp_out) {
        teardown();
        return -1;
    }
    tcp_ext_arg_set_callbacks(un.listener, ext_id, &ext_callbacks);
    tcp_accept(un.listener, on_accept);
    un.listener->local_port = 0; /* set per SYN fed */
    raw_recv(un.udp_in, on_udp, NULL);
    return 0;
}

void usernet_close(void)
{
    if (un.open && !un.depth)
        teardown();
}

void usernet_get_stats(usernet_stats *s)
{
    memset(s, 0, sizeof(*s));
    if (!un.open)
        return;
    for (int i = 0; i < USERNET_MAX_CONNS; i++) {
        s->tcp_open += un.conns[i].state == C_OPEN;
        s->tcp_pending += un.conns[i].state == C_PENDING || un.conns[i].state == C_READY;
    }
    for (int j = 0; j < USERNET_MAX_DNS; j++)
        s->dns_pending += un.dns[j].used;
    struct tcp_pcb *lists[] = {tcp_active_pcbs, tcp_tw_pcbs, tcp_bound_pcbs};
    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
        for (struct tcp_pcb *p = lists[l]; p; p = p->next)
            s->tcp_pcbs++;
    s->frames_in = un.frames_in;
    s->frames_out = un.frames_out;
    s->frames_bad = un.frames_bad;
}
