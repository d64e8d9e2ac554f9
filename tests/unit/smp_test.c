/*
 * smp_test.c - harts take turns (src/core/machine.c, run_hart), and a turn
 * that ends in M-mode runs on until the hart leaves M-mode or waits:
 * firmware assumes harts that run side by side. The program (bare metal,
 * both harts from RAM base in M-mode) is the pattern of OpenSBI 1.1's HSM
 * hart_start, which hung -smp 2 boots: hart 0 publishes a state that
 * releases hart 1, then, 40 000 instructions later (more than a turn),
 * the address hart 1 is to start at; hart 1 polls the state, then reads
 * the address. Hart 1 must read the address hart 0 stored, not zero.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdint.h>

#include "core/wvm.h"

#include "check.h"

static const uint32_t program[] = {
    0xf1402573, /* csrr a0, mhartid */
    0x000082b7, /* lui t0, 0x8 */
    0x0012829b, /* addiw t0, t0, 1 */
    0x01029293, /* slli t0, t0, 16: t0 = 0x80010000, the state */
    0x00008337, /* lui t1, 0x8 */
    0x0013031b, /* addiw t1, t1, 1 */
    0x01031313, /* slli t1, t1, 16 */
    0x00830313, /* addi t1, t1, 8: t1 = 0x80010008, the start address */
    0x02051663, /* bnez a0, hart1 */
    0x00200393, /* li t2, 2 */
    0x0072a023, /* sw t2, 0(t0): state = 2 (START_PENDING) */
    0x00005e37, /* lui t3, 0x5 */
    0xe20e0e1b, /* addiw t3, t3, -480: 20000 */
    0xfffe0e13, /* 1: addi t3, t3, -1 */
    0xfe0e1ee3, /* bnez t3, 1b */
    0x000013b7, /* lui t2, 0x1 */
    0x2343839b, /* addiw t2, t2, 564 */
    0x00733023, /* sd t2, 0(t1): start address = 0x1234 */
    0x0000006f, /* j . */
    0x0002a383, /* hart1: lw t2, 0(t0) */
    0x00200e13, /* li t3, 2 */
    0xffc39ce3, /* bne t2, t3, hart1 */
    0x00033583, /* ld a1, 0(t1) */
    0x0000006f, /* j . */
};

int main(void)
{
    wvm_machine *m = wvm_create(WVM_ARCH_RISCV64, 16, 2, WVM_BIOS_NONE);
    if (!m) {
        printf("wvm_create failed\n0 passed, 1 failed\n");
        return 1;
    }
    EQ(wvm_load_kernel(m, (const uint8_t *)program, sizeof(program)), 0);
    EQ(wvm_boot(m), 0);
    const uint64_t done = 0x80000000ull + 23 * 4; /* hart 1's final j . */
    for (int i = 0; i < 20 && wvm_reg(m, 1, 64) != done; i++)
        wvm_step(m, 100000);
    EQ(wvm_reg(m, 1, 64), done);
    EQ(wvm_reg(m, 1, 11), 0x1234);
    wvm_destroy(m);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
