/* The virtio devices of a virt board's slots (board/virtio_slots.h): disks,
 * console, rng, network and file shares, wherever the board puts each slot
 * (board_class.virtio_slot). */
#include <string.h>

#include "core/machine.h"

static void console_tx(void *opaque, const uint8_t *p, size_t n) { machine_console_out(opaque, p, n); }

int machine_virtio_init(wvm_machine *m)
{
    uint64_t base;
    irq_line irq;
    m->board->virtio_slot(m, VIRT_CONSOLE_SLOT, &base, &irq);
    int err = virtio_console_init(&m->vcon, &m->pm, base, irq, console_tx, NULL, m);
    m->board->virtio_slot(m, VIRT_RNG_SLOT, &base, &irq);
    err |= virtio_rng_init(&m->rng, &m->pm, base, irq);
    m->io_budget.limit = VIRTIO_MACHINE_HOLD_MAX;
    m->vcon.mmio.budget = m->rng.mmio.budget = &m->io_budget;
    return err ? -1 : 0;
}

/* virtio-net's tx: queue the frame for wvm_net_read, or refuse when full. */
static int net_tx(void *opaque, const uint8_t *frame, size_t len)
{
    wvm_machine *m = opaque;
    if (m->net_txq_len == NET_TXQ_FRAMES)
        return -1;
    unsigned i = (m->net_txq_head + m->net_txq_len++) % NET_TXQ_FRAMES;
    m->net_txq[i].len = (uint16_t)len;
    memcpy(m->net_txq[i].data, frame, len);
    return 0;
}

int wvm_add_net(wvm_machine *m, const uint8_t *mac)
{
    if (m->has_net)
        return wvm_fail("the machine has a network device already");
    uint64_t base;
    irq_line irq;
    m->board->virtio_slot(m, VIRT_NET_SLOT, &base, &irq);
    if (virtio_net_init(&m->net, &m->pm, base, irq, mac, net_tx, NULL, m) != 0)
        return wvm_fail("cannot map the network device");
    m->has_net = 1;
    return 0;
}

size_t wvm_net_read(wvm_machine *m, uint8_t *buf, size_t max)
{
    if (!m->net_txq_len || max < VIRTIO_NET_FRAME_MAX)
        return 0;
    int was_full = m->net_txq_len == NET_TXQ_FRAMES;
    size_t len = m->net_txq[m->net_txq_head].len;
    memcpy(buf, m->net_txq[m->net_txq_head].data, len);
    m->net_txq_head = (m->net_txq_head + 1) % NET_TXQ_FRAMES;
    m->net_txq_len--;
    if (was_full)
        virtio_net_tx_resume(&m->net); /* frames held in the transmit queue */
    return len;
}

int wvm_net_write(wvm_machine *m, const uint8_t *frame, size_t len)
{
    return m->has_net ? virtio_net_rx(&m->net, frame, len) : -1;
}

/* Why share `tag` cannot be added, or NULL. */
static const char *share_refused(wvm_machine *m, const char *tag)
{
    if (m->nshares == VIRT_MAX_SHARES)
        return "too many file shares (at most 4)";
    if (!tag[0] || strlen(tag) > VIRTIO_9P_TAG_MAX)
        return "a mount tag is 1 to 64 bytes";
    for (int i = 0; i < m->nshares; i++)
        if (m->shares[i].tag_len == strlen(tag) && !memcmp(m->shares[i].tag, tag, m->shares[i].tag_len))
            return "the mount tag is used twice";
    return NULL;
}

int wvm_add_share(wvm_machine *m, const char *tag, fs_backend *fs, int readonly)
{
    const char *why = share_refused(m, tag);
    uint64_t base;
    irq_line irq;
    m->board->virtio_slot(m, VIRT_SHARE_SLOT + m->nshares, &base, &irq);
    if (!why && virtio_9p_init(&m->shares[m->nshares], &m->pm, base, irq, tag, fs, readonly) != 0)
        why = "out of memory";
    if (why) {
        fs->destroy(fs);
        return wvm_fail("file share '%s': %s", tag, why);
    }
    m->shares[m->nshares].mmio.budget = &m->io_budget;
    return m->nshares++;
}

int wvm_add_disk(wvm_machine *m, blk_backend *b)
{
    if (m->ndisks == VIRT_MAX_DISKS)
        return wvm_fail("too many disks (at most %d)", VIRT_MAX_DISKS);
    int n = m->ndisks;
    uint64_t base;
    irq_line irq;
    m->board->virtio_slot(m, n, &base, &irq);
    if (virtio_blk_init(&m->disks[n], &m->pm, base, irq, b) != 0)
        return wvm_fail("cannot map disk %d", n);
    m->disks[n].mmio.budget = &m->io_budget;
    m->backends[n] = b;
    return m->ndisks++;
}

virtio_mmio *machine_virtio_slot(wvm_machine *m, int i)
{
    if (i < m->ndisks)
        return &m->disks[i].mmio;
    if (i == VIRT_CONSOLE_SLOT)
        return &m->vcon.mmio;
    if (i == VIRT_RNG_SLOT)
        return &m->rng.mmio;
    if (i == VIRT_NET_SLOT && m->has_net)
        return &m->net.mmio;
    if (i >= VIRT_SHARE_SLOT && i < VIRT_SHARE_SLOT + m->nshares)
        return &m->shares[i - VIRT_SHARE_SLOT].mmio;
    return &m->empty[i];
}

int machine_virtio_slots(const wvm_machine *m)
{
    return m->nshares > 1 ? VIRT_SHARE_SLOT + m->nshares : VIRT_VIRTIO_SLOTS;
}


/* Empty slots read DeviceID 0, as QEMU's do. */
static void map_empty_slots(wvm_machine *m)
{
    for (int i = 0; i < machine_virtio_slots(m); i++) {
        uint64_t base;
        irq_line irq;
        m->board->virtio_slot(m, i, &base, &irq);
        if (machine_virtio_slot(m, i) == &m->empty[i])
            virtio_mmio_init(&m->empty[i], &m->pm, base, irq, &virtio_empty_ops, NULL);
    }
}

int machine_wire(wvm_machine *m)
{
    map_empty_slots(m);
    return m->board->wire ? m->board->wire(m) : 0;
}
