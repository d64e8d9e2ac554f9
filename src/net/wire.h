/* Network byte order (big-endian) loads and stores and the Internet checksum
 * (RFC 1071), for code that reads and builds packets byte by byte
 * (src/net/usernet.c and its tests). */
#ifndef WVM_NET_WIRE_H
#define WVM_NET_WIRE_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static inline void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)(v >> 16));
    wr16(p + 2, (uint16_t)v);
}

/* `sum` plus the 16-bit big-endian words of `n` bytes at `p` (an odd last
 * byte padded with zero), not folded: chain calls, then fold with inet_fold. */
static inline uint32_t inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (; n > 1; p += 2, n -= 2)
        sum += rd16(p);
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

/* The one's complement of the one's complement sum: the checksum to store,
 * or 0 when summing data that holds a right checksum. */
static inline uint16_t inet_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The IPv4 pseudo-header's sum (RFC 9293 3.1, RFC 768) for `len` bytes of
 * protocol `proto` (6 TCP, 17 UDP) from `src` to `dst` (host byte order). */
static inline uint32_t inet_pseudo(uint32_t src, uint32_t dst, uint8_t proto, size_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + (uint32_t)len;
}

#endif
