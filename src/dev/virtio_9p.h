/* virtio-9p, the 9P transport (device ID 9; VIRTIO 1.2 section 5.10 names
 * it, the device is QEMU's virtio-9p-device): one request queue, each chain
 * a T-message in its readable buffers and room for the R-message in its
 * writable ones, and the mount tag in config space (VIRTIO_9P_MOUNT_TAG).
 * Requests are served synchronously by a 9P2000.L server (dev/p9.h) over a
 * file system backend (host/fs.h). The guest mounts the share with
 * `mount -t 9p -o trans=virtio,version=9p2000.L TAG DIR`. */
#ifndef WVM_VIRTIO_9P_H
#define WVM_VIRTIO_9P_H

#include <stdint.h>

#include "dev/p9.h"
#include "dev/virtio_mmio.h"

#define VIRTIO_9P_QUEUE_SIZE 128
#define VIRTIO_9P_MOUNT_TAG 0    /* feature bit: the tag is in config space */
#define VIRTIO_9P_TAG_MAX 64     /* bytes of a mount tag */

typedef struct virtio_9p {
    virtio_mmio mmio;
    virtio_device_ops ops;
    p9_server *server;
    fs_backend *fs;
    uint16_t tag_len;
    char tag[VIRTIO_9P_TAG_MAX];
    virtio_chain chain;
    uint8_t *req, *rep;          /* P9_MSIZE_MAX bytes each */
} virtio_9p;

/* Map a virtio-9p device exporting `fs` (owned from now on: destroyed by
 * virtio_9p_free) as mount tag `tag` (1..VIRTIO_9P_TAG_MAX bytes) at
 * guest-physical `base` (VIRTIO_MMIO_SIZE bytes), interrupting through `irq`.
 * `readonly`: the guest cannot change a file (EROFS). Returns 0, or -1 (bad
 * tag, out of memory, address map full; `fs` is then not taken). */
int virtio_9p_init(virtio_9p *d, phys_map *pm, uint64_t base, irq_line irq, const char *tag, fs_backend *fs,
                   int readonly);

/* Close the share's open files, destroy its backend, free the buffers. */
void virtio_9p_free(virtio_9p *d);

/* Save or load the device: transport section "virtio", then the 9P session
 * (p9_server_state). */
struct sv_io;
void virtio_9p_state(virtio_9p *d, struct sv_io *io);

#endif
