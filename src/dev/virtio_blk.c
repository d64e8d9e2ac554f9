/* virtio-blk device (VIRTIO 1.2 section 5.2). */
#include "dev/virtio_blk.h"

#include <stdlib.h>
#include <string.h>

struct vblk_req {
    blk_req req;          /* the backend request in progress; req.opaque = this */
    virtio_blk *b;        /* NULL once detached: completes into nothing */
    vblk_req *next;       /* in b->inflight or b->waiting */
    uint64_t epoch;       /* b->epoch when popped */
    uint64_t wseq;        /* writes: own number; flushes: writes before it */
    uint32_t type;        /* VIRTIO_BLK_T_* */
    uint64_t offset;      /* reads and writes: first byte on the disk */
    uint64_t len, done;   /* bytes in all, bytes transferred so far */
    uint64_t held;        /* host bytes accounted with virtio_hold */
    virtio_chain chain;
};

static void req_free(vblk_req *r)
{
    if (r->b)
        virtio_hold(&r->b->mmio, -(int64_t)r->held);
    free(r->req.buf);
    free(r);
}

/* Nonzero if `r` may still touch the guest: its device exists, was not
 * reset since `r` was popped and is not broken. */
static int live(const vblk_req *r)
{
    return r->b && r->epoch == r->b->epoch && !virtio_broken(&r->b->mmio);
}

/* Write the status byte (the last writable byte, section 5.2.6), return the
 * chain to the guest with `written` bytes used, free the request. */
static void finish(vblk_req *r, uint8_t status, uint32_t written)
{
    if (live(r)) {
        virtio_chain_write(&r->b->mmio, &r->chain, r->chain.wlen - 1, &status, 1);
        virtio_push(&r->b->mmio, 0, r->chain.head, written);
    }
    req_free(r);
}

static void unlink_req(vblk_req **list, vblk_req *r)
{
    for (; *list; list = &(*list)->next)
        if (*list == r) {
            *list = r->next;
            return;
        }
}

/* Hand the next chunk of a read or write (or a flush) to the backend. */
static void submit_chunk(virtio_blk *b, vblk_req *r)
{
    if (r->type != VIRTIO_BLK_T_FLUSH) {
        uint64_t n = r->len - r->done < VIRTIO_BLK_CHUNK_BYTES ? r->len - r->done : VIRTIO_BLK_CHUNK_BYTES;
        r->req.offset = r->offset + r->done;
        r->req.len = (size_t)n;
        if (r->type == VIRTIO_BLK_T_OUT)
            virtio_chain_read(&b->mmio, &r->chain, 16 + r->done, r->req.buf, n);
    }
    b->backend->submit(b->backend, &r->req);
}

static void submit(virtio_blk *b, vblk_req *r)
{
    r->next = b->inflight;
    b->inflight = r;
    submit_chunk(b, r);
}

/* A flush may go once no write numbered below its wseq is in flight. */
static int flush_ready(const virtio_blk *b, const vblk_req *f)
{
    for (const vblk_req *r = b->inflight; r; r = r->next)
        if (r->type == VIRTIO_BLK_T_OUT && r->wseq < f->wseq)
            return 0;
    return 1;
}

static void run_waiting(virtio_blk *b)
{
    while (b->waiting && flush_ready(b, b->waiting)) {
        vblk_req *f = b->waiting;
        b->waiting = f->next;
        submit(b, f);
    }
}

static void done(blk_req *req, int status)
{
    vblk_req *r = req->opaque;
    virtio_blk *b = r->b;
    int ok = status == BLK_OK;
    if (!b) { /* detached: the device is gone */
        req_free(r);
        return;
    }
    if (r->type == VIRTIO_BLK_T_IN && ok && live(r))
        virtio_chain_write(&b->mmio, &r->chain, r->done, req->buf, req->len);
    r->done += req->len;
    if (ok && r->done < r->len && live(r)) {
        submit_chunk(b, r);
        return;
    }
    unlink_req(&b->inflight, r);
    int was_write = r->type == VIRTIO_BLK_T_OUT;
    uint32_t written = 1 + (r->type == VIRTIO_BLK_T_IN && ok ? (uint32_t)r->len : 0);
    finish(r, ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR, written);
    if (was_write)
        run_waiting(b);
}

/* Start a read or write of `len` bytes at sector `sector`. */
static void start_rw(virtio_blk *b, vblk_req *r, uint64_t sector, uint64_t len)
{
    int out = r->type == VIRTIO_BLK_T_OUT;
    uint64_t size = b->backend->size;
    if ((out && b->backend->readonly) || len % 512 || len > VIRTIO_BLK_MAX_REQ_BYTES ||
        sector > size / 512 || len > size - sector * 512) {
        finish(r, VIRTIO_BLK_S_IOERR, 1);
        return;
    }
    if (len == 0) {
        finish(r, VIRTIO_BLK_S_OK, 1);
        return;
    }
    uint64_t buf = len < VIRTIO_BLK_CHUNK_BYTES ? len : VIRTIO_BLK_CHUNK_BYTES;
    r->req = (blk_req){out ? BLK_WRITE : BLK_READ, 0, malloc((size_t)buf), 0, done, r};
    if (!r->req.buf) {
        finish(r, VIRTIO_BLK_S_IOERR, 1);
        return;
    }
    r->held += buf;
    virtio_hold(&b->mmio, (int64_t)buf);
    r->offset = sector * 512;
    r->len = len;
    if (out)
        r->wseq = b->next_wseq++;
    submit(b, r);
}

/* Dispatch one popped request (section 5.2.6.1). */
static void start(virtio_blk *b, vblk_req *r)
{
    virtio_chain *c = &r->chain;
    uint8_t hdr[16];
    if (c->wlen == 0) { /* no room for a status: hand it back untouched */
        virtio_push(&b->mmio, 0, c->head, 0);
        req_free(r);
        return;
    }
    if (virtio_chain_read(&b->mmio, c, 0, hdr, 16) < 16) {
        finish(r, VIRTIO_BLK_S_IOERR, 1);
        return;
    }
    uint64_t sector;
    memcpy(&r->type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    switch (r->type) {
    case VIRTIO_BLK_T_IN: start_rw(b, r, sector, c->wlen - 1); break;
    case VIRTIO_BLK_T_OUT: start_rw(b, r, sector, c->rlen - 16); break;
    case VIRTIO_BLK_T_FLUSH:
        r->req = (blk_req){BLK_FLUSH, 0, NULL, 0, done, r};
        r->wseq = b->next_wseq;
        if (!b->waiting && flush_ready(b, r)) {
            submit(b, r);
        } else {
            vblk_req **tail = &b->waiting;
            while (*tail)
                tail = &(*tail)->next;
            r->next = NULL;
            *tail = r;
        }
        break;
    case VIRTIO_BLK_T_GET_ID: {
        uint64_t n = c->wlen - 1 < VIRTIO_BLK_ID_BYTES ? c->wlen - 1 : VIRTIO_BLK_ID_BYTES;
        virtio_chain_write(&b->mmio, c, 0, b->serial, n);
        finish(r, VIRTIO_BLK_S_OK, (uint32_t)n + 1);
        break;
    }
    default: finish(r, VIRTIO_BLK_S_UNSUPP, 1); break;
    }
}

static void blk_notify(void *dev, unsigned q)
{
    virtio_blk *b = dev;
    for (;;) {
        vblk_req *r = calloc(1, sizeof(*r));
        if (!r)
            return; /* retried on the next notify */
        if (virtio_pop(&b->mmio, q, &r->chain) <= 0) {
            free(r);
            return;
        }
        r->b = b;
        r->epoch = b->epoch;
        r->held = sizeof(*r);
        virtio_hold(&b->mmio, (int64_t)r->held);
        start(b, r);
    }
}

/* Config layout (section 5.2.4): capacity @0, size_max @8, seg_max @12,
 * geometry @16, blk_size @20. */
static uint64_t blk_config_read(void *dev, uint32_t off, unsigned size)
{
    virtio_blk *b = dev;
    uint8_t cfg[24] = {0};
    uint64_t cap = b->backend->size / 512, v = 0;
    uint32_t seg_max = VIRTIO_BLK_QUEUE_SIZE - 2, blk_size = 512;
    memcpy(cfg, &cap, 8);
    memcpy(cfg + 12, &seg_max, 4);
    memcpy(cfg + 20, &blk_size, 4);
    memcpy(&v, cfg + off, size);
    return v;
}

/* Requests in flight finish later but are not returned to the guest (their
 * epoch is stale); held-back flushes were never submitted and just go. */
static void blk_reset(void *dev)
{
    virtio_blk *b = dev;
    b->epoch++;
    while (b->waiting) {
        vblk_req *f = b->waiting;
        b->waiting = f->next;
        req_free(f);
    }
}

void virtio_blk_detach(virtio_blk *b)
{
    blk_reset(b);
    for (vblk_req *r = b->inflight; r; r = r->next)
        r->b = NULL;
    b->inflight = NULL;
}

int virtio_blk_init(virtio_blk *b, phys_map *pm, uint64_t base, irq_line irq,
                    blk_backend *backend)
{
    memset(b, 0, sizeof(*b));
    b->backend = backend;
    memcpy(b->serial, "wvm-virtio-blk", 14);
    b->ops = (virtio_device_ops){
        .device_id = 2,
        .features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
                    1ull << VIRTIO_BLK_F_FLUSH | (uint64_t)(backend->readonly != 0) << VIRTIO_BLK_F_RO,
        .config_size = 24,
        .config_read = blk_config_read,
        .num_queues = 1,
        .queue_max = VIRTIO_BLK_QUEUE_SIZE,
        .notify = {blk_notify},
        .reset = blk_reset,
    };
    return virtio_mmio_init(&b->mmio, pm, base, irq, &b->ops, b);
}
