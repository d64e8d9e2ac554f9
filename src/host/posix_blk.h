/* A blk_backend over a host file or block device (native build only; the
 * functions do not exist under Emscripten). Requests are queued by submit
 * and executed and completed by the next poll, so the device sees real
 * asynchrony. Optional snapshot mode keeps every write in a sparse in-memory
 * overlay and never modifies the file. */
#ifndef WVM_POSIX_BLK_H
#define WVM_POSIX_BLK_H

#include <stddef.h>

#include "host/blk.h"

/* Open the image `path`. `readonly`: writes fail with BLK_IOERR (and the
 * guest sees VIRTIO_BLK_F_RO). `snapshot`: the file is opened read-only and
 * writes go to memory, lost at close. Flush is fdatasync(2) on a writable
 * file and a no-op otherwise. Returns the backend, or NULL with a message
 * naming the path in `err` (`errlen` bytes, NUL-terminated) if the file
 * cannot be opened, is not a regular file or block device, its size in
 * bytes is not a multiple of 512, or memory runs out. */
blk_backend *posix_blk_open(const char *path, int readonly, int snapshot, char *err,
                            size_t errlen);

/* Complete every request still queued (writes reach the file or overlay;
 * the device of a destroyed machine has disowned its requests, which then
 * free themselves), then close the file and free the backend and its
 * overlay. NULL is ignored. */
void posix_blk_close(blk_backend *b);

#endif
