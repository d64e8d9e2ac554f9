/* Machine lifecycle and the run loop: CPUs interleaved deterministically in
 * fixed instruction quanta on one host thread, devices polled between rounds.
 * The board (core/board.h) owns its devices and boot path. */
#include "core/machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gdbstub.h"
#include "core/state.h"
#include "host/host.h"
#include "mem/softmmu.h"

#define QUANTUM 16384            /* guest instructions per CPU per round */
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


uint64_t machine_wall_ns(wvm_machine *m)
{
    if (!m->rtc_base_set && !m->rtc_clock_vm)
        return host_wall_ns();
    return m->rtc_base_ns + (m->rtc_clock_vm ? machine_guest_ns(m) : host_time_ns() - m->rtc_host0);
}

wvm_machine *wvm_create(int arch, uint32_t ram_mib, int nharts, int bios)
{
    const board_class *board = board_for_arch(arch);
    if (!board) {
        wvm_fail("no machine of architecture %d is emulated", arch);
        return NULL;
    }
    if (ram_mib < 16 || ram_mib > 2048) {
        wvm_fail("RAM size %u MiB is out of range (16-2048)", ram_mib);
        return NULL;
    }
    if (nharts < 1 || nharts > IR_MAX_CPUS) {
        wvm_fail("CPU count %d is out of range (1-%d)", nharts, IR_MAX_CPUS);
        return NULL;
    }
    if (bios < WVM_BIOS_NONE || bios > WVM_BIOS_BUILTIN) {
        wvm_fail("unknown firmware choice %d", bios);
        return NULL;
    }
    wvm_machine *m = calloc(1, sizeof(*m));
    if (!m || phys_init(&m->pm, board->ram_base, (uint64_t)ram_mib << 20) != 0) {
        free(m);
        wvm_fail("out of host memory for %u MiB of guest RAM", ram_mib);
        return NULL;
    }
    m->bios = bios;
    m->board = board;
    if (ir_cache_init(&m->cache, &m->pm, ARENA_BYTES) != 0) {
        wvm_destroy(m);
        wvm_fail("out of host memory for the translation cache");
        return NULL;
    }
    for (; m->ncpus < nharts; m->ncpus++) {
        if (!(m->cpus[m->ncpus] = malloc(board->cpu->size))) {
            wvm_destroy(m);
            wvm_fail("out of host memory for CPUs");
            return NULL;
        }
        board->cpu->init(m->cpus[m->ncpus], m->ncpus, &m->pm, &m->cache, board->ram_base);
    }
    if (board->init(m) != 0) {
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
    if (m->board_data)
        m->board->free(m);
    for (int i = 0; i < m->ncpus; i++)
        free(m->cpus[i]);
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
 * Under icount the round of CPUs finishes first (a round's extent must not
 * depend on when the host drained): up to 32 KiB of output per round fit. */
#define CONSOLE_DRAIN (CONSOLE_BUF / 2)

void machine_console_out(wvm_machine *m, const uint8_t *p, size_t n)
{
    size_t before = m->out_len;
    for (size_t i = 0; i < n && m->out_len < CONSOLE_BUF; i++, m->out_len++)
        m->out[(m->out_head + m->out_len) % CONSOLE_BUF] = p[i];
    if (before <= CONSOLE_DRAIN && m->out_len > CONSOLE_DRAIN && m->icount_shift < 0)
        for (int i = 0; i < m->ncpus; i++)
            m->cpus[i]->exit_req = 2;
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
        size_t took = m->hvc_console ? virtio_console_rx_push(&m->vcon, p, chunk) : m->board->console_rx(m, p, chunk);
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
    for (int i = 0; i < m->ncpus; i++)
        m->cpus[i]->exit_req = 2;
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

/* Run CPU `cpu` for a turn of `budget` guest instructions (under a
 * debugger, gdbstub's way). Returns the instructions run. */
static int64_t run_cpu(wvm_machine *m, ir_cpu *cpu, int64_t budget)
{
    if (m->gdb && m->gdb->debug_mode)
        return gdb_run_cpu(m, cpu, budget);
    return m->board->run_cpu ? m->board->run_cpu(m, cpu, budget) : m->board->cpu->run(cpu, budget);
}

/* icount: an idle machine's guest time jumps to its next timer deadline
 * (on a tick). Returns 0 if no timer is armed. */
static int warp_to_deadline(wvm_machine *m)
{
    uint64_t to = m->board->next_event_ns(m);
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
        m->board->update(m);
        int idle = 1;
        for (int i = 0; i < m->ncpus && !m->halted && !(cut && m->out_len > CONSOLE_DRAIN) && !wvm_gdb_stopped(m);
             i++) {
            run_cpu(m, m->cpus[i], QUANTUM);
            if (!m->board->cpu->idle(m->cpus[i]))
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
    uint64_t event = m->board->next_event_ns(m), now = machine_guest_ns(m);
    uint64_t us = event == UINT64_MAX ? 1000000 : event <= now ? 0 : (event - now) / 1000;
    uint64_t net = netuser_idle_us(m);
    us = net < us ? net : us;
    return us > 1000000 ? 1000000 : (uint32_t)us;
}

int wvm_exit_code(wvm_machine *m) { return m->exit_code; }

int wvm_reset_requested(wvm_machine *m) { return m->reset_requested; }

uint64_t wvm_instret(wvm_machine *m)
{
    uint64_t n = 0;
    for (int i = 0; i < m->ncpus; i++)
        n += m->cpus[i]->instret;
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
    for (int i = 0; i < m->ncpus; i++)
        n += m->cpus[i]->instret + m->cpus[i]->traps;
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
        for (int i = 0; i < m->ncpus && !m->halted; i++) {
            uint64_t left = target - wvm_events(m);
            if (!left)
                break;
            run_cpu(m, m->cpus[i], (int64_t)(left < QUANTUM ? left : QUANTUM));
            if (!m->board->cpu->idle(m->cpus[i]))
                idle = 0;
        }
        if (idle)
            return WVM_IDLE;
    }
    return WVM_HALTED;
}

uint64_t wvm_state_digest(wvm_machine *m, int with_ram)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < m->ncpus; i++)
        h = m->board->cpu->digest(m->cpus[i], h);
    if (with_ram)
        h = fnv1a(h, m->pm.ram, (size_t)m->pm.ram_size);
    return h;
}

int wvm_nharts(wvm_machine *m) { return m->ncpus; }

uint64_t wvm_reg(wvm_machine *m, int hart, int index)
{
    if (hart < 0 || hart >= m->ncpus || index < 0 || index > 0x1fff)
        return 0;
    return m->board->cpu->reg(m->cpus[hart], index);
}

int wvm_set_reg(wvm_machine *m, int hart, int index, uint64_t value)
{
    if (hart < 0 || hart >= m->ncpus)
        return -1;
    return m->board->cpu->set_reg(m->cpus[hart], index, value);
}
