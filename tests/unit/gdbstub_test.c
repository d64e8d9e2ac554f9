/*
 * gdbstub_test.c - the GDB stub (src/core/gdbstub.c) on the aarch64
 * machine, packet by packet (GDB Remote Serial Protocol, the GDB manual's
 * appendix E): the target description (org.gnu.gdb.aarch64.core), 'g' with
 * x0-x30, sp, pc and a 32-bit cpsr, 'p'/'P'/'G' through the cpu_class
 * numbering, memory, a breakpoint, a single step, a write watchpoint and a
 * detach after which the program runs to its semihosting exit; malformed
 * packets get error replies. The riscv64 machine keeps its description and
 * its 33-register 'g'. Exit status 0 on success; the last output line is
 * "N passed, N failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wvm.h"

#include "check.h"

#define RAM 0x40000000ull
#define DATA 0x40010000ull

/* Counts x1 to 100 in [DATA], then exits with status 0 (semihosting). */
static const uint32_t program[] = {
    0xd2a80020, /* mov x0, #0x40010000 */
    0xd2800001, /* mov x1, #0 */
    0x91000421, /* 1: add x1, x1, #1 (+0x08) */
    0xf9000001, /* str x1, [x0] (+0x0c) */
    0xf101903f, /* cmp x1, #100 */
    0x54ffffa1, /* b.ne 1b */
    0xd2a00044, /* mov x4, #0x20000 */
    0xf28004c4, /* movk x4, #0x26: ADP_Stopped_ApplicationExit */
    0xa9017c04, /* stp x4, xzr, [x0, #16] */
    0x91004001, /* add x1, x0, #16 */
    0xd2800400, /* mov x0, #0x20: SYS_EXIT_EXTENDED */
    0xd45e0000, /* hlt #0xf000 */
};

static char reply_buf[70000];

/* Send one packet with payload `body` and return the payload of the reply
 * that follows ("" if none came). */
static const char *ask(wvm_machine *m, const char *body)
{
    char pkt[8192];
    unsigned sum = 0;
    for (const char *p = body; *p; p++)
        sum += (uint8_t)*p;
    int n = snprintf(pkt, sizeof(pkt), "$%s#%02x", body, sum & 0xff);
    wvm_gdb_input(m, (const uint8_t *)pkt, (size_t)n);
    size_t len = wvm_gdb_output(m, (uint8_t *)reply_buf, sizeof(reply_buf) - 1);
    reply_buf[len] = 0;
    char *start = strchr(reply_buf, '$'), *end = start ? strrchr(start, '#') : NULL;
    if (!start || !end)
        return "";
    *end = 0;
    return start + 1;
}

/* Run until the debugger's stop; the stop reply. */
static const char *run_to_stop(wvm_machine *m)
{
    for (int i = 0; i < 1000 && !wvm_gdb_stopped(m); i++)
        wvm_run(m, 1000);
    size_t len = wvm_gdb_output(m, (uint8_t *)reply_buf, sizeof(reply_buf) - 1);
    reply_buf[len] = 0;
    char *start = strchr(reply_buf, '$'), *end = start ? strchr(start, '#') : NULL;
    if (!start || !end)
        return "";
    *end = 0;
    return start + 1;
}

/* The whole target description, read in pieces as GDB reads it. */
static const char *target_xml(wvm_machine *m)
{
    static char xml[32768];
    size_t n = 0;
    for (;;) {
        char q[64];
        snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,200", n);
        const char *r = ask(m, q);
        size_t len = strlen(r + 1);
        if ((r[0] != 'm' && r[0] != 'l') || n + len >= sizeof(xml))
            return "";
        memcpy(xml + n, r + 1, len);
        n += len;
        if (r[0] == 'l')
            break;
    }
    xml[n] = 0;
    return xml;
}

/* Little-endian hex of a `bytes`-byte register at hex offset `at` of s. */
static uint64_t le_hex(const char *s, size_t at, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        char byte[3] = {s[at + 2 * i], s[at + 2 * i + 1], 0};
        v |= (uint64_t)strtoul(byte, NULL, 16) << (8 * i);
    }
    return v;
}

int main(void)
{
    wvm_machine *m = wvm_create(WVM_ARCH_AARCH64, 16, 1, WVM_BIOS_NONE);
    EQ(m != NULL, 1);
    EQ(wvm_load_kernel(m, (const uint8_t *)program, sizeof(program)), 0);
    EQ(wvm_boot(m), 0);
    EQ(wvm_gdb_attach(m), 0);
    EQ(wvm_gdb_stopped(m), 1);
    EQ(strcmp(ask(m, "?"), "T05thread:1;"), 0);

    const char *xml = target_xml(m);
    EQ(strstr(xml, "<architecture>aarch64</architecture>") != NULL, 1);
    EQ(strstr(xml, "<feature name=\"org.gnu.gdb.aarch64.core\"><flags id=\"cpsr_flags\" size=\"4\">") != NULL, 1);
    EQ(strstr(xml, "<reg name=\"x30\" bitsize=\"64\" regnum=\"30\"/>") != NULL, 1);
    EQ(strstr(xml, "<reg name=\"cpsr\" bitsize=\"32\" regnum=\"33\" type=\"cpsr_flags\"/>") != NULL, 1);
    EQ(strstr(xml, "riscv") == NULL, 1);

    /* g: 31 X, sp and pc of 8 bytes, cpsr of 4 (EL1h, DAIF masked). */
    const char *g = ask(m, "g");
    EQ(strlen(g), 2 * (33 * 8 + 4));
    EQ(le_hex(g, 2 * 32 * 8, 8), RAM);
    EQ(le_hex(g, 2 * 33 * 8, 4), 0x3c5);
    EQ(strcmp(ask(m, "p20"), "0000004000000000"), 0);
    EQ(strcmp(ask(m, "p21"), "c5030000"), 0);
    EQ(strcmp(ask(m, "p22"), "E01"), 0);
    EQ(strcmp(ask(m, "P1f=f0ff004000000000"), "OK"), 0);
    EQ(wvm_reg(m, 0, 31), 0x4000fff0);
    EQ(strcmp(ask(m, "p1f"), "f0ff004000000000"), 0);
    EQ(strcmp(ask(m, "P21=c5030060"), "OK"), 0); /* Z and C */
    EQ(wvm_reg(m, 0, 33), 0x600003c5);
    EQ(strcmp(ask(m, "P21=c50300"), "E01"), 0); /* too short */
    EQ(strcmp(ask(m, "P21=c5030060aa"), "E01"), 0);
    EQ(strcmp(ask(m, "P5=zz"), "E01"), 0);
    char G[2 * (33 * 8 + 4) + 2];
    snprintf(G, sizeof(G), "G%s", ask(m, "g"));
    memcpy(G + 1 + 2 * 8 * 5, "efbeadde00000000", 16); /* x5 */
    EQ(strcmp(ask(m, G), "OK"), 0);
    EQ(wvm_reg(m, 0, 5), 0xdeadbeef);
    EQ(wvm_reg(m, 0, 32), RAM);
    EQ(wvm_reg(m, 0, 33), 0x600003c5);

    /* Memory: the program, and a write that reads back. */
    EQ(strcmp(ask(m, "m40000000,4"), "2000a8d2"), 0);
    EQ(strcmp(ask(m, "M40010100,2:abcd"), "OK"), 0);
    EQ(strcmp(ask(m, "m40010100,2"), "abcd"), 0);
    EQ(strcmp(ask(m, "m10000000000,4"), "E14"), 0); /* beyond 40-bit physical addresses (MMU off) */

    /* A breakpoint at the store, then a step over it, then a watchpoint. */
    EQ(strcmp(ask(m, "Z0,4000000c,4"), "OK"), 0);
    EQ(strcmp(ask(m, "c"), ""), 0);
    EQ(strcmp(run_to_stop(m), "T05thread:1;hwbreak:;"), 0);
    EQ(wvm_reg(m, 0, 32), RAM + 0x0c);
    EQ(wvm_reg(m, 0, 1), 1);
    EQ(strcmp(ask(m, "z0,4000000c,4"), "OK"), 0);
    EQ(strcmp(ask(m, "s"), ""), 0);
    EQ(strcmp(run_to_stop(m), "T05thread:1;"), 0);
    EQ(wvm_reg(m, 0, 32), RAM + 0x10);
    EQ(strcmp(ask(m, "m40010000,8"), "0100000000000000"), 0);
    EQ(strcmp(ask(m, "Z2,40010000,8"), "OK"), 0);
    EQ(strcmp(ask(m, "c"), ""), 0);
    EQ(strcmp(run_to_stop(m), "T05thread:1;watch:40010000;"), 0);
    EQ(wvm_reg(m, 0, 32), RAM + 0x10); /* stopped right after the store */
    EQ(strcmp(ask(m, "m40010000,8"), "0200000000000000"), 0);

    /* Detach: the watchpoint goes and the program runs to its exit. */
    EQ(strcmp(ask(m, "D"), "OK"), 0);
    EQ(wvm_gdb_stopped(m), 0);
    int st = WVM_RUNNING;
    for (int i = 0; i < 1000 && st != WVM_HALTED; i++)
        st = wvm_run(m, 1000);
    EQ(st, WVM_HALTED);
    EQ(wvm_exit_code(m), 0);
    EQ(wvm_reg(m, 0, 4), 0x20026);
    wvm_destroy(m);

    /* riscv64: its own description; 'g' is x0..x31 and pc. */
    static const uint32_t loop[] = {0x0000006f}; /* j . */
    m = wvm_create(WVM_ARCH_RISCV64, 16, 1, WVM_BIOS_NONE);
    EQ(wvm_load_kernel(m, (const uint8_t *)loop, sizeof(loop)), 0);
    EQ(wvm_boot(m), 0);
    EQ(wvm_gdb_attach(m), 0);
    xml = target_xml(m);
    EQ(strstr(xml, "<architecture>riscv:rv64</architecture><feature name=\"org.gnu.gdb.riscv.cpu\">") != NULL, 1);
    EQ(strstr(xml, "<reg name=\"mstatus\" bitsize=\"64\" regnum=\"833\"/>") != NULL, 1); /* 65 + 0x300 */
    EQ(strstr(xml, "<reg name=\"priv\" bitsize=\"64\" regnum=\"4161\"/>") != NULL, 1);
    EQ(strlen(ask(m, "g")), 2 * 33 * 8);
    EQ(strcmp(ask(m, "p20"), "0000008000000000"), 0);
    EQ(strcmp(ask(m, "p1041"), "0300000000000000"), 0); /* priv: M */
    EQ(strcmp(ask(m, "D"), "OK"), 0);
    wvm_destroy(m);

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
