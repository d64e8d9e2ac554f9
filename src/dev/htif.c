/* HTIF tohost/fromhost device. */
#include "dev/htif.h"

#include <string.h>

#include "core/machine.h"

#define SYS_WRITE 64

static void set_fromhost(wvm_machine *m, uint64_t v)
{
    uint8_t *p = m->fromhost ? phys_ram_ptr(&m->pm, m->fromhost, 8) : NULL;
    if (p)
        memcpy(p, &v, 8);
}

/* Serve a syscall block: magic[0] = number, magic[1..] = arguments;
 * the result goes back to magic[0]. */
static void htif_syscall(wvm_machine *m, uint64_t pa)
{
    uint64_t a[4];
    uint8_t *p = phys_ram_ptr(&m->pm, pa, sizeof(a));
    if (!p)
        return;
    memcpy(a, p, sizeof(a));
    int64_t ret = -38; /* ENOSYS */
    if (a[0] == SYS_WRITE && (a[1] == 1 || a[1] == 2)) {
        const uint8_t *buf = phys_ram_ptr(&m->pm, a[2], a[3]);
        ret = buf ? (int64_t)a[3] : -14; /* EFAULT */
        if (buf)
            machine_console_out(m, buf, (size_t)a[3]);
    }
    memcpy(p, &ret, 8);
    set_fromhost(m, 1);
}

/* tohost is a write watch over RAM: the guest's write lands here, and the
 * word then reads as 0 (the host consumed the command). */
static void htif_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    wvm_machine *m = opaque;
    if (off != 0 || size < 4)
        return;
    unsigned dev = (unsigned)(val >> 56), cmd = (unsigned)(val >> 48) & 0xff;
    uint64_t payload = val & 0xffffffffffffull;
    if (dev == 0 && cmd == 0) {
        if (payload & 1)
            machine_halt(m, (int)(payload >> 1));
        else if (payload)
            htif_syscall(m, payload);
    } else if (dev == 1 && cmd == 1) {
        uint8_t c = (uint8_t)payload;
        machine_console_out(m, &c, 1);
        set_fromhost(m, (1ull << 56) | (1ull << 48));
    }
}

static const mmio_ops htif_ops = {NULL, htif_write};

int htif_init(wvm_machine *m, uint64_t tohost, uint64_t fromhost)
{
    (void)fromhost; /* fromhost stays plain RAM that the host writes */
    return phys_add_io(&m->pm, tohost, 8, &htif_ops, m);
}
