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
#define SEEDS 48 /* WVM_FUZZ_SEEDS=N runs seeds 1..N instead (longer campaigns) */
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

/* M-mode: traps land in the random code at offset 64. */
static const uint32_t m_prologue[] = {
    0x00000297, /* auipc t0, 0 */
    0x04028293, /* addi  t0, t0, 64 */
    0x30529073, /* csrw  mtvec, t0 */
    0x00002337, /* lui   t1, 2 */
    0x30032073, /* csrs  mstatus, t1: FS = Initial */
};

/* S-mode with Sv39 paging: PMP opens all memory to S, every exception and
 * interrupt is delegated, satp's root table is the page at offset 0x1000
 * (random entries, identity gigapages for devices and RAM), and mret enters
 * the random code at offset 128, which is also stvec and mtvec. */
#define S_ENTRY 128
#define S_ROOT 0x1000
static const uint32_t s_prologue[] = {
    0x00000297, /* auipc t0, 0 */
    0x08028293, /* addi  t0, t0, 128 */
    0x30529073, /* csrw  mtvec, t0 */
    0x10529073, /* csrw  stvec, t0 */
    0x00002337, /* lui   t1, 2 */
    0x30032073, /* csrs  mstatus, t1: FS = Initial */
    0xfff00313, /* li    t1, -1 */
    0x30231073, /* csrw  medeleg, t1 */
    0x30331073, /* csrw  mideleg, t1 */
    0x3b031073, /* csrw  pmpaddr0, t1: all of memory, NAPOT */
    0x01f00e93, /* li    t4, 0x1f */
    0x3a0e9073, /* csrw  pmpcfg0, t4: R W X NAPOT */
    0x00001397, /* auipc t2, 1 */
    0x00c3d393, /* srli  t2, t2, 12: PPN of the root table */
    0x00800e13, /* li    t3, 8 */
    0x03ce1e13, /* slli  t3, t3, 60: MODE = Sv39 */
    0x01c3e3b3, /* or    t2, t2, t3 */
    0x18039073, /* csrw  satp, t2 */
    0x00001337, /* lui   t1, 1 */
    0x00135313, /* srli  t1, t1, 1 */
    0x30032073, /* csrs  mstatus, t1: MPP = S */
    0x34129073, /* csrw  mepc, t0 */
    0x30200073, /* mret */
};
#define PTE_GIGA_RWX 0xcfull /* V R W X A D */

/* Random code after `prologue` (`n` words); with paging, the root table. */
static void fill_code(uint8_t *code, const uint32_t *prologue, size_t n, int paging)
{
    size_t at = n * 4;
    memcpy(code, prologue, at);
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
    if (paging) {
        uint64_t pte[512];
        for (int i = 0; i < 512; i++)
            pte[i] = (uint64_t)rnd() << 32 | rnd();
        pte[0] = PTE_GIGA_RWX;                          /* VA 0..1 GiB: devices */
        pte[2] = (0x80000000ull >> 12) << 10 | PTE_GIGA_RWX; /* VA 2..3 GiB: RAM */
        memcpy(code + S_ROOT, pte, sizeof(pte));
    }
}

/* Boot `code` on a fresh bare-metal machine. */
static wvm_machine *boot_code(const uint8_t *code, size_t len, int nharts)
{
    wvm_machine *m = wvm_create(WVM_ARCH_RISCV64, 16, nharts, WVM_BIOS_NONE);
    EQ(m != NULL, 1);
    if (m) {
        EQ(wvm_load_kernel(m, code, len), 0);
        EQ(wvm_boot(m), 0);
    }
    return m;
}

/* The S-mode prologue works: code at S_ENTRY that powers off through the
 * syscon (VA = PA 0x100000) ends the run. */
static void test_s_prologue(uint8_t *code)
{
    static const uint32_t poweroff[] = {
        0x001002b7, /* lui  t0, 0x100 */
        0x00005337, /* lui  t1, 5 */
        0x55530313, /* addi t1, t1, 0x555 */
        0x0062a023, /* sw   t1, 0(t0) */
    };
    rng_state = 1;
    fill_code(code, s_prologue, sizeof(s_prologue) / 4, 1);
    memcpy(code + S_ENTRY, poweroff, sizeof(poweroff));
    wvm_machine *m = boot_code(code, CODE_BYTES, 1);
    EQ(wvm_run(m, 100000), WVM_HALTED);
    EQ(wvm_exit_code(m), 0);
    wvm_destroy(m);
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
    wvm_machine *m = boot_code((const uint8_t *)loop, sizeof(loop), 1);
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
    const char *env = getenv("WVM_FUZZ_SEEDS");
    uint64_t seeds = env ? strtoull(env, NULL, 10) : SEEDS;
    uint8_t *code = malloc(CODE_BYTES);
    if (!code)
        return 1;
    test_trap_loop();
    test_s_prologue(code);
    if (env)
        alarm(0);
    uint64_t total = 0;
    int halted = 0;
    clock_t t0 = clock();
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        rng_state = seed * 0x9E3779B97F4A7C15ull;
        int s_mode = seed & 1; /* odd seeds: S-mode over random page tables */
        if (s_mode)
            fill_code(code, s_prologue, sizeof(s_prologue) / 4, 1);
        else
            fill_code(code, m_prologue, sizeof(m_prologue) / 4, 0);
        wvm_machine *m = boot_code(code, CODE_BYTES, 2);
        if (!m)
            break;
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
    printf("%llu seeds: %llu guest instructions retired, %d halted, %.2f s\n", (unsigned long long)seeds,
           (unsigned long long)total, halted, (double)(clock() - t0) / CLOCKS_PER_SEC);
    EQ(total > seeds * 1000, 1);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
