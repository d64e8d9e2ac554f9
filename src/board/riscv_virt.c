/* QEMU's riscv64 `virt` board (hw/riscv/virt.c): its memory map, its
 * devices and how they are wired (CLINT, PLIC, NS16550A UART, syscon,
 * goldfish RTC, virtio-mmio slots: disks, console, rng, network, file
 * shares) and its boot path (riscv_virt_boot.c, the device tree of
 * riscv_virt_fdt.c). The core (src/core/) runs the harts and devices a
 * board gives it. */
#include "board/riscv_virt.h"

#include <string.h>

#include "board/riscv_virt_fdt.h"
#include "boot/elf.h"
#include "boot/image_arch.h"
#include "boot/sbi.h"
#include "dev/htif.h"
#include "host/host.h"

#define NS_PER_TICK (1000000000ull / CLINT_FREQ_HZ)

static uint64_t mtime_now(void *opaque) { return machine_guest_ns(opaque) / NS_PER_TICK; }

static uint64_t wall_ns(void *opaque)
{
    wvm_machine *m = opaque;
    if (!m->rtc_base_set && !m->rtc_clock_vm)
        return host_wall_ns();
    return m->rtc_base_ns + (m->rtc_clock_vm ? machine_guest_ns(m) : host_time_ns() - m->rtc_host0);
}

static void uart_tx(void *opaque, uint8_t c) { machine_console_out(opaque, &c, 1); }

static void console_tx(void *opaque, const uint8_t *p, size_t n) { machine_console_out(opaque, p, n); }

static void syscon_action(void *opaque, int kind, int code)
{
    wvm_machine *m = opaque;
    machine_halt(m, code);
    m->reset_requested = kind == SYSCON_RESET;
}

static uint64_t mrom_read(void *opaque, uint64_t off, unsigned size)
{
    wvm_machine *m = opaque;
    uint64_t v = 0;
    if (off + size <= sizeof(m->mrom))
        memcpy(&v, m->mrom + off, size);
    return v;
}

static const mmio_ops mrom_ops = {mrom_read, NULL};

static irq_line plic_line(wvm_machine *m, int irq)
{
    return (irq_line){plic_set_irq, &m->plic, irq};
}

/* The next free virtio-mmio slot's base and interrupt line; -1 if none. */
static int virtio_slot(wvm_machine *m, uint64_t *base, irq_line *irq)
{
    if (m->nslots == VIRT_VIRTIO_SLOTS)
        return -1;
    *base = VIRT_VIRTIO_BASE + 0x1000ull * (uint64_t)m->nslots;
    *irq = plic_line(m, (int)virt_virtio_irq(m->nslots));
    m->nslots++;
    return 0;
}

int riscv_virt_init(wvm_machine *m)
{
    uint64_t base;
    irq_line irq;
    int err = phys_add_io(&m->pm, VIRT_MROM_BASE, sizeof(m->mrom), &mrom_ops, m);
    err |= clint_init(&m->clint, &m->pm, m->harts, m->nharts, mtime_now, m);
    err |= plic_init(&m->plic, &m->pm, PLIC_BASE, m->harts, m->nharts);
    err |= uart_init(&m->uart, &m->pm, VIRT_UART_BASE, plic_line(m, VIRT_UART_IRQ), uart_tx, m);
    err |= syscon_init(&m->test, &m->pm, VIRT_TEST_BASE, syscon_action, m);
    err |= goldfish_rtc_init(&m->rtc, &m->pm, VIRT_RTC_BASE, plic_line(m, VIRT_RTC_IRQ), wall_ns, m);
    /* virtio slots 0..3 are kept for disks; console and rng follow them */
    m->nslots = VIRT_MAX_DISKS;
    err |= virtio_slot(m, &base, &irq) || virtio_console_init(&m->vcon, &m->pm, base, irq, console_tx, NULL, m);
    err |= virtio_slot(m, &base, &irq) || virtio_rng_init(&m->rng, &m->pm, base, irq);
    if (err)
        return wvm_fail("cannot map the machine's devices");
    m->io_budget.limit = VIRTIO_MACHINE_HOLD_MAX;
    m->vcon.mmio.budget = m->rng.mmio.budget = &m->io_budget;
    return 0;
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
    irq_line irq = plic_line(m, (int)virt_virtio_irq(VIRT_NET_SLOT));
    if (virtio_net_init(&m->net, &m->pm, VIRT_VIRTIO_BASE + 0x1000ull * VIRT_NET_SLOT, irq, mac, net_tx, NULL, m) != 0)
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
    int slot = VIRT_SHARE_SLOT + m->nshares;
    irq_line irq = plic_line(m, (int)virt_virtio_irq(slot));
    if (!why && virtio_9p_init(&m->shares[m->nshares], &m->pm, VIRT_VIRTIO_BASE + 0x1000ull * (uint64_t)slot, irq,
                               tag, fs, readonly) != 0)
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
    irq_line irq = plic_line(m, (int)virt_virtio_irq(n));
    if (virtio_blk_init(&m->disks[n], &m->pm, VIRT_VIRTIO_BASE + 0x1000ull * (uint64_t)n, irq, b) != 0)
        return wvm_fail("cannot map disk %d", n);
    m->disks[n].mmio.budget = &m->io_budget;
    m->backends[n] = b;
    return m->ndisks++;
}

/* Copy `len` bytes to guest-physical `pa`; -1 if they do not fit in RAM. */
static int load_at(wvm_machine *m, uint64_t pa, const uint8_t *data, size_t len)
{
    uint8_t *dst = phys_ram_ptr(&m->pm, pa, len);
    if (!dst)
        return -1;
    memcpy(dst, data, len);
    return 0;
}

int wvm_load_bios(wvm_machine *m, const uint8_t *data, size_t len)
{
    if (m->bios != WVM_BIOS_FILE)
        return wvm_fail("firmware: this machine was created without a firmware file");
    if (len == 0 || len > VIRT_KERNEL_BASE - VIRT_RAM_BASE)
        return wvm_fail("firmware: %zu bytes (it must be 1 byte to 2 MiB)", len);
    if (elf_is_elf(data, len))
        return wvm_fail("firmware: give the raw .bin image (e.g. fw_dynamic.bin), not the ELF");
    load_at(m, VIRT_RAM_BASE, data, len);
    m->bios_loaded = 1;
    return 0;
}

int wvm_image_arch(const uint8_t *data, size_t len) { return image_arch(data, len, NULL); }

int wvm_load_kernel(wvm_machine *m, const uint8_t *data, size_t len)
{
    static const char *const names[] = {"", "a RISC-V 64", "an ARM64 (AArch64)", "an x86-64", "a 32-bit or other machine's"};
    char err[200];
    const char *what;
    int arch = image_arch(data, len, &what);
    if (len == 0)
        return wvm_fail("kernel: the file is empty");
    if (!strcmp(what, "gzip data"))
        return wvm_fail("kernel: the image is gzip-compressed (a vmlinuz?): unpack it with gunzip first");
    if (arch != WVM_ARCH_UNKNOWN && arch != WVM_ARCH_RISCV64)
        return wvm_fail("kernel: %s %s; this machine emulates riscv64 only so far", names[arch], what);
    if (elf_is_elf(data, len)) {
        elf_info info;
        if (elf_load(&m->pm, data, len, &info, err, sizeof(err)) != 0)
            return wvm_fail("kernel: %s", err);
        m->kernel_entry = info.entry;
        m->kernel_end = info.highest;
        m->tohost = info.tohost;
        m->fromhost = info.fromhost;
    } else {
        uint64_t at = m->bios == WVM_BIOS_NONE ? VIRT_RAM_BASE : VIRT_KERNEL_BASE;
        if (load_at(m, at, data, len) != 0)
            return wvm_fail("kernel: %zu bytes do not fit in RAM at 0x%llx", len, (unsigned long long)at);
        m->kernel_entry = at;
        m->kernel_end = at + len;
    }
    m->kernel_loaded = 1;
    return 0;
}

int wvm_load_initrd(wvm_machine *m, const uint8_t *data, size_t len)
{
    /* As QEMU: far enough above the kernel that it is not clobbered when the
     * kernel unpacks itself, below the device tree at the top of RAM. */
    uint64_t ram = m->pm.ram_size, half = ram / 2 < (128ull << 20) ? ram / 2 : (128ull << 20);
    uint64_t start = (VIRT_RAM_BASE + half) & PAGE_MASK;
    uint64_t limit = VIRT_RAM_BASE + ram - (2ull << 20); /* device tree area */
    if (start < m->kernel_end)
        start = (m->kernel_end + PAGE_SIZE - 1) & PAGE_MASK;
    if (len == 0)
        return wvm_fail("initrd: the file is empty");
    if (len > limit || start > limit - len)
        return wvm_fail("initrd: %zu bytes do not fit in RAM (%llu MiB; try a larger -m)", len,
                        (unsigned long long)(ram >> 20));
    load_at(m, start, data, len);
    m->initrd_start = start;
    m->initrd_end = start + len;
    return 0;
}

int wvm_set_cmdline(wvm_machine *m, const char *cmdline)
{
    if (strlen(cmdline) >= sizeof(m->cmdline))
        return wvm_fail("kernel command line longer than %zu bytes", sizeof(m->cmdline) - 1);
    strcpy(m->cmdline, cmdline);
    m->hvc_console = strstr(cmdline, "console=hvc0") != NULL;
    return 0;
}

virtio_mmio *machine_virtio_slot(wvm_machine *m, int i)
{
    if (i < m->ndisks)
        return &m->disks[i].mmio;
    if (i == VIRT_MAX_DISKS)
        return &m->vcon.mmio;
    if (i == VIRT_MAX_DISKS + 1)
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

int machine_wire(wvm_machine *m)
{
    if (m->tohost && htif_init(m, m->tohost, m->fromhost) != 0)
        return wvm_fail("cannot map the HTIF tohost device");
    /* Empty slots read DeviceID 0, as QEMU's do. */
    for (int i = 0; i < machine_virtio_slots(m); i++) {
        uint64_t base = VIRT_VIRTIO_BASE + 0x1000ull * (uint64_t)i;
        if (machine_virtio_slot(m, i) == &m->empty[i])
            virtio_mmio_init(&m->empty[i], &m->pm, base, plic_line(m, (int)virt_virtio_irq(i)), &virtio_empty_ops,
                             NULL);
    }
    if (m->bios == WVM_BIOS_BUILTIN)
        sbi_attach(m);
    return 0;
}

int wvm_boot(wvm_machine *m)
{
    if (!m->kernel_loaded)
        return wvm_fail("nothing to run: no kernel was loaded");
    if (m->bios == WVM_BIOS_FILE && !m->bios_loaded)
        return wvm_fail("no firmware was loaded");
    if (machine_wire(m) != 0 || riscv_virt_boot(m) != 0)
        return -1;
    machine_set_guest_ns(m, 0);
    return 0;
}
