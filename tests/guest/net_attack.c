/*
 * net_attack.c - a hostile guest against the network device (virtio-net,
 * VIRTIO 1.2 section 5.1, in virtio-mmio slot 6) and the user-mode network
 * behind it (src/net/usernet.c on lwIP). With a seed it sends malformed
 * descriptor chains and receive buffers, notifications of queues that do
 * not exist, and malformed frames of every layer: random Ethernet frames,
 * ARP (RFC 826), IPv4 (RFC 791) with bad headers, overlapping and endless
 * fragments, ICMP (RFC 792), TCP (RFC 9293) with random flags and options,
 * SYN floods past the stack's 256 connections, garbage DNS (RFC 1035) and
 * DHCP (RFC 2131) messages. Then it proves that the host kept its promises:
 *   - RAM never handed to the device (a canary region) is unchanged;
 *   - the device returns only chains it was given, writes no more than a
 *     receive buffer holds, refuses malformed chains (DEVICE_NEEDS_RESET)
 *     and works after a reset (status 0, features and queues again);
 *   - every frame from the stack is well formed, and the stack still
 *     answers: an ARP request for 10.0.2.2, an ICMP echo to it (same
 *     payload back), a DHCPDISCOVER (an OFFER of 10.0.2.15) and, given a
 *     host port, a SYN to 10.0.2.2 at that port (a SYN-ACK).
 * Not a TESTS_CHECK program: it needs the machine of tests/net-attack.test.mjs,
 *   -m 64 -bios none -kernel net_attack.elf -nic user
 * and its job on the UART, one line "SEED ROUNDS PORT" (PORT: a TCP port
 * listening on the host's 127.0.0.1, which the guest sees as 10.0.2.2; or
 * 0). The job and the outcome go to the UART; pass/fail through tohost.
 *
 * Nothing leaves the host: a SYN to 10.0.2.2 makes the host connect to its
 * own 127.0.0.1 at that port, so plain SYNs go to 10.0.2.2 only at PORT
 * (and at most SYNS_TO_PORT of them); the others go to 10.0.2.x addresses
 * that the host refuses without opening a socket. UDP goes only to the DHCP
 * server (port 67) and to the DNS server (10.0.2.3:53), whose only
 * resolvable name here is "localhost"; no other datagram is made with a
 * right UDP checksum (the stack would forward it).
 *
 * Guest RAM layout (64 MiB):
 *   [0, 4M)     this program
 *   [4M, 5M)    RINGS: descriptor tables, available rings and indirect
 *               tables (the device reads them)
 *   [5M, 6M)    USED: used rings, the only ring memory the device writes
 *   [6M, 8M)    TXBUF: frames sent, 4 KiB per descriptor, then a SYN flood's
 *               (the device reads them)
 *   [16M, 24M)  CANARY: never handed to the device
 *   [48M, 64M)  BUFS: receive buffers (4 KiB per descriptor) and every other
 *               buffer the device may write; it ends RAM
 */
#include "test.h"

#define RAM_SIZE (64UL << 20)
#define RAM_END (RAM_BASE + RAM_SIZE)
#define RINGS (RAM_BASE + (4UL << 20))
#define INDIRECT (RINGS + 0x4000) /* up to 4 descriptors per head */
#define USED (RAM_BASE + (5UL << 20))
#define TXBUF (RAM_BASE + (6UL << 20))
#define FLOOD (TXBUF + (1UL << 20)) /* a SYN flood's frames, 128 bytes each */
#define CANARY (RAM_BASE + (16UL << 20))
#define CANARY_LEN (8UL << 20)
#define BUFS (RAM_BASE + (48UL << 20))

#define UART 0x10000000UL
#define UART_LSR (UART + 5)
#define PLIC_PENDING 0x0c001000UL
#define NET 0x10007000UL /* virtio-mmio slot 6 */
#define NET_IRQ 7

/* virtio-mmio registers (VIRTIO 1.2, 4.2.2) */
enum {
  MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEV_FEATURES = 0x010, DEV_FEATURES_SEL = 0x014,
  DRV_FEATURES = 0x020, DRV_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034,
  QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, INT_STATUS = 0x060, INT_ACK = 0x064,
  STATUS = 0x070, QUEUE_DESC = 0x080, QUEUE_DRIVER = 0x090, QUEUE_DEVICE = 0x0a0, CONFIG = 0x100,
};
#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64
#define S_LIVE (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)
#define INT_USED 1
#define INT_CONFIG 2
#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4
#define FEAT_MAC (1UL << 5)
#define FEAT_STATUS (1UL << 16)
#define FEAT_INDIRECT (1UL << 28)
#define FEAT_VERSION_1 (1UL << 32)
#define QMAX 256 /* QueueNumMax wanted */

#define HDR 12        /* struct virtio_net_hdr with num_buffers (5.1.6) */
#define ETH 14        /* Ethernet header */
#define FRAME_MAX 1514 /* the largest frame the stack takes: 1500 bytes of payload */
#define WIRE_MAX 1518  /* the largest the device passes on (with a VLAN tag) */

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define GUEST IP(10, 0, 2, 15)
#define GATEWAY IP(10, 0, 2, 2)
#define DNS IP(10, 0, 2, 3)
#define BROADCAST 0xffffffffu
#define T_ARP 0x0806
#define T_IPV4 0x0800
#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define TCP_FIN 1
#define TCP_SYN 2
#define TCP_RST 4
#define TCP_PSH 8
#define TCP_ACK 16
#define TCP_URG 32

#define TIMEOUT_US 5000000UL /* for the device: generous, ASan and wasm builds are slow */
#define ANSWER_US 1000000UL  /* for one answer of the stack, before asking again */
#define ASKS 6               /* times a request is sent before the stack is declared dead */
#define SYNS_TO_PORT 48      /* connections opened to PORT by the attacks (the stack has 256) */

static const uint8_t host_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}; /* the virtual hosts' */
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t nomac[6];
static uint8_t mac[6]; /* ours, from config space (5.1.4) */

static uint64_t seed, rounds, round;
static unsigned port, syns_to_port, flows;
static uint64_t sent, received, resets;

/* ---------------------------------------------------------------- output */

static void putc_(char c) { *(volatile uint8_t *)UART = (uint8_t)c; }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void putu(uint64_t v)
{
  char b[21];
  int n = 0;
  do b[n++] = (char)('0' + v % 10); while (v /= 10);
  while (n) putc_(b[--n]);
}

static void fail(int n, const char *why)
{
  puts_("net-attack: FAIL ");
  puts_(why);
  puts_(" (seed ");
  putu(seed);
  puts_(", round ");
  putu(round);
  puts_(")\n");
  test_fail(n);
}

/* ------------------------------------------------------ time and the job */

static uint64_t now_us(void) { return mmio_read64(CLINT_MTIME) / 10; } /* 10 MHz */

/* The job line "SEED ROUNDS PORT" from the UART. */
static void read_job(void)
{
  uint64_t v[3] = {0};
  unsigned k = 0;
  int digits = 0;
  for (uint64_t t = now_us();;) {
    if (now_us() - t > 10000000UL) fail(1, "no job line \"SEED ROUNDS PORT\" on the UART");
    if (!(*(volatile uint8_t *)UART_LSR & 1)) continue; /* no data ready */
    char c = (char)*(volatile uint8_t *)UART;
    if (c >= '0' && c <= '9') {
      if (k < 3) v[k] = v[k] * 10 + (uint64_t)(c - '0');
      digits = 1;
    } else if (digits) {
      k++;
      digits = 0;
    }
    if (c == '\n') break;
  }
  if (k != 3 || v[2] > 65535) fail(1, "bad job line, want \"SEED ROUNDS PORT\"");
  seed = v[0], rounds = v[1], port = (unsigned)v[2];
}

/* ------------------------------------------------------------ randomness */

static unsigned below(unsigned n) { return (unsigned)(rnd() % n); }
static uint64_t mix(uint64_t z) /* splitmix64's finalizer: a seed per round */
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}
static void fill(uint8_t *p, unsigned n) { while (n--) *p++ = (uint8_t)rnd(); }
#define PICK(a) (a)[below(sizeof(a) / sizeof((a)[0]))]

/* An address a buffer of 65 bytes or more cannot wholly be in RAM at:
 * below it, past it, across its end, in MMIO (this device too), huge. */
static uint64_t outside_ram(void)
{
  static const uint64_t a[] = {0, 0x1000, SIFIVE_TEST, CLINT_BASE, 0x0c000000, UART, NET, NET + CONFIG,
                               RAM_BASE - 16, RAM_END - 64, RAM_END, RAM_END + 4096, 1UL << 63, ~0UL & ~4095UL};
  return PICK(a);
}

/* ------------------------------------------------------------ the wire */

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16), put16(p + 2, v & 0xffff); }
static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

/* The Internet checksum (RFC 1071): sum16() adds the 16-bit words, fold()
 * gives the checksum to store, or 0 over data that holds a right one. */
static uint32_t sum16(const uint8_t *p, unsigned n, uint32_t s)
{
  for (; n > 1; p += 2, n -= 2) s += get16(p);
  return n ? s + ((uint32_t)p[0] << 8) : s;
}
static unsigned fold(uint32_t s)
{
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}
/* The checksum of `n` bytes of TCP or UDP with the pseudo-header (RFC 9293
 * 3.1, RFC 768). */
static unsigned l4_sum(const uint8_t *p, unsigned n, uint32_t src, uint32_t dst, unsigned proto)
{
  return fold(sum16(p, n, (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + n));
}

/* ------------------------------------------------------- the virtqueues */

static uint32_t r32(unsigned off) { return mmio_read32(NET + off); }
static void w32(unsigned off, uint32_t v) { mmio_write32(NET + off, v); }
static int broken(void) { return (r32(STATUS) & S_NEEDS_RESET) != 0; }
static void set_addr(unsigned reg, uint64_t a) { w32(reg, (uint32_t)a), w32(reg + 4, (uint32_t)(a >> 32)); }

typedef struct queue {
  unsigned num;              /* size */
  uint64_t desc, avail, used;
  uint16_t avail_idx, used_seen;
  unsigned next, inflight;   /* first unused descriptor; chains the device has */
  uint8_t out[QMAX];         /* out[head]: the device has that chain */
} queue;

/* A receive chain's writable buffers (at most 3), and what it is. */
typedef struct rxchain {
  uint32_t cap;  /* writable bytes */
  int bad;       /* malformed: the device must never return it */
  unsigned n;
  uint64_t addr[3];
  uint32_t len[3];
} rxchain;

static queue rxq, txq;
static rxchain rxc[QMAX];
static int indirect; /* VIRTIO_F_INDIRECT_DESC negotiated */

/* Descriptor `i` of the table at `table` (2.7.5). */
static void desc_at(uint64_t table, unsigned i, uint64_t addr, uint32_t len, unsigned flags, unsigned next)
{
  uint64_t d = table + 16 * (uint64_t)i;
  *(volatile uint64_t *)d = addr;
  *(volatile uint32_t *)(d + 8) = len;
  *(volatile uint16_t *)(d + 12) = (uint16_t)flags;
  *(volatile uint16_t *)(d + 14) = (uint16_t)next;
}
static void desc(const queue *q, unsigned i, uint64_t addr, uint32_t len, unsigned flags, unsigned next)
{
  desc_at(q->desc, i, addr, len, flags, next);
}

/* Make chain `head` available (2.7.13): ring entry, then index. A head
 * past the table (an attack) is not a chain the device may have. */
static void publish(queue *q, unsigned head)
{
  *(volatile uint16_t *)(q->avail + 4 + 2 * (q->avail_idx % q->num)) = (uint16_t)head;
  __asm__ volatile("fence rw, rw" ::: "memory");
  *(volatile uint16_t *)(q->avail + 2) = ++q->avail_idx;
  __asm__ volatile("fence rw, rw" ::: "memory");
  if (head < q->num) {
    q->out[head] = 1;
    q->inflight++;
  }
}

/* The next used element (2.7.8), if any: checks that the device had it. */
static int take_used(queue *q, unsigned *id, uint32_t *len)
{
  if (*(volatile uint16_t *)(q->used + 2) == q->used_seen) return 0;
  __asm__ volatile("fence rw, rw" ::: "memory");
  uint64_t e = q->used + 4 + 8 * (uint64_t)(q->used_seen++ % q->num);
  *id = *(volatile uint32_t *)e;
  *len = *(volatile uint32_t *)(e + 4);
  if (*id >= q->num || !q->out[*id]) fail(20, "the device returned a chain it did not have");
  q->out[*id] = 0;
  q->inflight--;
  return 1;
}

/* Queue `idx` (5.1.2: 0 receiveq, 1 transmitq) of `num` entries
 * (4.2.3.2), rings in RINGS and USED. */
static void queue_setup(queue *q, unsigned idx, unsigned num)
{
  *q = (queue){.num = num, .desc = RINGS + 0x2000UL * idx, .avail = RINGS + 0x2000UL * idx + 0x1000,
               .used = USED + 0x1000UL * idx};
  memset((void *)q->desc, 0, 16 * QMAX);
  memset((void *)q->avail, 0, 6 + 2 * QMAX);
  memset((void *)q->used, 0, 6 + 8 * QMAX);
  w32(QUEUE_SEL, idx);
  if (r32(QUEUE_READY) != 0 || r32(QUEUE_NUM_MAX) < QMAX) fail(4, "a queue not reset, or smaller than 256");
  w32(QUEUE_NUM, num);
  set_addr(QUEUE_DESC, q->desc);
  set_addr(QUEUE_DRIVER, q->avail);
  set_addr(QUEUE_DEVICE, q->used);
  w32(QUEUE_READY, 1);
}

/* Reset the device and negotiate (3.1.1): VERSION_1, MAC, STATUS and, if
 * `ind`, INDIRECT_DESC; queues of `rx_num` and `tx_num` entries. Stops
 * before DRIVER_OK. */
static void negotiate(unsigned rx_num, unsigned tx_num, int ind)
{
  const uint64_t need = FEAT_VERSION_1 | FEAT_MAC | FEAT_STATUS;
  w32(STATUS, 0);
  if (r32(STATUS) != 0) fail(5, "status not 0 after a reset (4.2.3.1.1)");
  w32(STATUS, S_ACK);
  w32(STATUS, S_ACK | S_DRIVER);
  w32(DEV_FEATURES_SEL, 0);
  uint64_t f = r32(DEV_FEATURES);
  w32(DEV_FEATURES_SEL, 1);
  f |= (uint64_t)r32(DEV_FEATURES) << 32;
  if ((f & need) != need) fail(3, "VERSION_1, MAC or STATUS not offered");
  f = need | (ind ? f & FEAT_INDIRECT : 0);
  indirect = (f & FEAT_INDIRECT) != 0;
  w32(DRV_FEATURES_SEL, 0);
  w32(DRV_FEATURES, (uint32_t)f);
  w32(DRV_FEATURES_SEL, 1);
  w32(DRV_FEATURES, (uint32_t)(f >> 32));
  w32(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
  if (!(r32(STATUS) & S_FEATURES_OK)) fail(6, "features refused");
  queue_setup(&rxq, 0, rx_num);
  queue_setup(&txq, 1, tx_num);
  resets++;
}

static void go_live(void)
{
  w32(STATUS, S_LIVE);
  if (r32(STATUS) != S_LIVE) fail(7, "not live after DRIVER_OK");
}

/* One receive descriptor; writable ones are noted in `c`. */
static void rx_desc(rxchain *c, unsigned i, uint64_t addr, uint32_t len, unsigned flags, unsigned next)
{
  desc(&rxq, i, addr, len, flags, next);
  if (flags & F_WRITE) {
    c->addr[c->n] = addr, c->len[c->n++] = len;
    c->cap += len;
  }
}

enum { RX_WHOLE, RX_SPLIT, RX_SMALL, RX_EMPTY, RX_READONLY, /* malformed (2.7.5): */ RX_OUTSIDE, RX_LOOP, RX_BAD_NEXT,
       RX_READ_AFTER_WRITE, RX_KINDS };
enum { CLEAN, MIXED, HOSTILE }; /* receive buffers */

/* Fill the receive queue (5.1.6.3). CLEAN chains hold any frame: the
 * header and 1514 bytes, in one buffer or split anywhere. MIXED: every
 * other chain may be too small for any frame (the device drops what
 * comes), zero-length or read-only; HOSTILE: or malformed: a buffer outside
 * RAM, a loop, a next index past the table, readable after writable. Chain
 * memory: BUFS + 4 KiB * head. */
static void post_rx(int mode)
{
  queue *q = &rxq;
  for (unsigned k = 0; q->next < q->num; k++) {
    unsigned head = q->next, left = q->num - head;
    unsigned kind = mode == CLEAN || !(k & 1) ? below(2) : below(mode == HOSTILE ? RX_KINDS : RX_OUTSIDE);
    uint64_t b = BUFS + 4096UL * head;
    rxchain *c = &rxc[head];
    if (left < 3) kind = kind == RX_SPLIT || kind == RX_LOOP || kind == RX_READ_AFTER_WRITE ? RX_WHOLE : kind;
    *c = (rxchain){.bad = kind >= RX_OUTSIDE};
    switch (kind) {
    case RX_WHOLE: rx_desc(c, head, b, HDR + FRAME_MAX + below(600), F_WRITE, 0); q->next += 1; break;
    case RX_SPLIT: {
      uint32_t cut1 = 1 + below(HDR + FRAME_MAX - 1), cut2 = cut1 + below(HDR + FRAME_MAX - cut1);
      rx_desc(c, head, b, cut1, F_WRITE | F_NEXT, head + 1);
      rx_desc(c, head + 1, b + cut1 + 64, cut2 - cut1, F_WRITE | F_NEXT, head + 2); /* (an empty one is fine) */
      rx_desc(c, head + 2, b + cut2 + 128, HDR + FRAME_MAX - cut2 + below(64), F_WRITE, 0);
      q->next += 3;
      break;
    }
    case RX_SMALL: rx_desc(c, head, b, 1 + below(HDR + 42 - 1), F_WRITE, 0); q->next += 1; break; /* < an ARP reply */
    case RX_EMPTY: rx_desc(c, head, b, 0, F_WRITE, 0); q->next += 1; break;
    case RX_READONLY: rx_desc(c, head, b, 2048, 0, 0); q->next += 1; break;
    case RX_OUTSIDE: rx_desc(c, head, outside_ram(), 65 + below(4032), F_WRITE, 0); q->next += 1; break;
    case RX_LOOP:
      rx_desc(c, head, b, 1024, F_WRITE | F_NEXT, head + 1);
      rx_desc(c, head + 1, b + 1024, 1024, F_WRITE | F_NEXT, head + below(2));
      q->next += 2;
      break;
    case RX_BAD_NEXT: rx_desc(c, head, b, 2048, F_WRITE | F_NEXT, q->num + below(65536 - q->num)); q->next += 1; break;
    default: /* RX_READ_AFTER_WRITE */
      rx_desc(c, head, b, 2048, F_WRITE | F_NEXT, head + 1);
      rx_desc(c, head + 1, b + 2048, 64, 0, 0);
      q->next += 2;
    }
    publish(q, head);
  }
  w32(QUEUE_NOTIFY, 0);
}

/* A device reset and a fresh start: indirect descriptors or not, receive
 * buffers posted as `mode` says. qsize(): a random queue size, 1 to 256. */
static unsigned qsize(void) { return 1u << below(9); }
static void bring_up(unsigned rx_num, unsigned tx_num, int mode)
{
  negotiate(rx_num, tx_num, (int)below(2));
  go_live();
  post_rx(mode);
}
static void recover(void) { bring_up(qsize(), qsize(), MIXED); }

/* Notify the transmit queue and wait until the device has returned every
 * chain. Returns 1, or 0 if the device needs a reset. */
static int tx_kick(void)
{
  unsigned id;
  uint32_t len;
  if (txq.inflight) w32(QUEUE_NOTIFY, 1);
  for (uint64_t t = now_us(); txq.inflight;) {
    if (take_used(&txq, &id, &len)) {
      if (len != 0) fail(21, "the device says it wrote into a transmit chain (5.1.6.2)");
      continue;
    }
    if (broken()) return 0;
    if (now_us() - t > TIMEOUT_US) fail(12, "the device kept transmit chains");
  }
  txq.next = 0;
  return !broken();
}

/* Queue frame `f` of `n` bytes (5.1.6.2): the header, all zero (no
 * checksum or segmentation offload: 5.1.6.2.1), and the frame, at TXBUF +
 * 4 KiB * head, in one descriptor or (`any`) in 1 to 3 cut anywhere, now
 * and then in an indirect table (2.7.5.3); never more than the queue size
 * (2.7.5.3.1). Sent when the queue is full or at tx_kick; dropped if the
 * device needs a reset. */
static void tx_add(const uint8_t *f, unsigned n, int any)
{
  queue *q = &txq;
  unsigned pieces = any ? 1 + below(3) : 1;
  int ind = any && indirect && below(4) == 0;
  if (pieces > q->num) pieces = q->num;
  if (q->next + (ind ? 1 : pieces) > q->num && !tx_kick()) return;
  unsigned head = q->next, len = HDR + n;
  uint64_t b = TXBUF + 4096UL * head, table = INDIRECT + 64UL * head;
  memset((void *)b, 0, HDR);
  memcpy((void *)(b + HDR), f, n);
  if (len < pieces) pieces = len;
  unsigned cut1 = pieces > 1 ? 1 + below(len - pieces + 1) : len;
  unsigned cut2 = pieces > 2 ? cut1 + 1 + below(len - cut1 - 1) : len;
  uint64_t at[3] = {b, b + cut1, b + cut2};
  uint32_t ln[3] = {cut1, cut2 - cut1, len - cut2};
  for (unsigned i = 0; i < pieces; i++) {
    unsigned flags = i + 1 < pieces ? F_NEXT : 0;
    if (ind)
      desc_at(table, i, at[i], ln[i], flags, i + 1);
    else
      desc(q, head + i, at[i], ln[i], flags, head + i + 1);
  }
  if (ind) desc(q, head, table, 16 * pieces, F_INDIRECT, 0);
  q->next += ind ? 1 : pieces;
  publish(q, head);
  sent++;
}
static void send(const uint8_t *f, unsigned n) { tx_add(f, n, 1); }

/* ------------------------------------------------------- frames coming in */

static uint8_t rxbuf[HDR + WIRE_MAX];
static int (*want)(const uint8_t *f, unsigned n); /* the answer waited for */
static int got;

/* The TCP connection to PORT that the attacks and checks drive. */
static struct flow {
  int open; /* its SYN-ACK came */
  unsigned gport;
  uint32_t iss, snd_nxt, rcv_nxt;
} flow;

/* The payload of an unfragmented IPv4 packet of protocol `proto` from
 * `src` to `dst` in frame `f`, and its length; NULL if it is not one. */
static const uint8_t *ip_in(const uint8_t *f, unsigned n, unsigned proto, uint32_t src, uint32_t dst, unsigned *len)
{
  const uint8_t *ip = f + ETH;
  if (n < ETH + 20 || get16(f + 12) != T_IPV4 || ip[9] != proto || (get16(ip + 6) & 0x3fff) || get32(ip + 12) != src ||
      get32(ip + 16) != dst)
    return NULL;
  *len = get16(ip + 2) - (ip[0] & 15) * 4u;
  return ip + (ip[0] & 15) * 4;
}

/* Every frame from the stack is well formed: from its Ethernet address,
 * ARP for IPv4 over Ethernet (RFC 826), or IPv4 with a right header
 * checksum and length (RFC 791 3.1) and, unfragmented, a right ICMP, UDP or
 * TCP checksum. */
static void check_frame(const uint8_t *f, unsigned n)
{
  const uint8_t *ip = f + ETH;
  int ok = memcmp(f + 6, host_mac, 6) == 0;
  if (ok && get16(f + 12) == T_ARP) {
    ok = n >= ETH + 28 && get16(ip) == 1 && get16(ip + 2) == T_IPV4 && ip[4] == 6 && ip[5] == 4 &&
         (get16(ip + 6) == 1 || get16(ip + 6) == 2);
  } else if (ok) {
    unsigned ihl = (ip[0] & 15) * 4u, tot = n >= ETH + 20 ? get16(ip + 2) : 0;
    ok = get16(f + 12) == T_IPV4 && n >= ETH + 20 && ip[0] >> 4 == 4 && ihl >= 20 && tot >= ihl && ETH + tot <= n &&
         fold(sum16(ip, ihl, 0)) == 0;
    if (ok && !(get16(ip + 6) & 0x3fff)) {
      const uint8_t *l4 = ip + ihl;
      unsigned len = tot - ihl;
      uint32_t src = get32(ip + 12), dst = get32(ip + 16);
      if (ip[9] == P_ICMP) ok = len >= 8 && fold(sum16(l4, len, 0)) == 0;
      if (ip[9] == P_UDP)
        ok = len >= 8 && get16(l4 + 4) == len && (!get16(l4 + 6) || l4_sum(l4, len, src, dst, P_UDP) == 0);
      if (ip[9] == P_TCP) ok = len >= 20 && l4_sum(l4, len, src, dst, P_TCP) == 0;
    }
  }
  if (!ok) fail(25, "the stack sent a malformed frame");
}

static void arp_frame(uint8_t *f, const uint8_t *dst, unsigned op, const uint8_t *tha, uint32_t tpa);

/* A frame from the stack: checked; ARP requests for us answered (RFC 826),
 * the TCP flow followed, the awaited answer noted. */
static void frame_in(const uint8_t *f, unsigned n)
{
  static uint8_t reply[ETH + 28];
  const uint8_t *t;
  unsigned len;
  check_frame(f, n);
  if (get16(f + 12) == T_ARP && get16(f + 20) == 1 && get32(f + 38) == GUEST) {
    arp_frame(reply, f + 22, 2, f + 22, get32(f + 28));
    tx_add(reply, sizeof(reply), 0); /* (no random numbers: how many come depends on time) */
    tx_kick();
  }
  if ((t = ip_in(f, n, P_TCP, GATEWAY, GUEST, &len)) && get16(t) == port && get16(t + 2) == flow.gport) {
    uint32_t seq = get32(t + 4), end = seq + len - (t[12] >> 4) * 4u + !!(t[13] & TCP_SYN) + !!(t[13] & TCP_FIN);
    if (t[13] & TCP_RST)
      flow.open = 0;
    else if ((t[13] & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && get32(t + 8) == flow.iss + 1)
      flow.open = 1, flow.snd_nxt = flow.iss + 1, flow.rcv_nxt = end;
    else if (flow.open && (int32_t)(end - flow.rcv_nxt) > 0)
      flow.rcv_nxt = end;
  }
  if (want && want(f, n)) got = 1;
}

/* Take what the device returned on the receive queue (5.1.6.4), check it,
 * hand each frame to frame_in and post the chains again. */
static void rx_poll(void)
{
  unsigned id, again = 0;
  uint32_t len;
  while (take_used(&rxq, &id, &len)) {
    const rxchain *c = &rxc[id];
    if (c->bad) fail(22, "the device used a malformed receive chain");
    if (len > c->cap) fail(23, "the device wrote more than a receive chain holds");
    if (len) {
      if (len < HDR + ETH || len > HDR + WIRE_MAX) fail(24, "a received frame of impossible length");
      for (unsigned i = 0, off = 0; i < c->n && off < len; off += c->len[i++])
        memcpy(rxbuf + off, (const void *)c->addr[i], c->len[i] < len - off ? c->len[i] : len - off);
      /* flags 0 (no VIRTIO_NET_F_GUEST_CSUM), gso_type NONE, num_buffers 1 (5.1.6.4) */
      if (rxbuf[0] || rxbuf[1] || rxbuf[10] != 1 || rxbuf[11]) fail(26, "a bad virtio-net header");
      received++;
      frame_in(rxbuf + HDR, len - HDR);
    }
    publish(&rxq, id);
    again = 1;
  }
  if (again) w32(QUEUE_NOTIFY, 0);
}

/* Send what is queued, then take frames for `us`; 1 if `w` matched one. */
static int wait_for(int (*w)(const uint8_t *, unsigned), uint64_t us)
{
  got = 0;
  want = w;
  tx_kick();
  for (uint64_t t = now_us(); !got && now_us() - t < us;) rx_poll();
  want = NULL;
  return got;
}

/* ----------------------------------------------------------- frames out */

static uint8_t tx[2048]; /* the frame being built */

static uint8_t *eth_hdr(uint8_t *f, const uint8_t *dst, unsigned type)
{
  memcpy(f, dst, 6);
  memcpy(f + 6, mac, 6);
  put16(f + 12, type);
  return f + ETH;
}

/* An IPv4 header without options (RFC 791 3.1), `len` bytes after it. */
static void ip_hdr(uint8_t *p, unsigned len, unsigned id, unsigned frag, unsigned proto, uint32_t src, uint32_t dst)
{
  p[0] = 0x45, p[1] = 0;
  put16(p + 2, 20 + len);
  put16(p + 4, id);
  put16(p + 6, frag);
  p[8] = 64, p[9] = (uint8_t)proto;
  put16(p + 10, 0);
  put32(p + 12, src);
  put32(p + 16, dst);
  put16(p + 10, fold(sum16(p, 20, 0)));
}

/* ARP for IPv4 over Ethernet (RFC 826) from us to Ethernet `dst`. */
static void arp_frame(uint8_t *f, const uint8_t *dst, unsigned op, const uint8_t *tha, uint32_t tpa)
{
  uint8_t *a = eth_hdr(f, dst, T_ARP);
  put16(a, 1);
  put16(a + 2, T_IPV4);
  a[4] = 6, a[5] = 4;
  put16(a + 6, op);
  memcpy(a + 8, mac, 6);
  put32(a + 14, GUEST);
  memcpy(a + 18, tha, 6);
  put32(a + 24, tpa);
}

/* A UDP datagram (RFC 768) of `n` bytes at `data`, checksum set. */
static unsigned udp_frame(uint8_t *f, const uint8_t *dmac, uint32_t src, unsigned sport, uint32_t dst, unsigned dport,
                          const uint8_t *data, unsigned n)
{
  uint8_t *ip = eth_hdr(f, dmac, T_IPV4), *u = ip + 20;
  put16(u, sport);
  put16(u + 2, dport);
  put16(u + 4, 8 + n);
  put16(u + 6, 0);
  memcpy(u + 8, data, n);
  unsigned s = l4_sum(u, 8 + n, src, dst, P_UDP);
  put16(u + 6, s ? s : 0xffff);
  ip_hdr(ip, 8 + n, (unsigned)rnd(), 0, P_UDP, src, dst);
  return ETH + 28 + n;
}

/* A TCP segment (RFC 9293 3.1): options `opt` (padded to 4 bytes with
 * EOL), `dlen` random data bytes; checksum set. */
static unsigned tcp_frame(uint8_t *f, uint32_t src, unsigned sport, uint32_t dst, unsigned dport, uint32_t seq,
                          uint32_t ack, unsigned flags, unsigned win, const uint8_t *opt, unsigned olen, unsigned dlen)
{
  uint8_t *ip = eth_hdr(f, host_mac, T_IPV4), *t = ip + 20;
  unsigned hl = 20 + (olen + 3) / 4 * 4;
  put16(t, sport);
  put16(t + 2, dport);
  put32(t + 4, seq);
  put32(t + 8, ack);
  t[12] = (uint8_t)(hl / 4 << 4), t[13] = (uint8_t)flags;
  put16(t + 14, win);
  put32(t + 16, 0); /* checksum, urgent pointer */
  if (flags & TCP_URG) put16(t + 18, below(2) ? dlen : (unsigned)rnd());
  memset(t + 20, 0, hl - 20);
  memcpy(t + 20, opt, olen);
  fill(t + hl, dlen);
  put16(t + 16, l4_sum(t, hl + dlen, src, dst, P_TCP));
  ip_hdr(ip, hl + dlen, (unsigned)rnd(), 0x4000 /* DF */, P_TCP, src, dst);
  return ETH + 20 + hl + dlen;
}

/* TCP options, well formed or not (RFC 9293 3.2, RFC 7323, RFC 2018):
 * MSS, window scale, SACK, timestamps, NOP, EOL with garbage after, a
 * length of 0 or 1, a length past the header. Returns their length. */
static unsigned tcp_options(uint8_t *o, unsigned room)
{
  static const unsigned mss[] = {0, 1, 64, 536, 1460, 1500, 65535};
  unsigned n = 0;
  while (n + 12 <= room && below(3)) {
    uint8_t *p = o + n;
    switch (below(9)) {
    case 0: p[0] = 2, p[1] = 4, put16(p + 2, below(2) ? PICK(mss) : (unsigned)rnd()), n += 4; break;
    case 1: p[0] = 3, p[1] = 3, p[2] = (uint8_t)below(256), n += 3; break;
    case 2: p[0] = 4, p[1] = 2, n += 2; break;
    case 3: p[0] = 5, p[1] = 10, fill(p + 2, 8), n += 10; break;
    case 4: p[0] = 8, p[1] = 10, fill(p + 2, 8), n += 10; break;
    case 5: p[0] = 1, n += 1; break;
    case 6: p[0] = 0, fill(p + 1, 3), n += 4; break;
    case 7: p[0] = (uint8_t)rnd(), p[1] = (uint8_t)below(2), n += 2; break;
    default: p[0] = (uint8_t)(2 + below(30)), p[1] = (uint8_t)(room - n + 1 + below(200)), n += 2; break;
    }
  }
  return n;
}

/* Another 10.0.2.x: the host refuses a connection there without a socket. */
static uint32_t elsewhere(void)
{
  uint32_t a = IP(10, 0, 2, 4 + below(251));
  return a == GUEST ? a + 1 : a;
}

/* A destination for broken packets: never 10.0.2.2 (no UDP to it). */
static uint32_t quiet_dst(void)
{
  static const uint32_t a[] = {DNS, GUEST, IP(10, 0, 2, 99), IP(10, 0, 2, 255), IP(10, 0, 2, 0), BROADCAST,
                               IP(224, 0, 0, 1), IP(127, 0, 0, 1), 0};
  return PICK(a);
}

/* A source address: ours mostly, or spoofed. */
static uint32_t any_src(void)
{
  static const uint32_t a[] = {GATEWAY, DNS, IP(10, 0, 2, 77), IP(192, 0, 2, 1), 0, BROADCAST, IP(127, 0, 0, 1),
                               IP(224, 0, 0, 1)};
  return below(4) ? GUEST : PICK(a);
}

/* May a SYN go to PORT? (a connection to the host's listener: a budget) */
static int syn_to_port(void)
{
  return port && syns_to_port < SYNS_TO_PORT && ++syns_to_port;
}

/* ----------------------------------------------- the stack's answers */

static uint32_t echo_id;
static unsigned echo_len;
static uint8_t echo_data[1472];
static uint32_t xid;

static void arp_request(void)
{
  arp_frame(tx, bcast, 1, nomac, GATEWAY);
  send(tx, ETH + 28);
}

static int arp_reply(const uint8_t *f, unsigned n)
{
  const uint8_t *a = f + ETH;
  return n >= ETH + 28 && memcmp(f, mac, 6) == 0 && get16(f + 12) == T_ARP && get16(a + 6) == 2 &&
         memcmp(a + 8, host_mac, 6) == 0 && get32(a + 14) == GATEWAY && memcmp(a + 18, mac, 6) == 0 &&
         get32(a + 24) == GUEST;
}

/* An ICMP echo request (RFC 792) to `dst`: identifier and sequence number
 * echo_id, data echo_data. Returns the frame length. */
static unsigned echo_frame(uint32_t dst)
{
  uint8_t *ip = eth_hdr(tx, host_mac, T_IPV4), *m = ip + 20;
  m[0] = 8, m[1] = 0;
  put16(m + 2, 0);
  put32(m + 4, echo_id);
  memcpy(m + 8, echo_data, echo_len);
  put16(m + 2, fold(sum16(m, 8 + echo_len, 0)));
  ip_hdr(ip, 8 + echo_len, (unsigned)rnd(), 0, P_ICMP, GUEST, dst);
  return ETH + 28 + echo_len;
}
static void echo_request(void) { send(tx, echo_frame(GATEWAY)); }

static int echo_reply(const uint8_t *f, unsigned n)
{
  unsigned len;
  const uint8_t *m = ip_in(f, n, P_ICMP, GATEWAY, GUEST, &len);
  return m && memcmp(f, mac, 6) == 0 && len == 8 + echo_len && m[0] == 0 && m[1] == 0 && get32(m + 4) == echo_id &&
         memcmp(m + 8, echo_data, echo_len) == 0;
}

/* A BOOTREQUEST (RFC 2131 2, 3) of message type `type` for our Ethernet
 * address, its options to be continued at the length returned. */
static unsigned dhcp_message(uint8_t *m, unsigned type)
{
  memset(m, 0, 240);
  m[0] = 1, m[1] = 1, m[2] = 6; /* BOOTREQUEST, Ethernet */
  put32(m + 4, xid);
  memcpy(m + 28, mac, 6); /* chaddr */
  put32(m + 236, 0x63825363); /* the magic cookie */
  m[240] = 53, m[241] = 1, m[242] = (uint8_t)type;
  return 243;
}

/* A DHCPDISCOVER from `src` to `dst`:67. Returns the frame length. */
static unsigned discover_frame(const uint8_t *dmac, uint32_t src, uint32_t dst)
{
  static uint8_t m[300];
  unsigned n = dhcp_message(m, 1);
  m[n++] = 255; /* end */
  return udp_frame(tx, dmac, src, 68, dst, 67, m, n);
}
static void dhcp_discover(void) { send(tx, discover_frame(bcast, 0, BROADCAST)); }

static int dhcp_offer(const uint8_t *f, unsigned n)
{
  unsigned len;
  const uint8_t *u = ip_in(f, n, P_UDP, GATEWAY, BROADCAST, &len), *m;
  if (!u || len < 8 + 240 || !(m = u + 8) || get16(u) != 67 || get16(u + 2) != 68 || m[0] != 2 || get32(m + 4) != xid ||
      get32(m + 16) != GUEST || memcmp(m + 28, mac, 6) != 0 || get32(m + 236) != 0x63825363)
    return 0;
  for (unsigned i = 240; i + 2 < len - 8 && m[i] != 255; i += m[i] ? 2u + m[i + 1] : 1)
    if (m[i] == 53) return m[i + 1] == 1 && m[i + 2] == 2; /* DHCPOFFER */
  return 0;
}

/* A SYN to 10.0.2.2 at PORT opening `flow` from a new port. */
static void flow_syn(void)
{
  uint8_t opt[4] = {2, 4, 0x05, 0xb4}; /* MSS 1460 */
  send(tx, tcp_frame(tx, GUEST, flow.gport, GATEWAY, port, flow.iss, 0, TCP_SYN, 65535, opt, 4, 0));
}
static int flow_opened(const uint8_t *f, unsigned n) { (void)f, (void)n; return flow.open; }
/* A new flow from a port no other connection of this run has: they count
 * up from 1024 (tcp_garbage's SYNs to PORT come from 32768 and up). A SYN
 * on a port in use would meet that connection instead of opening one. */
static void flow_start(void) { flow = (struct flow){0, 1024 + flows++ % 31744, (uint32_t)rnd(), 0, 0}; }

/* A segment of `flow` from its next sequence number. */
static void flow_send(unsigned flags, unsigned dlen)
{
  send(tx, tcp_frame(tx, GUEST, flow.gport, GATEWAY, port, flow.snd_nxt, flow.rcv_nxt, flags, 65535, NULL, 0, dlen));
}

/* Send `request` until `reply` comes, ASKS times at most. */
static int ask(void (*request)(void), int (*reply)(const uint8_t *, unsigned))
{
  for (int i = 0; i < ASKS; i++) {
    request();
    if (wait_for(reply, ANSWER_US)) return 1;
  }
  return 0;
}

/* After a device reset, with receive buffers that hold any frame, the
 * stack answers ARP, ICMP echo, DHCP and, with PORT, a TCP SYN. */
static void stack_answers(void)
{
  bring_up(qsize(), qsize(), CLEAN);
  echo_id = (uint32_t)rnd();
  echo_len = below(sizeof(echo_data) + 1);
  fill(echo_data, echo_len);
  xid = (uint32_t)rnd();
  if (!ask(arp_request, arp_reply)) fail(30, "no ARP reply for 10.0.2.2");
  if (!ask(echo_request, echo_reply)) fail(31, "no ICMP echo reply from 10.0.2.2 with our payload");
  if (!ask(dhcp_discover, dhcp_offer)) fail(32, "no DHCPOFFER of 10.0.2.15");
  if (port) {
    flow_start();
    if (!ask(flow_syn, flow_opened)) fail(33, "no SYN-ACK from 10.0.2.2 at PORT");
    flow_send(TCP_RST, 0);
    tx_kick();
  }
}

/* ------------------------------------------------ attacks on the device */

enum { BAD_LOOP, BAD_OUTSIDE, BAD_NEXT, BAD_HEAD, BAD_JUMP, BAD_READ_AFTER_WRITE, BAD_INDIRECT, /* refused */
       ODD_EMPTY, ODD_SHORT, ODD_LONG, ODD_WRITE_ONLY, ODD_WRITE_AFTER, CHAIN_KINDS }; /* returned */

/* One transmit chain at descriptor 0, malformed (2.7.5: a loop, a buffer
 * outside RAM or in MMIO, a next index or head past the table, readable
 * after writable; 2.7.6: the available index more than the queue size
 * ahead; 2.7.5.3: indirect tables not negotiated, empty, misaligned, longer
 * than the queue, outside RAM, with NEXT, nested), which the device must
 * not use (wvm then needs a reset, 2.1.2); or well formed but no frame to
 * send (empty, shorter than the header and an Ethernet header, longer than
 * 1518 bytes, write-only), or a frame and writable buffers after it, which
 * it must return. The frame is an ARP request for 10.0.2.3. */
static void attack_chain(void)
{
  queue *q = &txq;
  if (!tx_kick()) recover();
  unsigned num = q->num, kind = below(CHAIN_KINDS), k = 1 + below(num < 3 ? num : 3), len = HDR + ETH + 28;
  if (num == 1 && (kind == BAD_READ_AFTER_WRITE || kind == ODD_WRITE_AFTER)) kind = BAD_HEAD;
  arp_frame(tx, bcast, 1, nomac, DNS);
  memset((void *)TXBUF, 0, HDR);
  memcpy((void *)(TXBUF + HDR), tx, ETH + 28);
  for (unsigned i = 0; i < k; i++) /* the frame in k pieces, chained */
    desc(q, i, TXBUF + i * len / k, (i + 1) * len / k - i * len / k, i + 1 < k ? F_NEXT : 0, i + 1);
  unsigned head = 0, jump = 0;
  switch (kind) {
  case BAD_LOOP: desc(q, k - 1, TXBUF + (k - 1) * len / k, len - (k - 1) * len / k, F_NEXT, below(k)); break;
  case BAD_OUTSIDE: {
    unsigned i = below(k);
    desc(q, i, outside_ram(), 65 + below(4032), i + 1 < k ? F_NEXT : 0, i + 1);
    break;
  }
  case BAD_NEXT: desc(q, 0, TXBUF, len, F_NEXT, num + below(65536 - num)); break;
  case BAD_HEAD: head = num + below(65536 - num); break;
  case BAD_JUMP: jump = (uint16_t)(num + below(65535 - num)); break;
  case BAD_READ_AFTER_WRITE:
    desc(q, 0, BUFS, 64 + below(2048), F_WRITE | F_NEXT, 1);
    desc(q, 1, TXBUF, len, 0, 0);
    break;
  case BAD_INDIRECT: {
    uint64_t table = INDIRECT;
    unsigned tlen = 16, flags = F_INDIRECT, v = indirect ? below(6) : 6;
    desc_at(table, 0, TXBUF, len, 0, 0);
    switch (v) {
    case 0: tlen = 0; break;
    case 1: tlen = 1 + below(15) + 16 * below(num); break;            /* not a whole number of descriptors */
    case 2: tlen = 16 * (num + 1 + below(16)); break;                  /* longer than the queue */
    case 3: table = outside_ram(), tlen = 16 * (5 + below(num)); break; /* 80 bytes or more */
    case 4: flags |= F_NEXT; break;
    case 5: desc_at(table, 0, INDIRECT + 64, 16, F_INDIRECT, 0); break; /* nested */
    default: break;                                                    /* not negotiated */
    }
    desc(q, 0, table, tlen, flags, 1);
    break;
  }
  case ODD_EMPTY:
    for (unsigned i = 0; i < k; i++) desc(q, i, below(2) ? outside_ram() : TXBUF, 0, i + 1 < k ? F_NEXT : 0, i + 1);
    break;
  case ODD_SHORT: desc(q, 0, TXBUF, 1 + below(HDR + ETH - 1), 0, 0); break;
  case ODD_LONG: /* the device passes up to 1518 bytes on, the stack takes 1514 */
    desc(q, 0, TXBUF, HDR + (below(2) ? WIRE_MAX - 3 + below(4) : WIRE_MAX + 1 + below(64000)), 0, 0);
    break;
  case ODD_WRITE_ONLY:
    for (unsigned i = 0; i < k; i++)
      desc(q, i, BUFS + 4096 * i, below(4096), F_WRITE | (i + 1 < k ? F_NEXT : 0), i + 1);
    break;
  default: /* ODD_WRITE_AFTER */
    desc(q, 0, TXBUF, len, F_NEXT, 1);
    desc(q, 1, BUFS, 1 + below(4096), F_WRITE, 0);
  }
  publish(q, head);
  if (jump) {
    *(volatile uint16_t *)(q->avail + 2) = q->avail_idx = (uint16_t)(q->avail_idx + jump);
    __asm__ volatile("fence rw, rw" ::: "memory");
  }
  w32(QUEUE_NOTIFY, 1);
  if (kind < ODD_EMPTY) {
    if (!broken()) fail(13, "the device took a malformed transmit chain");
    if (!(r32(INT_STATUS) & INT_CONFIG)) fail(14, "DEVICE_NEEDS_RESET without a configuration change interrupt");
    rx_poll();
    recover();
  } else if (!tx_kick()) {
    fail(15, "a well-formed transmit chain broke the device");
  }
}

/* Receive chains of every kind (post_rx HOSTILE); the stack's answers to
 * a few requests land in them. */
static void attack_rx(void)
{
  bring_up(qsize(), qsize(), HOSTILE);
  arp_request();
  echo_request();
  dhcp_discover();
  tx_kick();
  rx_poll();
  recover();
}

/* Notifications of queues the device does not have (4.2.2: QueueNotify;
 * 5.1.2: queues 0 and 1), and such a queue's registers: QueueNumMax and
 * QueueReady read 0, writes do nothing. Then a frame before DRIVER_OK,
 * which the device must not take (2.1.2), and takes after. */
static void attack_notify(void)
{
  static const uint32_t bad[] = {2, 3, 4, 15, 16, 255, 256, 0x7fff, 0xffff, 0x10000, 0x80000000u, 0xffffffffu};
  for (unsigned i = 0, n = 1 + below(16); i < n; i++) w32(QUEUE_NOTIFY, PICK(bad));
  w32(QUEUE_SEL, PICK(bad));
  w32(QUEUE_NUM, 8);
  w32(QUEUE_READY, 1);
  if (r32(QUEUE_NUM_MAX) != 0 || r32(QUEUE_READY) != 0) fail(16, "a queue the device does not have");
  if (broken() || r32(STATUS) != S_LIVE) fail(17, "notifications of bad queues changed the device's status");
  negotiate(qsize(), qsize(), (int)below(2));
  arp_request();
  w32(QUEUE_NOTIFY, 1);
  for (uint64_t t = now_us(); now_us() - t < 1000;) {}
  if (*(volatile uint16_t *)(txq.used + 2) != 0) fail(18, "the device used a chain before DRIVER_OK");
  go_live();
  post_rx(MIXED);
  if (!tx_kick()) fail(19, "the device needs a reset after a frame before DRIVER_OK");
}

/* ------------------------------------------------ attacks on the stack */

/* Random Ethernet frames: 1 byte to 1518 bytes (the device drops those
 * shorter than its header and an Ethernet header, the stack those past
 * 1514), common and odd EtherTypes, random contents; an IPv4 one goes to
 * a quiet_dst(). */
static void random_eth(void)
{
  static const unsigned types[] = {T_IPV4, T_ARP, 0x86dd, 0x8100, 0x88cc, 0x0000, 0x05dc, 0xffff};
  for (unsigned i = 0, k = 1 + below(16); i < k; i++) {
    unsigned n = 1 + below(WIRE_MAX);
    fill(tx, n);
    if (n >= ETH && below(4)) put16(tx + 12, PICK(types));
    if (below(2)) memcpy(tx, below(2) ? host_mac : bcast, 6);
    if (n >= ETH + 20 && get16(tx + 12) == T_IPV4) put32(tx + ETH + 16, quiet_dst());
    send(tx, n);
  }
}

/* ARP (RFC 826), mostly malformed: hardware and protocol types and address
 * lengths, unknown opcodes, spoofed and broadcast senders (one claims the
 * gateway's own address, one ours from another Ethernet address),
 * truncated or padded. */
static void bad_arp(void)
{
  static const unsigned ops[] = {0, 1, 2, 3, 4, 8, 9, 0xffff};
  static const uint32_t ips[] = {GUEST, GATEWAY, DNS, 0, BROADCAST, IP(10, 0, 2, 77), IP(192, 0, 2, 1)};
  for (unsigned i = 0, k = 1 + below(16); i < k; i++) {
    uint8_t *a = eth_hdr(tx, below(2) ? bcast : host_mac, T_ARP);
    const uint8_t *sha[] = {mac, bcast, host_mac, nomac};
    fill(a, 28 + 64);
    put16(a, below(4) ? 1 : (unsigned)rnd());
    put16(a + 2, below(4) ? T_IPV4 : (unsigned)rnd());
    a[4] = below(4) ? 6 : (uint8_t)rnd(), a[5] = below(4) ? 4 : (uint8_t)rnd();
    put16(a + 6, PICK(ops));
    if (below(5)) memcpy(a + 8, PICK(sha), 6); /* else random */
    put32(a + 14, below(4) ? PICK(ips) : (uint32_t)rnd());
    put32(a + 24, below(4) ? PICK(ips) : (uint32_t)rnd());
    send(tx, below(4) ? ETH + below(28) : ETH + 28 + below(64));
  }
}

/* A well-formed IPv4 packet from us: an ICMP echo to a virtual host, a DNS
 * query for "localhost" to 10.0.2.3:53, or a DHCPDISCOVER to port 67 of a
 * quiet_dst(). Returns the frame length. */
static unsigned some_packet(void)
{
  static const uint8_t query[] = {0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, /* a query, RD, one question */
                                  9, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0, 0, 1, 0, 1}; /* A, IN */
  switch (below(3)) {
  case 0:
    echo_id = (uint32_t)rnd(), echo_len = below(64);
    fill(echo_data, echo_len);
    return echo_frame(below(2) ? GATEWAY : DNS);
  case 1: return udp_frame(tx, host_mac, GUEST, 1024 + below(60000), DNS, 53, query, sizeof(query));
  default: return discover_frame(bcast, GUEST, quiet_dst());
  }
}

/* IPv4 (RFC 791 3.1) with one to three header fields wrong: version, IHL
 * (under 5, or over 5: the payload read as options), total length (under
 * the header, past the frame), checksum, flags and fragment offset, TTL 0,
 * a protocol the stack lacks, an odd source (0, broadcast, loopback,
 * multicast, a virtual host's own); or the frame cut short or padded. The
 * header checksum is made right again half the time. */
static void bad_ip(void)
{
  static const unsigned protos[] = {0, 2, 4, 41, 47, 50, 58, 132, 255}, tots[] = {0, 1, 19, 20, 21};
  static const uint32_t srcs[] = {0, BROADCAST, IP(127, 0, 0, 1), IP(224, 0, 0, 1), GATEWAY, DNS, IP(10, 0, 2, 255)};
  for (unsigned i = 0, k = 1 + below(12); i < k; i++) {
    unsigned n = some_packet(), ihl;
    uint8_t *ip = tx + ETH;
    for (unsigned j = 0, m = 1 + below(3); j < m; j++) {
      switch (below(9)) {
      case 0: ip[0] = (uint8_t)((ip[0] & 15) | (below(2) ? 6 : below(16)) << 4); break;
      case 1: ip[0] = (uint8_t)((ip[0] & 0xf0) | below(16)); break;
      case 2: put16(ip + 2, below(2) ? PICK(tots) : n - ETH + 1 + below(2000)); break;
      case 3: put16(ip + 10, get16(ip + 10) ^ (1 + below(0xffff))); break;
      case 4: put16(ip + 6, (unsigned)rnd()); break;
      case 5: ip[8] = 0; break;
      case 6: ip[9] = (uint8_t)PICK(protos); break;
      case 7: put32(ip + 12, PICK(srcs)); break;
      default:
        if (below(2)) {
          n = ETH + below(n - ETH + 1);
        } else {
          fill(tx + n, 64);
          n += 1 + below(64);
        }
      }
    }
    ihl = (ip[0] & 15) * 4u;
    if (below(2) && ihl >= 20 && ETH + ihl <= n) {
      put16(ip + 10, 0);
      put16(ip + 10, fold(sum16(ip, ihl, 0)));
    }
    send(tx, n);
  }
}

/* One IP fragment of `size` bytes at `data`, at offset `off` of datagram
 * `id`, with more-fragments `more` (RFC 791 3.2). */
static void frag(const uint8_t *data, unsigned id, unsigned off, unsigned size, int more, unsigned proto, uint32_t dst)
{
  uint8_t *ip = eth_hdr(tx, host_mac, T_IPV4);
  memcpy(ip + 20, data, size);
  ip_hdr(ip, size, id, (more ? 0x2000 : 0) | off / 8, proto, GUEST, dst);
  send(tx, ETH + 20 + size);
}

/* IP fragments (RFC 791 2.3, 3.2) of an ICMP echo to 10.0.2.2 or a DNS
 * query to 10.0.2.3 (a datagram of up to 20000 bytes): in order, in
 * reverse, each twice or one missing; pieces at random offsets, which
 * overlap; endless (more-fragments up to the largest offset); or a last
 * fragment that ends past 65535 bytes. */
static void fragments(void)
{
  static uint8_t dgram[20000];
  unsigned id = (unsigned)rnd() & 0xffff, icmp = below(2), len = 8 + below(sizeof(dgram) - 8), style = below(7);
  unsigned proto = icmp ? P_ICMP : P_UDP, step = 8 * (1 + below(185)), cnt, skip;
  uint32_t dst = icmp ? GATEWAY : DNS;
  fill(dgram, len);
  if (icmp) {
    dgram[0] = 8, dgram[1] = 0;
    put16(dgram + 2, 0);
    put16(dgram + 2, fold(sum16(dgram, len, 0)));
  } else {
    put16(dgram, 1024 + below(60000));
    put16(dgram + 2, 53);
    put16(dgram + 4, len);
    put16(dgram + 6, 0);
    unsigned s = l4_sum(dgram, len, GUEST, DNS, P_UDP);
    put16(dgram + 6, s ? s : 0xffff);
  }
  if (len / step > 48) step = (len / 48 + 8) & ~7u; /* at most ~50 pieces */
  cnt = (len + step - 1) / step;
  skip = below(2) ? 0 : cnt - 1;
  switch (style) {
  case 0: case 1: case 2: case 3: /* in order, reversed, each twice, one missing */
    for (unsigned j = 0; j < cnt * (style == 2 ? 2 : 1); j++) {
      unsigned p = style == 1 ? cnt - 1 - j : j % cnt, off = p * step;
      if (style != 3 || p != skip)
        frag(dgram + off, id, off, len - off < step ? len - off : step, p + 1 < cnt, proto, dst);
    }
    break;
  case 4: /* pieces anywhere */
    for (unsigned j = 0, k = 1 + below(24); j < k; j++) {
      unsigned off = 8 * below(len / 8), size = 8 * (1 + below(185));
      if (size > len - off) size = len - off;
      frag(dgram + off, id, off, size, off + size < len || below(4) == 0, proto, dst);
    }
    break;
  case 5: /* endless */
    for (unsigned j = 0, off = 0; j < 80 && off <= 65528; j++, off += step)
      frag(dgram, id, off, step, 1, proto, dst);
    break;
  default: /* past 65535 */
    frag(dgram, id, 0, step, 1, proto, dst);
    frag(dgram, id, 65528 - 8 * below(8), 8 * (1 + below(185)), 0, proto, dst);
  }
}

/* TCP segments (RFC 9293 3.1) with random flags, sequence and
 * acknowledgment numbers, windows, urgent pointers and options, now and
 * then a data offset or a checksum wrong, and data: to 10.0.2.2 at random
 * ports (lwIP resets them) or at PORT, or to other 10.0.2.x addresses; a
 * plain SYN to 10.0.2.2 only at PORT. */
static void tcp_garbage(void)
{
  static uint8_t opt[40];
  for (unsigned i = 0, k = 1 + below(24); i < k; i++) {
    unsigned flags = (unsigned)rnd() & 0xff, olen = tcp_options(opt, 40);
    unsigned dport = below(4) ? (unsigned)rnd() & 0xffff : port;
    uint32_t dst = below(4) ? GATEWAY : elsewhere(), src = any_src();
    int plain_syn = (flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN;
    unsigned sport = plain_syn ? 32768 + below(32768) : (unsigned)rnd() & 0xffff; /* (see flow_start) */
    if (plain_syn && dst == GATEWAY && !(dport == port && syn_to_port())) dst = elsewhere();
    unsigned n = tcp_frame(tx, src, sport, dst, dport, (uint32_t)rnd(), (uint32_t)rnd(), flags,
                           (unsigned)rnd() & 0xffff, opt, olen, below(2) ? 0 : below(1400));
    uint8_t *t = tx + ETH + 20;
    if (below(8) == 0) {
      t[12] = (uint8_t)rnd(); /* data offset and reserved bits */
      put16(t + 16, 0);
      put16(t + 16, l4_sum(t, n - ETH - 20, src, dst, P_TCP));
    }
    if (below(8) == 0) put16(t + 16, get16(t + 16) ^ (1 + below(0xffff)));
    send(tx, n);
  }
}

/* A SYN flood (RFC 4987) over more connections than the stack has
 * (USERNET_MAX_CONNS, 256): 300 to 600 SYNs from new ports to other
 * 10.0.2.x addresses, all built first, then 256 to a notification back to
 * back: the host refuses them only when it gets to them, so past 256
 * waiting the stack refuses them itself. */
static void syn_flood(void)
{
  static uint8_t opt[40], len[600];
  unsigned n = 300 + below(300);
  bring_up(qsize(), QMAX, MIXED);
  for (unsigned i = 0; i < n; i++) {
    unsigned olen = below(2) ? tcp_options(opt, 40) : 0;
    uint32_t src = below(8) ? GUEST : elsewhere();
    uint8_t *f = (uint8_t *)(FLOOD + 128 * i);
    memset(f, 0, HDR);
    len[i] = (uint8_t)(HDR + tcp_frame(f + HDR, src, 1024 + below(64512), elsewhere(), 1 + below(65535),
                                       (uint32_t)rnd(), 0, TCP_SYN, (unsigned)rnd() & 0xffff, opt, olen, 0));
  }
  for (unsigned i = 0; i < n; tx_kick())
    for (unsigned d = 0; d < QMAX && i < n; d++, i++, sent++) {
      desc(&txq, d, FLOOD + 128 * i, len[i], 0, 0);
      publish(&txq, d);
    }
}

/* DNS queries (RFC 1035 4.1) of garbage to 10.0.2.3:53: random header
 * fields and counts; names with compression pointers (to themselves, in a
 * loop, past the message: 4.1.4), labels over 63 bytes, names over 255
 * bytes, a label running past the message, control bytes and dots in
 * labels, the root; "localhost" (the only name resolved) with random types
 * and classes; the message cut anywhere or padded past 512 bytes; the UDP
 * checksum absent or wrong at times. */
static void dns_garbage(void)
{
  static const unsigned types[] = {1, 28, 255, 0, 5, 12, 15, 16, 252, 0xffff}, counts[] = {0, 2, 0xffff};
  static uint8_t m[1400];
  for (unsigned i = 0, k = 1 + below(12); i < k; i++) {
    unsigned n = 12, style = below(9);
    fill(m, 12);
    put16(m + 2, below(2) ? 0x0100 : (unsigned)rnd()); /* RD */
    put16(m + 4, below(4) ? 1 : PICK(counts));
    for (unsigned j = 6; j < 12; j += 2) put16(m + j, below(2) ? 0 : below(2) ? 0xffff : (unsigned)rnd());
    switch (style) {
    case 0: memcpy(m + n, "\x09localhost", 11), n += 11; break;
    case 1: m[n] = 0xc0, m[n + 1] = 12, n += 2; break;                          /* a pointer to itself */
    case 2: m[n] = 1, m[n + 1] = 'a', m[n + 2] = 0xc0, m[n + 3] = 12, n += 4; break; /* a loop */
    case 3: m[n] = 0xff, m[n + 1] = 0xff, n += 2; break;                        /* past the message */
    case 4: m[n] = (uint8_t)(64 + below(128)), fill(m + n + 1, 20), n += 21; break; /* over 63, or reserved */
    case 5:                                                                      /* over 255 bytes */
      for (unsigned j = 0; j < 5; j++, n += 64) {
        m[n] = 63;
        for (unsigned c = 1; c <= 63; c++) m[n + c] = (uint8_t)('a' + below(26));
      }
      break;
    case 6: m[n] = (uint8_t)(8 + below(56)), memcpy(m + n + 1, "abc", 3), n += 4; break; /* runs past the end */
    case 7:                                                                              /* odd bytes */
      m[n] = 5, memcpy(m + n + 1, "a.b-c", 5), m[n + 1 + below(5)] = (uint8_t)below(32), n += 6;
      break;
    default: break; /* the root */
    }
    if (style != 6) {
      m[n++] = 0;
      put16(m + n, below(2) ? PICK(types) : (unsigned)rnd());
      put16(m + n + 2, below(2) ? 1 : (unsigned)rnd()); /* class IN */
      n += 4;
    }
    if (below(4) == 0) {
      n = below(n + 1);
    } else if (below(4) == 0) {
      unsigned pad = below(sizeof(m) - n);
      fill(m + n, pad);
      n += pad;
    }
    unsigned f = udp_frame(tx, host_mac, GUEST, 1024 + below(60000), DNS, 53, m, n);
    if (below(8) == 0) put16(tx + ETH + 26, below(2) ? 0 : get16(tx + ETH + 26) ^ 0x5a5a);
    send(tx, f);
  }
}

/* DHCP messages (RFC 2131 2, options of RFC 2132) of garbage to port 67:
 * now and then a random op, htype, hlen, client addresses or magic cookie;
 * options of random codes and lengths, a message type of length 0 to 2, a
 * requested address of length 0 to 5, option overload, pads, an option
 * running past the message; the end option or none; or shorter than its
 * fixed part. Broadcast from 0.0.0.0, or to 10.0.2.2 from us. */
static void dhcp_garbage(void)
{
  static const unsigned types[] = {1, 3, 8, 2, 4, 5, 7, 0, 255};
  static uint8_t m[1400];
  for (unsigned i = 0, k = 1 + below(12); i < k; i++) {
    unsigned n = dhcp_message(m, PICK(types));
    if (below(4) == 0) m[below(4)] = (uint8_t)rnd();
    if (below(8) == 0) fill(m + 12, 16);
    if (below(8) == 0) put32(m + 236, (uint32_t)rnd());
    for (int more = 1; more && n + 2 + 255 < sizeof(m) && below(4);) {
      switch (below(6)) {
      case 0: m[n] = 53, m[n + 1] = (uint8_t)below(3), m[n + 2] = (uint8_t)PICK(types); break;
      case 1: m[n] = 50, m[n + 1] = (uint8_t)below(6), put32(m + n + 2, below(2) ? GUEST : (uint32_t)rnd()); break;
      case 2: m[n] = 52, m[n + 1] = 1, m[n + 2] = (uint8_t)(1 + below(3)); break;
      case 3: m[n] = (uint8_t)rnd(), m[n + 1] = (uint8_t)rnd(), fill(m + n + 2, m[n + 1]); break;
      case 4: m[n] = 0, m[n + 1] = (uint8_t)below(64), memset(m + n + 2, 0, m[n + 1]); break;
      default: m[n] = (uint8_t)rnd(), m[n + 1] = 255, more = 0; /* past the end */
      }
      n += more ? 2u + m[n + 1] : 2;
    }
    if (below(2)) m[n++] = 255;
    if (below(8) == 0) n = below(240);
    if (below(2))
      send(tx, udp_frame(tx, bcast, 0, 68, BROADCAST, 67, m, n));
    else
      send(tx, udp_frame(tx, host_mac, GUEST, 68, GATEWAY, 67, m, n));
  }
}

/* Take frames for `us` (the stack's timers run meanwhile). */
static void linger(uint64_t us)
{
  for (uint64_t t = now_us(); now_us() - t < us;) rx_poll();
}

/* A connection to the host's listener at PORT (the test's sends 4 KiB and
 * its end, and reads what comes) driven badly: a SYN with random options and maybe data, then
 * segments with random flags, sequence and acknowledgment numbers near and
 * far from the right ones, zero and tiny windows (the stack probes them:
 * RFC 9293 3.8.6.1), data in and out of the window, urgent data, at times a
 * pause for the stack's timers; a RST, a FIN or nothing at the end. */
static void tcp_flow(void)
{
  static const unsigned wins[] = {0, 0, 1, 2, 100, 536, 65535};
  static uint8_t opt[40], syn[ETH + 20 + 60 + 200];
  if (!syn_to_port()) return;
  bring_up(qsize(), qsize(), CLEAN); /* (no answer lost to a small buffer) */
  flow_start();
  unsigned olen = tcp_options(opt, 40), n = tcp_frame(syn, GUEST, flow.gport, GATEWAY, port, flow.iss, 0, TCP_SYN,
                                                      (unsigned)rnd() & 0xffff, opt, olen, below(4) ? 0 : below(200));
  for (unsigned i = 0; i < 3 && !flow.open; i++) { /* sent again, as TCP does (RFC 9293 3.8.1) */
    send(syn, n);
    wait_for(flow_opened, ANSWER_US / 2);
  }
  unsigned k = 1 + below(40), pause = below(4) ? k : below(k); /* time for the timers after segment `pause` */
  for (unsigned i = 0; i < k && flow.open; i++) {
    unsigned flags = below(4) ? TCP_ACK | (below(2) ? TCP_PSH : 0) : (unsigned)rnd() & 0xff;
    unsigned dlen = below(2) ? 0 : below(1400), win = below(2) ? PICK(wins) : (unsigned)rnd() & 0xffff;
    uint32_t seq = flow.snd_nxt, ack = flow.rcv_nxt;
    if ((flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN && !syn_to_port()) flags |= TCP_ACK;
    if (below(4) == 0) seq += below(2) ? below(140000) - 70000 : (uint32_t)rnd();
    if (below(4) == 0) ack += below(2) ? below(140000) - 70000 : (uint32_t)rnd();
    olen = below(4) ? 0 : tcp_options(opt, 40);
    send(tx, tcp_frame(tx, GUEST, flow.gport, GATEWAY, port, seq, ack, flags, win, opt, olen, dlen));
    if (seq == flow.snd_nxt && (flags & (TCP_ACK | TCP_SYN | TCP_RST)) == TCP_ACK)
      flow.snd_nxt += dlen + !!(flags & TCP_FIN);
    tx_kick();
    rx_poll();
    if (i == pause) linger(below(600000));
  }
  if (flow.open && below(3)) flow_send(below(2) ? TCP_RST : TCP_FIN | TCP_ACK, 0);
}

/* ------------------------------------------------------------ the run */

static uint64_t canary_word(uint64_t i) { return (i * 0x9e3779b97f4a7c15UL) ^ (i << 7) ^ 0xc0ffee; }

static void canary_fill(void)
{
  for (uint64_t i = 0; i < CANARY_LEN / 8; i++) ((volatile uint64_t *)CANARY)[i] = canary_word(i);
}

static void canary_check(void)
{
  for (uint64_t i = 0; i < CANARY_LEN / 8; i++)
    if (((volatile uint64_t *)CANARY)[i] != canary_word(i)) fail(10, "RAM never handed to the device changed");
}

/* After an attack: what is queued sent, the answers taken. Only malformed
 * chains (which the attacks on the device reset after) may break the
 * device. */
static void settle(void)
{
  tx_kick();
  rx_poll();
  if (broken()) fail(11, "well-formed chains broke the device");
}

/* One of each in the first rounds, then at random (malformed chains twice as often). */
static void (*const attacks[])(void) = {attack_chain, attack_rx, attack_notify, random_eth, bad_arp, bad_ip,
                                        fragments, tcp_garbage, syn_flood, dns_garbage, dhcp_garbage, tcp_flow,
                                        attack_chain};
#define ATTACKS (sizeof(attacks) / sizeof(attacks[0]))

int main(void)
{
  read_job();
  rng_state = seed * 2 + 1;
  puts_("net-attack: seed ");
  putu(seed);
  puts_(" rounds ");
  putu(rounds);
  puts_(" port ");
  putu(port);
  putc_('\n');
  if (r32(MAGIC) != 0x74726976 || r32(VERSION) != 2 || r32(DEVICE_ID) != 1)
    fail(2, "no virtio-net device in virtio-mmio slot 6 (-nic user)");
  for (unsigned i = 0; i < 6; i++) mac[i] = *(volatile uint8_t *)(NET + CONFIG + i);
  if (!(*(volatile uint8_t *)(NET + CONFIG + 6) & 1)) fail(8, "the link is down (5.1.4, VIRTIO_NET_S_LINK_UP)");
  canary_fill();
  stack_answers(); /* before any attack: the checks work */
  for (round = 1; round <= rounds; round++) {
    rng_state = mix(seed * 0x9e3779b97f4a7c15UL + round) | 1; /* from seed and round alone */
    attacks[round <= ATTACKS ? round - 1 : below(ATTACKS)]();
    settle();
    if (round % 32 == 0) {
      canary_check();
      stack_answers();
      recover();
    }
  }
  round = 0;
  w32(STATUS, 0);
  canary_check();
  stack_answers(); /* (its reset clears InterruptStatus) */
  if (!(r32(INT_STATUS) & INT_USED)) fail(34, "no used buffer notification (4.2.2, InterruptStatus bit 0)");
  if (!(mmio_read32(PLIC_PENDING) >> NET_IRQ & 1)) fail(35, "interrupt 7 not pending at the PLIC");
  canary_check();
  puts_("net-attack: host kept its promises (seed ");
  putu(seed);
  puts_("): ");
  putu(sent);
  puts_(" frames sent, ");
  putu(received);
  puts_(" received, ");
  putu(resets);
  puts_(" device resets\n");
  return 0;
}
