/*
 * virtio_test.c - tests for the virtio-mmio transport and the virtio-blk,
 * virtio-console and virtio-rng devices (src/dev/virtio_*.c), and for the
 * file block backend (src/host/posix_blk.c).
 *
 * The test acts as the guest driver: it programs the MMIO registers with
 * phys_read/phys_write and writes descriptor tables and rings into guest
 * RAM. RAM starts filled with a guard pattern; malformed chains must leave
 * every byte of RAM unchanged and put the device in DEVICE_NEEDS_RESET.
 * A fake in-memory block backend completes requests only in its poll.
 *
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/virtio_blk.h"
#include "dev/virtio_console.h"
#include "dev/virtio_net.h"
#include "dev/virtio_mmio.h"
#include "dev/virtio_rng.h"
#include "host/posix_blk.h"
#include "mem/phys.h"

static long g_pass, g_fail;
#define CHECK(c) check((c) != 0, #c, __LINE__)
static void check(int ok, const char *what, int line)
{
    if (ok) {
        g_pass++;
    } else {
        g_fail++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

/* ------------------------------------------------------------------ */
/* Machine: RAM, interrupt lines                                        */
/* ------------------------------------------------------------------ */

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1u << 20)
#define GUARD 0xa5
static phys_map pm;
static int irq_level[8];

static void fake_irq(void *opaque, int irq, int level)
{
    (void)opaque;
    irq_level[irq] = level;
}

static irq_line line(int n) { return (irq_line){fake_irq, NULL, n}; }

static uint8_t *ram(uint64_t pa, uint64_t len)
{
    uint8_t *p = phys_ram_ptr(&pm, pa, len);
    if (!p) {
        printf("test bug: %llx not in RAM\n", (unsigned long long)pa);
        exit(2);
    }
    return p;
}
static uint16_t ld16(uint64_t pa) { uint16_t v; memcpy(&v, ram(pa, 2), 2); return v; }
static uint32_t ld32(uint64_t pa) { uint32_t v; memcpy(&v, ram(pa, 4), 4); return v; }
static void st16(uint64_t pa, uint16_t v) { memcpy(ram(pa, 2), &v, 2); }
static void st32(uint64_t pa, uint32_t v) { memcpy(ram(pa, 4), &v, 4); }
static void st64(uint64_t pa, uint64_t v) { memcpy(ram(pa, 8), &v, 8); }

static uint32_t rd(uint64_t base, uint64_t off)
{
    uint64_t v = 0;
    phys_read(&pm, base + off, 4, &v);
    return (uint32_t)v;
}
static void wr(uint64_t base, uint64_t off, uint32_t v) { phys_write(&pm, base + off, 4, v); }

/* ------------------------------------------------------------------ */
/* Fake block backend: a RAM disk that completes requests in poll       */
/* ------------------------------------------------------------------ */

#define DISK_SIZE (3 << 20) /* past VIRTIO_BLK_CHUNK_BYTES */
typedef struct fake_blk {
    blk_backend be;
    uint8_t disk[DISK_SIZE];
    blk_req *q[300];
    int n, reverse;
    char log[64]; /* executed ops: R W F */
    int nlog;
} fake_blk;

static void fake_submit(blk_backend *b, blk_req *r)
{
    fake_blk *f = b->opaque;
    if (f->n < 300)
        f->q[f->n++] = r;
}

static void fake_poll(blk_backend *b)
{
    fake_blk *f = b->opaque;
    blk_req *batch[300];
    int n = f->n;
    memcpy(batch, f->q, sizeof(blk_req *) * (size_t)n);
    f->n = 0; /* callbacks may submit more: those wait for the next poll */
    for (int i = 0; i < n; i++) {
        blk_req *r = batch[f->reverse ? n - 1 - i : i];
        int st = BLK_OK;
        if (f->nlog < 63)
            f->log[f->nlog++] = "RWF"[r->op];
        if (r->op != BLK_FLUSH && (r->offset > DISK_SIZE || r->len > DISK_SIZE - r->offset))
            st = BLK_IOERR;
        else if (r->op == BLK_READ)
            memcpy(r->buf, f->disk + r->offset, r->len);
        else if (r->op == BLK_WRITE)
            memcpy(f->disk + r->offset, r->buf, r->len);
        r->done(r, st);
    }
}

static void fake_init(fake_blk *f, int readonly)
{
    memset(f, 0, sizeof(*f));
    f->be = (blk_backend){DISK_SIZE, readonly, fake_submit, fake_poll, f};
    for (int i = 0; i < DISK_SIZE; i++)
        f->disk[i] = (uint8_t)(i * 7 + i / 512);
}

/* ------------------------------------------------------------------ */
/* The driver side                                                      */
/* ------------------------------------------------------------------ */

#define NUM 16 /* QueueNum the driver chooses */
typedef struct drv {
    uint64_t mmio, area; /* MMIO base; 128 KiB of RAM for rings and buffers */
    unsigned nq;
    uint16_t avail_idx[4], used_seen[4], next_desc[4];
} drv;

static uint64_t DESC(const drv *d, int q) { return d->area + 0x1000u * (unsigned)q; }
static uint64_t AVAIL(const drv *d, int q) { return d->area + 0x4000 + 0x1000u * (unsigned)q; }
static uint64_t USED(const drv *d, int q) { return d->area + 0x8000 + 0x1000u * (unsigned)q; }
static uint64_t BUF(const drv *d, uint64_t off) { return d->area + 0xc000 + off; }
static uint64_t IND(const drv *d, uint64_t off) { return d->area + 0x18000 + off; }

static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    st64(table + 16 * i, addr);
    st32(table + 16 * i + 8, len);
    st16(table + 16 * i + 12, flags);
    st16(table + 16 * i + 14, next);
}

static void publish(drv *d, int q, uint16_t head)
{
    st16(AVAIL(d, q) + 4 + 2 * (d->avail_idx[q] % NUM), head);
    d->avail_idx[q]++;
    st16(AVAIL(d, q) + 2, d->avail_idx[q]);
}

typedef struct seg {
    uint64_t gpa;
    uint32_t len;
    int write;
} seg;

/* Put a chain of `n` buffers in fresh descriptors and make it available. */
static uint16_t chain(drv *d, int q, const seg *s, int n)
{
    uint16_t head = d->next_desc[q];
    for (int i = 0; i < n; i++) {
        unsigned idx = (head + (unsigned)i) % NUM, nxt = (idx + 1) % NUM;
        put_desc(DESC(d, q), idx, s[i].gpa, s[i].len,
                 (uint16_t)((s[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i < n - 1 ? VIRTQ_DESC_F_NEXT : 0)),
                 (uint16_t)(i < n - 1 ? nxt : 0));
    }
    d->next_desc[q] = (uint16_t)((head + n) % NUM);
    publish(d, q, head);
    return head;
}

static void kick(const drv *d, int q) { wr(d->mmio, VIRTIO_MMIO_QUEUE_NOTIFY, (uint32_t)q); }

/* Take the next used element of queue q: 1 with id/len, or 0 if none. */
static int used(drv *d, int q, uint32_t *id, uint32_t *len)
{
    if (ld16(USED(d, q) + 2) == d->used_seen[q])
        return 0;
    uint64_t e = USED(d, q) + 4 + 8 * (d->used_seen[q] % NUM);
    *id = ld32(e);
    *len = ld32(e + 4);
    d->used_seen[q]++;
    return 1;
}

static uint64_t dev_features(const drv *d)
{
    wr(d->mmio, VIRTIO_MMIO_DEV_FEATURES_SEL, 0);
    uint64_t f = rd(d->mmio, VIRTIO_MMIO_DEV_FEATURES);
    wr(d->mmio, VIRTIO_MMIO_DEV_FEATURES_SEL, 1);
    return f | (uint64_t)rd(d->mmio, VIRTIO_MMIO_DEV_FEATURES) << 32;
}

static void set_queue_addrs(const drv *d, int q, uint64_t desc, uint64_t avail, uint64_t used_)
{
    wr(d->mmio, VIRTIO_MMIO_QUEUE_SEL, (uint32_t)q);
    wr(d->mmio, VIRTIO_MMIO_QUEUE_DESC_LO, (uint32_t)desc);
    wr(d->mmio, VIRTIO_MMIO_QUEUE_DESC_HI, (uint32_t)(desc >> 32));
    wr(d->mmio, VIRTIO_MMIO_QUEUE_DRIVER_LO, (uint32_t)avail);
    wr(d->mmio, VIRTIO_MMIO_QUEUE_DRIVER_HI, (uint32_t)(avail >> 32));
    wr(d->mmio, VIRTIO_MMIO_QUEUE_DEVICE_LO, (uint32_t)used_);
    wr(d->mmio, VIRTIO_MMIO_QUEUE_DEVICE_HI, (uint32_t)(used_ >> 32));
}

/* The initialization sequence of section 3.1.1, accepting the offered
 * features within `want` (VERSION_1 always). Returns the accepted set. */
static uint64_t drv_init(drv *d, uint64_t mmio, uint64_t area, unsigned nq, uint32_t id,
                         uint64_t want)
{
    memset(d, 0, sizeof(*d));
    d->mmio = mmio, d->area = area, d->nq = nq;
    wr(mmio, VIRTIO_MMIO_STATUS, 0);
    CHECK(rd(mmio, VIRTIO_MMIO_STATUS) == 0);
    CHECK(rd(mmio, VIRTIO_MMIO_MAGIC) == 0x74726976);
    CHECK(rd(mmio, VIRTIO_MMIO_VERSION) == 2);
    CHECK(rd(mmio, VIRTIO_MMIO_DEVICE_ID) == id);
    CHECK(rd(mmio, VIRTIO_MMIO_VENDOR_ID) == 0x554d4551);
    wr(mmio, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(mmio, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t f = dev_features(d) & (want | 1ull << VIRTIO_F_VERSION_1);
    CHECK(f >> VIRTIO_F_VERSION_1 & 1);
    wr(mmio, VIRTIO_MMIO_DRV_FEATURES_SEL, 0);
    wr(mmio, VIRTIO_MMIO_DRV_FEATURES, (uint32_t)f);
    wr(mmio, VIRTIO_MMIO_DRV_FEATURES_SEL, 1);
    wr(mmio, VIRTIO_MMIO_DRV_FEATURES, (uint32_t)(f >> 32));
    uint32_t s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    wr(mmio, VIRTIO_MMIO_STATUS, s);
    CHECK(rd(mmio, VIRTIO_MMIO_STATUS) == s);
    for (unsigned q = 0; q < nq; q++) {
        /* fresh rings, guard pattern between and after them */
        memset(ram(DESC(d, (int)q), 0x1000), GUARD, 0x1000);
        memset(ram(AVAIL(d, (int)q), 0x1000), GUARD, 0x1000);
        memset(ram(USED(d, (int)q), 0x1000), GUARD, 0x1000);
        memset(ram(DESC(d, (int)q), 16 * NUM), 0, 16 * NUM);
        memset(ram(AVAIL(d, (int)q), 6 + 2 * NUM), 0, 6 + 2 * NUM);
        memset(ram(USED(d, (int)q), 6 + 8 * NUM), 0, 6 + 8 * NUM);
        wr(mmio, VIRTIO_MMIO_QUEUE_SEL, q);
        CHECK(rd(mmio, VIRTIO_MMIO_QUEUE_READY) == 0);
        CHECK(rd(mmio, VIRTIO_MMIO_QUEUE_NUM_MAX) >= NUM);
        wr(mmio, VIRTIO_MMIO_QUEUE_NUM, NUM);
        set_queue_addrs(d, (int)q, DESC(d, (int)q), AVAIL(d, (int)q), USED(d, (int)q));
        wr(mmio, VIRTIO_MMIO_QUEUE_READY, 1);
        CHECK(rd(mmio, VIRTIO_MMIO_QUEUE_READY) == 1);
    }
    wr(mmio, VIRTIO_MMIO_STATUS, s | VIRTIO_STATUS_DRIVER_OK);
    CHECK(rd(mmio, VIRTIO_MMIO_STATUS) == (s | VIRTIO_STATUS_DRIVER_OK));
    return f;
}

/* The guard pattern after each ring is intact. */
static int rings_guarded(const drv *d)
{
    for (unsigned q = 0; q < d->nq; q++) {
        const uint8_t *a = ram(DESC(d, (int)q), 0x1000), *b = ram(AVAIL(d, (int)q), 0x1000),
                      *c = ram(USED(d, (int)q), 0x1000);
        for (unsigned i = 16 * NUM; i < 0x1000; i++)
            if (a[i] != GUARD)
                return 0;
        for (unsigned i = 6 + 2 * NUM; i < 0x1000; i++)
            if (b[i] != GUARD)
                return 0;
        for (unsigned i = 6 + 8 * NUM; i < 0x1000; i++)
            if (c[i] != GUARD)
                return 0;
    }
    return 1;
}

static void ack(const drv *d)
{
    wr(d->mmio, VIRTIO_MMIO_INT_ACK, rd(d->mmio, VIRTIO_MMIO_INT_STATUS));
}

static uint64_t cfg_read(const drv *d, unsigned off, unsigned size)
{
    uint64_t v = 0;
    phys_read(&pm, d->mmio + VIRTIO_MMIO_CONFIG + off, size, &v);
    return v;
}

/* ------------------------------------------------------------------ */
/* virtio-blk                                                           */
/* ------------------------------------------------------------------ */

#define BLK_MMIO 0x10001000ull
#define BLK_AREA (RAM_BASE + 0x00000)
#define BLK_IRQ 1
#define ROBLK_MMIO 0x10002000ull
#define ROBLK_AREA (RAM_BASE + 0x20000)
#define ROBLK_IRQ 2
#define BLK_WANT (1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_FLUSH | \
                  1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_BLK_SIZE |   \
                  1ull << VIRTIO_F_INDIRECT_DESC)

static fake_blk fb, fb_ro;
static virtio_blk blk, blk_ro;

/* Request slot k: header at BUF(k*32), status byte at BUF(0x400+k), data
 * at BUF(0x1000 + k*0x1000). */
static uint64_t HDR(const drv *d, int k) { return BUF(d, 32u * (unsigned)k); }
static uint64_t STS(const drv *d, int k) { return BUF(d, 0x400u + (unsigned)k); }
static uint64_t DATA(const drv *d, int k) { return BUF(d, 0x1000u + 0x1000u * (unsigned)k); }

static uint16_t blk_submit(drv *d, int k, uint32_t type, uint64_t sector, uint32_t len)
{
    st32(HDR(d, k), type);
    st32(HDR(d, k) + 4, 0);
    st64(HDR(d, k) + 8, sector);
    *ram(STS(d, k), 1) = 0xee;
    int dw = type != VIRTIO_BLK_T_OUT;
    seg s[3] = {{HDR(d, k), 16, 0}, {DATA(d, k), len, dw}, {STS(d, k), 1, 1}};
    if (len)
        return chain(d, 0, s, 3);
    s[1] = s[2];
    return chain(d, 0, s, 2);
}

static uint8_t sts(const drv *d, int k) { return *ram(STS(d, k), 1); }

static void test_blk_basic(void)
{
    drv d;
    uint32_t id, len;
    printf("virtio-blk: init, config\n");
    wr(BLK_MMIO, VIRTIO_MMIO_STATUS, 0);
    wr(BLK_MMIO, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    /* FEATURES_OK refused: a feature not offered (bit 40), then no VERSION_1 */
    wr(BLK_MMIO, VIRTIO_MMIO_DRV_FEATURES_SEL, 1);
    wr(BLK_MMIO, VIRTIO_MMIO_DRV_FEATURES, 1 | 1u << 8);
    wr(BLK_MMIO, VIRTIO_MMIO_STATUS, 11);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_STATUS) == 3);
    wr(BLK_MMIO, VIRTIO_MMIO_DRV_FEATURES, 0);
    wr(BLK_MMIO, VIRTIO_MMIO_STATUS, 11);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_STATUS) == 3);

    uint64_t f = drv_init(&d, BLK_MMIO, BLK_AREA, 1, 2, BLK_WANT);
    CHECK(f == (1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_INDIRECT_DESC |
                1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_FLUSH |
                1ull << VIRTIO_BLK_F_BLK_SIZE));
    CHECK(cfg_read(&d, 0, 8) == DISK_SIZE / 512);
    CHECK(cfg_read(&d, 0, 4) == DISK_SIZE / 512 && cfg_read(&d, 4, 4) == 0);
    CHECK(cfg_read(&d, 12, 4) == VIRTIO_BLK_QUEUE_SIZE - 2);
    CHECK(cfg_read(&d, 20, 4) == 512);
    CHECK(cfg_read(&d, 22, 4) == 0); /* past the config space */
    wr(BLK_MMIO, VIRTIO_MMIO_QUEUE_SEL, 0);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_QUEUE_NUM_MAX) == VIRTIO_BLK_QUEUE_SIZE);
    wr(BLK_MMIO, VIRTIO_MMIO_QUEUE_SEL, 1);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_QUEUE_NUM_MAX) == 0);
    /* features are frozen after FEATURES_OK */
    wr(BLK_MMIO, VIRTIO_MMIO_DRV_FEATURES_SEL, 0);
    wr(BLK_MMIO, VIRTIO_MMIO_DRV_FEATURES, 0);
    CHECK(blk.mmio.driver_features == f);

    printf("virtio-blk: write, read, async completion\n");
    uint8_t pat[1024];
    for (int i = 0; i < 1024; i++)
        pat[i] = (uint8_t)(i ^ 0x5a);
    memcpy(ram(DATA(&d, 0), 1024), pat, 1024);
    uint16_t h = blk_submit(&d, 0, VIRTIO_BLK_T_OUT, 3, 1024);
    kick(&d, 0);
    CHECK(fb.n == 1);                    /* submitted to the backend */
    CHECK(!used(&d, 0, &id, &len));       /* but not complete */
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_INT_STATUS) == 0 && !irq_level[BLK_IRQ]);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 1);
    CHECK(sts(&d, 0) == VIRTIO_BLK_S_OK);
    CHECK(memcmp(fb.disk + 3 * 512, pat, 1024) == 0);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_INT_STATUS) == VIRTIO_INT_USED && irq_level[BLK_IRQ]);
    ack(&d);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_INT_STATUS) == 0 && !irq_level[BLK_IRQ]);

    /* read back, data split over two descriptors of 700 and 324 bytes */
    memset(ram(DATA(&d, 1), 1024), 0, 1024);
    st32(HDR(&d, 1), VIRTIO_BLK_T_IN);
    st32(HDR(&d, 1) + 4, 0);
    st64(HDR(&d, 1) + 8, 3);
    seg s[4] = {{HDR(&d, 1), 16, 0}, {DATA(&d, 1), 700, 1}, {DATA(&d, 1) + 700, 324, 1},
                {STS(&d, 1), 1, 1}};
    h = chain(&d, 0, s, 4);
    kick(&d, 0);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 1025);
    CHECK(sts(&d, 1) == VIRTIO_BLK_S_OK && memcmp(ram(DATA(&d, 1), 1024), pat, 1024) == 0);
    ack(&d);

    /* the same read through an indirect table */
    memset(ram(DATA(&d, 1), 1024), 0, 1024);
    for (int i = 0; i < 4; i++)
        put_desc(IND(&d, 0), (unsigned)i, s[i].gpa, s[i].len,
                 (uint16_t)((s[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i < 3 ? VIRTQ_DESC_F_NEXT : 0)),
                 (uint16_t)(i + 1));
    put_desc(DESC(&d, 0), 9, IND(&d, 0), 64, VIRTQ_DESC_F_INDIRECT, 0);
    publish(&d, 0, 9);
    kick(&d, 0);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == 9 && len == 1025);
    CHECK(sts(&d, 1) == VIRTIO_BLK_S_OK && memcmp(ram(DATA(&d, 1), 1024), pat, 1024) == 0);

    printf("virtio-blk: out-of-order completion\n");
    fb.reverse = 1;
    uint16_t h0 = blk_submit(&d, 2, VIRTIO_BLK_T_IN, 0, 512);
    uint16_t h1 = blk_submit(&d, 3, VIRTIO_BLK_T_IN, 1, 512);
    kick(&d, 0);
    CHECK(fb.n == 2);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h1 && len == 513);
    CHECK(used(&d, 0, &id, &len) && id == h0 && len == 513);
    CHECK(memcmp(ram(DATA(&d, 2), 512), fb.disk, 512) == 0);
    CHECK(memcmp(ram(DATA(&d, 3), 512), fb.disk + 512, 512) == 0);
    fb.reverse = 0;

    printf("virtio-blk: flush waits for earlier writes\n");
    fb.nlog = 0;
    h0 = blk_submit(&d, 4, VIRTIO_BLK_T_OUT, 10, 512);
    h1 = blk_submit(&d, 5, VIRTIO_BLK_T_FLUSH, 0, 0);
    kick(&d, 0);
    CHECK(fb.n == 1 && fb.q[0]->op == BLK_WRITE); /* flush held back */
    fb.be.poll(&fb.be);                           /* write completes, flush goes */
    CHECK(used(&d, 0, &id, &len) && id == h0);
    CHECK(!used(&d, 0, &id, &len));
    CHECK(fb.n == 1 && fb.q[0]->op == BLK_FLUSH);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h1 && len == 1 && sts(&d, 5) == VIRTIO_BLK_S_OK);
    CHECK(fb.nlog == 2 && memcmp(fb.log, "WF", 2) == 0);
    /* a flush with nothing in flight goes at once */
    h1 = blk_submit(&d, 5, VIRTIO_BLK_T_FLUSH, 0, 0);
    kick(&d, 0);
    CHECK(fb.n == 1 && fb.q[0]->op == BLK_FLUSH);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h1 && sts(&d, 5) == VIRTIO_BLK_S_OK);

    printf("virtio-blk: get-id, unsupported, out of range\n");
    memset(ram(DATA(&d, 0), 20), 0xff, 20);
    h = blk_submit(&d, 0, VIRTIO_BLK_T_GET_ID, 0, 20);
    kick(&d, 0);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 21 && sts(&d, 0) == VIRTIO_BLK_S_OK);
    char want_id[20] = "wvm-virtio-blk";
    CHECK(memcmp(ram(DATA(&d, 0), 20), want_id, 20) == 0);
    h = blk_submit(&d, 0, 11 /* WRITE_ZEROES */, 0, 512);
    kick(&d, 0);
    CHECK(used(&d, 0, &id, &len) && id == h && sts(&d, 0) == VIRTIO_BLK_S_UNSUPP);
    h = blk_submit(&d, 0, VIRTIO_BLK_T_IN, DISK_SIZE / 512 - 1, 1024);
    kick(&d, 0);
    CHECK(fb.n == 0 && used(&d, 0, &id, &len) && id == h && sts(&d, 0) == VIRTIO_BLK_S_IOERR);
    h = blk_submit(&d, 0, VIRTIO_BLK_T_OUT, 1ull << 63, 512);
    kick(&d, 0);
    CHECK(fb.n == 0 && used(&d, 0, &id, &len) && id == h && sts(&d, 0) == VIRTIO_BLK_S_IOERR);
    h = blk_submit(&d, 0, VIRTIO_BLK_T_IN, 0, 100); /* not a multiple of 512 */
    kick(&d, 0);
    CHECK(fb.n == 0 && used(&d, 0, &id, &len) && id == h && sts(&d, 0) == VIRTIO_BLK_S_IOERR);
    h = blk_submit(&d, 0, VIRTIO_BLK_T_IN, DISK_SIZE / 512 - 1, 512); /* last sector: fine */
    kick(&d, 0);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h && sts(&d, 0) == VIRTIO_BLK_S_OK);
    CHECK(rings_guarded(&d));
    CHECK(!virtio_broken(&blk.mmio));
    ack(&d);

    printf("virtio-blk: reset with requests in flight\n");
    h0 = blk_submit(&d, 0, VIRTIO_BLK_T_IN, 0, 512);
    h1 = blk_submit(&d, 1, VIRTIO_BLK_T_OUT, 20, 512);
    blk_submit(&d, 2, VIRTIO_BLK_T_FLUSH, 0, 0);
    kick(&d, 0);
    CHECK(fb.n == 2);
    wr(BLK_MMIO, VIRTIO_MMIO_STATUS, 0);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_STATUS) == 0 && !irq_level[BLK_IRQ]);
    uint8_t *snap = malloc(RAM_SIZE);
    memcpy(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE);
    fb.be.poll(&fb.be); /* stale completions: nothing reaches guest RAM */
    CHECK(fb.n == 0 && memcmp(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE) == 0);
    CHECK(!irq_level[BLK_IRQ]);
    free(snap);
    drv_init(&d, BLK_MMIO, BLK_AREA, 1, 2, BLK_WANT);
    h = blk_submit(&d, 0, VIRTIO_BLK_T_IN, 3, 1024);
    kick(&d, 0);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 1025 && sts(&d, 0) == VIRTIO_BLK_S_OK);
    CHECK(memcmp(ram(DATA(&d, 0), 1024), pat, 1024) == 0);
}

/* 512 KiB of RAM no other test uses: two 256 KiB data buffers */
#define BIG0 (RAM_BASE + 0x80000)
#define BIG1 (RAM_BASE + 0xc0000)
#define BIG_LEN (256u << 10)

/* A read or write of `n` 256 KiB buffers (the last at `last`, the others
 * at BIG0) at sector 0, through an indirect table at IND(k * 0x400). */
static uint16_t blk_big(drv *d, int k, uint32_t type, int n, uint64_t last)
{
    st32(HDR(d, k), type);
    st32(HDR(d, k) + 4, 0);
    st64(HDR(d, k) + 8, 0);
    int dw = type == VIRTIO_BLK_T_IN;
    uint64_t t = IND(d, 0x400u * (unsigned)k);
    put_desc(t, 0, HDR(d, k), 16, VIRTQ_DESC_F_NEXT, 1);
    for (int i = 1; i <= n; i++)
        put_desc(t, (unsigned)i, i == n ? last : BIG0, BIG_LEN,
                 (uint16_t)(VIRTQ_DESC_F_NEXT | (dw ? VIRTQ_DESC_F_WRITE : 0)), (uint16_t)(i + 1));
    put_desc(t, (unsigned)n + 1, STS(d, k), 1, VIRTQ_DESC_F_WRITE, 0);
    unsigned head = d->next_desc[0];
    d->next_desc[0] = (uint16_t)((head + 1) % NUM);
    put_desc(DESC(d, 0), head, t, 16u * ((unsigned)n + 2), VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, (uint16_t)head);
    return (uint16_t)head;
}

/* Poll the fake backend until it has nothing queued; returns the polls. */
static int drain(void)
{
    int polls = 0;
    for (; fb.n && polls < 100; polls++)
        fb.be.poll(&fb.be);
    return polls;
}

static void test_blk_memory(void)
{
    drv d;
    uint32_t id, len;
    printf("virtio-blk: requests larger than a bounce buffer run in chunks\n");
    drv_init(&d, BLK_MMIO, BLK_AREA, 1, 2, BLK_WANT);
    for (uint32_t i = 0; i < BIG_LEN; i++)
        *ram(BIG0 + i, 1) = (uint8_t)(i * 13 + i / 4096);
    uint16_t h = blk_big(&d, 0, VIRTIO_BLK_T_OUT, 10, BIG0); /* 2.5 MiB */
    kick(&d, 0);
    CHECK(fb.n == 1 && fb.q[0]->len == VIRTIO_BLK_CHUNK_BYTES && fb.q[0]->offset == 0);
    CHECK(blk.mmio.held > VIRTIO_BLK_CHUNK_BYTES && blk.mmio.held < VIRTIO_BLK_CHUNK_BYTES + 65536);
    fb.be.poll(&fb.be);
    CHECK(!used(&d, 0, &id, &len));
    CHECK(fb.n == 1 && fb.q[0]->offset == VIRTIO_BLK_CHUNK_BYTES);
    fb.be.poll(&fb.be);
    CHECK(fb.n == 1 && fb.q[0]->offset == 2 * VIRTIO_BLK_CHUNK_BYTES && fb.q[0]->len == BIG_LEN * 2);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 1 && sts(&d, 0) == VIRTIO_BLK_S_OK);
    CHECK(blk.mmio.held == 0);
    int same = 1;
    for (int i = 0; i < 10; i++)
        same &= memcmp(fb.disk + (size_t)i * BIG_LEN, ram(BIG0, BIG_LEN), BIG_LEN) == 0;
    CHECK(same);
    /* read 1.25 MiB: the last 256 KiB land in BIG1, across the chunk boundary */
    for (uint32_t i = 0; i < 5 * BIG_LEN; i++)
        fb.disk[i] = (uint8_t)(i * 7 + i / 511);
    h = blk_big(&d, 0, VIRTIO_BLK_T_IN, 5, BIG1);
    kick(&d, 0);
    CHECK(drain() == 2);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 5 * BIG_LEN + 1 && sts(&d, 0) == VIRTIO_BLK_S_OK);
    CHECK(memcmp(ram(BIG0, BIG_LEN), fb.disk + 3 * BIG_LEN, BIG_LEN) == 0);
    CHECK(memcmp(ram(BIG1, BIG_LEN), fb.disk + 4 * BIG_LEN, BIG_LEN) == 0);
    ack(&d);

    printf("virtio-blk: host memory for requests in flight is capped\n");
    blk.mmio.hold_max = 600u << 10; /* two 256 KiB requests fit, the third passes the cap */
    for (int k = 0; k < 5; k++)
        blk_big(&d, k, VIRTIO_BLK_T_OUT, 1, BIG0);
    kick(&d, 0);
    CHECK(fb.n == 3 && blk.mmio.stalled == 1);
    uint64_t peak = blk.mmio.held;
    CHECK(peak < blk.mmio.hold_max + BIG_LEN + 65536);
    virtio_resume(&blk.mmio); /* nothing was released: still stalled */
    CHECK(fb.n == 3 && blk.mmio.stalled == 1);
    fb.be.poll(&fb.be);
    CHECK(blk.mmio.held == 0);
    virtio_resume(&blk.mmio); /* what the run loop does every round */
    CHECK(fb.n == 2 && blk.mmio.stalled == 0);
    fb.be.poll(&fb.be);
    int n = 0;
    while (used(&d, 0, &id, &len))
        n += len == 1;
    CHECK(n == 5);
    /* the machine's budget, shared by devices, caps as well */
    virtio_budget machine = {0, 300u << 10};
    blk.mmio.hold_max = VIRTIO_DEVICE_HOLD_MAX;
    blk.mmio.budget = &machine;
    for (int k = 0; k < 4; k++)
        blk_big(&d, k, VIRTIO_BLK_T_OUT, 1, BIG0);
    kick(&d, 0);
    CHECK(fb.n == 2 && machine.held == blk.mmio.held && blk.mmio.stalled == 1);
    fb.be.poll(&fb.be);
    CHECK(machine.held == 0);
    virtio_resume(&blk.mmio);
    fb.be.poll(&fb.be);
    for (n = 0; used(&d, 0, &id, &len);)
        n += len == 1;
    CHECK(n == 4 && machine.held == 0);
    blk.mmio.budget = NULL;
    ack(&d);

    printf("virtio-blk: a detached device's requests complete into nothing\n");
    blk_submit(&d, 0, VIRTIO_BLK_T_IN, 0, 512);
    blk_submit(&d, 1, VIRTIO_BLK_T_OUT, 8, 512);
    blk_submit(&d, 2, VIRTIO_BLK_T_FLUSH, 0, 0);
    kick(&d, 0);
    CHECK(fb.n == 2);
    memset(ram(DATA(&d, 1), 512), 0x3c, 512);
    uint8_t *snap = malloc(RAM_SIZE);
    memcpy(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE);
    virtio_blk_detach(&blk);
    memset(&blk, 0xdb, sizeof(blk)); /* as if freed: completions must not look */
    irq_level[BLK_IRQ] = 0;
    fb.be.poll(&fb.be);
    CHECK(fb.n == 0 && memcmp(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE) == 0 && !irq_level[BLK_IRQ]);
    free(snap);
}

static void test_blk_readonly(void)
{
    drv d;
    uint32_t id, len;
    printf("virtio-blk: read-only disk\n");
    uint64_t f = drv_init(&d, ROBLK_MMIO, ROBLK_AREA, 1, 2, BLK_WANT);
    CHECK(f >> VIRTIO_BLK_F_RO & 1);
    uint8_t before[512];
    memcpy(before, fb_ro.disk, 512);
    memset(ram(DATA(&d, 0), 512), 0x11, 512);
    uint16_t h = blk_submit(&d, 0, VIRTIO_BLK_T_OUT, 0, 512);
    kick(&d, 0);
    fb_ro.be.poll(&fb_ro.be);
    CHECK(used(&d, 0, &id, &len) && id == h && sts(&d, 0) == VIRTIO_BLK_S_IOERR);
    CHECK(memcmp(before, fb_ro.disk, 512) == 0);
    h = blk_submit(&d, 0, VIRTIO_BLK_T_IN, 0, 512);
    kick(&d, 0);
    fb_ro.be.poll(&fb_ro.be);
    CHECK(used(&d, 0, &id, &len) && id == h && sts(&d, 0) == VIRTIO_BLK_S_OK);
    CHECK(memcmp(ram(DATA(&d, 0), 512), before, 512) == 0);
    CHECK(irq_level[ROBLK_IRQ] && rd(ROBLK_MMIO, VIRTIO_MMIO_INT_STATUS) == VIRTIO_INT_USED);
    ack(&d);
    CHECK(!irq_level[ROBLK_IRQ]);
}

/* ------------------------------------------------------------------ */
/* Malformed chains                                                     */
/* ------------------------------------------------------------------ */

typedef void (*build_fn)(drv *d);

/* hdr, data (512, writable), status: descriptors 0, 1, 2 */
static void good3(drv *d, int data_write)
{
    st32(HDR(d, 0), VIRTIO_BLK_T_IN);
    put_desc(DESC(d, 0), 0, HDR(d, 0), 16, VIRTQ_DESC_F_NEXT, 1);
    put_desc(DESC(d, 0), 1, DATA(d, 0), 512,
             (uint16_t)(VIRTQ_DESC_F_NEXT | (data_write ? VIRTQ_DESC_F_WRITE : 0)), 2);
    put_desc(DESC(d, 0), 2, STS(d, 0), 1, VIRTQ_DESC_F_WRITE, 0);
}

static void m_loop(drv *d)
{
    good3(d, 1);
    put_desc(DESC(d, 0), 2, STS(d, 0), 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    publish(d, 0, 0);
}
static void m_self_loop(drv *d)
{
    put_desc(DESC(d, 0), 5, HDR(d, 0), 16, VIRTQ_DESC_F_NEXT, 5);
    publish(d, 0, 5);
}
static void m_below_ram(drv *d)
{
    good3(d, 1);
    put_desc(DESC(d, 0), 1, 0x1000, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    publish(d, 0, 0);
}
static void m_past_ram_end(drv *d)
{
    good3(d, 1);
    put_desc(DESC(d, 0), 1, RAM_BASE + RAM_SIZE - 256, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    publish(d, 0, 0);
}
static void m_wrap(drv *d)
{
    good3(d, 1);
    put_desc(DESC(d, 0), 1, 0xffffffffffffff00ull, 0x200, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    publish(d, 0, 0);
}
static void m_wrap_header(drv *d)
{
    good3(d, 1);
    put_desc(DESC(d, 0), 0, 0xfffffffffffffff8ull, 16, VIRTQ_DESC_F_NEXT, 1);
    publish(d, 0, 0);
}
static void m_read_after_write(drv *d)
{
    good3(d, 1);
    put_desc(DESC(d, 0), 2, STS(d, 0), 1, 0, 0); /* readable status after writable data */
    publish(d, 0, 0);
}
static void m_bad_next(drv *d)
{
    good3(d, 1);
    put_desc(DESC(d, 0), 1, DATA(d, 0), 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, NUM);
    publish(d, 0, 0);
}
static void m_bad_head(drv *d)
{
    good3(d, 1);
    publish(d, 0, 0xffff);
}
static void m_avail_idx_jump(drv *d)
{
    good3(d, 1);
    publish(d, 0, 0);
    st16(AVAIL(d, 0) + 2, NUM + 1); /* 17 entries "available" in a ring of 16 */
}
/* an indirect table of `n` buffers: header, n-2 readable, status */
static void ind_table(drv *d, unsigned n)
{
    put_desc(IND(d, 0), 0, HDR(d, 0), 16, VIRTQ_DESC_F_NEXT, 1);
    for (unsigned i = 1; i + 1 < n; i++)
        put_desc(IND(d, 0), i, DATA(d, 0), 512, VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
    put_desc(IND(d, 0), n - 1, STS(d, 0), 1, VIRTQ_DESC_F_WRITE, 0);
    st32(HDR(d, 0), VIRTIO_BLK_T_OUT);
}
static void m_too_long_indirect(drv *d)
{
    ind_table(d, NUM + 1);
    put_desc(DESC(d, 0), 0, IND(d, 0), 16 * (NUM + 1), VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
static void m_too_long_mixed(drv *d)
{
    /* 3 direct buffers, then an indirect table of 14: 17 in all */
    ind_table(d, NUM - 2);
    put_desc(DESC(d, 0), 0, HDR(d, 0), 16, VIRTQ_DESC_F_NEXT, 1);
    put_desc(DESC(d, 0), 1, DATA(d, 0), 512, VIRTQ_DESC_F_NEXT, 2);
    put_desc(DESC(d, 0), 2, DATA(d, 0), 512, VIRTQ_DESC_F_NEXT, 3);
    put_desc(DESC(d, 0), 3, IND(d, 0), 16 * (NUM - 2), VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
static void m_ind_odd_len(drv *d)
{
    ind_table(d, 3);
    put_desc(DESC(d, 0), 0, IND(d, 0), 40, VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
static void m_ind_zero_len(drv *d)
{
    put_desc(DESC(d, 0), 0, IND(d, 0), 0, VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
static void m_ind_outside(drv *d)
{
    put_desc(DESC(d, 0), 0, RAM_BASE + RAM_SIZE - 32, 48, VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
static void m_ind_with_next(drv *d)
{
    ind_table(d, 3);
    put_desc(DESC(d, 0), 0, IND(d, 0), 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    put_desc(DESC(d, 0), 1, STS(d, 0), 1, VIRTQ_DESC_F_WRITE, 0);
    publish(d, 0, 0);
}
static void m_ind_nested(drv *d)
{
    ind_table(d, 3);
    put_desc(IND(d, 0), 1, IND(d, 0), 48, VIRTQ_DESC_F_INDIRECT, 0);
    put_desc(DESC(d, 0), 0, IND(d, 0), 48, VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
static void m_ind_bad_next(drv *d)
{
    ind_table(d, 3);
    put_desc(IND(d, 0), 1, DATA(d, 0), 512, VIRTQ_DESC_F_NEXT, 3); /* table has 3 */
    put_desc(DESC(d, 0), 0, IND(d, 0), 48, VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
static void m_ind_loop(drv *d)
{
    ind_table(d, 3);
    put_desc(IND(d, 0), 2, STS(d, 0), 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    put_desc(DESC(d, 0), 0, IND(d, 0), 48, VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
static void m_ind_plain(drv *d) /* well-formed, if indirect were negotiated */
{
    ind_table(d, 3);
    put_desc(DESC(d, 0), 0, IND(d, 0), 48, VIRTQ_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
}
/* ring layout problems: the queue is re-set with bad addresses */
static void requeue(drv *d, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used_)
{
    wr(d->mmio, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(d->mmio, VIRTIO_MMIO_QUEUE_READY, 0);
    wr(d->mmio, VIRTIO_MMIO_QUEUE_NUM, num);
    set_queue_addrs(d, 0, desc, avail, used_);
    wr(d->mmio, VIRTIO_MMIO_QUEUE_READY, 1);
}
static void m_ring_outside(drv *d)
{
    good3(d, 1);
    publish(d, 0, 0);
    requeue(d, NUM, RAM_BASE + RAM_SIZE - 64, AVAIL(d, 0), USED(d, 0));
}
static void m_used_outside(drv *d)
{
    good3(d, 1);
    publish(d, 0, 0);
    requeue(d, NUM, DESC(d, 0), AVAIL(d, 0), 0xfffffffffffffff0ull);
}
static void m_ring_misaligned(drv *d)
{
    good3(d, 1);
    publish(d, 0, 0);
    requeue(d, NUM, DESC(d, 0) + 8, AVAIL(d, 0), USED(d, 0));
}
static void m_num_too_big(drv *d)
{
    good3(d, 1);
    publish(d, 0, 0);
    requeue(d, 512, DESC(d, 0), AVAIL(d, 0), USED(d, 0));
}

/* Build a malformed request on a freshly initialized blk device, notify,
 * and check: DEVICE_NEEDS_RESET, config interrupt, RAM byte-for-byte
 * unchanged, nothing submitted; then a reset brings the device back. */
static void malformed(const char *name, build_fn build, uint64_t want)
{
    drv d;
    uint32_t id, len;
    printf("malformed: %s\n", name);
    drv_init(&d, BLK_MMIO, BLK_AREA, 1, 2, want);
    build(&d);
    uint8_t *snap = malloc(RAM_SIZE);
    memcpy(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE);
    kick(&d, 0);
    uint32_t st = rd(BLK_MMIO, VIRTIO_MMIO_STATUS);
    CHECK(st & VIRTIO_STATUS_NEEDS_RESET);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_INT_STATUS) == VIRTIO_INT_CONFIG && irq_level[BLK_IRQ]);
    CHECK(memcmp(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE) == 0);
    CHECK(fb.n == 0);
    /* the queue stays stopped; writing status back keeps NEEDS_RESET */
    wr(BLK_MMIO, VIRTIO_MMIO_STATUS, st & ~(uint32_t)VIRTIO_STATUS_NEEDS_RESET);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    kick(&d, 0);
    CHECK(fb.n == 0 && memcmp(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE) == 0);
    free(snap);
    ack(&d);
    CHECK(!irq_level[BLK_IRQ]);
    /* recovery */
    wr(BLK_MMIO, VIRTIO_MMIO_STATUS, 0);
    CHECK(rd(BLK_MMIO, VIRTIO_MMIO_STATUS) == 0 && rd(BLK_MMIO, VIRTIO_MMIO_INT_STATUS) == 0);
    drv_init(&d, BLK_MMIO, BLK_AREA, 1, 2, want);
    uint16_t h = blk_submit(&d, 0, VIRTIO_BLK_T_IN, 1, 512);
    kick(&d, 0);
    fb.be.poll(&fb.be);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 513 && sts(&d, 0) == VIRTIO_BLK_S_OK);
    CHECK(memcmp(ram(DATA(&d, 0), 512), fb.disk + 512, 512) == 0);
    CHECK(rings_guarded(&d));
    ack(&d);
}

static void test_malformed(void)
{
    static const struct {
        const char *name;
        build_fn fn;
        int no_indirect;
    } cases[] = {
        {"loop", m_loop, 0},
        {"self loop", m_self_loop, 0},
        {"address below RAM", m_below_ram, 0},
        {"buffer past the end of RAM", m_past_ram_end, 0},
        {"address+len wraps", m_wrap, 0},
        {"header address wraps", m_wrap_header, 0},
        {"readable after writable", m_read_after_write, 0},
        {"next index out of range", m_bad_next, 0},
        {"head index out of range", m_bad_head, 0},
        {"available index too far ahead", m_avail_idx_jump, 0},
        {"chain too long (indirect)", m_too_long_indirect, 0},
        {"chain too long (direct+indirect)", m_too_long_mixed, 0},
        {"indirect length not a multiple of 16", m_ind_odd_len, 0},
        {"indirect length 0", m_ind_zero_len, 0},
        {"indirect table outside RAM", m_ind_outside, 0},
        {"indirect with NEXT", m_ind_with_next, 0},
        {"nested indirect", m_ind_nested, 0},
        {"indirect next out of range", m_ind_bad_next, 0},
        {"indirect loop", m_ind_loop, 0},
        {"indirect not negotiated", m_ind_plain, 1},
        {"descriptor ring outside RAM", m_ring_outside, 0},
        {"used ring outside RAM", m_used_outside, 0},
        {"misaligned descriptor ring", m_ring_misaligned, 0},
        {"QueueNum > QueueNumMax", m_num_too_big, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        malformed(cases[i].name, cases[i].fn,
                  cases[i].no_indirect ? BLK_WANT & ~(1ull << VIRTIO_F_INDIRECT_DESC) : BLK_WANT);
}

/* ------------------------------------------------------------------ */
/* virtio-console, virtio-rng                                           */
/* ------------------------------------------------------------------ */

#define CON_MMIO 0x10003000ull
#define CON_AREA (RAM_BASE + 0x40000)
#define CON_IRQ 3
#define RNG_MMIO 0x10004000ull
#define RNG_AREA (RAM_BASE + 0x60000)
#define RNG_IRQ 4

static virtio_console con;
static char tx_buf[256];
static size_t tx_len;
static int rx_ready_calls;

static void con_tx(void *opaque, const uint8_t *p, size_t n)
{
    (void)opaque;
    if (n > sizeof(tx_buf) - tx_len)
        n = sizeof(tx_buf) - tx_len;
    memcpy(tx_buf + tx_len, p, n);
    tx_len += n;
}
static void con_rx_ready(void *opaque)
{
    (void)opaque;
    rx_ready_calls++;
}

static void test_console(void)
{
    drv d;
    uint32_t id, len;
    printf("virtio-console: tx, rx\n");
    CHECK(virtio_console_rx_push(&con, (const uint8_t *)"x", 1) == 0); /* not ready */
    drv_init(&d, CON_MMIO, CON_AREA, 2, 3, 0);
    CHECK(virtio_console_rx_push(&con, (const uint8_t *)"x", 1) == 0); /* no buffers */
    memcpy(ram(BUF(&d, 0), 5), "hello", 5);
    memcpy(ram(BUF(&d, 16), 7), " world\n", 7);
    seg t[2] = {{BUF(&d, 0), 5, 0}, {BUF(&d, 16), 7, 0}};
    uint16_t h = chain(&d, 1, t, 2);
    kick(&d, 1);
    CHECK(tx_len == 12 && memcmp(tx_buf, "hello world\n", 12) == 0);
    CHECK(used(&d, 1, &id, &len) && id == h && len == 0);
    CHECK(irq_level[CON_IRQ]);
    ack(&d);

    seg r0 = {BUF(&d, 0x100), 4, 1}, r1 = {BUF(&d, 0x200), 4, 1};
    memset(ram(BUF(&d, 0x100), 0x200), 0, 0x200);
    uint16_t a = chain(&d, 0, &r0, 1), b = chain(&d, 0, &r1, 1);
    kick(&d, 0);
    CHECK(rx_ready_calls == 1);
    CHECK(virtio_console_rx_push(&con, (const uint8_t *)"abcdefghij", 10) == 8);
    CHECK(used(&d, 0, &id, &len) && id == a && len == 4);
    CHECK(used(&d, 0, &id, &len) && id == b && len == 4);
    CHECK(memcmp(ram(BUF(&d, 0x100), 4), "abcd", 4) == 0);
    CHECK(memcmp(ram(BUF(&d, 0x200), 4), "efgh", 4) == 0);
    CHECK(ram(BUF(&d, 0x104), 1)[0] == 0);
    CHECK(virtio_console_rx_push(&con, (const uint8_t *)"ij", 2) == 0);
    CHECK(irq_level[CON_IRQ] && rd(CON_MMIO, VIRTIO_MMIO_INT_STATUS) == VIRTIO_INT_USED);
    ack(&d);
    CHECK(rings_guarded(&d));
}

static void test_console_size(void)
{
    drv d;
    printf("virtio-console: terminal size (F_SIZE), config interrupts\n");
    wr(CON_MMIO, VIRTIO_MMIO_STATUS, 0);
    virtio_console_set_size(&con, 132, 43); /* before the driver: no interrupt yet */
    CHECK(!irq_level[CON_IRQ]);
    uint32_t gen = rd(CON_MMIO, VIRTIO_MMIO_CONFIG_GEN);
    uint64_t f = drv_init(&d, CON_MMIO, CON_AREA, 2, 3, 1ull << VIRTIO_CONSOLE_F_SIZE);
    CHECK(f & 1ull << VIRTIO_CONSOLE_F_SIZE);
    CHECK(irq_level[CON_IRQ] && rd(CON_MMIO, VIRTIO_MMIO_INT_STATUS) == VIRTIO_INT_CONFIG); /* at DRIVER_OK */
    ack(&d);
    CHECK(cfg_read(&d, 0, 2) == 132 && cfg_read(&d, 2, 2) == 43);
    CHECK(cfg_read(&d, 0, 4) == (43u << 16 | 132u));
    CHECK(cfg_read(&d, 1, 1) == 0 && cfg_read(&d, 4, 4) == 0 && cfg_read(&d, 8, 4) == 0);
    virtio_console_set_size(&con, 132, 43); /* unchanged: no interrupt */
    CHECK(!irq_level[CON_IRQ]);
    virtio_console_set_size(&con, 80, 300);
    CHECK(irq_level[CON_IRQ] && rd(CON_MMIO, VIRTIO_MMIO_INT_STATUS) == VIRTIO_INT_CONFIG);
    CHECK(rd(CON_MMIO, VIRTIO_MMIO_CONFIG_GEN) != gen);
    CHECK(cfg_read(&d, 0, 2) == 80 && cfg_read(&d, 2, 2) == 300);
    ack(&d);
    CHECK(!irq_level[CON_IRQ]);
}

static void test_rng(void)
{
    drv d;
    uint32_t id, len;
    printf("virtio-rng: fill\n");
    drv_init(&d, RNG_MMIO, RNG_AREA, 1, 4, 0);
    memset(ram(BUF(&d, 0), 128), 0, 128);
    seg s[2] = {{BUF(&d, 0), 40, 1}, {BUF(&d, 40), 24, 1}};
    uint16_t h = chain(&d, 0, s, 2);
    kick(&d, 0);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 64);
    int nonzero = 0;
    for (int i = 0; i < 64; i++)
        nonzero += ram(BUF(&d, 0), 64)[i] != 0;
    CHECK(nonzero > 32);
    int tail_clean = 1;
    for (int i = 64; i < 128; i++)
        tail_clean &= ram(BUF(&d, 0), 128)[i] == 0;
    CHECK(tail_clean);
    CHECK(irq_level[RNG_IRQ]);
    ack(&d);
    /* VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the interrupt */
    st16(AVAIL(&d, 0), VIRTQ_AVAIL_F_NO_INTERRUPT);
    h = chain(&d, 0, s, 1);
    kick(&d, 0);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 40 && !irq_level[RNG_IRQ]);
    st16(AVAIL(&d, 0), 0);
    CHECK(rings_guarded(&d));
    /* a malformed chain on a device that writes directly */
    seg bad = {RAM_BASE + RAM_SIZE - 8, 16, 1};
    chain(&d, 0, &bad, 1);
    uint8_t *snap = malloc(RAM_SIZE);
    memcpy(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE);
    kick(&d, 0);
    CHECK(rd(RNG_MMIO, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    CHECK(memcmp(snap, ram(RAM_BASE, RAM_SIZE), RAM_SIZE) == 0);
    free(snap);
    drv_init(&d, RNG_MMIO, RNG_AREA, 1, 4, 0);
    h = chain(&d, 0, s, 1);
    kick(&d, 0);
    CHECK(used(&d, 0, &id, &len) && id == h && len == 40);
}

/* ------------------------------------------------------------------ */
/* virtio-net                                                           */
/* ------------------------------------------------------------------ */

#define NET_MMIO 0x10007000ull
#define NET_AREA RNG_AREA /* after the rng test */
#define NET_IRQ 6

static virtio_net net;
static uint8_t net_sent[4][VIRTIO_NET_FRAME_MAX];
static size_t net_sent_len[4];
static int net_nsent, net_refuse, net_rx_ready_calls;

static int net_tx(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    if (net_refuse || net_nsent == 4)
        return -1;
    memcpy(net_sent[net_nsent], frame, len);
    net_sent_len[net_nsent++] = len;
    return 0;
}
static void net_rx_ready(void *opaque)
{
    (void)opaque;
    net_rx_ready_calls++;
}

/* A frame of `len` bytes: byte i is (i * 7 + seed). */
static void frame_fill(uint8_t *p, size_t len, int seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(i * 7 + (size_t)seed);
}

static void test_net(void)
{
    drv d;
    uint32_t id, len;
    uint8_t f[VIRTIO_NET_FRAME_MAX + 8] = {0};
    printf("virtio-net: config, tx, flow control, rx, bad frames\n");
    CHECK(virtio_net_rx(&net, f, 60) == 0); /* driver not ready */
    uint64_t feat = drv_init(&d, NET_MMIO, NET_AREA, 2, 1, 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS);
    CHECK(feat == (1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS | 1ull << VIRTIO_F_VERSION_1));
    CHECK(cfg_read(&d, 0, 4) == 0x12005452 && cfg_read(&d, 4, 2) == 0x5634); /* 52:54:00:12:34:56 */
    CHECK(cfg_read(&d, 6, 2) == VIRTIO_NET_S_LINK_UP);

    /* tx: header and frame in two buffers, then one buffer */
    memset(ram(BUF(&d, 0), 12), 0, 12);
    frame_fill(f, 60, 1);
    memcpy(ram(BUF(&d, 0x100), 60), f, 60);
    seg t[2] = {{BUF(&d, 0), 12, 0}, {BUF(&d, 0x100), 60, 0}};
    uint16_t h = chain(&d, 1, t, 2);
    kick(&d, 1);
    CHECK(net_nsent == 1 && net_sent_len[0] == 60 && memcmp(net_sent[0], f, 60) == 0);
    CHECK(used(&d, 1, &id, &len) && id == h && len == 0 && irq_level[NET_IRQ]);
    ack(&d);

    /* the host refuses: the frame stays queued, in order, until resumed */
    net_refuse = 1;
    frame_fill(ram(BUF(&d, 0x800 + 12), 100), 100, 2);
    memset(ram(BUF(&d, 0x800), 12), 0, 12);
    seg t2 = {BUF(&d, 0x800), 112, 0};
    uint16_t h2 = chain(&d, 1, &t2, 1);
    kick(&d, 1);
    CHECK(net_nsent == 1 && !used(&d, 1, &id, &len));
    net_refuse = 0;
    virtio_net_tx_resume(&net);
    CHECK(net_nsent == 2 && net_sent_len[1] == 100 && used(&d, 1, &id, &len) && id == h2);
    frame_fill(f, 100, 2);
    CHECK(memcmp(net_sent[1], f, 100) == 0);

    /* tx: too short for an Ethernet header, or longer than any frame: dropped */
    seg shortf = {BUF(&d, 0), 12 + 13, 0}, longf = {BUF(&d, 0), 12 + VIRTIO_NET_FRAME_MAX + 1, 0};
    chain(&d, 1, &shortf, 1);
    chain(&d, 1, &longf, 1);
    kick(&d, 1);
    CHECK(net_nsent == 2 && net.tx_dropped == 2);
    CHECK(used(&d, 1, &id, &len) && used(&d, 1, &id, &len));
    CHECK(!(rd(NET_MMIO, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET));
    ack(&d);

    /* rx */
    CHECK(virtio_net_rx(&net, f, 60) == 0); /* no buffer posted */
    memset(ram(BUF(&d, 0x1000), 0x1000), 0xee, 0x1000);
    seg r = {BUF(&d, 0x1000), 12 + VIRTIO_NET_FRAME_MAX, 1}, small = {BUF(&d, 0x1800), 64, 1};
    uint16_t hr = chain(&d, 0, &r, 1);
    kick(&d, 0);
    CHECK(net_rx_ready_calls == 1);
    frame_fill(f, VIRTIO_NET_FRAME_MAX, 3);
    CHECK(virtio_net_rx(&net, f, VIRTIO_NET_FRAME_MAX) == 1);
    CHECK(used(&d, 0, &id, &len) && id == hr && len == 12 + VIRTIO_NET_FRAME_MAX);
    static const uint8_t hdr[12] = {[10] = 1}; /* num_buffers 1 */
    CHECK(memcmp(ram(BUF(&d, 0x1000), 12), hdr, 12) == 0);
    CHECK(memcmp(ram(BUF(&d, 0x1000 + 12), VIRTIO_NET_FRAME_MAX), f, VIRTIO_NET_FRAME_MAX) == 0);
    CHECK(irq_level[NET_IRQ]);
    ack(&d);
    CHECK(virtio_net_rx(&net, f, 13) == -1 && virtio_net_rx(&net, f, VIRTIO_NET_FRAME_MAX + 1) == -1);
    uint16_t hs = chain(&d, 0, &small, 1); /* too small for this frame: returned empty */
    CHECK(virtio_net_rx(&net, f, 200) == -1);
    CHECK(used(&d, 0, &id, &len) && id == hs && len == 0);
    CHECK(*ram(BUF(&d, 0x1800), 1) == 0xee); /* nothing written into it */
    CHECK(net.rx_dropped == 3);
    CHECK(rings_guarded(&d));
}

static void test_empty_slot(void)
{
    static virtio_mmio empty;
    printf("empty slot\n");
    CHECK(virtio_mmio_init(&empty, &pm, 0x10008000, line(7), &virtio_empty_ops, NULL) == 0);
    CHECK(rd(0x10008000, VIRTIO_MMIO_MAGIC) == 0x74726976 && rd(0x10008000, VIRTIO_MMIO_DEVICE_ID) == 0);
    for (uint32_t sel = 0; sel < 3; sel++) { /* no feature bits at all, not even VERSION_1 */
        wr(0x10008000, VIRTIO_MMIO_DEV_FEATURES_SEL, sel);
        CHECK(rd(0x10008000, VIRTIO_MMIO_DEV_FEATURES) == 0);
    }
    wr(0x10008000, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* ------------------------------------------------------------------ */
/* posix_blk                                                            */
/* ------------------------------------------------------------------ */

static int pb_done_count, pb_status;
static void pb_done(blk_req *r, int status)
{
    (void)r;
    pb_done_count++;
    pb_status = status;
}

/* Submit one request and run it through poll; returns its status. */
static int pb_run(blk_backend *b, int op, uint64_t off, uint8_t *buf, size_t len)
{
    blk_req r = {op, off, buf, len, pb_done, NULL};
    pb_done_count = 0;
    b->submit(b, &r);
    int not_yet = pb_done_count == 0;
    b->poll(b);
    return not_yet && pb_done_count == 1 ? pb_status : -1;
}

static int file_equals(const char *path, const uint8_t *want, size_t len)
{
    uint8_t *got = malloc(len + 1);
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(got, 1, len + 1, f) : 0;
    if (f)
        fclose(f);
    int eq = n == len && memcmp(got, want, len) == 0;
    free(got);
    return eq;
}

static void write_file(const char *path, const uint8_t *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(p, 1, len, f);
        fclose(f);
    }
}

static void test_posix_blk(void)
{
    char path[] = "/tmp/wvm_virtio_test_XXXXXX", err[256];
    printf("posix_blk\n");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    enum { SZ = 8192 };
    uint8_t img[SZ], buf[2048];
    for (int i = 0; i < SZ; i++)
        img[i] = (uint8_t)(i * 13 + 1);
    write_file(path, img, SZ);

    /* read-write */
    blk_backend *b = posix_blk_open(path, 0, 0, err, sizeof(err));
    CHECK(b && b->size == SZ && !b->readonly);
    if (b) {
        CHECK(pb_run(b, BLK_READ, 1024, buf, 1024) == BLK_OK && memcmp(buf, img + 1024, 1024) == 0);
        memset(buf, 0x3c, 1024);
        CHECK(pb_run(b, BLK_WRITE, 512, buf, 1024) == BLK_OK);
        memset(img + 512, 0x3c, 1024);
        CHECK(pb_run(b, BLK_FLUSH, 0, NULL, 0) == BLK_OK);
        CHECK(pb_run(b, BLK_READ, SZ - 512, buf, 1024) == BLK_IOERR); /* past the end */
        CHECK(pb_run(b, BLK_READ, 100, buf, 512) == BLK_IOERR);       /* unaligned */
        posix_blk_close(b);
        CHECK(file_equals(path, img, SZ));
    }

    /* snapshot: writes visible to reads, file untouched */
    b = posix_blk_open(path, 0, 1, err, sizeof(err));
    CHECK(b && !b->readonly);
    if (b) {
        memset(buf, 0x77, 1024);
        CHECK(pb_run(b, BLK_WRITE, 3584, buf, 1024) == BLK_OK); /* sectors 7, 8: two blocks */
        CHECK(pb_run(b, BLK_FLUSH, 0, NULL, 0) == BLK_OK);
        CHECK(pb_run(b, BLK_READ, 3072, buf, 2048) == BLK_OK);   /* sectors 6..9 */
        uint8_t want[2048];
        memcpy(want, img + 3072, 2048);
        memset(want + 512, 0x77, 1024);
        CHECK(memcmp(buf, want, 2048) == 0);
        posix_blk_close(b);
        CHECK(file_equals(path, img, SZ));
    }

    /* snapshot over a sparse 4 MiB file: 1024 overlay blocks (the hash grows) */
    char big[] = "/tmp/wvm_virtio_test_XXXXXX";
    fd = mkstemp(big);
    CHECK(fd >= 0 && ftruncate(fd, 4 << 20) == 0);
    if (fd >= 0)
        close(fd);
    b = posix_blk_open(big, 0, 1, err, sizeof(err));
    CHECK(b && b->size == 4 << 20);
    if (b) {
        int ok = 1;
        for (int i = 0; i < 1024; i++) {
            memset(buf, i & 0xff, 512);
            ok &= pb_run(b, BLK_WRITE, (uint64_t)i * 4096 + 512, buf, 512) == BLK_OK;
        }
        CHECK(ok);
        for (int i = 0; i < 1024; i += 37) {
            ok &= pb_run(b, BLK_READ, (uint64_t)i * 4096, buf, 1024) == BLK_OK;
            ok &= buf[0] == 0 && buf[511] == 0 && buf[512] == (i & 0xff) && buf[1023] == (i & 0xff);
        }
        CHECK(ok);
        posix_blk_close(b);
        struct stat st;
        CHECK(stat(big, &st) == 0 && st.st_size == 4 << 20);
        fd = open(big, O_RDONLY);
        ok = fd >= 0;
        for (int i = 0; ok && i < 1024; i += 37)
            ok = pread(fd, buf, 1024, (off_t)i * 4096) == 1024 && buf[512] == 0;
        if (fd >= 0)
            close(fd);
        CHECK(ok);
    }
    unlink(big);

    /* read-only */
    b = posix_blk_open(path, 1, 0, err, sizeof(err));
    CHECK(b && b->readonly);
    if (b) {
        CHECK(pb_run(b, BLK_WRITE, 0, buf, 512) == BLK_IOERR);
        CHECK(pb_run(b, BLK_READ, 0, buf, 512) == BLK_OK && memcmp(buf, img, 512) == 0);
        CHECK(pb_run(b, BLK_FLUSH, 0, NULL, 0) == BLK_OK);
        posix_blk_close(b);
        CHECK(file_equals(path, img, SZ));
    }

    /* virtio-blk on top of it, end to end */
    b = posix_blk_open(path, 0, 1, err, sizeof(err));
    if (b) {
        static virtio_blk vb;
        drv d;
        uint32_t id, len;
        CHECK(virtio_blk_init(&vb, &pm, 0x10005000, line(5), b) == 0);
        drv_init(&d, 0x10005000, RAM_BASE + 0x80000, 1, 2, BLK_WANT);
        uint16_t h = blk_submit(&d, 0, VIRTIO_BLK_T_IN, 2, 1024);
        kick(&d, 0);
        CHECK(!used(&d, 0, &id, &len));
        b->poll(b);
        CHECK(used(&d, 0, &id, &len) && id == h && len == 1025 && sts(&d, 0) == VIRTIO_BLK_S_OK);
        CHECK(memcmp(ram(DATA(&d, 0), 1024), img + 1024, 1024) == 0);
        posix_blk_close(b);
    }

    /* errors */
    write_file(path, img, 1000);
    b = posix_blk_open(path, 0, 0, err, sizeof(err));
    CHECK(!b && strstr(err, "multiple of 512") && strstr(err, path));
    posix_blk_close(b);
    unlink(path);
    b = posix_blk_open(path, 1, 0, err, sizeof(err));
    CHECK(!b && strstr(err, path) && strstr(err, "No such file"));
    b = posix_blk_open("/tmp", 1, 0, err, sizeof(err));
    CHECK(!b && strstr(err, "not a regular file"));
}

int main(void)
{
    if (phys_init(&pm, RAM_BASE, RAM_SIZE) != 0) {
        printf("phys_init failed\n");
        return 1;
    }
    memset(pm.ram, GUARD, RAM_SIZE);
    fake_init(&fb, 0);
    fake_init(&fb_ro, 1);
    CHECK(virtio_blk_init(&blk, &pm, BLK_MMIO, line(BLK_IRQ), &fb.be) == 0);
    CHECK(virtio_blk_init(&blk_ro, &pm, ROBLK_MMIO, line(ROBLK_IRQ), &fb_ro.be) == 0);
    CHECK(virtio_console_init(&con, &pm, CON_MMIO, line(CON_IRQ), con_tx, con_rx_ready, NULL) == 0);
    static virtio_rng rng;
    CHECK(virtio_rng_init(&rng, &pm, RNG_MMIO, line(RNG_IRQ)) == 0);
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    CHECK(virtio_net_init(&net, &pm, NET_MMIO, line(NET_IRQ), mac, net_tx, net_rx_ready, NULL) == 0);

    test_blk_basic();
    test_blk_readonly();
    test_malformed();
    test_console();
    test_console_size();
    test_rng();
    test_net();
    test_empty_slot();
    test_posix_blk();
    test_blk_memory(); /* last: it detaches blk */

    phys_free(&pm);
    printf("%ld passed, %ld failed\n", g_pass, g_fail);
    return g_fail != 0;
}
