/* Block backends: the asynchronous storage behind a virtio-blk device. The
 * device submits a request and the backend completes it later by calling
 * req->done (never from inside submit), so a backend may be a file (native:
 * posix_blk.c; Node: JS callbacks), an IndexedDB overlay or HTTP ranges. */
#ifndef WVM_BLK_H
#define WVM_BLK_H

#include <stddef.h>
#include <stdint.h>

enum blk_op { BLK_READ = 0, BLK_WRITE = 1, BLK_FLUSH = 2 };
enum blk_status { BLK_OK = 0, BLK_IOERR = 1 };

typedef struct blk_req blk_req;
struct blk_req {
    int op;           /* enum blk_op */
    uint64_t offset;  /* bytes from the start of the image (multiple of 512) */
    uint8_t *buf;     /* host buffer: filled by reads, read by writes */
    size_t len;       /* bytes (multiple of 512); 0 for flush */
    /* Completion: status is enum blk_status. Writes are durable in the
     * backing store before a later flush completes. */
    void (*done)(blk_req *req, int status);
    void *opaque;     /* the submitter's */
};

typedef struct blk_backend blk_backend;
struct blk_backend {
    uint64_t size;    /* image size in bytes (multiple of 512) */
    int readonly;
    /* Start a request; it completes later through req->done. */
    void (*submit)(blk_backend *b, blk_req *req);
    /* Complete finished requests (called by the machine's run loop). */
    void (*poll)(blk_backend *b);
    void *opaque;     /* the backend's */
};

#endif
