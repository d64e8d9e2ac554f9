/* A machine: RAM, CPUs, the virtio devices of its slots, the console, guest
 * time, and the board (core/board.h) that owns the rest (internal). */
#ifndef WVM_MACHINE_H
#define WVM_MACHINE_H

#include "board/virtio_slots.h"
#include "core/board.h"
#include "core/wvm.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_9p.h"
#include "dev/virtio_console.h"
#include "dev/virtio_net.h"
#include "dev/virtio_rng.h"
#include "host/blk.h"
#include "ir/cache.h"
#include "ir/debug.h"
#include "mem/phys.h"

#define CONSOLE_BUF 65536
#define NET_TXQ_FRAMES 64                  /* guest frames waiting for the host */

struct wvm_machine {
    phys_map pm;
    ir_cache cache;
    const board_class *board;
    void *board_data;          /* the board's devices */
    ir_cpu *cpus[IR_MAX_CPUS]; /* of the board's cpu_class */
    int ncpus;
    int bios;                  /* enum wvm_bios */
    virtio_console vcon;
    virtio_rng rng;
    virtio_blk disks[VIRT_MAX_DISKS];
    virtio_net net;
    int has_net;
    /* Frames the guest sent that the host has not read (wvm_net_read): a
     * ring of NET_TXQ_FRAMES; when full, the rest wait in the transmit queue. */
    struct { uint16_t len; uint8_t data[VIRTIO_NET_FRAME_MAX]; } net_txq[NET_TXQ_FRAMES];
    unsigned net_txq_head, net_txq_len;
    struct netuser *user;      /* user-mode networking (core/netuser.c), or NULL */
    virtio_9p shares[VIRT_MAX_SHARES];    /* file shares, slot VIRT_SHARE_SLOT + i */
    int nshares;
    virtio_mmio empty[VIRT_ALL_SLOTS];    /* slots without a device */
    virtio_budget io_budget;   /* host memory held for guest requests, all devices */
    blk_backend *backends[VIRT_MAX_DISKS];
    int ndisks;
    /* Guest time in ns = source + time_off (mod 2^64): the source is host
     * monotonic time, or with icount the instructions retired (all harts)
     * shifted left by icount_shift. */
    uint64_t time_off;
    uint64_t last_run_ns;      /* guest ns when the guest last ran (what a snapshot keeps) */
    int icount_shift;          /* -1: host time */
    int icount_sleep;          /* icount: an idle machine waits in host time before time jumps */
    int idle_returned;         /* the last wvm_run returned WVM_IDLE */
    /* RTC: wall ns = rtc_base_ns + guest ns (rtc_clock_vm) or host ns since
     * rtc_host0; with neither set (rtc_base_set 0), the host's wall clock. */
    int rtc_base_set, rtc_clock_vm;
    uint64_t rtc_base_ns, rtc_host0;
    /* boot inputs */
    int kernel_loaded, bios_loaded;
    uint64_t kernel_entry, kernel_end;
    uint64_t initrd_start, initrd_end;
    char cmdline[1024];
    uint64_t tohost, fromhost; /* HTIF addresses (0: none) */
    /* state */
    int halted, exit_code, reset_requested;
    int hvc_console;           /* host input goes to virtio-console (console=hvc0) */
    uint8_t out[CONSOLE_BUF], in[CONSOLE_BUF];
    /* debugging (core/gdbstub.c): breakpoints and watchpoints, the stub */
    ir_debug debug;
    struct gdb_stub *gdb;
    size_t out_head, out_len, in_head, in_len;
};

/* Append guest console output (bytes the host should display). */
void machine_console_out(wvm_machine *m, const uint8_t *p, size_t n);

/* Take up to `n` bytes of host console input; returns the count. */
size_t machine_console_in(wvm_machine *m, uint8_t *p, size_t n);

/* Stop the machine with exit status `code` (guest poweroff, HTIF exit). */
void machine_halt(wvm_machine *m, int code);

/* Guest time in ns (see time_off). */
uint64_t machine_guest_ns(wvm_machine *m);
/* Make guest time read `ns` from now on (the clocks continue from there). */
void machine_set_guest_ns(wvm_machine *m, uint64_t ns);

/* Map the devices that wvm_boot maps last (empty virtio slots, then the
 * board's wire: HTIF, built-in firmware): what a restored machine needs as
 * well. Returns 0 or -1 (wvm_last_error set). */
int machine_wire(wvm_machine *m);

/* Map virtio-console and virtio-rng in their slots (a board's init).
 * Returns 0 or -1. */
int machine_virtio_init(wvm_machine *m);

/* Nanoseconds since the epoch that the guest's real-time clock reads (the
 * host's wall clock, or as wvm_set_rtc says). */
uint64_t machine_wall_ns(wvm_machine *m);

/* Copy `len` bytes to guest-physical `pa`; -1 if they do not fit in RAM. */
int machine_load_at(wvm_machine *m, uint64_t pa, const uint8_t *data, size_t len);

/* User-mode networking (core/netuser.c): run the stack's timers when due;
 * microseconds until they are due (UINT64_MAX without user networking);
 * end it (wvm_destroy). */
typedef struct netuser netuser;
void netuser_poll(wvm_machine *m);
uint64_t netuser_idle_us(wvm_machine *m);
void netuser_free(wvm_machine *m);

/* The virtio-mmio transport in slot `i` (0..machine_virtio_slots(m)-1). */
virtio_mmio *machine_virtio_slot(wvm_machine *m, int i);

/* The virtio-mmio slots the machine has: QEMU's 8, or more for extra shares. */
int machine_virtio_slots(const wvm_machine *m);

/* Set the thread's last-error message (printf-style). Returns -1. */
int wvm_fail(const char *fmt, ...);

#endif
