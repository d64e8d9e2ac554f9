/* Snapshots: the whole machine's architectural state as one byte string
 * (wvm.h wvm_save / wvm_restore). Layout, in core/state.h sections:
 *
 *   "WVMSTATE" u32 version
 *   machine  configuration a restore must match (architecture, RAM, CPUs,
 *            devices), time and RTC settings
 *   host     bytes the host asked to keep (its disk references, options)
 *   guest ns, console rings and run state ("run")
 *   each CPU's section (riscv "hart", aarch64 "arm64"), the board's devices
 *            (riscv: clint, plic, uart, rtc; aarch64: pl011)
 *   virtio x 8 slots (console and rng add their own sections)
 *   ram      runs of non-zero 4 KiB pages: u32 first page, u32 pages, bytes
 *   end      u64 sv_checksum of every byte before this section
 *
 * Caches (TLBs, block cache, jump caches, compiled code) are not saved:
 * the restored machine rebuilds them. */
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/state.h"

#define STATE_MAGIC "WVMSTATE"
#define STATE_VERSION 1u
#define END_BYTES (8 + 4 + 8 + 8) /* the "end" section */

/* The configuration a snapshot needs in the machine that restores it. */
typedef struct state_config {
    uint32_t ram_mib, nharts, bios, ndisks;
    int32_t icount_shift, icount_sleep, rtc_base_set, rtc_clock_vm;
    uint64_t rtc_base_ns, tohost, fromhost;
    int32_t hvc_console;
    uint32_t has_net; /* section version 2 */
    uint32_t nshares; /* section version 3 */
    uint32_t arch;    /* enum wvm_arch, section version 4; older states are riscv64's */
} state_config;

static void config_state(state_config *c, sv_io *io)
{
    uint32_t version = sv_begin(io, "machine", 4);
    if (!version)
        return;
    SV(io, c->ram_mib), SV(io, c->nharts), SV(io, c->bios), SV(io, c->ndisks);
    SV(io, c->icount_shift), SV(io, c->icount_sleep), SV(io, c->rtc_base_set), SV(io, c->rtc_clock_vm);
    SV(io, c->rtc_base_ns), SV(io, c->tohost), SV(io, c->fromhost), SV(io, c->hvc_console);
    if (version >= 2)
        SV(io, c->has_net);
    if (version >= 3)
        SV(io, c->nshares);
    if (version >= 4)
        SV(io, c->arch);
    else
        c->arch = WVM_ARCH_RISCV64;
    sv_end(io);
}

/* The name of architecture `arch` (enum wvm_arch), as -arch spells it. */
static const char *arch_name(uint32_t arch)
{
    static const char *const names[] = {[WVM_ARCH_RISCV64] = "riscv64", [WVM_ARCH_AARCH64] = "aarch64",
                                        [WVM_ARCH_X86_64] = "x86_64"};
    return arch < sizeof(names) / sizeof(names[0]) && names[arch] ? names[arch] : "unknown";
}

/* A console ring buffer (CONSOLE_BUF bytes): its length, then its bytes
 * oldest first. Loaded rings start at 0. */
static void ring_state(uint8_t *ring, size_t *head, size_t *len, sv_io *io)
{
    uint32_t n = (uint32_t)*len;
    SV(io, n);
    if (io->load && n > CONSOLE_BUF)
        sv_fail(io, "console buffer longer than %u bytes", CONSOLE_BUF);
    if (io->load) {
        *head = 0;
        *len = io->err ? 0 : n;
    }
    size_t first = CONSOLE_BUF - *head < *len ? CONSOLE_BUF - *head : *len;
    sv_bytes(io, ring + *head, first);
    sv_bytes(io, ring, *len - first);
}

/* Everything after the header and the config: run state, harts, devices. */
static void machine_state(wvm_machine *m, sv_io *io, uint64_t *ns)
{
    if (sv_begin(io, "run", 1)) {
        SV(io, *ns);
        SV(io, m->halted), SV(io, m->exit_code), SV(io, m->reset_requested), SV(io, m->idle_returned);
        ring_state(m->out, &m->out_head, &m->out_len, io);
        ring_state(m->in, &m->in_head, &m->in_len, io);
        sv_end(io);
    }
    for (int i = 0; i < m->ncpus; i++)
        m->board->cpu->state(m->cpus[i], io);
    m->board->state(m, io);
    for (int i = 0; i < machine_virtio_slots(m); i++) {
        if (i >= VIRT_SHARE_SLOT && i < VIRT_SHARE_SLOT + m->nshares)
            virtio_9p_state(&m->shares[i - VIRT_SHARE_SLOT], io);
        else if (i == VIRT_CONSOLE_SLOT)
            virtio_console_state(&m->vcon, io);
        else if (i == VIRT_RNG_SLOT)
            virtio_rng_state(&m->rng, io);
        else if (i == VIRT_NET_SLOT && m->has_net)
            virtio_net_state(&m->net, io);
        else
            virtio_mmio_state(machine_virtio_slot(m, i), io);
    }
}

/* RAM page `page` is zero (never used, or all its bytes are). */
static int page_is_zero(const phys_map *pm, uint32_t page)
{
    if (!pm->used_pages[page])
        return 1;
    const uint8_t *p = pm->ram + (size_t)page * PAGE_SIZE;
    uint64_t acc = 0, w;
    for (unsigned i = 0; i < PAGE_SIZE; i += 8) {
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    return acc == 0;
}

/* RAM as runs of non-zero pages. */
static void ram_state(wvm_machine *m, sv_io *io)
{
    if (!sv_begin(io, "ram", 1))
        return;
    uint32_t pages = (uint32_t)(m->pm.ram_size / PAGE_SIZE), run[2];
    uint8_t *ram = m->pm.ram;
    if (!io->load) {
        for (uint32_t p = 0; p < pages;) {
            if (page_is_zero(&m->pm, p)) {
                p++;
                continue;
            }
            run[0] = p;
            while (p < pages && !page_is_zero(&m->pm, p))
                p++;
            run[1] = p - run[0];
            SV(io, run);
            sv_bytes(io, ram + (size_t)run[0] * PAGE_SIZE, (size_t)run[1] * PAGE_SIZE);
        }
    } else {
        if (m->kernel_loaded || m->bios_loaded || m->initrd_end)
            memset(ram, 0, (size_t)m->pm.ram_size); /* a fresh machine's RAM is zero, untouched */
        while (!io->err && io->pos < io->sect_len) {
            SV(io, run);
            if (!io->err && (run[0] > pages || run[1] > pages - run[0]))
                sv_fail(io, "RAM pages %u..%u are outside this machine's %u pages", run[0], run[0] + run[1], pages);
            if (!io->err)
                memset(m->pm.used_pages + run[0], 1, run[1]);
            sv_bytes(io, ram + (size_t)run[0] * PAGE_SIZE, (size_t)run[1] * PAGE_SIZE);
        }
    }
    sv_end(io);
}

/* Check a state's header, version and checksum, and read its
 * configuration and host bytes. On success io is positioned after "host". */
static int open_state(const uint8_t *state, size_t len, sv_io *io, state_config *c, const uint8_t **host,
                      size_t *host_len)
{
    *io = (sv_io){.load = 1, .buf = (uint8_t *)state, .len = len};
    *c = (state_config){0}; /* fields of later section versions stay 0 */
    char magic[8];
    uint32_t version = 0;
    if (len < sizeof(magic) + sizeof(version) + END_BYTES || memcmp(state, STATE_MAGIC, 8) != 0)
        return wvm_fail("not a wvm machine state (or truncated)");
    SV(io, magic), SV(io, version);
    if (version != STATE_VERSION)
        return wvm_fail("machine state version %u; this wvm reads version %u", version, STATE_VERSION);
    uint64_t sum;
    memcpy(&sum, state + len - 8, 8);
    static const uint8_t end_header[END_BYTES - 8] = {'e', 'n', 'd', 0, 0, 0, 0, 0, 1, 0, 0, 0, 8};
    if (memcmp(state + len - END_BYTES, end_header, sizeof(end_header)) != 0 ||
        sv_checksum(state, len - END_BYTES) != sum)
        return wvm_fail("the machine state is corrupted or truncated (checksum mismatch)");
    io->len = len - END_BYTES;
    *c = (state_config){0};
    config_state(c, io);
    if (sv_begin(io, "host", 1)) {
        *host = io->buf + io->pos;
        *host_len = io->sect_len - io->pos;
        io->pos = io->sect_len;
        sv_end(io);
    }
    return io->err ? wvm_fail("machine state: %s", io->msg) : 0;
}

int wvm_state_info(const uint8_t *state, size_t len, uint32_t *out, size_t count)
{
    sv_io io;
    state_config c;
    const uint8_t *host;
    size_t host_len;
    if (open_state(state, len, &io, &c, &host, &host_len) != 0)
        return -1;
    uint32_t info[WVM_STATE_INFO_WORDS] = {c.ram_mib, c.nharts, c.bios, c.ndisks, (uint32_t)(host - state),
                                           (uint32_t)host_len, c.has_net, c.nshares, c.arch};
    memcpy(out, info, (count < WVM_STATE_INFO_WORDS ? count : WVM_STATE_INFO_WORDS) * sizeof(uint32_t));
    return 0;
}

int wvm_io_busy(wvm_machine *m)
{
    for (int i = 0; i < machine_virtio_slots(m); i++)
        if (machine_virtio_slot(m, i)->held)
            return 1;
    for (int i = 0; i < m->ndisks; i++)
        if (m->disks[i].inflight || m->disks[i].waiting)
            return 1;
    return 0;
}

size_t wvm_save(wvm_machine *m, const uint8_t *host, size_t host_len, uint8_t **out)
{
    *out = NULL;
    if (wvm_io_busy(m)) {
        wvm_fail("cannot save while disk requests are in flight (let them complete)");
        return 0;
    }
    sv_io io = {0};
    state_config c = {
        .ram_mib = (uint32_t)(m->pm.ram_size >> 20), .nharts = (uint32_t)m->ncpus, .bios = (uint32_t)m->bios,
        .ndisks = (uint32_t)m->ndisks, .icount_shift = m->icount_shift, .icount_sleep = m->icount_sleep,
        .rtc_base_set = m->rtc_base_set, .rtc_clock_vm = m->rtc_clock_vm, .rtc_base_ns = m->rtc_base_ns,
        .tohost = m->tohost, .fromhost = m->fromhost, .hvc_console = m->hvc_console,
        .has_net = (uint32_t)m->has_net, .nshares = (uint32_t)m->nshares, .arch = (uint32_t)m->board->arch,
    };
    uint32_t version = STATE_VERSION;
    uint64_t ns = m->last_run_ns; /* the guest saw no later time: saves in a row are equal */
    sv_bytes(&io, STATE_MAGIC, 8);
    SV(&io, version);
    config_state(&c, &io);
    if (sv_begin(&io, "host", 1)) {
        sv_bytes(&io, (void *)host, host_len);
        sv_end(&io);
    }
    machine_state(m, &io, &ns);
    ram_state(m, &io);
    if (sv_begin(&io, "end", 1)) {
        uint64_t sum = sv_checksum(io.buf, io.len - 8 - 4 - 8);
        SV(&io, sum);
        sv_end(&io);
    }
    if (io.err) {
        free(io.buf);
        wvm_fail("cannot save: %s", io.msg);
        return 0;
    }
    *out = io.buf;
    return io.len;
}

int wvm_restore(wvm_machine *m, const uint8_t *state, size_t len)
{
    sv_io io;
    state_config c;
    const uint8_t *host;
    size_t host_len;
    if (open_state(state, len, &io, &c, &host, &host_len) != 0)
        return -1;
    if (c.arch != (uint32_t)m->board->arch)
        return wvm_fail("the state is of a machine of architecture %s; this one is %s", arch_name(c.arch),
                        arch_name((uint32_t)m->board->arch));
    if (c.ram_mib != m->pm.ram_size >> 20 || c.nharts != (uint32_t)m->ncpus || c.bios != (uint32_t)m->bios ||
        c.ndisks != (uint32_t)m->ndisks || c.has_net != (uint32_t)m->has_net || c.nshares != (uint32_t)m->nshares)
        return wvm_fail("the state is of a machine with %u MiB, %u harts, firmware %u, %u disks, %u network devices "
                        "and %u file shares; this one has %u MiB, %d harts, firmware %d, %d disks, %d and %d",
                        c.ram_mib, c.nharts, c.bios, c.ndisks, c.has_net, c.nshares, (unsigned)(m->pm.ram_size >> 20),
                        m->ncpus, m->bios, m->ndisks, m->has_net, m->nshares);
    if (wvm_set_icount(m, c.icount_shift, c.icount_sleep) != 0)
        return -1;
    m->rtc_base_set = c.rtc_base_set, m->rtc_clock_vm = c.rtc_clock_vm, m->rtc_base_ns = c.rtc_base_ns;
    m->tohost = c.tohost, m->fromhost = c.fromhost, m->hvc_console = c.hvc_console;
    if (machine_wire(m) != 0)
        return -1;
    uint64_t ns = 0;
    machine_state(m, &io, &ns);
    ram_state(m, &io);
    if (!io.err && io.pos != io.len)
        sv_fail(&io, "%zu unknown bytes before the end", io.len - io.pos);
    if (io.err)
        return wvm_fail("machine state: %s", io.msg);
    machine_set_guest_ns(m, ns);
    return 0;
}
