/*
 * console_test.c - console output through the machine API (src/core) is
 * lossless for a host that drains it after every wvm_run, however fast the
 * guest writes: a bare-metal guest stores 200000 bytes to the 16550 THR in a
 * tight loop (far more than the 64 KiB console buffer in one long time
 * slice) and the host must read back exactly those bytes. A host that never
 * drains still gets the guest run.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdint.h>
#include <string.h>

#include "core/wvm.h"

#include "check.h"

#define COUNT 200000

/* M-mode at 0x8000_0000 (-bios none): write 'x' COUNT times to the UART's
 * THR at 0x1000_0000, then wfi forever. */
static const uint32_t flood[] = {
    0x100002b7, /* lui  t0, 0x10000 */
    0x07800313, /* li   t1, 'x' */
    0x00031e37, /* lui  t3, 0x31 */
    0xd40e0e13, /* addi t3, t3, -704: t3 = 200000 */
    0x00000393, /* li   t2, 0 */
    0x00628023, /* 1: sb t1, 0(t0) */
    0x00138393, /* addi t2, t2, 1 */
    0xffc39ce3, /* bne  t2, t3, 1b */
    0x10500073, /* 2: wfi */
    0xffdff06f, /* j    2b */
};

static wvm_machine *boot_flood(void)
{
    wvm_machine *m = wvm_create(WVM_ARCH_RISCV64, 16, 1, WVM_BIOS_NONE);
    EQ(m != NULL, 1);
    EQ(wvm_load_kernel(m, (const uint8_t *)flood, sizeof(flood)), 0);
    EQ(wvm_boot(m), 0);
    return m;
}

int main(void)
{
    static uint8_t out[1 << 16];
    wvm_machine *m = boot_flood();
    size_t got = 0, bad = 0, n;
    int st = WVM_RUNNING, calls = 0;
    while (st == WVM_RUNNING && calls++ < 100000) {
        st = wvm_run(m, 1000000); /* a 1 s slice: the guest could write megabytes */
        while ((n = wvm_console_read(m, out, sizeof(out))) > 0) {
            for (size_t i = 0; i < n; i++)
                bad += out[i] != 'x';
            got += n;
        }
    }
    EQ(st, WVM_IDLE); /* the guest finished and waits in wfi */
    EQ(got, COUNT);
    EQ(bad, 0);
    EQ(wvm_instret(m) >= 3 * COUNT, 1);
    wvm_destroy(m);

    /* Never drained: the guest still runs to the end; the oldest 64 KiB stay. */
    m = boot_flood();
    for (int i = 0; i < 1000 && (st = wvm_run(m, 10000)) == WVM_RUNNING; i++) {
    }
    EQ(st, WVM_IDLE);
    EQ(wvm_console_read(m, out, sizeof(out)), sizeof(out));
    wvm_destroy(m);

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
