/* sifive,test finisher (poweroff / reset) of the virt board. */
#include "dev/syscon.h"

#define CMD_FAIL 0x3333
#define CMD_PASS 0x5555
#define CMD_RESET 0x7777

static uint64_t syscon_read(void *opaque, uint64_t off, unsigned size)
{
    (void)opaque, (void)off, (void)size;
    return 0;
}

static void syscon_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    syscon *s = opaque;
    if (off != 0 || size < 2 || !s->action)
        return;
    uint32_t val = (uint32_t)value;
    switch (val & 0xffff) {
    case CMD_PASS: s->action(s->opaque, SYSCON_POWEROFF, 0); break;
    case CMD_FAIL: s->action(s->opaque, SYSCON_POWEROFF, (int)(val >> 16)); break;
    case CMD_RESET: s->action(s->opaque, SYSCON_RESET, 0); break;
    default: break;
    }
}

static const mmio_ops syscon_ops = {syscon_read, syscon_write};

int syscon_init(syscon *s, phys_map *pm, uint64_t base,
                void (*action)(void *opaque, int kind, int code), void *opaque)
{
    s->action = action;
    s->opaque = opaque;
    return phys_add_io(pm, base, SYSCON_SIZE, &syscon_ops, s);
}
