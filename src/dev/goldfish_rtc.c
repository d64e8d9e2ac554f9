/* Goldfish RTC of the virt board (rtc-goldfish register interface). */
#include "dev/goldfish_rtc.h"

#include "core/state.h"
#include <string.h>

enum { TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c,
       IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c };

static uint64_t guest_now(goldfish_rtc *r) { return r->now_ns(r->opaque) + r->offset_ns; }

static void update_irq(goldfish_rtc *r)
{
    int level = r->irq_pending && r->irq_enabled;
    if (level != r->irq_level) {
        r->irq_level = level;
        irq_set(&r->irq, level);
    }
}

static uint64_t rtc_read(void *opaque, uint64_t off, unsigned size)
{
    goldfish_rtc *r = opaque;
    uint32_t v = 0;
    switch (off) {
    case TIME_LOW: {
        uint64_t t = guest_now(r);
        r->time_high = (uint32_t)(t >> 32);
        v = (uint32_t)t;
        break;
    }
    case TIME_HIGH: v = r->time_high; break;
    case ALARM_LOW: v = (uint32_t)r->alarm_ns; break;
    case ALARM_HIGH: v = (uint32_t)(r->alarm_ns >> 32); break;
    case IRQ_ENABLED: v = (uint32_t)r->irq_enabled; break;
    case ALARM_STATUS: v = (uint32_t)r->alarm_armed; break;
    default: break;
    }
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void rtc_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    goldfish_rtc *r = opaque;
    uint32_t val = (uint32_t)value;
    (void)size;
    switch (off) {
    case TIME_LOW:
        r->offset_ns = (((uint64_t)r->time_high << 32) | val) - r->now_ns(r->opaque);
        break;
    case TIME_HIGH: r->time_high = val; break;
    case ALARM_LOW:
        r->alarm_ns = (r->alarm_ns & ~0xffffffffull) | val;
        r->alarm_armed = 1;
        break;
    case ALARM_HIGH: r->alarm_ns = (r->alarm_ns & 0xffffffffull) | ((uint64_t)val << 32); break;
    case IRQ_ENABLED: r->irq_enabled = val & 1; break;
    case CLEAR_ALARM: r->alarm_armed = 0; break;
    case CLEAR_INTERRUPT: r->irq_pending = 0; break;
    default: return;
    }
    goldfish_rtc_update(r);
}

static const mmio_ops rtc_ops = {rtc_read, rtc_write};

int goldfish_rtc_init(goldfish_rtc *r, phys_map *pm, uint64_t base, irq_line irq,
                      uint64_t (*now_ns)(void *), void *opaque)
{
    memset(r, 0, sizeof(*r));
    r->now_ns = now_ns;
    r->opaque = opaque;
    r->irq = irq;
    return phys_add_io(pm, base, GOLDFISH_RTC_SIZE, &rtc_ops, r);
}

void goldfish_rtc_update(goldfish_rtc *r)
{
    if (r->alarm_armed && guest_now(r) >= r->alarm_ns) {
        r->alarm_armed = 0;
        r->irq_pending = 1;
    }
    update_irq(r);
}

uint64_t goldfish_rtc_next_alarm_ns(goldfish_rtc *r)
{
    if (!r->alarm_armed)
        return UINT64_MAX;
    uint64_t t = guest_now(r);
    return t >= r->alarm_ns ? 0 : r->alarm_ns - t;
}

void goldfish_rtc_state(goldfish_rtc *r, sv_io *io)
{
    if (!sv_begin(io, "rtc", 1))
        return;
    SV(io, r->offset_ns), SV(io, r->time_high), SV(io, r->alarm_ns);
    SV(io, r->alarm_armed), SV(io, r->irq_enabled), SV(io, r->irq_pending), SV(io, r->irq_level);
    sv_end(io);
}
