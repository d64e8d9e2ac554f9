/*
 * snapshot_test.c - machine state as bytes (src/core/snapshot.c): a
 * bare-metal program that mixes the time CSR into values it stores all over
 * a page runs under icount; its state is saved, restored into a new
 * machine, and both machines must then be in the same state and stay in
 * the same state step for step. Saving twice gives identical bytes; a
 * corrupted, truncated, newer or mismatched state is refused.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board/riscv_virt.h"
#include "core/wvm.h"

#include "check.h"

static const uint32_t program[] = {
    0x000082b7, /* lui t0, 0x8 */
    0x0012829b, /* addiw t0, t0, 1 */
    0x01029293, /* slli t0, t0, 16: t0 = 0x80010000 */
    0x00000313, /* li t1, 0 */
    0x00003e37, /* lui t3, 0x3 */
    0x039e0e1b, /* addiw t3, t3, 57: x = 12345 */
    0xc01023f3, /* 1: rdtime t2 */
    0x007e0e33, /* add t3, t3, t2 */
    0x00de1e93, /* slli t4, t3, 13 */
    0x01de4e33, /* xor t3, t3, t4 */
    0x007e5e93, /* srli t4, t3, 7 */
    0x01de4e33, /* xor t3, t3, t4 */
    0x3ff37f13, /* andi t5, t1, 1023 */
    0x003f1f13, /* slli t5, t5, 3 */
    0x005f0f33, /* add t5, t5, t0 */
    0x01cf3023, /* sd t3, 0(t5) */
    0x00130313, /* addi t1, t1, 1 */
    0xfd5ff06f, /* j 1b */
};

static wvm_machine *machine(uint32_t mib, int harts)
{
    wvm_machine *m = wvm_create(WVM_ARCH_RISCV64, mib, harts, WVM_BIOS_NONE);
    if (m && wvm_set_icount(m, 3, 0) != 0)
        return NULL;
    return m;
}

int main(void)
{
    wvm_machine *a = machine(16, 2);
    if (!a) {
        printf("wvm_create failed\n0 passed, 1 failed\n");
        return 1;
    }
    EQ(wvm_load_kernel(a, (const uint8_t *)program, sizeof(program)), 0);
    EQ(wvm_boot(a), 0);
    wvm_step(a, 300000);
    uint8_t *s1, *s2;
    size_t n1 = wvm_save(a, (const uint8_t *)"host", 4, &s1), n2 = wvm_save(a, (const uint8_t *)"host", 4, &s2);
    EQ(n1 > 0 && n1 == n2 && !memcmp(s1, s2, n1), 1);
    EQ(n1 < 64 * 1024, 1); /* zero pages are left out: 16 MiB of RAM, a few pages used */

    uint32_t info[WVM_STATE_INFO_WORDS];
    EQ(wvm_state_info(s1, n1, info, WVM_STATE_INFO_WORDS), 0);
    EQ(info[0], 16);
    EQ(info[1], 2);
    EQ(info[2], WVM_BIOS_NONE);
    EQ(info[3], 0);
    EQ(info[5], 4);
    EQ(info[6], 0); /* no network device */
    EQ(info[7], 0); /* no file shares */
    EQ(info[8], WVM_ARCH_RISCV64);
    EQ(memcmp(s1 + info[4], "host", 4), 0);

    wvm_machine *b = machine(16, 2);
    EQ(wvm_restore(b, s1, n1), 0);
    EQ(wvm_state_digest(b, 1), wvm_state_digest(a, 1));
    EQ(wvm_reg(b, 0, 64), wvm_reg(a, 0, 64));
    for (int i = 0; i < 5; i++) {
        wvm_step(a, 77777);
        wvm_step(b, 77777);
        EQ(wvm_state_digest(b, 1), wvm_state_digest(a, 1));
    }
    EQ(wvm_reg(b, 0, 0x1000 + 0xc01), wvm_reg(a, 0, 0x1000 + 0xc01)); /* time */

    /* Refused: each corruption, truncation, a newer version, another machine. */
    uint8_t *bad = malloc(n1);
    const size_t flips[] = {0, 9, 40, n1 / 2, n1 - 9, n1 - 1};
    for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
        memcpy(bad, s1, n1);
        bad[flips[i]] ^= 0x10;
        EQ(wvm_state_info(bad, n1, info, WVM_STATE_INFO_WORDS), -1);
        wvm_machine *c = machine(16, 2);
        EQ(wvm_restore(c, bad, n1), -1);
        wvm_destroy(c);
    }
    EQ(wvm_state_info(s1, n1 - 1, info, WVM_STATE_INFO_WORDS), -1);
    EQ(wvm_state_info(s1, 10, info, WVM_STATE_INFO_WORDS), -1);
    memcpy(bad, s1, n1);
    bad[8] = 2; /* version 2 */
    EQ(wvm_state_info(bad, n1, info, WVM_STATE_INFO_WORDS), -1);
    EQ(strstr(wvm_last_error(), "version 2") != NULL, 1);
    wvm_machine *c = machine(32, 2);
    EQ(wvm_restore(c, s1, n1), -1);
    EQ(strstr(wvm_last_error(), "16 MiB") != NULL, 1);
    wvm_destroy(c);
    c = machine(16, 1);
    EQ(wvm_restore(c, s1, n1), -1);
    wvm_destroy(c);

    /* A network device: in the state, required of the restoring machine. */
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef}, other[6] = {2};
    wvm_machine *n = machine(16, 1);
    EQ(wvm_add_net(n, mac), 0);
    EQ(wvm_add_net(n, mac), -1); /* one at most */
    EQ(wvm_load_kernel(n, (const uint8_t *)program, sizeof(program)), 0);
    EQ(wvm_boot(n), 0);
    uint8_t *sn;
    size_t nn = wvm_save(n, NULL, 0, &sn);
    EQ(nn > 0 && wvm_state_info(sn, nn, info, WVM_STATE_INFO_WORDS) == 0 && info[6] == 1, 1);
    c = machine(16, 1);
    EQ(wvm_restore(c, sn, nn), -1); /* no network device */
    EQ(strstr(wvm_last_error(), "network") != NULL, 1);
    wvm_destroy(c);
    c = machine(16, 1);
    EQ(wvm_add_net(c, other), 0);
    EQ(wvm_restore(c, sn, nn), 0);
    EQ(wvm_state_digest(c, 1), wvm_state_digest(n, 1));
    uint64_t cfg = 0; /* the MAC comes from the state */
    for (unsigned i = 0; i < 6; i++) { /* config space of slot 6 */
        uint64_t byte = 0;
        phys_read(&c->pm, VIRT_VIRTIO_BASE + 0x1000ull * VIRT_NET_SLOT + VIRTIO_MMIO_CONFIG + i, 1, &byte);
        cfg |= byte << (8 * i);
    }
    EQ(cfg, 0xefcdab005452ull);
    EQ(wvm_net_write(c, mac, 6), -1); /* shorter than an Ethernet header */
    wvm_destroy(c);
    wvm_destroy(n);
    free(sn);

    free(bad);
    free(s1);
    free(s2);
    wvm_destroy(a);
    wvm_destroy(b);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
