/* File-backed block backend with an optional in-memory snapshot overlay. */
#ifndef __EMSCRIPTEN__
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/posix_blk.h"

#define SECTOR 512u
#define OVL_SECTORS 8u /* sectors per overlay block (4 KiB) */

typedef struct ovl_block {
    struct ovl_block *next; /* hash chain */
    uint64_t index;         /* block number = first sector / OVL_SECTORS */
    uint8_t present;        /* bit k: sector k of the block is in data */
    uint8_t data[OVL_SECTORS * SECTOR];
} ovl_block;

typedef struct pblk {
    blk_backend be;
    int fd, snapshot, polling;
    blk_req **queue;        /* submitted, completed by the next poll */
    size_t n, cap;
    ovl_block **buckets;    /* snapshot overlay: hash of blocks */
    size_t nbuckets, nblocks; /* nbuckets is a power of two */
} pblk;

static size_t bucket(const pblk *p, uint64_t index)
{
    return (size_t)((index * 0x9e3779b97f4a7c15ull) >> 32) & (p->nbuckets - 1);
}

static ovl_block *ovl_find(const pblk *p, uint64_t index)
{
    if (!p->nbuckets)
        return NULL;
    ovl_block *o = p->buckets[bucket(p, index)];
    while (o && o->index != index)
        o = o->next;
    return o;
}

/* Double the table once it holds more blocks than buckets. Returns -1 on
 * allocation failure (the old table stays valid). */
static int ovl_grow(pblk *p)
{
    size_t nb = p->nbuckets ? 2 * p->nbuckets : 256;
    ovl_block **nt = calloc(nb, sizeof(*nt));
    if (!nt)
        return -1;
    size_t old = p->nbuckets;
    ovl_block **ot = p->buckets;
    p->buckets = nt, p->nbuckets = nb;
    for (size_t i = 0; i < old; i++)
        for (ovl_block *o = ot[i], *next; o; o = next) {
            next = o->next;
            size_t h = bucket(p, o->index);
            o->next = nt[h];
            nt[h] = o;
        }
    free(ot);
    return 0;
}

static ovl_block *ovl_get(pblk *p, uint64_t index)
{
    ovl_block *o = ovl_find(p, index);
    if (o)
        return o;
    if (p->nblocks >= p->nbuckets && ovl_grow(p) < 0)
        return NULL;
    o = calloc(1, sizeof(*o));
    if (!o)
        return NULL;
    o->index = index;
    size_t h = bucket(p, index);
    o->next = p->buckets[h];
    p->buckets[h] = o;
    p->nblocks++;
    return o;
}

static int pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = pread(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1; /* error, or the file shrank */
        buf += n, len -= (size_t)n, off += (uint64_t)n;
    }
    return 0;
}

static int pwrite_full(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n, len -= (size_t)n, off += (uint64_t)n;
    }
    return 0;
}

static int do_read(pblk *p, blk_req *r)
{
    if (pread_full(p->fd, r->buf, r->len, r->offset) < 0)
        return -1;
    if (!p->snapshot || !p->nblocks)
        return 0;
    for (size_t k = 0; k < r->len / SECTOR; k++) {
        uint64_t s = r->offset / SECTOR + k;
        ovl_block *o = ovl_find(p, s / OVL_SECTORS);
        if (o && (o->present >> (s % OVL_SECTORS) & 1))
            memcpy(r->buf + k * SECTOR, o->data + (s % OVL_SECTORS) * SECTOR, SECTOR);
    }
    return 0;
}

static int do_write(pblk *p, blk_req *r)
{
    if (!p->snapshot)
        return pwrite_full(p->fd, r->buf, r->len, r->offset);
    for (size_t k = 0; k < r->len / SECTOR; k++) {
        uint64_t s = r->offset / SECTOR + k;
        ovl_block *o = ovl_get(p, s / OVL_SECTORS);
        if (!o)
            return -1;
        memcpy(o->data + (s % OVL_SECTORS) * SECTOR, r->buf + k * SECTOR, SECTOR);
        o->present |= (uint8_t)(1u << (s % OVL_SECTORS));
    }
    return 0;
}

static int do_flush(pblk *p)
{
    if (p->snapshot || p->be.readonly)
        return 0;
#if defined(__APPLE__)
    return fsync(p->fd);
#else
    return fdatasync(p->fd);
#endif
}

static int execute(pblk *p, blk_req *r)
{
    if (r->op == BLK_FLUSH)
        return do_flush(p);
    if ((r->op != BLK_READ && r->op != BLK_WRITE) || r->offset % SECTOR || r->len % SECTOR ||
        r->offset > p->be.size || r->len > p->be.size - r->offset)
        return -1;
    if (r->op == BLK_READ)
        return do_read(p, r);
    return p->be.readonly ? -1 : do_write(p, r);
}

static void pb_submit(blk_backend *b, blk_req *r)
{
    pblk *p = b->opaque;
    if (p->n == p->cap) {
        size_t nc = p->cap ? 2 * p->cap : 64;
        blk_req **nq = realloc(p->queue, nc * sizeof(*nq));
        if (!nq) { /* cannot queue, and must not complete inside submit */
            fprintf(stderr, "posix_blk: out of memory queueing a request\n");
            abort();
        }
        p->queue = nq, p->cap = nc;
    }
    p->queue[p->n++] = r;
}

/* Execute and complete the requests queued before this call, in order;
 * those submitted by completion callbacks wait for the next poll. */
static void pb_poll(blk_backend *b)
{
    pblk *p = b->opaque;
    if (p->polling)
        return;
    size_t n = p->n;
    if (!n)
        return;
    p->polling = 1;
    for (size_t i = 0; i < n; i++) {
        blk_req *r = p->queue[i]; /* re-read: done may grow the queue */
        int st = execute(p, r) == 0 ? BLK_OK : BLK_IOERR;
        r->done(r, st);
    }
    memmove(p->queue, p->queue + n, (p->n - n) * sizeof(*p->queue));
    p->n -= n;
    p->polling = 0;
}

blk_backend *posix_blk_open(const char *path, int readonly, int snapshot, char *err,
                            size_t errlen)
{
    int fd = open(path, (readonly || snapshot ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    struct stat st;
    off_t size = 0;
    pblk *p = NULL;
    if (fd < 0 || fstat(fd, &st) < 0 || (size = lseek(fd, 0, SEEK_END)) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file or block device", path);
    } else if (size % SECTOR) {
        snprintf(err, errlen, "%s: size %lld bytes is not a multiple of 512", path,
                 (long long)size);
    } else if (!(p = calloc(1, sizeof(*p)))) {
        snprintf(err, errlen, "%s: out of memory", path);
    } else {
        p->fd = fd;
        p->snapshot = snapshot != 0;
        p->be = (blk_backend){(uint64_t)size, readonly != 0, pb_submit, pb_poll, p};
        return &p->be;
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

void posix_blk_close(blk_backend *b)
{
    if (!b)
        return;
    pblk *p = b->opaque;
    while (p->n) /* complete what is queued: writes land, disowned requests free themselves */
        pb_poll(b);
    for (size_t i = 0; i < p->nbuckets; i++)
        for (ovl_block *o = p->buckets[i], *next; o; o = next) {
            next = o->next;
            free(o);
        }
    free(p->buckets);
    free(p->queue);
    close(p->fd);
    free(p);
}
#endif
