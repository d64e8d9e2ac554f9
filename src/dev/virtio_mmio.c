/* virtio-mmio v2 transport and split virtqueues (VIRTIO 1.2 sections 4.2.2,
 * 2.7). Ring memory is reached only through phys_ram_ptr/phys_dma_write_ptr
 * with bounds that are checked before every use, and read with memcpy (the
 * guest may misalign anything; hosts are little-endian like virtio). */
#include "dev/virtio_mmio.h"

#include "core/state.h"
#include <string.h>

static uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint64_t offered(const virtio_mmio *v)
{
    if (v->ops->device_id == 0)
        return 0;
    return v->ops->features | 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_INDIRECT_DESC;
}

int virtio_has_feature(const virtio_mmio *v, unsigned bit)
{
    return bit < 64 && (v->driver_features >> bit & 1);
}

int virtio_broken(const virtio_mmio *v)
{
    return (v->status & VIRTIO_STATUS_NEEDS_RESET) != 0;
}

static void interrupt(virtio_mmio *v, uint32_t bits)
{
    v->int_status |= bits;
    irq_set(&v->irq, 1);
}

void virtio_needs_reset(virtio_mmio *v)
{
    if (virtio_broken(v))
        return;
    v->status |= VIRTIO_STATUS_NEEDS_RESET;
    interrupt(v, VIRTIO_INT_CONFIG);
}

void virtio_notify_config(virtio_mmio *v)
{
    v->config_generation++;
    if (v->status & VIRTIO_STATUS_DRIVER_OK)
        interrupt(v, VIRTIO_INT_CONFIG);
}

/* Queue `qi` if the device may use it now (section 3.1.1: not before
 * DRIVER_OK), else NULL. */
static virtq *usable(virtio_mmio *v, unsigned qi)
{
    if (qi >= v->ops->num_queues || virtio_broken(v) || !(v->status & VIRTIO_STATUS_DRIVER_OK))
        return NULL;
    return v->q[qi].ready ? &v->q[qi] : NULL;
}

void virtio_hold(virtio_mmio *v, int64_t bytes)
{
    v->held += (uint64_t)bytes;
    if (v->budget)
        v->budget->held += (uint64_t)bytes;
}

/* Nonzero if the device may take another chain: it holds nothing (so no
 * device ever starves), or it is under its own cap and the machine's. */
static int may_hold_more(const virtio_mmio *v)
{
    return v->held == 0 ||
           (v->held < v->hold_max && (!v->budget || v->budget->held < v->budget->limit));
}

void virtio_resume(virtio_mmio *v)
{
    if (!v->stalled || !may_hold_more(v))
        return;
    uint32_t stalled = v->stalled;
    v->stalled = 0;
    for (unsigned q = 0; q < v->ops->num_queues; q++)
        if ((stalled >> q & 1) && v->ops->notify[q] && usable(v, q))
            v->ops->notify[q](v->dev, q);
}

/* Host pointers to the three rings of `q`, checked wholly in RAM and
 * aligned as section 2.7 requires (16, 2, 4). Returns 0 if malformed. */
static int rings(virtio_mmio *v, const virtq *q, uint8_t **desc, uint8_t **avail, uint8_t **used)
{
    if (q->num == 0 || q->num > v->ops->queue_max || (q->desc & 15) || (q->avail & 1) ||
        (q->used & 3))
        return 0;
    *desc = phys_ram_ptr(v->pm, q->desc, 16ull * q->num);
    *avail = phys_ram_ptr(v->pm, q->avail, 6 + 2ull * q->num);
    *used = phys_ram_ptr(v->pm, q->used, 6 + 8ull * q->num);
    return *desc && *avail && *used;
}

/* Follow the chain starting at descriptor `i` of the table `table` of
 * `size` entries into `c`. At most `limit` buffers (the queue size) in all,
 * which also ends any loop. Returns 0, or -1 if malformed. */
static int walk(virtio_mmio *v, virtio_chain *c, const uint8_t *table, uint32_t size, uint32_t i,
                uint32_t limit)
{
    int indirect = 0, writable = 0;
    for (uint32_t count = 0;;) {
        const uint8_t *d = table + 16ull * i;
        uint64_t addr = ld64(d);
        uint32_t len = ld32(d + 8);
        uint16_t flags = ld16(d + 12), next = ld16(d + 14);
        if (flags & VIRTQ_DESC_F_INDIRECT) { /* section 2.7.5.3 */
            if (indirect || (flags & VIRTQ_DESC_F_NEXT) ||
                !virtio_has_feature(v, VIRTIO_F_INDIRECT_DESC) || len == 0 || len % 16 ||
                len / 16 > limit)
                return -1;
            table = phys_ram_ptr(v->pm, addr, len);
            if (!table)
                return -1;
            size = len / 16, i = 0, indirect = 1;
            continue;
        }
        if (++count > limit)
            return -1; /* loop, or longer than the queue */
        if (flags & VIRTQ_DESC_F_WRITE) {
            writable = 1;
            c->nw += len != 0;
            c->wlen += len;
        } else {
            if (writable)
                return -1; /* readable after writable (section 2.7.4.2) */
            c->nr += len != 0;
            c->rlen += len;
        }
        if (len) {
            uint8_t *p = phys_ram_ptr(v->pm, addr, len);
            if (!p)
                return -1;
            c->iov[c->nr + c->nw - 1] = (virtio_iov){p, addr, len};
        }
        if (!(flags & VIRTQ_DESC_F_NEXT))
            return 0;
        if (next >= size)
            return -1;
        i = next;
    }
}

int virtio_pop(virtio_mmio *v, unsigned qi, virtio_chain *c)
{
    if (virtio_broken(v))
        return -1;
    virtq *q = usable(v, qi);
    if (!q)
        return 0;
    if (!may_hold_more(v)) {
        v->stalled |= 1u << qi;
        return 0;
    }
    uint8_t *desc, *avail, *used;
    if (!rings(v, q, &desc, &avail, &used))
        goto bad;
    uint16_t pending = (uint16_t)(ld16(avail + 2) - q->last_avail);
    if (pending == 0)
        return 0;
    if (pending > q->num)
        goto bad;
    uint16_t head = ld16(avail + 4 + 2 * (q->last_avail % q->num));
    if (head >= q->num)
        goto bad;
    c->head = head;
    c->nr = c->nw = 0;
    c->rlen = c->wlen = 0;
    if (walk(v, c, desc, q->num, head, q->num) < 0)
        goto bad;
    q->last_avail++;
    return 1;
bad:
    virtio_needs_reset(v);
    return -1;
}

void virtio_unpop(virtio_mmio *v, unsigned q)
{
    v->q[q].last_avail--;
}

void virtio_push(virtio_mmio *v, unsigned qi, uint16_t head, uint32_t written)
{
    virtq *q = usable(v, qi);
    uint8_t *desc, *avail, *used;
    if (!q)
        return;
    if (!rings(v, q, &desc, &avail, &used)) {
        virtio_needs_reset(v);
        return;
    }
    uint64_t elem = q->used + 4 + 8ull * (q->used_idx % q->num);
    uint8_t *e = phys_dma_write_ptr(v->pm, elem, 8);
    uint8_t *idx = phys_dma_write_ptr(v->pm, q->used + 2, 2);
    uint32_t id = head;
    memcpy(e, &id, 4);
    memcpy(e + 4, &written, 4);
    q->used_idx++;
    memcpy(idx, &q->used_idx, 2);
    if (!(ld16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT))
        interrupt(v, VIRTIO_INT_USED);
}

uint64_t virtio_chain_read(virtio_mmio *v, const virtio_chain *c, uint64_t off, void *dst,
                           uint64_t len)
{
    (void)v;
    uint64_t done = 0;
    for (unsigned k = 0; k < c->nr && done < len; k++) {
        const virtio_iov *io = &c->iov[k];
        if (off >= io->len) {
            off -= io->len;
            continue;
        }
        uint64_t n = io->len - off < len - done ? io->len - off : len - done;
        memcpy((uint8_t *)dst + done, io->p + off, n);
        done += n, off = 0;
    }
    return done;
}

uint64_t virtio_chain_write(virtio_mmio *v, const virtio_chain *c, uint64_t off, const void *src,
                            uint64_t len)
{
    uint64_t done = 0;
    for (unsigned k = c->nr; k < c->nr + c->nw && done < len; k++) {
        const virtio_iov *io = &c->iov[k];
        if (off >= io->len) {
            off -= io->len;
            continue;
        }
        uint64_t n = io->len - off < len - done ? io->len - off : len - done;
        uint8_t *p = phys_dma_write_ptr(v->pm, io->gpa + off, n);
        if (!p)
            break; /* cannot happen: validated by virtio_pop */
        memcpy(p, (const uint8_t *)src + done, n);
        done += n, off = 0;
    }
    return done;
}

static void reset(virtio_mmio *v)
{
    if (v->ops->reset)
        v->ops->reset(v->dev);
    v->status = v->int_status = v->stalled = 0;
    v->dev_features_sel = v->drv_features_sel = v->queue_sel = 0;
    v->driver_features = 0;
    memset(v->q, 0, sizeof(v->q));
    irq_set(&v->irq, 0);
}

static void write_status(virtio_mmio *v, uint32_t val)
{
    if (val == 0) {
        reset(v);
        return;
    }
    uint32_t s = (val & 0xff & ~VIRTIO_STATUS_NEEDS_RESET) | (v->status & VIRTIO_STATUS_NEEDS_RESET);
    /* Section 3.1.1: FEATURES_OK sticks only for an acceptable subset. */
    if ((s & VIRTIO_STATUS_FEATURES_OK) && !(v->status & VIRTIO_STATUS_FEATURES_OK) &&
        ((v->driver_features & ~offered(v)) || !virtio_has_feature(v, VIRTIO_F_VERSION_1)))
        s &= ~VIRTIO_STATUS_FEATURES_OK;
    uint32_t was = v->status;
    v->status = s;
    if ((s & VIRTIO_STATUS_DRIVER_OK) && !(was & VIRTIO_STATUS_DRIVER_OK) && v->ops->driver_ok)
        v->ops->driver_ok(v->dev);
}

static void set_half(uint64_t *r, int hi, uint32_t val)
{
    *r = hi ? (*r & 0xffffffffull) | (uint64_t)val << 32 : (*r & ~0xffffffffull) | val;
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
    virtio_mmio *v = opaque;
    const virtio_device_ops *o = v->ops;
    if (off >= VIRTIO_MMIO_CONFIG) {
        off -= VIRTIO_MMIO_CONFIG;
        if (!o->config_read || off >= o->config_size || size > o->config_size - off)
            return 0;
        return o->config_read(v->dev, (uint32_t)off, size);
    }
    if (size != 4 || (off & 3))
        return 0; /* section 4.2.2.2: registers are 32-bit and aligned */
    const virtq *q = v->queue_sel < o->num_queues ? &v->q[v->queue_sel] : NULL;
    switch (off) {
    case VIRTIO_MMIO_MAGIC: return VIRTIO_MMIO_MAGIC_VALUE;
    case VIRTIO_MMIO_VERSION: return 2;
    case VIRTIO_MMIO_DEVICE_ID: return o->device_id;
    case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
    case VIRTIO_MMIO_DEV_FEATURES:
        return v->dev_features_sel < 2 ? (uint32_t)(offered(v) >> (32 * v->dev_features_sel)) : 0;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? o->queue_max : 0;
    case VIRTIO_MMIO_QUEUE_READY: return q ? q->ready : 0;
    case VIRTIO_MMIO_INT_STATUS: return v->int_status;
    case VIRTIO_MMIO_STATUS: return v->status;
    case VIRTIO_MMIO_SHM_LEN_LO: case VIRTIO_MMIO_SHM_LEN_HI: return 0xffffffffu; /* none */
    case VIRTIO_MMIO_CONFIG_GEN: return v->config_generation;
    default: return 0;
    }
}

/* Writes to the queue selected by QueueSel (section 4.2.3.2). Layout
 * registers are frozen while the queue is ready. */
static void write_queue(virtio_mmio *v, uint64_t off, uint32_t val)
{
    if (v->queue_sel >= v->ops->num_queues)
        return;
    virtq *q = &v->q[v->queue_sel];
    if (off == VIRTIO_MMIO_QUEUE_READY) {
        if ((val & 1) && !q->ready)
            q->last_avail = q->used_idx = 0;
        q->ready = val & 1;
        return;
    }
    if (q->ready)
        return;
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM: q->num = val; break;
    case VIRTIO_MMIO_QUEUE_DESC_LO: case VIRTIO_MMIO_QUEUE_DESC_HI:
        set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HI, val); break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LO: case VIRTIO_MMIO_QUEUE_DRIVER_HI:
        set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_DRIVER_HI, val); break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LO: case VIRTIO_MMIO_QUEUE_DEVICE_HI:
        set_half(&q->used, off == VIRTIO_MMIO_QUEUE_DEVICE_HI, val); break;
    }
}

static void mmio_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    virtio_mmio *v = opaque;
    const virtio_device_ops *o = v->ops;
    if (off >= VIRTIO_MMIO_CONFIG) {
        off -= VIRTIO_MMIO_CONFIG;
        if (o->config_write && off < o->config_size && size <= o->config_size - off)
            o->config_write(v->dev, (uint32_t)off, value, size);
        return;
    }
    if (size != 4 || (off & 3))
        return;
    uint32_t val = (uint32_t)value;
    switch (off) {
    case VIRTIO_MMIO_DEV_FEATURES_SEL: v->dev_features_sel = val; break;
    case VIRTIO_MMIO_DRV_FEATURES_SEL: v->drv_features_sel = val; break;
    case VIRTIO_MMIO_DRV_FEATURES:
        if (v->drv_features_sel < 2 && !(v->status & VIRTIO_STATUS_FEATURES_OK))
            set_half(&v->driver_features, v->drv_features_sel == 1, val);
        break;
    case VIRTIO_MMIO_QUEUE_SEL: v->queue_sel = val; break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        if (val < o->num_queues && o->notify[val] && usable(v, val))
            o->notify[val](v->dev, val);
        break;
    case VIRTIO_MMIO_INT_ACK:
        v->int_status &= ~val;
        irq_set(&v->irq, v->int_status != 0);
        break;
    case VIRTIO_MMIO_STATUS: write_status(v, val); break;
    default: write_queue(v, off, val); break;
    }
}

const virtio_device_ops virtio_empty_ops = {.device_id = 0};

static const mmio_ops virtio_mmio_ops = {mmio_read, mmio_write};

int virtio_mmio_init(virtio_mmio *v, phys_map *pm, uint64_t base, irq_line irq,
                     const virtio_device_ops *ops, void *dev)
{
    memset(v, 0, sizeof(*v));
    if (ops->num_queues > VIRTIO_MAX_QUEUES || ops->queue_max > VIRTIO_QUEUE_MAX ||
        (ops->num_queues && !ops->queue_max))
        return -1;
    v->pm = pm;
    v->base = base;
    v->irq = irq;
    v->ops = ops;
    v->dev = dev;
    v->hold_max = VIRTIO_DEVICE_HOLD_MAX;
    return phys_add_io(pm, base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, v);
}

void virtio_mmio_state(virtio_mmio *v, sv_io *io)
{
    if (!sv_begin(io, "virtio", 1))
        return;
    uint32_t id = v->ops->device_id;
    SV(io, id);
    SV(io, v->status), SV(io, v->int_status), SV(io, v->dev_features_sel), SV(io, v->drv_features_sel);
    SV(io, v->queue_sel), SV(io, v->driver_features), SV(io, v->config_generation), SV(io, v->stalled);
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        virtq *q = &v->q[i];
        SV(io, q->num), SV(io, q->ready), SV(io, q->desc), SV(io, q->avail), SV(io, q->used);
        SV(io, q->last_avail), SV(io, q->used_idx);
    }
    sv_end(io);
    if (io->load && id != v->ops->device_id)
        sv_fail(io, "virtio-mmio at 0x%llx: saved device %u, this machine has device %u",
                (unsigned long long)v->base, id, v->ops->device_id);
}
