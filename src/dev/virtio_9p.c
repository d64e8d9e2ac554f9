/* virtio-9p device (see virtio_9p.h). */
#include "dev/virtio_9p.h"

#include <stdlib.h>
#include <string.h>

#include "core/state.h"

static void p9_notify(void *dev, unsigned q)
{
    virtio_9p *d = dev;
    virtio_chain *c = &d->chain;
    while (virtio_pop(&d->mmio, q, c) > 0) {
        /* Bytes past P9_MSIZE_MAX are not read: a Twrite claiming them fails. */
        uint32_t len = c->rlen < P9_MSIZE_MAX ? (uint32_t)c->rlen : P9_MSIZE_MAX;
        uint32_t cap = c->wlen < P9_MSIZE_MAX ? (uint32_t)c->wlen : P9_MSIZE_MAX;
        len = (uint32_t)virtio_chain_read(&d->mmio, c, 0, d->req, len);
        uint32_t n = p9_server_handle(d->server, d->req, len, d->rep, cap);
        virtio_chain_write(&d->mmio, c, 0, d->rep, n);
        virtio_push(&d->mmio, q, c->head, n);
    }
}

/* Config space (5.10.4): tag_len[2] then the tag, not NUL-terminated. */
static uint64_t p9_config_read(void *dev, uint32_t off, unsigned size)
{
    virtio_9p *d = dev;
    uint8_t cfg[2 + VIRTIO_9P_TAG_MAX] = {(uint8_t)d->tag_len, (uint8_t)(d->tag_len >> 8)};
    uint64_t v = 0;
    memcpy(cfg + 2, d->tag, d->tag_len);
    memcpy(&v, cfg + off, size);
    return v;
}

static void p9_reset(void *dev) { p9_server_reset(((virtio_9p *)dev)->server); }

int virtio_9p_init(virtio_9p *d, phys_map *pm, uint64_t base, irq_line irq, const char *tag, fs_backend *fs,
                   int readonly)
{
    size_t tag_len = strlen(tag);
    memset(d, 0, sizeof(*d));
    if (tag_len == 0 || tag_len > VIRTIO_9P_TAG_MAX)
        return -1;
    d->server = p9_server_new(fs, readonly);
    d->req = malloc(P9_MSIZE_MAX);
    d->rep = malloc(P9_MSIZE_MAX);
    d->tag_len = (uint16_t)tag_len;
    memcpy(d->tag, tag, tag_len);
    d->ops = (virtio_device_ops){
        .device_id = 9,
        .features = 1ull << VIRTIO_9P_MOUNT_TAG,
        .config_size = (uint32_t)(2 + tag_len),
        .config_read = p9_config_read,
        .num_queues = 1,
        .queue_max = VIRTIO_9P_QUEUE_SIZE,
        .notify = {p9_notify},
        .reset = p9_reset,
    };
    if (!d->server || !d->req || !d->rep || virtio_mmio_init(&d->mmio, pm, base, irq, &d->ops, d) != 0) {
        p9_server_free(d->server);
        free(d->req);
        free(d->rep);
        memset(d, 0, sizeof(*d));
        return -1;
    }
    d->fs = fs;
    return 0;
}

void virtio_9p_free(virtio_9p *d)
{
    p9_server_free(d->server);
    if (d->fs)
        d->fs->destroy(d->fs);
    free(d->req);
    free(d->rep);
    memset(d, 0, sizeof(*d));
}

void virtio_9p_state(virtio_9p *d, sv_io *io)
{
    virtio_mmio_state(&d->mmio, io);
    p9_server_state(d->server, io);
}
