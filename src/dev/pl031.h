/* Arm PrimeCell real-time clock (PL031) as on QEMU's aarch64 virt board
 * (base 0x0901_0000, SPI 2). ARM DDI 0224C (PL031 Technical Reference
 * Manual), 3.3: RTCDR (0x000, seconds), RTCMR (0x004, match), RTCLR (0x008,
 * load), RTCCR (0x00c, start: always 1), RTCIMSC (0x010), RTCRIS (0x014),
 * RTCMIS (0x018), RTCICR (0x01c), peripheral and PrimeCell IDs
 * (0xfe0-0xffc). Time is the machine's wall clock plus a guest offset;
 * the match interrupt is raised when the time reaches RTCMR. */
#ifndef WVM_PL031_H
#define WVM_PL031_H

#include <stdint.h>

#include "dev/irq.h"
#include "mem/phys.h"

#define PL031_SIZE 0x1000ull

typedef struct pl031 {
    uint64_t (*now_ns)(void *opaque); /* wall clock, ns since the epoch */
    void *opaque;
    uint32_t offset;  /* guest seconds - wall seconds (mod 2^32), set by RTCLR */
    uint32_t match, imsc, ris;
    int armed;        /* RTCMR written, not yet reached */
    irq_line irq;
} pl031;

/* Reset the RTC and map it at guest-physical `base` (PL031_SIZE bytes)
 * with interrupt output `irq`. Returns 0 or -1 (map full). */
int pl031_init(pl031 *r, phys_map *pm, uint64_t base, irq_line irq, uint64_t (*now_ns)(void *), void *opaque);

/* Raise the match interrupt if armed and due. Called periodically. */
void pl031_update(pl031 *r);

/* Save or load the RTC's offset, match and interrupt state as section
 * "pl031" (core/state.h). */
struct sv_io;
void pl031_state(pl031 *r, struct sv_io *io);

#endif
