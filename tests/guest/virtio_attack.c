/*
 * virtio_attack.c - a hostile guest: drives every virtio-mmio device of the
 * virt machine with seeded malformed input (register misuse, bad queues and
 * descriptor chains, malformed requests, resets mid-request, a reboot with
 * disk I/O in flight), then proves that the host kept its promises:
 *   - RAM never handed to a device (a canary region) is unchanged;
 *   - every device works after a reset (the read-only disk reads its known
 *     contents and refuses writes; the host checks the image is unchanged);
 *   - after a reboot with requests in flight, the new machine works.
 * Not a TESTS_CHECK program: it needs the machine of tests/attack.test.mjs:
 *   -m 64 -bios none -kernel virtio_attack.elf
 *   -drive file=RW,format=raw,if=virtio             (slot 0, >= 64 MiB)
 *   -drive file=RO,format=raw,if=virtio,readonly=on (slot 1, 1 MiB)
 * The read-only disk's sector 0 is the job (struct job); the rest of it is
 * ro_byte(offset). With job.flood != 0 it floods the read-write disk with
 * that many 32 MiB writes instead (host memory use is measured outside).
 * Progress and the seed go to the UART; pass/fail through tohost.
 *
 * Guest RAM layout (64 MiB):
 *   [0, 4M)     this program          [16M, 24M) canary (never given to a device)
 *   [4M, 8M)    TABLES: descriptor and available rings, indirect tables,
 *               filled only with descriptors whose buffers lie in BUFS or
 *               outside RAM; its last 128 KiB (GOOD) hold the rings of
 *               well-formed use, which random ring addresses never reach
 *   [8M, 9M)    zeros after TABLES (a table read past its end finds none)
 *   [9M, 10M)   USED: used rings, the only ring memory a device writes
 *   [48M, 64M)  BUFS: every buffer a device may write; it ends RAM, so a
 *               buffer running past it is outside RAM and refused
 * Descriptor and available ring registers only ever get random TABLES
 * addresses, used ring registers random USED addresses, or addresses
 * outside RAM (the halves of those mix safely), so whatever a device reads
 * as a descriptor points to BUFS or nowhere, and it writes nowhere else.
 */
#include "test.h"

#define RAM_SIZE (64UL << 20)
#define RAM_END (RAM_BASE + RAM_SIZE)
#define TABLES (RAM_BASE + (4UL << 20))
#define TABLES_LEN (4UL << 20)
#define GOOD (TABLES + TABLES_LEN - (128UL << 10)) /* rings of well-formed use */
#define RANDOM_TABLES_LEN (GOOD - TABLES - 8192)  /* a table there ends before GOOD */
#define USED (RAM_BASE + (9UL << 20))
#define USED_LEN (1UL << 20)
#define CANARY (RAM_BASE + (16UL << 20))
#define CANARY_LEN (8UL << 20)
#define BUFS (RAM_BASE + (48UL << 20))
#define BUFS_LEN (RAM_END - BUFS)
#define GOODBUF BUFS                               /* 2 MiB of well-formed buffers */
#define HDRS (BUFS + (1UL << 20))                  /* request headers of the attacks */
#define FLOOD_BUF (RAM_BASE + (16UL << 20))        /* flood mode: 32 MiB over the canary */
#define FLOOD_LEN (32UL << 20)

#define UART 0x10000000UL
#define VIRTIO(n) (0x10001000UL + 0x1000UL * (n))
#define NSLOTS 8
enum { SLOT_RW = 0, SLOT_RO = 1, SLOT_CONSOLE = 4, SLOT_RNG = 5 };

/* virtio-mmio registers (VIRTIO 1.2, 4.2.2) */
enum {
  MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEV_FEATURES = 0x010, DEV_FEATURES_SEL = 0x014,
  DRV_FEATURES = 0x020, DRV_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034,
  QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, INT_STATUS = 0x060, INT_ACK = 0x064,
  STATUS = 0x070, QUEUE_DESC = 0x080, QUEUE_DRIVER = 0x090, QUEUE_DEVICE = 0x0a0,
};
#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64
#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4
#define FEAT_INDIRECT (1UL << 28)
#define FEAT_VERSION_1 (1UL << 32)
#define BLK_IN 0
#define BLK_OUT 1
#define BLK_FLUSH 4
#define BLK_GET_ID 8

struct job { char magic[8]; uint64_t seed; uint32_t rounds, flood; };
#define JOB_MAGIC "WVMATTK1"
#define REBOOT_MAGIC "REBOOT01"

static struct job job;

/* ---------------------------------------------------------------- output */

static void putc_(char c) { *(volatile uint8_t *)UART = (uint8_t)c; }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void putx(uint64_t v)
{
  puts_("0x");
  for (int i = 60; i >= 0; i -= 4) putc_("0123456789abcdef"[v >> i & 15]);
}
static void putu(uint64_t v)
{
  char b[21];
  int n = 0;
  do b[n++] = (char)('0' + v % 10); while (v /= 10);
  while (n) putc_(b[--n]);
}

/* ------------------------------------------------------------ randomness */

static uint64_t below(uint64_t n) { return rnd() % n; }

/* An address outside RAM (below it, past it, in MMIO, or huge). */
static uint64_t outside_ram(void)
{
  static const uint64_t a[] = {0, 0x1000, RAM_BASE - 16, RAM_BASE - 4096, RAM_END, RAM_END + 4096,
                               VIRTIO(0), 0x0c000000, 0x02000000, 0x100000, 0xfffffff0UL,
                               ~0UL & ~15UL, 1UL << 63, 0x7ffffffffffff000UL};
  uint64_t v = a[below(sizeof(a) / sizeof(a[0]))];
  return below(4) ? v : v | (rnd() | 1UL << 40) << 20; /* high bits set: never RAM */
}

/* A random place in [base, base + len), often aligned, or nowhere. */
static uint64_t ring_addr(uint64_t base, uint64_t len)
{
  if (below(8) == 0) return outside_ram();
  uint64_t a = base + below(len);
  return below(4) ? a & ~15UL : a;
}

/* Where a descriptor or available ring or an indirect table may be. */
static uint64_t table_addr(void) { return ring_addr(TABLES, RANDOM_TABLES_LEN); }

/* Where a used ring may be. */
static uint64_t used_addr(void) { return ring_addr(USED, USED_LEN); }

/* A buffer: in BUFS (any length: past its end is past RAM) or outside RAM. */
static void buffer(uint64_t *addr, uint32_t *len)
{
  static const uint32_t lens[] = {0, 1, 15, 16, 17, 511, 512, 513, 4096, 65536, 1u << 20,
                                  32u << 20, (32u << 20) + 512, 0x7fffffff, 0xffffffff};
  *addr = below(6) ? BUFS + below(BUFS_LEN) : outside_ram();
  *len = below(2) ? lens[below(sizeof(lens) / sizeof(lens[0]))] : (uint32_t)below(1u << (4 + below(18)));
  if (below(3) == 0 && *addr >= BUFS && *addr < RAM_END) *len = (uint32_t)(RAM_END - *addr); /* exactly to the end */
}

/* One random descriptor; INDIRECT ones point to TABLES. */
static void random_desc(uint64_t at)
{
  uint64_t addr;
  uint32_t len;
  uint16_t flags = (uint16_t)(below(16) == 0 ? rnd() : below(8)), next = (uint16_t)(below(8) ? below(40) : rnd());
  buffer(&addr, &len);
  if (flags & F_INDIRECT) {
    addr = table_addr();
    static const uint32_t ilens[] = {0, 16, 17, 32, 64, 160, 4096, 4112, 0xfffffff0};
    len = ilens[below(sizeof(ilens) / sizeof(ilens[0]))];
  }
  mmio_write64(at, addr); /* plain RAM stores */
  *(volatile uint32_t *)(at + 8) = len;
  *(volatile uint16_t *)(at + 12) = flags;
  *(volatile uint16_t *)(at + 14) = next;
}

/* Fill `n` descriptors at `at` (in TABLES) with random ones. */
static void random_table(uint64_t at, unsigned n)
{
  for (unsigned i = 0; i < n; i++)
    random_desc(at + 16 * i);
}

/* ----------------------------------------------------------------- time */

static uint64_t now_us(void) { return mmio_read64(CLINT_MTIME) / 10; } /* 10 MHz */
static void spin_us(uint64_t us) { for (uint64_t t = now_us(); now_us() - t < us;) {} }

/* ----------------------------------------------------- virtio, well formed */

static uint32_t r32(int slot, unsigned off) { return mmio_read32(VIRTIO(slot) + off); }
static void w32(int slot, unsigned off, uint32_t v) { mmio_write32(VIRTIO(slot) + off, v); }

typedef struct vq {
  int slot;
  unsigned q, num;
  uint64_t desc, avail, used;
  uint16_t avail_idx, used_seen, next_desc;
} vq;

static void set_addr(int slot, unsigned reg, uint64_t a)
{
  w32(slot, reg, (uint32_t)a);
  w32(slot, reg + 4, (uint32_t)(a >> 32));
}

/* Reset and initialize the device in `slot` (VIRTIO 1.2, 3.1.1) with
 * features `want` & offered, queues of `num` entries in GOOD; returns the
 * status read back (S_DRIVER_OK set on success). */
static uint32_t dev_init(int slot, vq *qs, unsigned nq, unsigned num, uint64_t want)
{
  w32(slot, STATUS, 0);
  w32(slot, STATUS, S_ACK);
  w32(slot, STATUS, S_ACK | S_DRIVER);
  w32(slot, DEV_FEATURES_SEL, 0);
  uint64_t f = r32(slot, DEV_FEATURES);
  w32(slot, DEV_FEATURES_SEL, 1);
  f |= (uint64_t)r32(slot, DEV_FEATURES) << 32;
  f &= want | FEAT_VERSION_1;
  w32(slot, DRV_FEATURES_SEL, 0);
  w32(slot, DRV_FEATURES, (uint32_t)f);
  w32(slot, DRV_FEATURES_SEL, 1);
  w32(slot, DRV_FEATURES, (uint32_t)(f >> 32));
  w32(slot, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
  for (unsigned q = 0; q < nq; q++) {
    vq *v = &qs[q];
    uint64_t base = GOOD + 0x2000UL * (2 * (unsigned)slot + q);
    *v = (vq){slot, q, num, base, base + 0x1000, USED + USED_LEN - 0x1000UL * (2 * (unsigned)slot + q + 1), 0, 0, 0};
    memset((void *)v->desc, 0, 16 * num);
    memset((void *)v->avail, 0, 6 + 2 * num);
    memset((void *)v->used, 0, 6 + 8 * num);
    w32(slot, QUEUE_SEL, q);
    w32(slot, QUEUE_NUM, num);
    set_addr(slot, QUEUE_DESC, v->desc);
    set_addr(slot, QUEUE_DRIVER, v->avail);
    set_addr(slot, QUEUE_DEVICE, v->used);
    w32(slot, QUEUE_READY, 1);
  }
  w32(slot, STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
  return r32(slot, STATUS);
}

typedef struct seg { uint64_t addr; uint32_t len; int write; } seg;

/* Put a chain in fresh descriptors, publish it and notify; returns the head. */
static uint16_t submit(vq *v, const seg *s, unsigned n)
{
  uint16_t head = v->next_desc;
  for (unsigned i = 0; i < n; i++) {
    unsigned d = (head + i) % v->num, nx = (d + 1) % v->num;
    uint64_t at = v->desc + 16 * d;
    mmio_write64(at, s[i].addr);
    *(volatile uint32_t *)(at + 8) = s[i].len;
    *(volatile uint16_t *)(at + 12) = (uint16_t)((s[i].write ? F_WRITE : 0) | (i + 1 < n ? F_NEXT : 0));
    *(volatile uint16_t *)(at + 14) = (uint16_t)nx;
  }
  v->next_desc = (uint16_t)((head + n) % v->num);
  *(volatile uint16_t *)(v->avail + 4 + 2 * (v->avail_idx % v->num)) = head;
  __asm__ volatile("fence rw, rw" ::: "memory");
  *(volatile uint16_t *)(v->avail + 2) = ++v->avail_idx;
  __asm__ volatile("fence rw, rw" ::: "memory");
  w32(v->slot, QUEUE_NOTIFY, v->q);
  return head;
}

/* Wait up to `us` for the next used element; 1 with its length, else 0. */
static int wait_used(vq *v, uint32_t *len, uint64_t us)
{
  for (uint64_t t = now_us(); now_us() - t < us;) {
    if (*(volatile uint16_t *)(v->used + 2) != v->used_seen) {
      uint64_t e = v->used + 4 + 8 * (v->used_seen % v->num);
      *len = *(volatile uint32_t *)(e + 4);
      v->used_seen++;
      return 1;
    }
  }
  return 0;
}

#define TIMEOUT_US 5000000UL /* generous: ASan and wasm builds are slow */

/* A well-formed virtio-blk request of `len` data bytes at GOODBUF + `off`;
 * returns the status byte, or -1 if it did not complete. */
static int blk(vq *v, uint32_t type, uint64_t sector, uint64_t off, uint32_t len)
{
  uint64_t hdr = GOODBUF + (1UL << 21) - 64, st = hdr + 32;
  mmio_write64(hdr, type);
  mmio_write64(hdr + 8, sector);
  *(volatile uint8_t *)st = 0xee;
  seg s[3] = {{hdr, 16, 0}, {GOODBUF + off, len, type != BLK_OUT}, {st, 1, 1}};
  if (len) submit(v, s, 3);
  else { s[1] = s[2]; submit(v, s, 2); }
  uint32_t used_len;
  if (!wait_used(v, &used_len, TIMEOUT_US)) return -1;
  return *(volatile uint8_t *)st;
}

/* --------------------------------------------------------------- checks */

static uint8_t ro_byte(uint64_t off) { return (uint8_t)((off >> 9) * 31 + (off & 511) * 7 + 0x5a); }
static uint64_t canary_word(uint64_t i) { return (i * 0x9e3779b97f4a7c15UL) ^ (i << 7) ^ 0xc0ffee; }

static void canary_fill(void)
{
  for (uint64_t i = 0; i < CANARY_LEN / 8; i++) ((volatile uint64_t *)CANARY)[i] = canary_word(i);
}

static void canary_check(uint64_t round)
{
  for (uint64_t i = 0; i < CANARY_LEN / 8; i++)
    if (((volatile uint64_t *)CANARY)[i] != canary_word(i)) {
      puts_("attack: canary changed at ");
      putx(CANARY + 8 * i);
      puts_(" after round ");
      putu(round);
      putc_('\n');
      test_fail(10);
    }
}

static void fail(int n, const char *why)
{
  puts_("attack: FAIL ");
  puts_(why);
  puts_(" (seed ");
  putu(job.seed);
  puts_(")\n");
  test_fail(n);
}

/* Each device works after a reset: the disks read and write (the read-only
 * one reads its known contents and refuses writes), the entropy device
 * fills a buffer, the console prints a line. */
static void devices_work(void)
{
  vq v[2];
  uint32_t len;
  uint8_t *buf = (uint8_t *)GOODBUF;
  const uint64_t want_blk = FEAT_INDIRECT | 1UL << 9 /* FLUSH */ | 1UL << 5 /* RO */;
  if (!(dev_init(SLOT_RW, v, 1, 64, want_blk) & S_DRIVER_OK)) fail(20, "read-write disk init");
  for (unsigned i = 0; i < 8192; i++) buf[i] = (uint8_t)(i * 3 + job.seed);
  if (blk(v, BLK_OUT, 100, 0, 8192) != 0) fail(21, "disk write");
  if (blk(v, BLK_FLUSH, 0, 0, 0) != 0) fail(22, "disk flush");
  memset(buf + 8192, 0, 8192);
  if (blk(v, BLK_IN, 100, 8192, 8192) != 0 || memcmp(buf, buf + 8192, 8192) != 0) fail(23, "disk read back");
  if (blk(v, BLK_GET_ID, 0, 0, 20) != 0 || memcmp(buf, "wvm-virtio-blk", 14) != 0) fail(24, "disk id");

  if (!(dev_init(SLOT_RO, v, 1, 64, want_blk) & S_DRIVER_OK)) fail(25, "read-only disk init");
  if (blk(v, BLK_IN, 1, 0, 65536) != 0) fail(26, "read-only disk read");
  for (unsigned i = 0; i < 65536; i++)
    if (buf[i] != ro_byte(512 + i)) fail(27, "read-only disk contents");
  if (blk(v, BLK_OUT, 1, 0, 512) != 1 /* IOERR */) fail(28, "read-only disk accepted a write");

  if (!(dev_init(SLOT_RNG, v, 1, 16, 0) & S_DRIVER_OK)) fail(29, "entropy init");
  memset(buf, 0, 256);
  seg s = {GOODBUF, 256, 1};
  submit(v, &s, 1);
  uint64_t any = 0;
  for (unsigned i = 0; i < 256; i++) any |= buf[i];
  if (!wait_used(v, &len, TIMEOUT_US) || len != 256 || !any) fail(30, "entropy");

  if (!(dev_init(SLOT_CONSOLE, v, 2, 16, 0) & S_DRIVER_OK)) fail(31, "console init");
  static const char line[] = "attack: virtio-console ok\n";
  memcpy(buf, line, sizeof(line) - 1);
  s = (seg){GOODBUF, sizeof(line) - 1, 0};
  submit(&v[1], &s, 1);
  if (!wait_used(&v[1], &len, TIMEOUT_US)) fail(32, "console");
}

/* ---------------------------------------------------------------- attacks */

static const uint32_t device_ids[NSLOTS] = {2, 2, 0, 0, 3, 4, 0, 0};
static const unsigned queues[NSLOTS] = {1, 1, 0, 0, 2, 1, 0, 0};

/* Random accesses of every size anywhere in the register window, ring
 * addresses drawn by table_addr. */
static void attack_registers(int slot)
{
  for (int i = 0, n = 1 + (int)below(40); i < n; i++) {
    unsigned size = 1u << below(4), off = (unsigned)below(0x200) & ~(below(4) ? size - 1 : 0);
    uint64_t a = VIRTIO(slot) + off, val;
    if (off >= QUEUE_DESC && off < 0xa8) {
      uint64_t t = off >= QUEUE_DEVICE ? used_addr() : table_addr();
      val = (off & 4) ? t >> 32 : t;
    } else {
      static const uint64_t vals[] = {0, 1, 2, 3, 4, 0xf, 0x7f, 0xff, 0x100, 0x101, 0xffff, 0x10000, 0xffffffff};
      val = below(2) ? vals[below(sizeof(vals) / sizeof(vals[0]))] : rnd();
    }
    if (below(4) == 0) {
      switch (size) {
      case 1: (void)*(volatile uint8_t *)a; break;
      case 2: (void)*(volatile uint16_t *)a; break;
      case 4: (void)*(volatile uint32_t *)a; break;
      default: (void)*(volatile uint64_t *)a; break;
      }
      continue;
    }
    switch (size) {
    case 1: *(volatile uint8_t *)a = (uint8_t)val; break;
    case 2: *(volatile uint16_t *)a = (uint16_t)val; break;
    case 4: *(volatile uint32_t *)a = (uint32_t)val; break;
    default: *(volatile uint64_t *)a = val; break;
    }
  }
}

/* A correctly initialized device given garbage rings: random descriptors
 * (chains, loops, indirect tables), random available heads and index. */
static void attack_rings(int slot)
{
  vq v[2];
  unsigned num = below(4) ? 1u << below(9) : (unsigned)below(300);
  if (num == 0) num = 1;
  dev_init(slot, v, queues[slot], num > 256 ? 256 : num, below(4) ? ~0UL : rnd());
  for (unsigned q = 0; q < queues[slot]; q++) {
    random_table(v[q].desc, v[q].num);
    for (unsigned i = 0; i < 4; i++) random_table(TABLES + (below(RANDOM_TABLES_LEN) & ~15UL), 1 + (unsigned)below(20));
    for (unsigned i = 0; i < v[q].num; i++)
      *(volatile uint16_t *)(v[q].avail + 4 + 2 * i) = (uint16_t)(below(8) ? below(v[q].num + 2) : rnd());
    *(volatile uint16_t *)v[q].avail = (uint16_t)below(2);
    *(volatile uint16_t *)(v[q].avail + 2) = (uint16_t)(below(4) ? below(v[q].num + 1) : rnd());
    if (below(8) == 0) { /* move a ring somewhere odd while ready: refused, then tried */
      w32(slot, QUEUE_SEL, q);
      if (below(2)) set_addr(slot, QUEUE_DESC, table_addr());
      else set_addr(slot, QUEUE_DEVICE, used_addr());
    }
    w32(slot, QUEUE_NOTIFY, below(8) ? q : (uint32_t)rnd());
  }
}

/* Requests that are well formed as chains but malformed as requests, on a
 * disk: random types, sectors, lengths and buffer splits. */
static void attack_requests(int slot)
{
  vq v;
  dev_init(slot, &v, 1, 64, ~0UL);
  for (int i = 0, n = 1 + (int)below(8); i < n; i++) {
    static const uint32_t types[] = {BLK_IN, BLK_OUT, BLK_FLUSH, BLK_GET_ID, 11, 13, 0xffffffff};
    static const uint64_t sectors[] = {0, 1, 2047, 2048, 131071, 131072, 1UL << 55, ~0UL};
    uint64_t hdr = HDRS + 64 * (uint64_t)i;
    mmio_write64(hdr, below(8) ? types[below(7)] : rnd());
    mmio_write64(hdr + 8, below(2) ? sectors[below(8)] : below(1u << 18));
    seg s[6];
    unsigned k = 0;
    if (below(8)) s[k++] = (seg){hdr, below(8) ? 16 : (uint32_t)below(40), 0};
    for (unsigned j = 0, m = (unsigned)below(4); j < m; j++) {
      uint64_t a;
      uint32_t l;
      buffer(&a, &l);
      s[k++] = (seg){a, l, (int)below(2)};
    }
    if (below(8)) s[k++] = (seg){hdr + 32, below(8) ? 1 : (uint32_t)below(3), 1};
    for (unsigned j = 1; j < k; j++) /* mostly readable before writable */
      if (below(4) && s[j - 1].write && !s[j].write) { seg t = s[j]; s[j] = s[j - 1]; s[j - 1] = t; }
    if (k) submit(&v, s, k);
  }
}

/* Well-formed large requests, then a device reset while they are in flight. */
static void attack_reset_midway(int slot)
{
  vq v;
  dev_init(slot, &v, 1, 64, ~0UL);
  for (int i = 0, n = 1 + (int)below(6); i < n; i++) {
    uint64_t hdr = HDRS + 64 * (uint64_t)i;
    uint32_t type = below(2) ? BLK_IN : BLK_OUT;
    mmio_write64(hdr, type);
    mmio_write64(hdr + 8, below(2048) * 8);
    seg s[3] = {{hdr, 16, 0}, {BUFS + (2UL << 20) + below(8) * (1UL << 20), (uint32_t)(1 + below(8)) << 19, type == BLK_IN}, {hdr + 32, 1, 1}};
    submit(&v, s, 3);
  }
  if (below(2)) spin_us(below(200));
  w32(slot, STATUS, 0);
}

static void attack_round(void)
{
  int slot = (int)below(NSLOTS);
  switch (device_ids[slot] == 0 ? 0 : below(device_ids[slot] == 2 ? 4 : 2)) {
  case 0: attack_registers(slot); break;
  case 1: attack_rings(slot); break;
  case 2: attack_requests(slot); break;
  default: attack_reset_midway(slot); break;
  }
  if (below(2)) spin_us(below(300)); /* let the host complete some */
  if (below(4) == 0) w32(slot, STATUS, 0);
}

/* ------------------------------------------------------------ the run */

/* Fill the rest of the disk with 32 MiB writes of FLOOD_BUF, `n` at once. */
static void flood(unsigned n)
{
  vq v;
  for (uint64_t i = 0; i < FLOOD_LEN; i += 4096) *(volatile uint64_t *)(FLOOD_BUF + i) = i;
  if (!n) return;
  dev_init(SLOT_RW, &v, 1, 64, FEAT_INDIRECT);
  for (unsigned i = 0; i < n; i++) {
    uint64_t hdr = GOODBUF + 64 * (uint64_t)i;
    mmio_write64(hdr, BLK_OUT);
    mmio_write64(hdr + 8, (i & 1) * (FLOOD_LEN / 512));
    seg s[3] = {{hdr, 16, 0}, {FLOOD_BUF, FLOOD_LEN, 0}, {hdr + 32, 1, 1}};
    submit(&v, s, 3);
  }
  uint32_t len;
  for (unsigned i = 0; i < n; i++)
    if (!wait_used(&v, &len, 60 * TIMEOUT_US)) fail(40, "flood write did not complete");
  for (unsigned i = 0; i < n; i++)
    if (*(volatile uint8_t *)(GOODBUF + 64 * i + 32) != 0) fail(41, "flood write failed");
}

/* Make the disks' requests be in flight, then ask the machine to reboot. */
static void reboot_with_io_in_flight(void)
{
  vq v;
  uint8_t *buf = (uint8_t *)GOODBUF;
  dev_init(SLOT_RW, &v, 1, 64, FEAT_INDIRECT | 1UL << 9);
  memset(buf, 0, 512);
  memcpy(buf, REBOOT_MAGIC, 8);
  memcpy(buf + 8, &job.seed, 8);
  if (blk(&v, BLK_OUT, 0, 0, 512) != 0 || blk(&v, BLK_FLUSH, 0, 0, 0) != 0) fail(50, "reboot marker");
  for (int i = 0; i < 6; i++) {
    uint64_t hdr = HDRS + 64 * (uint64_t)i;
    mmio_write64(hdr, i & 1 ? BLK_OUT : BLK_IN);
    mmio_write64(hdr + 8, 4096 + 2048 * (uint64_t)i);
    seg s[3] = {{hdr, 16, 0}, {BUFS + (4UL << 20), 1u << 20, !(i & 1)}, {hdr + 32, 1, 1}};
    submit(&v, s, 3);
  }
  puts_("attack: rebooting with disk requests in flight\n");
  mmio_write32(SIFIVE_TEST, 0x7777);
  for (;;) {}
}

int main(void)
{
  vq v;
  uint8_t *buf = (uint8_t *)GOODBUF;
  for (int s = 0; s < NSLOTS; s++)
    if (r32(s, MAGIC) != 0x74726976 || r32(s, VERSION) != 2 || r32(s, DEVICE_ID) != device_ids[s])
      fail(1, "unexpected virtio slot layout");
  /* the job, from the read-only disk */
  if (!(dev_init(SLOT_RO, &v, 1, 16, 0) & S_DRIVER_OK) || blk(&v, BLK_IN, 0, 0, 512) != 0)
    fail(2, "cannot read the job");
  memcpy(&job, buf, sizeof(job));
  if (memcmp(job.magic, JOB_MAGIC, 8) != 0) fail(3, "no job on the read-only disk");
  rng_state = job.seed * 2 + 1;
  puts_("attack: seed ");
  putu(job.seed);
  puts_(" rounds ");
  putu(job.rounds);
  puts_(" flood ");
  putu(job.flood);
  putc_('\n');
  if (job.flood != (uint32_t)~0u && job.flood) {
    flood(job.flood);
    puts_("attack: flood done\n");
    return 0;
  }
  if (job.flood == (uint32_t)~0u) { /* the flood's baseline: same memory touched, no I/O */
    flood(0);
    return 0;
  }
  /* second boot? */
  if (!(dev_init(SLOT_RW, &v, 1, 16, 0) & S_DRIVER_OK) || blk(&v, BLK_IN, 0, 0, 512) != 0)
    fail(4, "cannot read the read-write disk");
  if (memcmp(buf, REBOOT_MAGIC, 8) == 0 && memcmp(buf + 8, &job.seed, 8) == 0) {
    devices_work();
    puts_("attack: devices work after the reboot\n");
    return 0;
  }
  memset((void *)TABLES, 0, TABLES_LEN + (1UL << 20)); /* and the zeros after it */
  canary_fill();
  for (uint64_t r = 1; r <= job.rounds; r++) {
    attack_round();
    if (r % 64 == 0) canary_check(r);
  }
  for (int s = 0; s < NSLOTS; s++) w32(s, STATUS, 0);
  spin_us(2000);
  canary_check(job.rounds);
  devices_work();
  canary_check(job.rounds);
  puts_("attack: host kept its promises (seed ");
  putu(job.seed);
  puts_(")\n");
  reboot_with_io_in_flight();
  return 0;
}
