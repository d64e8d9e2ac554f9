/*
 * usernet_fuzz_test.c - a hostile guest against user-mode networking
 * (src/net/usernet.c on lwIP): random frames and half-valid ones (right IP
 * header and often a right TCP/UDP checksum, random everything else: DHCP,
 * DNS, SYNs, segments of flows the stack opened with numbers near the right
 * ones) against a host that answers at random, sometimes from inside its
 * callbacks. Under the ASan+UBSan build any out-of-bounds access, leak or
 * undefined behaviour fails the run; the checks here are that every frame
 * out is well formed, that no callback names a connection that is not open
 * (so none ends twice), and that the stack closes and reopens clean. Seed 1,
 * 200000 frames (about 3 s under ASan); WVM_USERNET_FUZZ_SEEDS=N runs
 * seeds 1..N (a fresh stack each), WVM_USERNET_FUZZ_FRAMES=N frames each.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/usernet.h"

#include "check.h"
#include "netframes.h"

#define FRAMES 200000

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12; /* xorshift64* */
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t now;
static unsigned long long out_frames, out_bad, data_bytes, bad_ids, reentries;

/* The host's view of connection ids (slot = the id's low half): which are
 * open, and which of those wait for usernet_tcp_connected. */
static uint32_t open_id[USERNET_MAX_CONNS + 1], pending_id[USERNET_MAX_CONNS + 1];
static uint32_t ids[64]; /* recent ids, open or not, for random calls */
static int nids;

static void id_open(uint32_t id)
{
    uint32_t slot = id & 0xffff;
    if (!id || slot > USERNET_MAX_CONNS || open_id[slot])
        bad_ids++; /* a slot reused before its connection ended */
    else
        open_id[slot] = id;
    ids[nids++ % 64] = id;
}

/* A callback about `id`: it must be open. */
static int id_check(uint32_t id)
{
    uint32_t slot = id & 0xffff;
    if (slot > USERNET_MAX_CONNS || open_id[slot] != id) {
        bad_ids++;
        return 0;
    }
    return 1;
}

static void id_end(uint32_t id)
{
    uint32_t slot = id & 0xffff;
    if (slot <= USERNET_MAX_CONNS && open_id[slot] == id)
        open_id[slot] = pending_id[slot] = 0;
}

/* The host answers tcp_connect for `id` (a no-op unless it is pending). */
static void connected(uint32_t id, int ok)
{
    uint32_t slot = id & 0xffff;
    if (slot <= USERNET_MAX_CONNS && pending_id[slot] == id && id) {
        pending_id[slot] = 0;
        if (!ok)
            id_end(id);
    }
    usernet_tcp_connected(id, ok);
}

static uint32_t some_id(void)
{
    return nids ? ids[rnd() % (uint32_t)(nids < 64 ? nids : 64)] : 0;
}

/* Flows the stack answered (SYN-ACK or data to the guest): the guest then
 * sends segments with numbers near the right ones. */
typedef struct flow {
    uint32_t peer, seq, ack;
    uint16_t pport, gport;
} flow;
static flow flows[32];
static int nflows;

static uint32_t h_now(void *o)
{
    (void)o;
    return now;
}

static void h_output(void *o, const uint8_t *f, size_t n)
{
    (void)o;
    out_frames++;
    if (!frame_ok(f, n))
        out_bad++;
    if (n < 54 || rd16(f + 12) != 0x0800 || f[23] != 6)
        return;
    const uint8_t *ip = f + 14, *t = ip + (ip[0] & 15) * 4;
    size_t dlen = rd16(ip + 2) - (size_t)(ip[0] & 15) * 4 - (size_t)(t[12] >> 4) * 4;
    if ((t[13] & (TH_ACK | TH_RST)) != TH_ACK)
        return;
    flow *fl = &flows[nflows++ % 32];
    fl->peer = rd32(ip + 12), fl->pport = rd16(t), fl->gport = rd16(t + 2);
    fl->seq = rd32(t + 8), fl->ack = rd32(t + 4) + (uint32_t)dlen + ((t[13] & (TH_SYN | TH_FIN)) ? 1 : 0);
}

/* Now and then a callback calls back in: what must be ignored, or deferred. */
static void maybe_reenter(void)
{
    uint32_t r = rnd() % 16;
    if (r == 0) {
        uint8_t f[64];
        usernet_input(f, arp_frame(f, USERNET_GUEST_IP, USERNET_HOST_IP)); /* ignored */
        reentries++;
    } else if (r == 1) {
        usernet_close(); /* ignored */
        usernet_poll();  /* ignored */
        reentries++;
    } else if (r == 2) {
        connected(some_id(), (int)(rnd() % 2)); /* a SYN is fed after the outer call */
        reentries++;
    }
}

static void h_connect(void *o, uint32_t id, uint32_t ip, uint16_t port)
{
    (void)o, (void)ip, (void)port;
    id_open(id);
    pending_id[id & 0xffff] = id;
    if (rnd() % 3 == 0) /* else answered later */
        connected(id, (int)(rnd() % 2));
}

static void h_ready(void *o, uint32_t id)
{
    (void)o;
    id_check(id);
    maybe_reenter();
}

static void h_data(void *o, uint32_t id, const uint8_t *p, size_t n)
{
    (void)o, (void)p;
    if (!id_check(id))
        return;
    data_bytes += n;
    uint32_t r = rnd() % 10;
    if (r < 6) {
        usernet_tcp_consumed(id, n);
    } else if (r == 6) {
        usernet_tcp_abort(id);
        id_end(id);
    } else if (r == 7) {
        uint8_t d[2000];
        memset(d, 'x', sizeof(d));
        usernet_tcp_send(id, d, rnd() % sizeof(d));
    }
    maybe_reenter();
}

static void h_eof(void *o, uint32_t id)
{
    (void)o;
    if (id_check(id) && rnd() % 2)
        usernet_tcp_shutdown(id);
}

static void h_writable(void *o, uint32_t id)
{
    (void)o;
    id_check(id);
    maybe_reenter();
}

static void h_closed(void *o, uint32_t id, int reset)
{
    (void)o, (void)reset;
    if (id_check(id))
        id_end(id);
    if (rnd() % 8 == 0) {
        uint32_t f = usernet_tcp_forward((uint16_t)(rnd() % 4 + 8080)); /* a new one from inside */
        if (f)
            id_open(f);
    }
}

static void h_udp(void *o, uint16_t sport, uint32_t ip, uint16_t dport, const uint8_t *p, size_t n)
{
    (void)o;
    if (rnd() % 2)
        usernet_udp_recv(ip, dport, sport, p, n);
}

static void h_dns(void *o, uint32_t id, const char *name, int qtype)
{
    (void)o;
    uint8_t a[64];
    for (int i = 0; i < 64; i++)
        a[i] = (uint8_t)rnd();
    if (!name[0])
        bad_ids++; /* (usernet refuses empty names itself) */
    if (rnd() % 2)
        usernet_dns_answer(id, (int)(rnd() % 6), a, (int)(rnd() % 6) - 1, rnd() % 3 ? (qtype == 1 ? 4 : 16) : 7,
                           rnd());
}

static const usernet_host host = TEST_HOST;

static const uint32_t dsts[] = {
    USERNET_HOST_IP, USERNET_DNS_IP, USERNET_IP(93, 184, 216, 34), 0xffffffffu, USERNET_GUEST_IP, USERNET_IP(1, 2, 3, 4),
};

/* An IPv4 packet with a right header, and often a right L4 checksum, around
 * random bytes; `len` is the frame's length. */
static void half_valid(uint8_t *f, size_t len)
{
    uint8_t *ip = f + 14;
    size_t ihl = rnd() % 4 ? 20 : 20 + 4 * (rnd() % 10), tot = len - 14;
    if (ihl > tot)
        ihl = 20;
    wr16(f + 12, 0x0800);
    ip[0] = (uint8_t)(0x40 | ihl / 4);
    wr16(ip + 2, (uint16_t)(rnd() % 8 ? tot : rnd() % 1600));
    if (rnd() % 4)
        wr16(ip + 6, rnd() % 2 ? 0x4000 : 0);
    ip[9] = (uint8_t[]){1, 6, 17, 6, 17, 6}[rnd() % 6];
    uint32_t src = rnd() % 8 ? USERNET_GUEST_IP : rnd(), dst = rnd() % 8 ? dsts[rnd() % 6] : rnd();
    wr32(ip + 12, src);
    wr32(ip + 16, dst);
    if (ip[9] == 6 && tot >= ihl + 20 && rnd() % 2) { /* plausible TCP: flags, few ports */
        uint8_t *t = ip + ihl;
        wr16(t, (uint16_t)(40000 + rnd() % 8));
        wr16(t + 2, (uint16_t)(80 + rnd() % 3));
        t[12] = (uint8_t)((5 + rnd() % 3) << 4);
        t[13] = (uint8_t[]){0x02, 0x10, 0x18, 0x11, 0x04, 0x12, 0x19, 0x03}[rnd() % 8];
    }
    if (ip[9] == 17 && tot >= ihl + 8 && rnd() % 2) { /* plausible UDP: DHCP, DNS, other */
        uint8_t *u = ip + ihl;
        wr16(u + 2, (uint16_t[]){67, 53, 9999}[rnd() % 3]);
        wr16(u + 4, (uint16_t)(tot - ihl));
        if (rd16(u + 2) == 67 && tot >= ihl + 8 + 240) {
            u[8] = 1, u[9] = 1, u[10] = 6;
            wr32(u + 8 + 236, 0x63825363);
            u[8 + 240] = 53, u[8 + 241] = 1, u[8 + 242] = (uint8_t)(rnd() % 9);
        }
        if (rd16(u + 2) == 53 && tot >= ihl + 8 + 12) {
            u[10] = 1, u[11] = 0;
            wr16(u + 12, 1);
            if (rnd() % 2 && tot >= ihl + 8 + 12 + 20) /* a well-formed question: 4 'rand' labels */
                for (int l = 0; l < 4; l++)
                    u[8 + 12 + 5 * l] = l < 3 ? 4 : 0;
        }
    }
    wr16(ip + 10, 0);
    wr16(ip + 10, inet_fold(inet_sum(ip, ihl, 0)));
    if (rnd() % 4 && (ip[9] == 6 || ip[9] == 17) && tot > ihl + 8 && rd16(ip + 2) == tot) {
        uint8_t *l4 = ip + ihl;
        size_t n = tot - ihl, co = ip[9] == 6 ? 16 : 6;
        if (n > co + 2) {
            wr16(l4 + co, 0);
            wr16(l4 + co, inet_fold(inet_sum(l4, n, inet_pseudo(src, dst, ip[9], n))));
        }
    }
    if (ip[9] == 1 && tot > ihl + 4) { /* echo request */
        ip[ihl] = 8, ip[ihl + 1] = 0;
        wr16(ip + ihl + 2, 0);
        wr16(ip + ihl + 2, inet_fold(inet_sum(ip + ihl, tot - ihl, 0)));
    }
}

/* A segment of a flow the stack answered: right checksum, numbers near the
 * right ones, random flags and window. Returns the frame's length. */
static size_t flow_segment(uint8_t *f)
{
    flow *fl = &flows[rnd() % (uint32_t)(nflows < 32 ? nflows : 32)];
    uint8_t data[1460];
    size_t dl = rnd() % 4 ? rnd() % 1461 : 0;
    for (size_t i = 0; i < dl; i++)
        data[i] = (uint8_t)i;
    uint32_t seq = fl->seq + (rnd() % 4 ? 0 : rnd() % 200000 - 100000);
    uint32_t ack = fl->ack - (rnd() % 4 ? 0 : rnd() % 3000);
    uint8_t flags = (uint8_t[]){0x10, 0x18, 0x11, 0x04, 0x14, 0x02, 0x10, 0x18}[rnd() % 8];
    uint16_t wnd = (uint16_t)(rnd() % 4 ? 65535 : rnd() % 3000);
    if (seq == fl->seq && (flags & TH_ACK))
        fl->seq += (uint32_t)dl + (flags & TH_FIN);
    return tcp_frame(f, USERNET_GUEST_IP, fl->gport, fl->peer, fl->pport, seq, ack, flags, wnd, data, dl);
}

/* One seed: a fresh stack, `frames` guest frames with host actions between. */
static void run_seed(uint64_t seed, long frames)
{
    static uint8_t payload[3000]; /* what the host sends */
    for (size_t i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)i;
    rng_state = seed * 0x9E3779B97F4A7C15ull;
    memset(open_id, 0, sizeof(open_id)); /* usernet_close ended every id */
    memset(pending_id, 0, sizeof(pending_id));
    nids = nflows = 0;
    EQ(usernet_init(&host, NET_MAC), 0);
    for (long it = 0; it < frames; it++) {
        uint8_t f[USERNET_FRAME_MAX + 100];
        size_t len = 14 + rnd() % (USERNET_FRAME_MAX - 14 + 1 + (rnd() % 64 == 0 ? 64 : 0));
        for (size_t i = 0; i < len; i++)
            f[i] = (uint8_t)rnd();
        uint32_t kind = rnd() % 16;
        if (it % 256 == 0) /* as a guest does: ARP for the gateway (lwIP's entry expires in 5 min) */
            len = arp_frame(f, USERNET_GUEST_IP, USERNET_HOST_IP);
        else if (kind < 12 && len >= 34)
            half_valid(f, len);
        else if (kind == 12 && nflows)
            len = flow_segment(f);
        else if (kind < 14)
            wr16(f + 12, 0x0806);
        usernet_input(f, len);

        uint32_t r = rnd() % 64, id = some_id();
        if (r < 4 && nids) {
            connected(id, (int)(rnd() % 2));
        } else if (r < 8 && nids) {
            usernet_tcp_send(id, payload, rnd() % sizeof(payload));
        } else if (r == 8 && nids) {
            usernet_tcp_shutdown(id);
        } else if (r == 9 && nids) {
            usernet_tcp_abort(id);
            id_end(id);
        } else if (r == 10) {
            uint32_t fid = usernet_tcp_forward((uint16_t)rnd());
            if (fid)
                id_open(fid);
        } else if (r == 11) {
            usernet_udp_recv(rnd(), (uint16_t)rnd(), (uint16_t)rnd(), payload, rnd() % sizeof(payload));
        }
        if (rnd() % 8 == 0) {
            now += rnd() % 2000;
            usernet_poll();
        }
    }
    usernet_stats st;
    usernet_get_stats(&st);
    printf("seed %llu: %ld frames in (%llu dropped as malformed), %llu out, %llu guest bytes to the host, "
           "%llu calls from callbacks; tcp open %u, pending %u, lwIP pcbs %u, dns pending %u\n",
           (unsigned long long)seed, frames, (unsigned long long)st.frames_bad, out_frames, data_bytes, reentries,
           st.tcp_open, st.tcp_pending, st.tcp_pcbs, st.dns_pending);
    EQ(st.frames_in, (uint64_t)frames);
    usernet_close();

    /* Reopened, the stack starts clean and works. */
    EQ(usernet_init(&host, NET_MAC), 0);
    usernet_get_stats(&st);
    EQ(st.tcp_pcbs + st.tcp_open + st.tcp_pending + st.dns_pending, 0);
    unsigned long long before = out_frames;
    uint8_t f[64];
    usernet_input(f, arp_frame(f, USERNET_GUEST_IP, USERNET_HOST_IP));
    EQ(out_frames, before + 1);
    usernet_close();
}

int main(void)
{
    const char *s = getenv("WVM_USERNET_FUZZ_SEEDS"), *n = getenv("WVM_USERNET_FUZZ_FRAMES");
    uint64_t seeds = s ? strtoull(s, NULL, 10) : 1;
    long frames = n ? atol(n) : FRAMES;
    for (uint64_t seed = 1; seed <= seeds; seed++)
        run_seed(seed, frames);
    EQ(out_bad, 0);
    EQ(bad_ids, 0);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
