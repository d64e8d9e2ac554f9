/* The virtio-mmio transport, version 2 (modern), and split virtqueues, as a
 * library for virtio devices: VIRTIO 1.2 section 4.2.2 (register layout),
 * 2.7 (split virtqueues), 3.1 (device initialization). A device fills a
 * virtio_device_ops table and calls virtio_mmio_init; from its per-queue
 * notify handlers it takes descriptor chains with virtio_pop, reads and
 * writes their buffers with virtio_chain_read/virtio_chain_write and returns
 * them with virtio_push. Everything in the rings is guest-controlled: a
 * malformed chain puts the device in DEVICE_NEEDS_RESET instead of ever
 * touching host memory outside guest RAM. */
#ifndef WVM_VIRTIO_MMIO_H
#define WVM_VIRTIO_MMIO_H

#include <stdint.h>

#include "dev/irq.h"
#include "mem/phys.h"

#define VIRTIO_MMIO_SIZE 0x200ull  /* bytes of MMIO space per device */
#define VIRTIO_MAX_QUEUES 4        /* virtqueues per device */
#define VIRTIO_QUEUE_MAX 256       /* largest QueueNumMax a device may offer */
#define VIRTIO_CHAIN_MAX VIRTIO_QUEUE_MAX /* most buffers in one chain */
/* Default caps on host memory held for in-flight guest requests (bounce
 * buffers, request records), bytes: per device and per machine. */
#define VIRTIO_DEVICE_HOLD_MAX (16ull << 20)
#define VIRTIO_MACHINE_HOLD_MAX (32ull << 20)

/* Feature bits (VIRTIO 1.2 section 6) */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1 32

/* Device status bits (section 2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* InterruptStatus bits (section 4.2.2) */
#define VIRTIO_INT_USED 1
#define VIRTIO_INT_CONFIG 2

/* Register offsets (section 4.2.2, table "MMIO Device Register Layout") */
enum {
    VIRTIO_MMIO_MAGIC = 0x000, VIRTIO_MMIO_VERSION = 0x004,
    VIRTIO_MMIO_DEVICE_ID = 0x008, VIRTIO_MMIO_VENDOR_ID = 0x00c,
    VIRTIO_MMIO_DEV_FEATURES = 0x010, VIRTIO_MMIO_DEV_FEATURES_SEL = 0x014,
    VIRTIO_MMIO_DRV_FEATURES = 0x020, VIRTIO_MMIO_DRV_FEATURES_SEL = 0x024,
    VIRTIO_MMIO_QUEUE_SEL = 0x030, VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034,
    VIRTIO_MMIO_QUEUE_NUM = 0x038, VIRTIO_MMIO_QUEUE_READY = 0x044,
    VIRTIO_MMIO_QUEUE_NOTIFY = 0x050, VIRTIO_MMIO_INT_STATUS = 0x060,
    VIRTIO_MMIO_INT_ACK = 0x064, VIRTIO_MMIO_STATUS = 0x070,
    VIRTIO_MMIO_QUEUE_DESC_LO = 0x080, VIRTIO_MMIO_QUEUE_DESC_HI = 0x084,
    VIRTIO_MMIO_QUEUE_DRIVER_LO = 0x090, VIRTIO_MMIO_QUEUE_DRIVER_HI = 0x094,
    VIRTIO_MMIO_QUEUE_DEVICE_LO = 0x0a0, VIRTIO_MMIO_QUEUE_DEVICE_HI = 0x0a4,
    VIRTIO_MMIO_SHM_SEL = 0x0ac, VIRTIO_MMIO_SHM_LEN_LO = 0x0b0,
    VIRTIO_MMIO_SHM_LEN_HI = 0x0b4, VIRTIO_MMIO_CONFIG_GEN = 0x0fc,
    VIRTIO_MMIO_CONFIG = 0x100,
};

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x554d4551u      /* "QEMU", as QEMU's virt board */

/* Split virtqueue descriptor flags (section 2.7.5) */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* Called when the driver notifies queue `queue` (QueueNotify), only while the
 * queue is ready, the driver is DRIVER_OK and the device is not broken. */
typedef void (*virtio_notify_fn)(void *dev, unsigned queue);

/* What a device tells the transport. May be per instance (features can
 * depend on the backend); the transport keeps the pointer. */
typedef struct virtio_device_ops {
    uint32_t device_id;   /* section 5: 2 block, 3 console, 4 entropy */
    /* Device feature bits offered, besides VIRTIO_F_VERSION_1 and
     * VIRTIO_F_INDIRECT_DESC which the transport adds to every device but
     * an empty slot (device_id 0 offers nothing). */
    uint64_t features;
    uint32_t config_size; /* bytes of device config space at 0x100 */
    /* Read `size` (1, 2, 4, 8) bytes of config space at byte `offset`,
     * little-endian; offset + size <= config_size is guaranteed. */
    uint64_t (*config_read)(void *dev, uint32_t offset, unsigned size);
    /* Config write, same guarantees; NULL = config space is read-only. */
    void (*config_write)(void *dev, uint32_t offset, uint64_t value, unsigned size);
    unsigned num_queues;  /* 0..VIRTIO_MAX_QUEUES */
    uint16_t queue_max;   /* QueueNumMax of every queue, <= VIRTIO_QUEUE_MAX */
    virtio_notify_fn notify[VIRTIO_MAX_QUEUES]; /* per queue; NULL = ignore */
    /* Device reset (driver wrote 0 to Status): forget in-flight work. Called
     * before the transport clears its own state. NULL = nothing to do. */
    void (*reset)(void *dev);
    /* The driver set DRIVER_OK (section 3.1.1 step 8): the device is live.
     * NULL = nothing to do. */
    void (*driver_ok)(void *dev);
} virtio_device_ops;

/* One split virtqueue as configured by the driver (guest-physical). */
typedef struct virtq {
    uint32_t num;            /* QueueNum: entries in each ring */
    uint32_t ready;          /* QueueReady */
    uint64_t desc, avail, used; /* guest-physical ring addresses */
    uint16_t last_avail;     /* next available-ring index to consume */
    uint16_t used_idx;       /* next used-ring index to fill */
} virtq;

/* One buffer of a chain: `len` bytes at guest-physical `gpa`, and `p`, the
 * host pointer to it (validated in guest RAM; guest RAM never moves, so `p`
 * stays valid). Write through virtio_chain_write, not through `p`: it also
 * invalidates translated code in the written range. */
typedef struct virtio_iov {
    uint8_t *p;
    uint64_t gpa;
    uint32_t len;
} virtio_iov;

/* A descriptor chain taken from the available ring: the device-readable
 * buffers iov[0 .. nr) then the device-writable ones iov[nr .. nr + nw). */
typedef struct virtio_chain {
    uint16_t head;           /* descriptor index, the used element's id */
    unsigned nr, nw;         /* buffer counts */
    uint64_t rlen, wlen;     /* total readable / writable bytes */
    virtio_iov iov[VIRTIO_CHAIN_MAX];
} virtio_chain;

/* Host memory that a machine's devices hold for in-flight guest requests,
 * bytes; shared by the devices of one machine. */
typedef struct virtio_budget {
    uint64_t held, limit;
} virtio_budget;

typedef struct virtio_mmio {
    phys_map *pm;
    uint64_t base;           /* guest-physical MMIO base */
    irq_line irq;
    const virtio_device_ops *ops;
    void *dev;
    uint32_t status;         /* device status (section 2.1) */
    uint32_t int_status;     /* InterruptStatus */
    uint32_t dev_features_sel, drv_features_sel, queue_sel;
    uint64_t driver_features;
    uint32_t config_generation;
    virtq q[VIRTIO_MAX_QUEUES];
    /* Host memory held for this device's in-flight requests (virtio_hold):
     * past hold_max here, or past the machine's budget, virtio_pop takes no
     * more chains until some are released (virtio_resume picks up again). */
    uint64_t held, hold_max;
    virtio_budget *budget;   /* the machine's, or NULL */
    uint32_t stalled;        /* bit q: a pop of queue q was refused for memory */
} virtio_mmio;

/* Ops of an empty transport slot: DeviceID 0, no queues, which drivers
 * ignore (section 4.2.3.1.1), as QEMU's virt board fills unused slots. Use
 * with dev = NULL. */
extern const virtio_device_ops virtio_empty_ops;

/* Map a virtio-mmio device of VIRTIO_MMIO_SIZE bytes at guest-physical
 * `base`, interrupting through `irq`, driven by `ops` for device `dev`
 * (both must outlive the device). Returns 0, or -1 if ops is invalid
 * (num_queues > VIRTIO_MAX_QUEUES, queue_max > VIRTIO_QUEUE_MAX, or 0 with
 * queues) or the address map is full. */
int virtio_mmio_init(virtio_mmio *v, phys_map *pm, uint64_t base, irq_line irq,
                     const virtio_device_ops *ops, void *dev);

/* Account `bytes` of host memory taken (positive) or given back (negative)
 * for this device's in-flight requests, against the device's hold_max and
 * the machine's budget. */
void virtio_hold(virtio_mmio *v, int64_t bytes);

/* After memory was released anywhere in the machine: call the notify
 * handler of each queue whose pop was refused for memory, if the device may
 * pop again. Cheap when nothing stalled; the run loop calls it every round. */
void virtio_resume(virtio_mmio *v);

/* Nonzero if the driver accepted feature `bit` (0..63; section 2.2). */
int virtio_has_feature(const virtio_mmio *v, unsigned bit);

/* Take the next available descriptor chain of queue `q` into `c`, following
 * VIRTQ_DESC_F_NEXT and indirect tables (section 2.7.5.3). Returns 1 with
 * `c` filled, 0 if the queue is empty, not usable yet (not ready, no
 * DRIVER_OK) or the device holds too much host memory (see virtio_hold; a
 * device holding nothing may always pop), -1 if the device is broken. A malformed ring or chain (ring
 * or buffer not wholly in guest RAM, misaligned ring, descriptor index
 * >= QueueNum, available index running more than QueueNum ahead, loop or
 * chain longer than QueueNum, readable buffer after a writable one, bad
 * indirect table) makes the device need reset (virtio_needs_reset) and
 * returns -1. */
int virtio_pop(virtio_mmio *v, unsigned q, virtio_chain *c);

/* Return chain `head` to the used ring of queue `q` with `written` bytes
 * written into its writable buffers (section 2.7.8) and raise the used-
 * buffer interrupt unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT.
 * Ignored when the device is broken or the queue disabled (e.g. a request
 * that completes after a reset must not be pushed: see the device's own
 * bookkeeping). */
void virtio_push(virtio_mmio *v, unsigned q, uint16_t head, uint32_t written);

/* Give back the chain that virtio_pop last took from queue `q`, unused: it
 * stays in the available ring and the next virtio_pop takes it again (a
 * device whose host cannot take the request yet). */
void virtio_unpop(virtio_mmio *v, unsigned q);

/* Copy `len` bytes from byte `off` of the chain's readable part into `dst`.
 * Returns the number of bytes copied (less than `len` at the end of the
 * readable part). */
uint64_t virtio_chain_read(virtio_mmio *v, const virtio_chain *c, uint64_t off,
                           void *dst, uint64_t len);

/* Copy `len` bytes from `src` to byte `off` of the chain's writable part,
 * invalidating translated code there. Returns the number of bytes copied
 * (less than `len` at the end of the writable part). */
uint64_t virtio_chain_write(virtio_mmio *v, const virtio_chain *c, uint64_t off,
                            const void *src, uint64_t len);

/* The device's configuration changed: bump ConfigGeneration and raise the
 * configuration-change interrupt (section 4.2.2, InterruptStatus bit 1). */
void virtio_notify_config(virtio_mmio *v);

/* Enter DEVICE_NEEDS_RESET (status bit 64, section 2.1.2): raise the
 * configuration-change interrupt and stop processing every queue until the
 * driver resets the device by writing 0 to Status. */
void virtio_needs_reset(virtio_mmio *v);

/* Nonzero while the device is in DEVICE_NEEDS_RESET. */
int virtio_broken(const virtio_mmio *v);

/* Save or load the transport's state (status, features, interrupt status,
 * each virtqueue's addresses and ring positions) as section "virtio"
 * (core/state.h). Nothing may be in flight (held == 0): requests a host
 * backend holds are not part of the state. A load fails if the slot's
 * device type differs. */
struct sv_io;
void virtio_mmio_state(virtio_mmio *v, struct sv_io *io);

#endif
