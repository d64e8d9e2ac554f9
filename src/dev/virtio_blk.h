/* virtio-blk (VIRTIO 1.2 section 5.2) over an asynchronous blk_backend,
 * one request queue. Requests go to the backend through a bounce buffer of
 * at most VIRTIO_BLK_CHUNK_BYTES (a larger request runs as several backend
 * requests, one after the other) and are returned to the guest from the
 * backend's completion callback, in any order; a flush is submitted only
 * once every earlier write has completed. The host memory held for requests
 * is accounted with virtio_hold, so a guest cannot make the host allocate
 * without bound. */
#ifndef WVM_VIRTIO_BLK_H
#define WVM_VIRTIO_BLK_H

#include <stdint.h>

#include "dev/virtio_mmio.h"
#include "host/blk.h"

/* Feature bits (section 5.2.3) */
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

/* Request types and status values (section 5.2.6) */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_QUEUE_SIZE 256
/* Largest read or write accepted, bytes; larger ones fail with S_IOERR.
 * Linux's default request size limit (max_sectors_kb) is far below. */
#define VIRTIO_BLK_MAX_REQ_BYTES (32u << 20)
/* Largest backend request (and bounce buffer) of one guest request, bytes. */
#define VIRTIO_BLK_CHUNK_BYTES (1u << 20)

typedef struct vblk_req vblk_req;

typedef struct virtio_blk {
    virtio_mmio mmio;
    virtio_device_ops ops;
    blk_backend *backend;
    /* GET_ID answer: up to 20 bytes, NUL-padded (not terminated if 20). */
    char serial[VIRTIO_BLK_ID_BYTES];
    uint64_t epoch;     /* bumped by each device reset */
    uint64_t next_wseq; /* sequence number of the next write submitted */
    vblk_req *inflight; /* submitted to the backend, not yet completed */
    vblk_req *waiting;  /* flushes held back for earlier writes, FIFO */
} virtio_blk;

/* Map a virtio-blk device at guest-physical `base` (VIRTIO_MMIO_SIZE bytes)
 * interrupting through `irq`, over `backend` (backend->size bytes, a
 * multiple of 512; capacity is reported in 512-byte sectors; F_RO is offered
 * if backend->readonly). The serial defaults to "wvm-virtio-blk"; the caller
 * may overwrite b->serial after init. Returns 0, or -1 if the address map
 * is full. The backend's poll must be called by the run loop. */
int virtio_blk_init(virtio_blk *b, phys_map *pm, uint64_t base, irq_line irq,
                    blk_backend *backend);

/* Before the device's memory is freed (machine destroyed): requests still
 * held by the backend are disowned. Each completes later into nothing (its
 * write still reaches the backend; no guest RAM or device is touched) and
 * frees itself, so the backend may outlive the device and serve another. */
void virtio_blk_detach(virtio_blk *b);

#endif
