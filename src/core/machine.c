/* Machine lifecycle and the run loop: harts interleaved deterministically in
 * fixed instruction quanta on one host thread. */
#include "core/machine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/elf.h"
#include "dev/htif.h"
#include "host/host.h"

#define QUANTUM 16384            /* guest instructions per hart per round */
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

static uint64_t mtime_now(void *opaque)
{
    wvm_machine *m = opaque;
    return (host_time_ns() - m->start_ns) / (1000000000ull / CLINT_FREQ_HZ);
}

wvm_machine *wvm_create(uint32_t ram_mib, int nharts)
{
    if (ram_mib < 1 || ram_mib > 2048) {
        wvm_fail("RAM size %u MiB is out of range (1-2048)", ram_mib);
        return NULL;
    }
    if (nharts < 1 || nharts > IR_MAX_CPUS) {
        wvm_fail("hart count %d is out of range (1-%d)", nharts, IR_MAX_CPUS);
        return NULL;
    }
    wvm_machine *m = calloc(1, sizeof(*m));
    if (!m || phys_init(&m->pm, VIRT_RAM_BASE, (uint64_t)ram_mib << 20) != 0) {
        free(m);
        wvm_fail("out of host memory for %u MiB of guest RAM", ram_mib);
        return NULL;
    }
    if (ir_cache_init(&m->cache, &m->pm, ARENA_BYTES) != 0) {
        wvm_destroy(m);
        wvm_fail("out of host memory for the translation cache");
        return NULL;
    }
    m->start_ns = host_time_ns();
    m->nharts = nharts;
    for (int i = 0; i < nharts; i++) {
        m->harts[i] = malloc(sizeof(rv_hart));
        if (!m->harts[i]) {
            wvm_destroy(m);
            wvm_fail("out of host memory for harts");
            return NULL;
        }
        rv_hart_init(m->harts[i], i, &m->pm, &m->cache, VIRT_RAM_BASE);
    }
    clint_init(&m->clint, &m->pm, m->harts, nharts, mtime_now, m);
    return m;
}

void wvm_destroy(wvm_machine *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->nharts; i++)
        free(m->harts[i]);
    ir_cache_free(&m->cache);
    phys_free(&m->pm);
    free(m);
}

int wvm_load_kernel(wvm_machine *m, const uint8_t *data, size_t len)
{
    char err[200];
    if (elf_is_elf(data, len)) {
        elf_info info;
        if (elf_load(&m->pm, data, len, &info, err, sizeof(err)) != 0)
            return wvm_fail("kernel: %s", err);
        m->kernel_entry = info.entry;
        m->tohost = info.tohost;
        m->fromhost = info.fromhost;
        m->kernel_kind = "elf";
        return 0;
    }
    if (len == 0)
        return wvm_fail("kernel: the file is empty");
    uint8_t *dst = phys_ram_ptr(&m->pm, VIRT_RAM_BASE, len);
    if (!dst)
        return wvm_fail("kernel: %zu bytes do not fit in RAM", len);
    memcpy(dst, data, len);
    m->kernel_entry = VIRT_RAM_BASE;
    m->kernel_kind = "raw";
    return 0;
}

int wvm_boot(wvm_machine *m, int bios)
{
    if (bios != WVM_BIOS_NONE)
        return wvm_fail("only -bios none is supported by this build");
    if (!m->kernel_kind)
        return wvm_fail("nothing to run: no kernel was loaded");
    if (m->tohost && htif_init(m, m->tohost, m->fromhost) != 0)
        return wvm_fail("cannot map the HTIF tohost device");
    for (int i = 0; i < m->nharts; i++) {
        m->harts[i]->cpu.pc = m->kernel_entry;
        m->harts[i]->cpu.r[10] = (uint64_t)i; /* a0 = hartid */
    }
    m->start_ns = host_time_ns();
    return 0;
}

void machine_console_out(wvm_machine *m, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && m->con_len < CONSOLE_BUF; i++, m->con_len++)
        m->console[(m->con_head + m->con_len) % CONSOLE_BUF] = p[i];
}

size_t wvm_console_read(wvm_machine *m, uint8_t *buf, size_t max)
{
    size_t n = 0;
    for (; n < max && m->con_len; n++, m->con_len--) {
        buf[n] = m->console[m->con_head];
        m->con_head = (m->con_head + 1) % CONSOLE_BUF;
    }
    return n;
}

void machine_halt(wvm_machine *m, int code)
{
    m->halted = 1;
    m->exit_code = code;
    for (int i = 0; i < m->nharts; i++)
        m->harts[i]->cpu.exit_req = 2;
}

int wvm_run(wvm_machine *m, uint32_t slice_us)
{
    uint64_t end = host_time_ns() + (uint64_t)slice_us * 1000;
    while (!m->halted) {
        clint_update(&m->clint);
        int idle = 1;
        for (int i = 0; i < m->nharts && !m->halted; i++) {
            rv_hart *h = m->harts[i];
            rv_hart_run(h, QUANTUM);
            if (!h->wfi)
                idle = 0;
        }
        if (m->halted)
            break;
        if (idle)
            return WVM_IDLE;
        if (host_time_ns() >= end)
            return WVM_RUNNING;
    }
    return WVM_HALTED;
}

uint32_t wvm_idle_us(wvm_machine *m)
{
    uint64_t ticks = clint_next_deadline(&m->clint);
    uint64_t us = ticks == UINT64_MAX ? 1000000 : ticks / (CLINT_FREQ_HZ / 1000000);
    return us > 1000000 ? 1000000 : (uint32_t)us;
}

int wvm_exit_code(wvm_machine *m) { return m->exit_code; }

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
