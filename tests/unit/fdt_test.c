/*
 * fdt_test.c - tests for the DTB writer (src/boot/fdt.c) and the virt
 * machine tree (src/boot/virt_fdt.c).
 *
 * 1. Writer: header fields, string de-duplication, misuse, and for every
 *    capacity below the needed size a 0 result with guard bytes intact.
 * 2. virt tree: decompiled with `dtc -I dtb -O dts` (skipped if dtc is not
 *    installed); the text is checked for the key nodes and properties and
 *    dtc must report nothing but the interrupt_provider warning QEMU's own
 *    tree also gets.
 * 3. If qemu-system-riscv64 is installed: QEMU's virt tree (256 MiB, 2
 *    harts) and ours for the same parameters are decompiled and compared
 *    node by node and property by property, phandle references resolved to
 *    node paths; QEMU's pci/flash/fw-cfg/platform-bus/pmu nodes and
 *    /chosen/rng-seed are ignored, riscv,ndev is reported.
 *
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/fdt.h"
#include "board/riscv_virt_fdt.h"

static int passed, failed;

static void check(int ok, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* snprintf into dst (cap bytes), truncating silently. */
static void sfmt(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---------------------------------------------------------------------- */
/* Writer                                                                  */
/* ---------------------------------------------------------------------- */

/* A tiny tree; returns fdt_finish's result. */
static size_t small_tree(uint8_t *buf, size_t cap)
{
    static const char *const compat[] = { "a,b", "c" };
    static const uint32_t cells[] = { 1, 2, 3 };
    fdt f;
    fdt_init(&f, buf, cap);
    fdt_begin_node(&f, "");
    fdt_prop_u32(&f, "x", 0x11223344);
    fdt_prop_strings(&f, "compatible", compat, 2);
    fdt_begin_node(&f, "n@1");
    fdt_prop_u32(&f, "x", 7); /* same name: stored once */
    fdt_prop_u64(&f, "y", 0x0102030405060708ull);
    fdt_prop_cells(&f, "z", cells, 3);
    fdt_prop_empty(&f, "e");
    fdt_prop_string(&f, "s", "hi");
    fdt_end_node(&f);
    fdt_end_node(&f);
    return fdt_finish(&f);
}

static void test_writer(void)
{
    uint8_t buf[1024];
    memset(buf, 0xa5, sizeof buf);
    size_t n = small_tree(buf, sizeof buf);
    check(n > 56, "small tree size %zu", n);
    check(be32(buf) == 0xd00dfeed, "magic");
    check(be32(buf + 4) == n, "totalsize");
    check(be32(buf + 8) == 56 && be32(buf + 16) == 40, "struct/rsvmap offsets");
    check(be32(buf + 20) == 17 && be32(buf + 24) == 16, "version 17, last_comp 16");
    uint32_t soff = be32(buf + 12), ssize = be32(buf + 32), stsize = be32(buf + 36);
    check(soff == 56 + stsize && soff + ssize == n, "block layout");
    /* strings: x, compatible, y, z, e, s -> each once */
    check(ssize == 2 + 11 + 2 + 2 + 2 + 2, "strings de-duplicated (size %u)", ssize);
    static const uint8_t zero16[16];
    check(memcmp(buf + 40, zero16, 16) == 0, "empty reservation block");
    check(be32(buf + soff - 4) == 9, "ends with FDT_END");
    /* root: BEGIN_NODE "" then PROP x = 0x11223344 */
    check(be32(buf + 56) == 1 && be32(buf + 60) == 0, "root node");
    check(be32(buf + 64) == 3 && be32(buf + 68) == 4 && be32(buf + 76) == 0x11223344, "u32 prop");
    check(strcmp((const char *)buf + soff + be32(buf + 72), "x") == 0, "nameoff");
    check(buf[n] == 0xa5, "nothing written past totalsize");

    /* Every capacity below n fails without touching bytes at or past cap. */
    int bad = 0;
    for (size_t cap = 0; cap < n; cap++) {
        memset(buf, 0xa5, sizeof buf);
        if (small_tree(buf, cap) != 0 || buf[cap] != 0xa5 || buf[cap + 1] != 0xa5)
            bad++;
    }
    check(bad == 0, "small tree overflow: %d capacities misbehaved", bad);
    check(small_tree(buf, n) == n, "exact fit");

    fdt f;
    fdt_init(&f, buf, sizeof buf);
    check(fdt_end_node(&f) < 0 && f.err, "end_node with no open node");
    fdt_init(&f, buf, sizeof buf);
    check(fdt_prop_u32(&f, "x", 1) < 0, "prop outside a node");
    fdt_init(&f, buf, sizeof buf);
    fdt_begin_node(&f, "");
    check(fdt_finish(&f) == 0, "finish with an open node");
    fdt_init(&f, buf, sizeof buf);
    fdt_begin_node(&f, "");
    fdt_end_node(&f);
    check(fdt_begin_node(&f, "again") < 0, "second root");
    fdt_init(&f, buf, sizeof buf);
    check(fdt_finish(&f) == 0, "finish with no root");
    fdt_init(&f, buf, sizeof buf);
    fdt_begin_node(&f, "");
    fdt_end_node(&f);
    check(fdt_finish(&f) > 0 && fdt_finish(&f) == 0, "finish twice");
}

/* ---------------------------------------------------------------------- */
/* Helpers: temp files, running dtc                                        */
/* ---------------------------------------------------------------------- */

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    size_t r;
    while (s && (r = fread(s + len, 1, cap - len - 1, fp)) > 0) {
        len += r;
        if (cap - len < 2) {
            char *t = realloc(s, cap *= 2);
            if (!t)
                free(s);
            s = t;
        }
    }
    fclose(fp);
    if (s)
        s[len] = 0;
    return s;
}

static int have_tool(const char *name)
{
    char cmd[128];
    sfmt(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Decompile the DTB file `dtb` with dtc; returns the DTS text (caller frees)
 * and stores dtc's stderr in *err. NULL if dtc failed. */
static char *decompile(const char *dtb, char **err)
{
    char cmd[512], dts[300], log[300];
    sfmt(dts, sizeof dts, "%s.dts", dtb);
    sfmt(log, sizeof log, "%s.err", dtb);
    sfmt(cmd, sizeof cmd, "dtc -I dtb -O dts -o %s %s 2>%s", dts, dtb, log);
    int rc = system(cmd);
    char *text = rc == 0 ? read_file(dts) : NULL;
    *err = read_file(log);
    remove(dts);
    remove(log);
    return text;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t w = fwrite(data, 1, len, fp);
    return fclose(fp) == 0 && w == len ? 0 : -1;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Nonzero if every non-empty line of dtc's stderr is an interrupt_provider
 * warning about a cpu interrupt-controller (QEMU's tree gets it too). */
static int only_benign_warnings(const char *err)
{
    const char *p = err;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line[512];
        sfmt(line, sizeof line, "%.*s", (int)len, p);
        if (len && !(strstr(line, "(interrupt_provider)") && strstr(line, "/interrupt-controller:")))
            return 0;
        p = e ? e + 1 : p + len;
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* virt tree                                                               */
/* ---------------------------------------------------------------------- */

static const char *tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

static void test_virt_size_and_args(void)
{
    static uint8_t buf[16384 + 2];
    virt_fdt_config c = { 8, 0x80000000ull, 1ull << 30, "", "", 10000000, "", 0, 0, 8, "" };
    size_t n = virt_fdt_build(&c, buf, sizeof buf - 2);
    check(n > 0 && n <= VIRT_FDT_SIZE_BASE, "8-hart tree fits VIRT_FDT_SIZE_BASE (%zu)", n);

    c.isa = "rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc";
    c.mmu_type = "riscv,sv57";
    c.bootargs = "console=ttyS0 earlycon=sbi root=/dev/vda rw";
    c.stdout_path = "/soc/serial@10000000";
    c.initrd_start = 0x88000000ull;
    c.initrd_end = 0x88400000ull;
    n = virt_fdt_build(&c, buf, sizeof buf - 2);
    check(n > 0, "full 8-hart tree builds");
    /* Overflow: every capacity below n returns 0 and spares the guard bytes. */
    int bad = 0;
    for (size_t cap = 0; cap < n; cap++) {
        buf[cap] = 0x5a;
        buf[cap + 1] = 0xc3;
        if (virt_fdt_build(&c, buf, cap) != 0 || buf[cap] != 0x5a || buf[cap + 1] != 0xc3)
            bad++;
    }
    check(bad == 0, "virt tree overflow: %d of %zu capacities misbehaved", bad, n);
    check(virt_fdt_build(&c, buf, n) == n, "virt tree exact fit");

    virt_fdt_config b = c;
    b.nharts = 0;
    check(virt_fdt_build(&b, buf, sizeof buf) == 0, "nharts 0 rejected");
    b.nharts = 9;
    check(virt_fdt_build(&b, buf, sizeof buf) == 0, "nharts 9 rejected");
    b = c;
    b.virtio_slots_used = VIRT_FDT_VIRTIO_SLOTS + 1;
    check(virt_fdt_build(&b, buf, sizeof buf) == 0, "more virtio slots than VIRT_FDT_VIRTIO_SLOTS rejected");
    b = c;
    b.isa = NULL;
    check(virt_fdt_build(&b, buf, sizeof buf) == 0, "NULL isa rejected");
    b = c;
    b.ram_size = 0;
    check(virt_fdt_build(&b, buf, sizeof buf) == 0, "empty RAM rejected");
}

static void test_virt_dtc(void)
{
    static uint8_t buf[16384];
    virt_fdt_config c = {
        .nharts = 2,
        .ram_base = 0x80000000ull,
        .ram_size = 256ull << 20,
        .isa = "rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc",
        .mmu_type = "riscv,sv57",
        .timebase_hz = 10000000,
        .bootargs = "console=ttyS0 earlycon=sbi",
        .initrd_start = 0x88000000ull,
        .initrd_end = 0x88200000ull,
        .virtio_slots_used = 8,
        .stdout_path = "/soc/serial@10000000",
    };
    size_t n = virt_fdt_build(&c, buf, sizeof buf);
    check(n > 0, "2-hart tree builds");
    if (!have_tool("dtc")) {
        printf("SKIP: dtc not installed, DTS checks skipped\n");
        return;
    }
    char path[256];
    sfmt(path, sizeof path, "%s/wvm_fdt_test_%ld.dtb", tmpdir(), (long)getpid());
    check(write_file(path, buf, n) == 0, "write %s", path);
    char *err = NULL, *t = decompile(path, &err);
    remove(path);
    check(t != NULL, "dtc decompiles the tree (stderr: %s)", err ? err : "");
    check(err && only_benign_warnings(err), "dtc warnings: %s", err ? err : "(none read)");
    if (!t) {
        free(err);
        return;
    }
    static const char *const want[] = {
        "#address-cells = <0x02>;\n\t#size-cells = <0x02>;\n\tcompatible = \"riscv-virtio\";",
        "bootargs = \"console=ttyS0 earlycon=sbi\";",
        "stdout-path = \"/soc/serial@10000000\";",
        "linux,initrd-start = <0x00 0x88000000>;",
        "linux,initrd-end = <0x00 0x88200000>;",
        "memory@80000000 {\n\t\tdevice_type = \"memory\";\n\t\treg = <0x00 0x80000000 0x00 0x10000000>;",
        "timebase-frequency = <0x989680>;",
        "cpu@0 {\n\t\t\tphandle = <0x01>;",
        "cpu@1 {\n\t\t\tphandle = <0x03>;",
        "core0 {\n\t\t\t\t\tcpu = <0x01>;",
        "core1 {\n\t\t\t\t\tcpu = <0x03>;",
        "clint@2000000 {\n\t\t\tinterrupts-extended = <0x02 0x03 0x02 0x07 0x04 0x03 0x04 0x07>;\n"
        "\t\t\treg = <0x00 0x2000000 0x00 0x10000>;\n"
        "\t\t\tcompatible = \"sifive,clint0\\0riscv,clint0\";",
        "plic@c000000 {\n\t\t\tphandle = <0x05>;\n\t\t\triscv,ndev = <0x5f>;\n"
        "\t\t\treg = <0x00 0xc000000 0x00 0x600000>;\n"
        "\t\t\tinterrupts-extended = <0x02 0x0b 0x02 0x09 0x04 0x0b 0x04 0x09>;",
        "compatible = \"sifive,plic-1.0.0\\0riscv,plic0\";\n\t\t\t#address-cells = <0x00>;\n"
        "\t\t\t#interrupt-cells = <0x01>;",
        "serial@10000000 {\n\t\t\treg = <0x00 0x10000000 0x00 0x100>;\n\t\t\tinterrupts = <0x0a>;\n"
        "\t\t\tinterrupt-parent = <0x05>;",
        "rtc@101000 {\n\t\t\treg = <0x00 0x101000 0x00 0x1000>;\n\t\t\tinterrupts = <0x0b>;",
        "test@100000 {\n\t\t\tphandle = <0x06>;",
        "\"sifive,test1\\0sifive,test0\\0syscon\"",
        "poweroff {\n\t\tvalue = <0x5555>;\n\t\toffset = <0x00>;\n\t\tregmap = <0x06>;\n"
        "\t\tcompatible = \"syscon-poweroff\";",
        "reboot {\n\t\tvalue = <0x7777>;\n\t\toffset = <0x00>;\n\t\tregmap = <0x06>;\n"
        "\t\tcompatible = \"syscon-reboot\";",
        "virtio_mmio@10001000 {\n\t\t\treg = <0x00 0x10001000 0x00 0x1000>;\n\t\t\tinterrupts = <0x01>;",
        "virtio_mmio@10008000 {\n\t\t\treg = <0x00 0x10008000 0x00 0x1000>;\n\t\t\tinterrupts = <0x08>;",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        check(strstr(t, want[i]) != NULL, "DTS lacks:\n%s", want[i]);
    check(count(t, "device_type = \"cpu\";") == 2, "2 cpu nodes");
    check(count(t, "riscv,isa = \"rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc\";") == 2, "riscv,isa");
    check(count(t, "mmu-type = \"riscv,sv57\";") == 2, "mmu-type");
    check(count(t, "compatible = \"riscv,cpu-intc\";") == 2, "2 cpu intc");
    check(count(t, "compatible = \"virtio,mmio\";") == 8, "8 virtio-mmio nodes");
    check(count(t, "interrupt-parent = <0x05>;") == 10, "10 PLIC-wired devices");
    free(t);
    free(err);
}

/* ---------------------------------------------------------------------- */
/* Comparison with QEMU's tree                                             */
/* ---------------------------------------------------------------------- */

#define MAXREC 512
typedef struct rec { char key[160]; char val[600]; } rec;
typedef struct dts { rec r[MAXREC]; int n; } dts;

/* Parse dtc's DTS output into records "path|prop" -> value (one "path|"
 * record per node). Returns 0, or -1 if the text is not as dtc writes it. */
static int parse_dts(const char *text, dts *d)
{
    char path[160] = "";
    size_t stack[16];
    int depth = 0;
    d->n = 0;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line[700];
        if (len >= sizeof line)
            return -1;
        memcpy(line, p, len);
        line[len] = 0;
        p = e ? e + 1 : p + len;
        char *s = line;
        while (*s == '\t' || *s == ' ')
            s++;
        size_t l = strlen(s);
        if (l == 0 || strncmp(s, "/dts-v1/", 8) == 0)
            continue;
        if (d->n >= MAXREC)
            return -1;
        rec *r = &d->r[d->n];
        if (l >= 2 && strcmp(s + l - 2, " {") == 0) {
            s[l - 2] = 0;
            if (depth >= 16)
                return -1;
            stack[depth++] = strlen(path);
            if (strcmp(s, "/") != 0) {
                size_t pl = strlen(path);
                sfmt(path + pl, sizeof path - pl, "/%s", s);
            }
            sfmt(r->key, sizeof r->key, "%s|", path[0] ? path : "/");
            r->val[0] = 0;
            d->n++;
        } else if (strcmp(s, "};") == 0) {
            if (depth == 0)
                return -1;
            path[stack[--depth]] = 0;
        } else if (s[l - 1] == ';') {
            s[l - 1] = 0;
            char *eq = strstr(s, " = ");
            if (eq)
                *eq = 0;
            sfmt(r->key, sizeof r->key, "%s|%s", path[0] ? path : "/", s);
            sfmt(r->val, sizeof r->val, "%s", eq ? eq + 3 : "");
            d->n++;
        } else {
            return -1;
        }
    }
    return depth == 0 ? 0 : -1;
}

static rec *find(dts *d, const char *key)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->r[i].key, key) == 0)
            return &d->r[i];
    return NULL;
}

/* Replace phandle numbers in reference properties by "&<node path>", and
 * phandle values by "(phandle)", so trees with different numbering compare
 * equal when their wiring is the same. */
static void resolve_phandles(dts *d)
{
    char owner[64][160];
    for (int i = 0; i < 64; i++)
        owner[i][0] = 0;
    for (int i = 0; i < d->n; i++) {
        rec *r = &d->r[i];
        char *bar = strchr(r->key, '|');
        unsigned long v;
        if (strcmp(bar, "|phandle") == 0 && sscanf(r->val, "<%lx>", &v) == 1 && v < 64) {
            sfmt(owner[v], sizeof owner[v], "%.*s", (int)(bar - r->key), r->key);
            sfmt(r->val, sizeof r->val, "(phandle)");
        }
    }
    for (int i = 0; i < d->n; i++) {
        rec *r = &d->r[i];
        const char *prop = strchr(r->key, '|') + 1;
        int every; /* which cells are phandles: 1 = all, 2 = even-indexed */
        if (!strcmp(prop, "interrupt-parent") || !strcmp(prop, "cpu") || !strcmp(prop, "regmap"))
            every = 1;
        else if (!strcmp(prop, "interrupts-extended"))
            every = 2; /* <&intc irq> pairs: every cpu-intc has #interrupt-cells 1 */
        else
            continue;
        char out[600] = "<", *save = NULL, tmp[600];
        sfmt(tmp, sizeof tmp, "%s", r->val + 1);
        int k = 0;
        for (char *tok = strtok_r(tmp, " >", &save); tok; tok = strtok_r(NULL, " >", &save), k++) {
            unsigned long v = strtoul(tok, NULL, 16);
            size_t ol = strlen(out);
            if (k % every == 0 && v < 64)
                sfmt(out + ol, sizeof out - ol, "%s&%s", k ? " " : "", owner[v]);
            else
                sfmt(out + ol, sizeof out - ol, "%s%s", k ? " " : "", tok);
        }
        sfmt(r->val, sizeof r->val, "%s>", out);
    }
}

static int qemu_only(const char *key)
{
    static const char *const skip[] = { "/pmu", "/fw-cfg@", "/flash@", "/platform-bus@", "/soc/pci@" };
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (strncmp(key, skip[i], strlen(skip[i])) == 0)
            return 1;
    return strcmp(key, "/chosen|rng-seed") == 0;
}

static void test_vs_qemu(void)
{
    if (!have_tool("qemu-system-riscv64") || !have_tool("dtc")) {
        printf("SKIP: qemu-system-riscv64 or dtc not installed, QEMU comparison skipped\n");
        return;
    }
    char qpath[256], opath[256], cmd[600];
    sfmt(qpath, sizeof qpath, "%s/wvm_fdt_test_qemu_%ld.dtb", tmpdir(), (long)getpid());
    sfmt(opath, sizeof opath, "%s/wvm_fdt_test_ours_%ld.dtb", tmpdir(), (long)getpid());
    sfmt(cmd, sizeof cmd,
             "qemu-system-riscv64 -M virt,dumpdtb=%s -m 256M -smp 2 -bios none -display none "
             ">/dev/null 2>&1", qpath);
    if (system(cmd) != 0) {
        printf("SKIP: QEMU could not dump its virt tree (%s)\n", cmd);
        remove(qpath);
        return;
    }
    char *qerr = NULL, *qtext = decompile(qpath, &qerr);
    remove(qpath);
    static dts q, o;
    check(qtext && parse_dts(qtext, &q) == 0, "parse QEMU's DTS");
    free(qtext);
    free(qerr);
    if (!q.n)
        return;

    /* Our tree for QEMU's parameters (isa and mmu-type taken from its tree). */
    rec *isa = find(&q, "/cpus/cpu@0|riscv,isa"), *mmu = find(&q, "/cpus/cpu@0|mmu-type");
    check(isa && mmu, "QEMU's cpu@0 has riscv,isa and mmu-type");
    if (!isa || !mmu)
        return;
    char isa_s[256], mmu_s[64];
    sscanf(isa->val, "\"%255[^\"]\"", isa_s);
    sscanf(mmu->val, "\"%63[^\"]\"", mmu_s);
    virt_fdt_config c = { 2, 0x80000000ull, 256ull << 20, isa_s, mmu_s, 10000000, NULL, 0, 0, 8, NULL };
    static uint8_t buf[16384];
    size_t n = virt_fdt_build(&c, buf, sizeof buf);
    check(n > 0 && write_file(opath, buf, n) == 0, "write our tree");
    char *oerr = NULL, *otext = decompile(opath, &oerr);
    remove(opath);
    check(otext && parse_dts(otext, &o) == 0, "parse our DTS");
    free(otext);
    free(oerr);

    resolve_phandles(&q);
    resolve_phandles(&o);
    int nodes = 0, props = 0, diffs = 0;
    for (int i = 0; i < q.n; i++) {
        rec *r = &q.r[i];
        if (qemu_only(r->key) || strstr(r->key, "|riscv,ndev"))
            continue;
        rec *m = find(&o, r->key);
        if (!m || strcmp(m->val, r->val) != 0) {
            diffs++;
            printf("  QEMU %s = %s; ours %s\n", r->key, r->val, m ? m->val : "(missing)");
        }
        *(r->key[strlen(r->key) - 1] == '|' ? &nodes : &props) += 1;
    }
    for (int i = 0; i < o.n; i++) {
        if (!find(&q, o.r[i].key)) {
            diffs++;
            printf("  ours only: %s = %s\n", o.r[i].key, o.r[i].val);
        }
    }
    check(diffs == 0, "tree differs from QEMU's in %d places", diffs);
    rec *qn = find(&q, "/soc/plic@c000000|riscv,ndev"), *on = find(&o, "/soc/plic@c000000|riscv,ndev");
    check(qn && on, "riscv,ndev present");
    printf("QEMU comparison: %d nodes and %d properties compared (phandle wiring resolved), %d differ; "
           "riscv,ndev QEMU %s, ours %s\n",
           nodes, props, diffs, qn ? qn->val : "?", on ? on->val : "?");
}

int main(void)
{
    test_writer();
    test_virt_size_and_args();
    test_virt_dtc();
    test_vs_qemu();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
