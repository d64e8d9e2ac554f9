/*
 * snapshot_arch_test.c - snapshots and the guest architecture
 * (src/core/snapshot.c): an A64 program that mixes the generic timer's
 * count (CNTVCT_EL0) into values it stores all over a page and takes an SVC
 * every 256 iterations runs under icount on the aarch64 machine; its state
 * is saved part way, restored into a new machine, and both, and a machine
 * that ran from the start without a save, then run to the program's
 * semihosting exit with the same status and the same state digest. The
 * state records its architecture: wvm_state_info reports it, a machine of
 * another architecture refuses it with a message, and a state saved before
 * the field existed (machine section version 3) is riscv64's. A truncated
 * state is refused. Exit status 0 on success; the last output line is
 * "N passed, N failed".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/state.h"
#include "core/wvm.h"

#include "check.h"

#define VECTORS 0x800 /* VBAR_EL1 offset of the program's vector table */
#define STEPS 150000  /* where the state is saved */

/* At the start of RAM (0x4000_0000), entered at EL1h with the MMU off. */
static const uint32_t program[] = {
    0xd2a80020, /* mov x0, #0x40010000: the data page */
    0xd2800001, /* mov x1, #0: i */
    0xd2860723, /* mov x3, #12345: x */
    0xd2800007, /* mov x7, #0: what the SVC handler mixes */
    0xd2800008, /* mov x8, #0: SVCs taken */
    0x10003f69, /* adr x9, vectors (+0x800) */
    0xd518c009, /* msr vbar_el1, x9 */
    0xd53be042, /* 1: mrs x2, cntvct_el0 */
    0x8b020063, /* add x3, x3, x2 */
    0xca033463, /* eor x3, x3, x3, lsl #13 */
    0xca431c63, /* eor x3, x3, x3, lsr #7 */
    0x92402425, /* and x5, x1, #0x3ff */
    0xf8257803, /* str x3, [x0, x5, lsl #3] */
    0x91000421, /* add x1, x1, #1 */
    0xf2401c3f, /* tst x1, #0xff */
    0x54ffff01, /* b.ne 1b */
    0xd4000241, /* svc #0x12 */
    0x91000508, /* add x8, x8, #1 */
    0xf106411f, /* cmp x8, #400 */
    0x54fffe81, /* b.ne 1b */
    0xd2a00044, /* mov x4, #0x20000 */
    0xf28004c4, /* movk x4, #0x26: ADP_Stopped_ApplicationExit */
    0x91400801, /* add x1, x0, #0x2000 */
    0xa9007c24, /* stp x4, xzr, [x1]: exit status 0 */
    0xd2800400, /* mov x0, #0x20: SYS_EXIT_EXTENDED */
    0xd45e0000, /* hlt #0xf000 */
};

/* At vectors + 0x200: a synchronous exception from EL1 with SP_EL1. */
static const uint32_t svc_handler[] = {
    0xd5384026, /* mrs x6, elr_el1 */
    0x8b0600e7, /* add x7, x7, x6 */
    0xd5385206, /* mrs x6, esr_el1 */
    0xca0600e7, /* eor x7, x7, x6 */
    0xd69f03e0, /* eret */
};

/* A booted aarch64 machine under icount running the program. */
static wvm_machine *a64_machine(void)
{
    static uint8_t image[VECTORS + 0x200 + sizeof(svc_handler)];
    memcpy(image, program, sizeof(program));
    memcpy(image + VECTORS + 0x200, svc_handler, sizeof(svc_handler));
    wvm_machine *m = wvm_create(WVM_ARCH_AARCH64, 16, 1, WVM_BIOS_NONE);
    if (!m || wvm_set_icount(m, 3, 0) != 0 || wvm_load_kernel(m, image, sizeof(image)) != 0 || wvm_boot(m) != 0) {
        printf("cannot create the aarch64 machine: %s\n0 passed, 1 failed\n", wvm_last_error());
        exit(1);
    }
    return m;
}

/* Run m until the guest exits; returns wvm_run's last status. */
static int run_to_exit(wvm_machine *m)
{
    int st;
    for (int i = 0; i < 100000 && (st = wvm_run(m, 10000)) == WVM_RUNNING; i++)
        ;
    return st;
}

/* `state` as a wvm version before the architecture field wrote it: the
 * machine section (the first after the header) at version 3 without its
 * last 4 bytes, and the checksum redone. Returns the new length. */
static size_t without_arch_field(uint8_t *state, size_t len)
{
    const size_t header = 12, sect = header + 8 + 4 + 8; /* the machine section's payload */
    uint32_t version = 3;
    uint64_t payload;
    memcpy(&payload, state + header + 12, 8);
    memcpy(state + header + 8, &version, 4);
    payload -= 4;
    memcpy(state + header + 12, &payload, 8);
    memmove(state + sect + payload, state + sect + payload + 4, len - (sect + payload + 4));
    len -= 4;
    uint64_t sum = sv_checksum(state, len - 28); /* the "end" section: 20 bytes of header, the sum */
    memcpy(state + len - 8, &sum, 8);
    return len;
}

int main(void)
{
    wvm_machine *a = a64_machine();
    wvm_step(a, STEPS);
    uint8_t *s1, *s2;
    size_t n1 = wvm_save(a, NULL, 0, &s1), n2 = wvm_save(a, NULL, 0, &s2);
    EQ(n1 > 0 && n1 == n2 && !memcmp(s1, s2, n1), 1);

    uint32_t info[WVM_STATE_INFO_WORDS + 1];
    info[WVM_STATE_INFO_WORDS] = 0xdeadbeef;
    EQ(wvm_state_info(s1, n1, info, WVM_STATE_INFO_WORDS + 1), 0);
    EQ(info[8], WVM_ARCH_AARCH64);
    EQ(info[WVM_STATE_INFO_WORDS], 0xdeadbeef); /* no more than it has */
    EQ(info[0], 16);
    EQ(info[1], 1);
    info[2] = 77;
    EQ(wvm_state_info(s1, n1, info, 2), 0);
    EQ(info[2], 77); /* count words only */

    /* Restored into a new machine: the same state now and step for step. */
    wvm_machine *b = wvm_create(WVM_ARCH_AARCH64, 16, 1, WVM_BIOS_NONE);
    EQ(wvm_restore(b, s1, n1), 0);
    EQ(wvm_state_digest(b, 1), wvm_state_digest(a, 1));
    EQ(wvm_reg(b, 0, 32), wvm_reg(a, 0, 32)); /* pc */
    EQ(wvm_reg(b, 0, 33), wvm_reg(a, 0, 33)); /* cpsr */
    for (int i = 0; i < 3; i++) {
        wvm_step(a, 7777);
        wvm_step(b, 7777);
        EQ(wvm_state_digest(b, 1), wvm_state_digest(a, 1));
    }

    /* To the end: a, b and a machine run without a save agree. */
    wvm_machine *c = a64_machine();
    EQ(run_to_exit(a), WVM_HALTED);
    EQ(run_to_exit(b), WVM_HALTED);
    EQ(run_to_exit(c), WVM_HALTED);
    EQ(wvm_exit_code(a), 0);
    EQ(wvm_exit_code(b), 0);
    EQ(wvm_exit_code(c), 0);
    EQ(wvm_reg(c, 0, 8), 400); /* every SVC round ran */
    EQ(wvm_state_digest(b, 1), wvm_state_digest(c, 1));
    EQ(wvm_state_digest(a, 1), wvm_state_digest(c, 1));
    EQ(wvm_reg(b, 0, 7), wvm_reg(c, 0, 7));

    /* Another architecture's machine refuses it, and the other way round. */
    wvm_machine *rv = wvm_create(WVM_ARCH_RISCV64, 16, 1, WVM_BIOS_NONE);
    EQ(wvm_restore(rv, s1, n1), -1);
    EQ(strstr(wvm_last_error(), "architecture aarch64; this one is riscv64") != NULL, 1);
    wvm_destroy(rv);
    static const uint32_t loop[] = {0x0000006f}; /* j . */
    rv = wvm_create(WVM_ARCH_RISCV64, 16, 1, WVM_BIOS_NONE);
    EQ(wvm_load_kernel(rv, (const uint8_t *)loop, sizeof(loop)), 0);
    EQ(wvm_boot(rv), 0);
    wvm_step(rv, 1000);
    uint8_t *srv;
    size_t nrv = wvm_save(rv, NULL, 0, &srv);
    EQ(nrv > 0 && wvm_state_info(srv, nrv, info, WVM_STATE_INFO_WORDS) == 0, 1);
    EQ(info[8], WVM_ARCH_RISCV64);
    wvm_machine *d = wvm_create(WVM_ARCH_AARCH64, 16, 1, WVM_BIOS_NONE);
    EQ(wvm_restore(d, srv, nrv), -1);
    EQ(strstr(wvm_last_error(), "architecture riscv64; this one is aarch64") != NULL, 1);
    wvm_destroy(d);

    /* A state of a wvm before the field: riscv64's, and it restores. */
    size_t nold = without_arch_field(srv, nrv);
    EQ(wvm_state_info(srv, nold, info, WVM_STATE_INFO_WORDS), 0);
    EQ(info[8], WVM_ARCH_RISCV64);
    d = wvm_create(WVM_ARCH_RISCV64, 16, 1, WVM_BIOS_NONE);
    EQ(wvm_restore(d, srv, nold), 0);
    EQ(wvm_state_digest(d, 1), wvm_state_digest(rv, 1));
    wvm_destroy(d);

    /* Truncated: refused by both calls, never a crash. */
    for (size_t cut = 1; cut < n1; cut = cut * 3 + 1) {
        EQ(wvm_state_info(s1, n1 - cut, info, WVM_STATE_INFO_WORDS), -1);
        d = wvm_create(WVM_ARCH_AARCH64, 16, 1, WVM_BIOS_NONE);
        EQ(wvm_restore(d, s1, n1 - cut), -1);
        wvm_destroy(d);
    }

    free(srv);
    free(s1);
    free(s2);
    wvm_destroy(rv);
    wvm_destroy(a);
    wvm_destroy(b);
    wvm_destroy(c);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
