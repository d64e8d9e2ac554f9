/*
 * fuzz_test.c - the core survives arbitrary guest code. For each seed, a
 * bare-metal machine (WVM_BIOS_NONE, 2 harts) runs 1 MiB of pseudo-random
 * instructions in M-mode: words with real major opcodes and random operand
 * bits, compressed halfwords and raw noise, after a prologue that points
 * mtvec into the same code and enables the FPU. The code then writes CSRs
 * (satp, mstatus, PMP, ...), walks random page tables, pokes every device,
 * overwrites itself and traps constantly. Under the ASan+UBSan build any
 * out-of-bounds access or undefined behaviour aborts the run; the checks
 * here are that every wvm_run returns a defined status and that guest
 * instructions retire (the machine does not wedge). First, a trap handler
 * that faults at once must not keep wvm_run from returning.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/wvm.h"

#include "check.h"

#define CODE_BYTES (1u << 20)
#define SEEDS 48
#define SLICE_US 5000
#define SLICES 6

/* xorshift64*: a fixed sequence per seed. */
static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Major opcodes of RV64GC (RISC-V Unprivileged Spec, table 24.1). */
static const uint8_t opcodes[] = {
    0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b,
    0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73,
};

static const uint32_t prologue[] = {
    0x00000297, /* auipc t0, 0 */
    0x04028293, /* addi  t0, t0, 64 */
    0x30529073, /* csrw  mtvec, t0: traps land in the random code */
    0x00002337, /* lui   t1, 2 */
    0x30032073, /* csrs  mstatus, t1: FS = Initial */
};

static void fill_code(uint8_t *code)
{
    size_t at = 0;
    memcpy(code, prologue, sizeof(prologue));
    at = sizeof(prologue);
    while (at + 4 <= CODE_BYTES) {
        uint32_t r = rnd(), w;
        switch (r % 8) {
        case 0: /* a compressed instruction (quadrant 0-2) */
            w = rnd() & 0xffff;
            if ((w & 3) == 3)
                w &= ~1u;
            memcpy(code + at, &w, 2);
            at += 2;
            continue;
        case 1: /* noise */
            w = rnd();
            break;
        default: /* a real opcode with random fields */
            w = (rnd() & ~0x7fu) | opcodes[rnd() % sizeof(opcodes)];
            break;
        }
        memcpy(code + at, &w, 4);
        at += 4;
    }
}

/* A trap handler whose first instruction faults (a store to unmapped
 * address 200, with mtvec pointing at it) retires nothing, forever: wvm_run
 * must still return when its time slice ends. */
static void test_trap_loop(void)
{
    static const uint32_t loop[] = {
        0x00000297, /* auipc t0, 0 */
        0x00c28293, /* addi  t0, t0, 12 */
        0x30529073, /* csrw  mtvec, t0 */
        0x0c003423, /* sd    zero, 200(zero): access fault, to itself */
    };
    wvm_machine *m = wvm_create(16, 1, WVM_BIOS_NONE);
    EQ(wvm_load_kernel(m, (const uint8_t *)loop, sizeof(loop)), 0);
    EQ(wvm_boot(m), 0);
    clock_t t0 = clock();
    EQ(wvm_run(m, 2000), WVM_RUNNING);
    EQ(wvm_run(m, 2000), WVM_RUNNING);
    EQ((clock() - t0) < CLOCKS_PER_SEC, 1);
    EQ(wvm_instret(m), 3); /* only the prologue retired */
    wvm_destroy(m);
}

int main(void)
{
    alarm(120); /* a wedged wvm_run kills the test instead of hanging it */
    test_trap_loop();
    uint8_t *code = malloc(CODE_BYTES);
    uint64_t total = 0;
    int halted = 0;
    if (!code)
        return 1;
    clock_t t0 = clock();
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        rng_state = seed * 0x9E3779B97F4A7C15ull;
        fill_code(code);
        wvm_machine *m = wvm_create(16, 2, WVM_BIOS_NONE);
        EQ(m != NULL, 1);
        if (!m)
            break;
        EQ(wvm_load_kernel(m, code, CODE_BYTES), 0);
        EQ(wvm_boot(m), 0);
        int st = WVM_RUNNING;
        for (int i = 0; i < SLICES && st != WVM_HALTED; i++) {
            st = wvm_run(m, SLICE_US);
            EQ(st == WVM_RUNNING || st == WVM_IDLE || st == WVM_HALTED, 1);
            uint8_t out[256];
            while (wvm_console_read(m, out, sizeof(out)) > 0) {
            }
        }
        halted += st == WVM_HALTED;
        total += wvm_instret(m);
        wvm_destroy(m);
    }
    free(code);
    printf("%d seeds: %llu guest instructions retired, %d halted, %.2f s\n", SEEDS,
           (unsigned long long)total, halted, (double)(clock() - t0) / CLOCKS_PER_SEC);
    EQ(total > (uint64_t)SEEDS * 1000, 1);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
