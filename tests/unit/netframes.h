/* Ethernet frames as a guest sends them, built byte by byte for the
 * user-mode networking tests (usernet_test.c, usernet_fuzz_test.c), and a
 * check of the frames that come back. */
#ifndef WVM_TEST_NETFRAMES_H
#define WVM_TEST_NETFRAMES_H

#include <string.h>

#include "net/usernet.h"
#include "net/wire.h"

static const uint8_t GUEST_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t NET_MAC[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}; /* the virtual hosts' */
static const uint8_t BCAST_MAC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

enum { TH_FIN = 1, TH_SYN = 2, TH_RST = 4, TH_PSH = 8, TH_ACK = 16 };

/* The usernet_host of a test whose fake host's callbacks are h_now,
 * h_output, h_connect, h_ready, h_data, h_eof, h_writable, h_closed, h_udp
 * and h_dns. */
#define TEST_HOST                                                                                          \
    {                                                                                                      \
        .now_ms = h_now, .output = h_output, .tcp_connect = h_connect, .tcp_ready = h_ready,               \
        .tcp_data = h_data, .tcp_eof = h_eof, .tcp_writable = h_writable, .tcp_closed = h_closed,          \
        .udp_send = h_udp, .dns_query = h_dns,                                                             \
    }

/* Ethernet header from the guest to `dst` with EtherType `type`; returns 14. */
static inline size_t eth_hdr(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, GUEST_MAC, 6);
    wr16(f + 12, type);
    return 14;
}

/* An ARP request (RFC 826) from the guest at `sip`: who has `tip`? */
static inline size_t arp_frame(uint8_t *f, uint32_t sip, uint32_t tip)
{
    size_t o = eth_hdr(f, BCAST_MAC, 0x0806);
    uint8_t *a = f + o;
    wr16(a, 1);          /* hardware: Ethernet */
    wr16(a + 2, 0x0800); /* protocol: IPv4 */
    a[4] = 6, a[5] = 4;
    wr16(a + 6, 1); /* request */
    memcpy(a + 8, GUEST_MAC, 6);
    wr32(a + 14, sip);
    memset(a + 18, 0, 6);
    wr32(a + 24, tip);
    return o + 28;
}

/* An IPv4 packet (no options, DF) of `n` bytes of protocol `proto`. */
static inline size_t ipv4_frame(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *l4, size_t n)
{
    size_t o = eth_hdr(f, dst == 0xffffffffu ? BCAST_MAC : NET_MAC, 0x0800);
    uint8_t *ip = f + o;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    wr16(ip + 2, (uint16_t)(20 + n));
    wr16(ip + 4, 1);
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = proto;
    wr32(ip + 12, src);
    wr32(ip + 16, dst);
    wr16(ip + 10, inet_fold(inet_sum(ip, 20, 0)));
    memcpy(ip + 20, l4, n);
    return o + 20 + n;
}

static inline size_t udp_frame(uint8_t *f, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                               const void *data, size_t n)
{
    uint8_t u[1500];
    wr16(u, sport);
    wr16(u + 2, dport);
    wr16(u + 4, (uint16_t)(8 + n));
    wr16(u + 6, 0);
    memcpy(u + 8, data, n);
    uint16_t c = inet_fold(inet_sum(u, 8 + n, inet_pseudo(src, dst, 17, 8 + n)));
    wr16(u + 6, c ? c : 0xffff);
    return ipv4_frame(f, src, dst, 17, u, 8 + n);
}

/* A TCP segment (RFC 9293 3.1); a SYN carries an MSS option of 1460. */
static inline size_t tcp_frame(uint8_t *f, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                               uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const void *data,
                               size_t n)
{
    uint8_t t[1500];
    size_t hl = flags & TH_SYN ? 24 : 20;
    memset(t, 0, hl);
    wr16(t, sport);
    wr16(t + 2, dport);
    wr32(t + 4, seq);
    wr32(t + 8, ack);
    t[12] = (uint8_t)(hl / 4 << 4);
    t[13] = flags;
    wr16(t + 14, wnd);
    if (hl == 24) {
        t[20] = 2, t[21] = 4;
        wr16(t + 22, 1460);
    }
    if (n)
        memcpy(t + hl, data, n);
    wr16(t + 16, inet_fold(inet_sum(t, hl + n, inet_pseudo(src, dst, 6, hl + n))));
    return ipv4_frame(f, src, dst, 6, t, hl + n);
}

/* 1 if a frame for the guest is well formed: an Ethernet header, and for
 * IPv4 a right header checksum and a right TCP, UDP or ICMP checksum (a
 * fragment's L4 data is not checked). */
static inline int frame_ok(const uint8_t *f, size_t n)
{
    if (n < 14 || n > USERNET_FRAME_MAX)
        return 0;
    if (rd16(f + 12) != 0x0800)
        return 1;
    const uint8_t *ip = f + 14;
    size_t hl = (size_t)(ip[0] & 15) * 4, tot = rd16(ip + 2);
    if (n < 34 || hl < 20 || tot < hl || 14 + tot > n || inet_fold(inet_sum(ip, hl, 0)))
        return 0;
    if (rd16(ip + 6) & 0x3fff)
        return 1;
    if (ip[9] == 6 || ip[9] == 17)
        return !inet_fold(inet_sum(ip + hl, tot - hl, inet_pseudo(rd32(ip + 12), rd32(ip + 16), ip[9], tot - hl)));
    if (ip[9] == 1)
        return !inet_fold(inet_sum(ip + hl, tot - hl, 0));
    return 1;
}

#endif
