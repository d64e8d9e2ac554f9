/* Goldfish real-time clock as on QEMU's virt board (Android emulator
 * "goldfish" virtual hardware; Linux drivers/rtc/rtc-goldfish.c; layout of
 * QEMU hw/riscv/virt.c: base 0x10_1000, 0x1000 bytes, PLIC source 11).
 * 32-bit registers:
 *   0x00 TIME_LOW        R: time bits 0-31, latches bits 32-63 into TIME_HIGH
 *                        W: sets the time to (TIME_HIGH << 32) | value
 *   0x04 TIME_HIGH       R: latched bits 32-63   W: stage bits 32-63
 *   0x08 ALARM_LOW       R/W: alarm bits 0-31; a write arms the alarm
 *   0x0c ALARM_HIGH      R/W: alarm bits 32-63 (write it first)
 *   0x10 IRQ_ENABLED     R/W: bit 0 enables the alarm interrupt
 *   0x14 CLEAR_ALARM     W: disarm the alarm
 *   0x18 ALARM_STATUS    R: 1 while the alarm is armed
 *   0x1c CLEAR_INTERRUPT W: acknowledge the alarm interrupt
 * Time is in nanoseconds since the Unix epoch: host clock + guest offset. */
#ifndef WVM_GOLDFISH_RTC_H
#define WVM_GOLDFISH_RTC_H

#include <stdint.h>

#include "dev/irq.h"
#include "mem/phys.h"

#define GOLDFISH_RTC_BASE 0x101000ull /* guest-physical */
#define GOLDFISH_RTC_SIZE 0x1000ull   /* bytes */
#define GOLDFISH_RTC_IRQ 11           /* PLIC source */

typedef struct goldfish_rtc {
    uint64_t (*now_ns)(void *opaque); /* host wall clock, ns since the epoch */
    void *opaque;
    uint64_t offset_ns;   /* guest time - host time (mod 2^64), set by TIME writes */
    uint32_t time_high;   /* TIME_HIGH: latched on TIME_LOW read, staged by writes */
    uint64_t alarm_ns;    /* guest time of the alarm */
    int alarm_armed, irq_enabled, irq_pending, irq_level;
    irq_line irq;
} goldfish_rtc;

/* Reset the RTC (guest time = `now_ns(opaque)`, alarm off, interrupt
 * disabled) and map it at guest-physical `base` (GOLDFISH_RTC_SIZE bytes)
 * with interrupt output `irq`. Returns 0, or -1 if the address map is full. */
int goldfish_rtc_init(goldfish_rtc *r, phys_map *pm, uint64_t base, irq_line irq,
                      uint64_t (*now_ns)(void *), void *opaque);

/* Fire the alarm if it is armed and due (guest time >= alarm): disarm it,
 * set the interrupt pending, and raise the line if IRQ_ENABLED. The machine
 * calls this periodically; guest register writes call it too. */
void goldfish_rtc_update(goldfish_rtc *r);

/* Nanoseconds until the armed alarm is due (0 if due now), UINT64_MAX if
 * none is armed: how long the machine may sleep for this device. */
uint64_t goldfish_rtc_next_alarm_ns(goldfish_rtc *r);

/* Save or load the RTC's guest offset from its clock, alarm and interrupt
 * state as section "rtc" (core/state.h). */
struct sv_io;
void goldfish_rtc_state(goldfish_rtc *r, struct sv_io *io);

#endif
