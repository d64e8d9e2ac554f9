/* A 9P2000.L file server (what Linux's v9fs speaks: net/9p/, and the
 * protocol description in QEMU's docs and the Plan 9 manual section 5) over
 * a file system backend (host/fs.h). Transport-free: it turns one T-message
 * into one R-message; dev/virtio_9p.c carries them over a virtqueue.
 *
 * Everything in a message is guest-controlled. A malformed message (short,
 * bad string lengths, unknown fid, counts past the message or msize) gets
 * Rlerror, never a read or write outside the two buffers. Paths never leave
 * the share: walks stop at the root and never pass through a symbolic link,
 * and names are single components. */
#ifndef WVM_P9_H
#define WVM_P9_H

#include <stdint.h>

#include "host/fs.h"

#define P9_MSIZE_MAX (512u << 10)  /* largest msize granted, bytes (Linux virtio caps near 500 KiB) */
#define P9_MSIZE_MIN 4096u         /* smallest msize accepted, bytes */
#define P9_MAX_FIDS 8192           /* fids one session may hold (then ENFILE) */
#define P9_HEADER_BYTES 7u         /* size[4] type[1] tag[2] */

typedef struct p9_server p9_server;

/* A server for the files of `fs` (not owned: the caller destroys it after
 * p9_server_free). `readonly`: every modifying request gets EROFS. NULL if
 * out of memory. */
p9_server *p9_server_new(fs_backend *fs, int readonly);

/* Clunk every fid (closing open files) and free the server. NULL ignored. */
void p9_server_free(p9_server *s);

/* Forget the session (device reset, or Tversion): clunk every fid. */
void p9_server_reset(p9_server *s);

/* Serve the T-message `req` of `len` bytes (all the readable bytes the
 * guest gave; the size field is not trusted) and write the R-message into
 * `rep`, at most `cap` bytes (the guest's writable bytes; also bounded by
 * the negotiated msize). Returns the reply's length in bytes: an R-message,
 * Rlerror, or 0 if the request has no header or not even Rlerror fits. */
uint32_t p9_server_handle(p9_server *s, const uint8_t *req, uint32_t len, uint8_t *rep, uint32_t cap);

/* The negotiated msize (bytes; P9_MSIZE_MAX before Tversion). */
uint32_t p9_server_msize(const p9_server *s);

/* Save or load the session (core/state.h): msize and every fid with its
 * path and open mode. Loading reopens open files by path; one that is gone
 * (or not regular any more) stays a fid whose I/O fails with EBADF. */
struct sv_io;
void p9_server_state(p9_server *s, struct sv_io *io);

#endif
