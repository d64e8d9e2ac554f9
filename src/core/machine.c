/* Machine lifecycle and the run loop: harts interleaved deterministically in
 * fixed instruction quanta on one host thread, devices polled between rounds. */
#include "core/machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/riscv_virt.h"
#include "core/gdbstub.h"
#include "host/host.h"
#include "mem/softmmu.h"

#define QUANTUM 16384            /* guest instructions per hart per round */
#define M_MODE_GRACE 65536       /* most extra instructions of a turn that ends in M-mode */
#define M_MODE_STEP 64
#define ARENA_BYTES (32u << 20)  /* translation block storage */

static char last_error[256];

const char *wvm_last_error(void) { return last_error; }

int wvm_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
    return -1;
}

#define NS_PER_TICK (1000000000ull / CLINT_FREQ_HZ)

/* The time source (see wvm_machine.time_off). */
static uint64_t time_source(wvm_machine *m)
{
    return m->icount_shift < 0 ? host_time_ns() : wvm_instret(m) << m->icount_shift;
}

uint64_t machine_guest_ns(wvm_machine *m) { return time_source(m) + m->time_off; }

/* Make guest time read `ns` now. */
void machine_set_guest_ns(wvm_machine *m, uint64_t ns)
{
    m->time_off = ns - time_source(m);
    m->last_run_ns = ns;
}


wvm_machine *wvm_create(uint32_t ram_mib, int nharts, int bios)
{
    if (ram_mib < 16 || ram_mib > 2048) {
        wvm_fail("RAM size %u MiB is out of range (16-2048)", ram_mib);
        return NULL;
    }
    if (nharts < 1 || nharts > IR_MAX_CPUS) {
        wvm_fail("hart count %d is out of range (1-%d)", nharts, IR_MAX_CPUS);
        return NULL;
    }
    if (bios < WVM_BIOS_NONE || bios > WVM_BIOS_BUILTIN) {
        wvm_fail("unknown firmware choice %d", bios);
        return NULL;
    }
    wvm_machine *m = calloc(1, sizeof(*m));
    if (!m || phys_init(&m->pm, VIRT_RAM_BASE, (uint64_t)ram_mib << 20) != 0) {
        free(m);
        wvm_fail("out of host memory for %u MiB of guest RAM", ram_mib);
        return NULL;
    }
    m->bios = bios;
    if (ir_cache_init(&m->cache, &m->pm, ARENA_BYTES) != 0) {
        wvm_destroy(m);
        wvm_fail("out of host memory for the translation cache");
        return NULL;
    }
    m->nharts = nharts;
    for (int i = 0; i < nharts; i++) {
        if (!(m->harts[i] = malloc(sizeof(rv_hart)))) {
            wvm_destroy(m);
            wvm_fail("out of host memory for harts");
            return NULL;
        }
        rv_hart_init(m->harts[i], i, &m->pm, &m->cache, VIRT_RAM_BASE);
        m->harts[i]->sstc = 1;
    }
    if (riscv_virt_init(m) != 0) {
        wvm_destroy(m);
        return NULL;
    }
    m->icount_shift = -1;
    m->rtc_base_ns = host_wall_ns();
    m->rtc_host0 = host_time_ns();
    machine_set_guest_ns(m, 0);
    return m;
}

void wvm_destroy(wvm_machine *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->ndisks; i++)
        virtio_blk_detach(&m->disks[i]); /* their backends may serve another machine */
    netuser_free(m);
    for (int i = 0; i < m->nshares; i++)
        virtio_9p_free(&m->shares[i]);
    for (int i = 0; i < m->nharts; i++)
        free(m->harts[i]);
    ir_cache_free(&m->cache);
    phys_free(&m->pm);
    free(m->gdb);
    free(m);
}

int wvm_set_icount(wvm_machine *m, int shift, int sleep)
{
    if (shift < -1 || shift > 10)
        return wvm_fail("icount shift %d is out of range (0..10)", shift);
    uint64_t now = machine_guest_ns(m);
    m->icount_shift = shift;
    m->icount_sleep = sleep != 0;
    machine_set_guest_ns(m, now);
    m->rng.deterministic = shift >= 0;
    return 0;
}

void wvm_set_rtc(wvm_machine *m, uint64_t base_ns, int has_base, int clock_vm)
{
    m->rtc_base_set = has_base != 0;
    m->rtc_clock_vm = clock_vm != 0;
    m->rtc_base_ns = has_base ? base_ns : host_wall_ns();
    if (clock_vm && !has_base)
        m->rtc_base_ns -= machine_guest_ns(m);
    m->rtc_host0 = host_time_ns();
}

/* Console output above this many bytes ends the time slice (at the next
 * block boundary), so the host drains the buffer before it can overflow.
 * Under icount the round of harts finishes first (a round's extent must not
 * depend on when the host drained): up to 32 KiB of output per round fit. */
#define CONSOLE_DRAIN (CONSOLE_BUF / 2)

void machine_console_out(wvm_machine *m, const uint8_t *p, size_t n)
{
    size_t before = m->out_len;
    for (size_t i = 0; i < n && m->out_len < CONSOLE_BUF; i++, m->out_len++)
        m->out[(m->out_head + m->out_len) % CONSOLE_BUF] = p[i];
    if (before <= CONSOLE_DRAIN && m->out_len > CONSOLE_DRAIN && m->icount_shift < 0)
        for (int i = 0; i < m->nharts; i++)
            m->harts[i]->cpu.exit_req = 2;
}

/* Move up to `max` bytes out of a ring buffer. */
static size_t ring_take(const uint8_t *ring, size_t *head, size_t *len, uint8_t *dst, size_t max)
{
    size_t n = 0;
    for (; n < max && *len; n++, (*len)--) {
        dst[n] = ring[*head];
        *head = (*head + 1) % CONSOLE_BUF;
    }
    return n;
}

size_t wvm_console_read(wvm_machine *m, uint8_t *buf, size_t max)
{
    return ring_take(m->out, &m->out_head, &m->out_len, buf, max);
}

size_t machine_console_in(wvm_machine *m, uint8_t *p, size_t n)
{
    return ring_take(m->in, &m->in_head, &m->in_len, p, n);
}

size_t wvm_console_write(wvm_machine *m, const uint8_t *buf, size_t len)
{
    size_t n = 0;
    for (; n < len && m->in_len < CONSOLE_BUF; n++, m->in_len++)
        m->in[(m->in_head + m->in_len) % CONSOLE_BUF] = buf[n];
    return n;
}

void wvm_console_resize(wvm_machine *m, uint16_t cols, uint16_t rows)
{
    virtio_console_set_size(&m->vcon, cols, rows);
}

/* Hand waiting host input to the console device, as much as it takes.
 * Returns the number of bytes it took. */
static size_t pump_input(wvm_machine *m)
{
    size_t total = 0;
    while (m->in_len) {
        size_t chunk = CONSOLE_BUF - m->in_head < m->in_len ? CONSOLE_BUF - m->in_head : m->in_len;
        const uint8_t *p = m->in + m->in_head;
        size_t took = m->hvc_console ? virtio_console_rx_push(&m->vcon, p, chunk) : uart_rx_push(&m->uart, p, chunk);
        if (!took)
            break;
        m->in_head = (m->in_head + took) % CONSOLE_BUF;
        m->in_len -= took;
        total += took;
    }
    return total;
}

void machine_halt(wvm_machine *m, int code)
{
    m->halted = 1;
    m->exit_code = code;
    for (int i = 0; i < m->nharts; i++)
        m->harts[i]->cpu.exit_req = 2;
}

/* Let devices that stopped taking requests for lack of host memory take
 * them again, now that completions may have released some. */
static void resume_devices(wvm_machine *m)
{
    for (int i = 0; i < m->ndisks; i++)
        virtio_resume(&m->disks[i].mmio);
    virtio_resume(&m->vcon.mmio);
    virtio_resume(&m->rng.mmio);
}

/* Nonzero while a disk request that the next poll may complete is pending
 * (backends without poll complete from the host side: the host wakes us). */
static int io_in_flight(wvm_machine *m)
{
    for (int i = 0; i < m->ndisks; i++)
        if (m->disks[i].inflight && m->backends[i]->poll)
            return 1;
    return 0;
}

/* Run hart h for `budget` guest instructions (rv_hart_run). Beside other
 * harts, a turn that ends in M-mode goes on, M_MODE_STEP instructions at a
 * time, until the hart leaves M-mode, executes WFI or stops, or
 * M_MODE_GRACE more instructions ran: firmware is written for harts that
 * run side by side, not in turns of thousands of instructions. (Debian's
 * OpenSBI 1.1 sets a hart's HSM state to START_PENDING before it stores the
 * start address; the hart, polling that state in a WFI loop its pending
 * IPI keeps awake, ran on with the firmware's own entry address and entered
 * Linux's boot path a second time in about 5% of -smp 2 boots.) A hart
 * that waits on a lock in M-mode without WFI costs its peers M_MODE_GRACE
 * instructions per turn. Returns the instructions run. */
static int64_t run_hart(wvm_machine *m, rv_hart *h, int64_t budget)
{
    if (m->gdb && m->gdb->debug_mode)
        return gdb_run_hart(m, h, budget);
    int64_t done = rv_hart_run(h, budget);
    uint64_t wfis = h->wfis;
    for (int64_t extra = 0; m->nharts > 1 && extra < M_MODE_GRACE && h->priv == PRV_M && !h->wfi &&
                            !h->stopped && h->wfis == wfis && h->cpu.exit_req != 2;
         extra += M_MODE_STEP)
        done += rv_hart_run(h, M_MODE_STEP);
    return done;
}

/* icount: an idle machine's guest time jumps to its next timer deadline
 * (on a tick). Returns 0 if no timer is armed. */
static int warp_to_deadline(wvm_machine *m)
{
    uint64_t now = machine_guest_ns(m), ticks = clint_next_deadline(&m->clint);
    uint64_t to = ticks == UINT64_MAX ? UINT64_MAX : (now / NS_PER_TICK + ticks) * NS_PER_TICK;
    uint64_t alarm = m->rtc_clock_vm ? goldfish_rtc_next_alarm_ns(&m->rtc) : UINT64_MAX;
    if (alarm != UINT64_MAX && now + alarm < to)
        to = now + alarm;
    if (to == UINT64_MAX)
        return 0;
    machine_set_guest_ns(m, to);
    return 1;
}

static int run_slice(wvm_machine *m, uint32_t slice_us);

int wvm_run(wvm_machine *m, uint32_t slice_us)
{
    if (wvm_gdb_stopped(m))
        return WVM_IDLE; /* GDB has the machine */
    int st = run_slice(m, slice_us);
    m->last_run_ns = machine_guest_ns(m);
    if (st == WVM_HALTED)
        gdb_guest_exited(m, m->exit_code);
    return wvm_gdb_stopped(m) && st != WVM_HALTED ? WVM_IDLE : st;
}

/* wvm_run's work. */
static int run_slice(wvm_machine *m, uint32_t slice_us)
{
    uint64_t end = host_time_ns() + (uint64_t)slice_us * 1000;
    /* A host that drained the console gets the slice ended before the
     * buffer can overflow; one that does not drain it still runs the guest
     * (and loses output beyond the buffer). */
    int flow = m->out_len <= CONSOLE_DRAIN, cut = flow && m->icount_shift < 0;
    while (!m->halted) {
        for (int i = 0; i < m->ndisks; i++)
            if (m->backends[i]->poll)
                m->backends[i]->poll(m->backends[i]);
        resume_devices(m);
        pump_input(m);
        netuser_poll(m);
        goldfish_rtc_update(&m->rtc);
        clint_update(&m->clint);
        int idle = 1;
        for (int i = 0; i < m->nharts && !m->halted && !(cut && m->out_len > CONSOLE_DRAIN) && !wvm_gdb_stopped(m);
             i++) {
            rv_hart *h = m->harts[i];
            run_hart(m, h, QUANTUM);
            if (!h->wfi && !h->stopped)
                idle = 0;
        }
        if (m->halted)
            break;
        if (wvm_gdb_stopped(m))
            return WVM_IDLE;
        if (flow && m->out_len > CONSOLE_DRAIN)
            return WVM_RUNNING; /* the host drains the console first */
        if (m->cache.jit.eager && m->cache.jit.nqueue)
            return WVM_RUNNING; /* the host compiles first */
        /* Not idle while the console device takes queued input (a paste
         * larger than the UART's FIFO): its interrupt wakes the guest. */
        if (idle && !io_in_flight(m) && !(m->in_len && pump_input(m))) {
            if (m->icount_shift >= 0 && (!m->icount_sleep || m->idle_returned) && warp_to_deadline(m)) {
                m->idle_returned = 0;
                continue;
            }
            m->idle_returned = 1;
            return WVM_IDLE;
        }
        if (!idle)
            m->idle_returned = 0;
        if (host_time_ns() >= end)
            return WVM_RUNNING;
    }
    return WVM_HALTED;
}

uint32_t wvm_idle_us(wvm_machine *m)
{
    uint64_t ticks = clint_next_deadline(&m->clint);
    uint64_t us = ticks == UINT64_MAX ? 1000000 : ticks / (CLINT_FREQ_HZ / 1000000);
    uint64_t net = netuser_idle_us(m);
    us = net < us ? net : us;
    return us > 1000000 ? 1000000 : (uint32_t)us;
}

int wvm_exit_code(wvm_machine *m) { return m->exit_code; }

int wvm_reset_requested(wvm_machine *m) { return m->reset_requested; }

uint64_t wvm_instret(wvm_machine *m)
{
    uint64_t n = 0;
    for (int i = 0; i < m->nharts; i++)
        n += m->harts[i]->cpu.instret;
    return n;
}

uint8_t *wvm_buffer(size_t len)
{
    static uint8_t *buf;
    static size_t cap;
    if (len > cap) {
        uint8_t *nb = realloc(buf, len);
        if (!nb)
            return NULL;
        buf = nb;
        cap = len;
    }
    return buf;
}

uint64_t wvm_events(wvm_machine *m)
{
    uint64_t n = 0;
    for (int i = 0; i < m->nharts; i++)
        n += m->harts[i]->cpu.instret + m->harts[i]->cpu.traps;
    return n;
}

static int step_events(wvm_machine *m, uint64_t events);

int wvm_step(wvm_machine *m, uint64_t events)
{
    int st = step_events(m, events);
    m->last_run_ns = machine_guest_ns(m);
    return st;
}

/* wvm_step's work. */
static int step_events(wvm_machine *m, uint64_t events)
{
    uint64_t target = wvm_events(m) + events;
    while (!m->halted) {
        uint64_t now = wvm_events(m);
        if (now >= target || (m->cache.jit.eager && m->cache.jit.nqueue))
            return WVM_RUNNING;
        int idle = 1;
        for (int i = 0; i < m->nharts && !m->halted; i++) {
            rv_hart *h = m->harts[i];
            uint64_t left = target - wvm_events(m);
            if (!left)
                break;
            run_hart(m, h, (int64_t)(left < QUANTUM ? left : QUANTUM));
            if (!h->wfi && !h->stopped)
                idle = 0;
        }
        if (idle)
            return WVM_IDLE;
    }
    return WVM_HALTED;
}

/* FNV-1a over `n` bytes, continuing from `h`. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

uint64_t wvm_state_digest(wvm_machine *m, int with_ram)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < m->nharts; i++) {
        const rv_hart *t = m->harts[i];
        h = fnv(h, t->cpu.r, 32 * sizeof(uint64_t));
        h = fnv(h, t->cpu.r + IR_FREG0, 32 * sizeof(uint64_t));
        h = fnv(h, &t->cpu.pc, sizeof(t->cpu.pc));
        h = fnv(h, &t->cpu.instret, sizeof(t->cpu.instret));
        h = fnv(h, &t->cpu.traps, sizeof(t->cpu.traps));
        h = fnv(h, &t->priv, offsetof(rv_hart, mtime) - offsetof(rv_hart, priv)); /* the CSRs */
    }
    if (with_ram)
        h = fnv(h, m->pm.ram, (size_t)m->pm.ram_size);
    return h;
}

int wvm_nharts(wvm_machine *m) { return m->nharts; }

uint64_t wvm_reg(wvm_machine *m, int hart, int index)
{
    if (hart < 0 || hart >= m->nharts || index < 0 || index > 0x1fff)
        return 0;
    rv_hart *h = m->harts[hart];
    if (index >= 0x1000) { /* a CSR, read as M-mode would */
        ir_op op = {0};
        uint64_t v = 0;
        int priv = h->priv;
        h->priv = PRV_M;
        rv_csr_read(h, (unsigned)index - 0x1000, &v, &op);
        h->priv = priv;
        return v;
    }
    if (index == 67)
        return (uint64_t)h->priv;
    if (index > 66)
        return 0;
    const ir_cpu *c = &h->cpu;
    return index < 32 ? c->r[index] : index < 64 ? c->r[IR_FREG0 + index - 32] : index == 64 ? c->pc
                                                  : index == 65 ? c->instret : c->traps;
}

int wvm_set_reg(wvm_machine *m, int hart, int index, uint64_t value)
{
    if (hart < 0 || hart >= m->nharts)
        return -1;
    rv_hart *h = m->harts[hart];
    if (index >= 0x1000 && index <= 0x1fff) {
        ir_op op = {0};
        int priv = h->priv, rc;
        h->priv = PRV_M;
        rc = rv_csr_write(h, (unsigned)index - 0x1000, value, &op);
        h->priv = priv;
        rv_update_mode(h);
        return rc;
    }
    if (index == 67 && (value == PRV_U || value == PRV_S || value == PRV_M)) {
        h->priv = (int)value;
        rv_update_mode(h);
        tlb_flush(&h->cpu);
        return 0;
    }
    if (index < 0 || index > 64)
        return -1;
    if (index == 64)
        h->cpu.pc = value;
    else if (index >= 32)
        h->cpu.r[IR_FREG0 + index - 32] = value;
    else if (index)
        h->cpu.r[index] = value;
    return 0;
}
