/* wvm native CLI: QEMU-style flags over the C API (same flags as the Node
 * CLI in src/js/cli.mjs). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/wvm.h"

static const char usage[] =
    "usage: wvm [options]\n"
    "  -m MiB            guest RAM in MiB (default 128; QEMU's M/G suffixes accepted)\n"
    "  -smp N            number of harts (default 1)\n"
    "  -bios none        run the kernel in machine mode from its entry (bare metal)\n"
    "  -kernel FILE      kernel: ELF executable or raw image\n"
    "  -nographic        console on stdio (the default)\n"
    "  -h, --help        this text\n"
    "An ELF with a `tohost` symbol ends the run when it writes it: 1 = pass (exit 0),\n"
    "(n << 1) | 1 = failure n (exit status n).\n";

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "wvm: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open '%s'", path), (void)0;
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (n == cap && !(buf = realloc(buf, cap *= 2)))
            die("out of memory reading '%s'", path);
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    if (ferror(f))
        die("error reading '%s'", path);
    fclose(f);
    *len = n;
    return buf;
}

/* "-m" value: plain MiB, or with an M/G suffix as in QEMU. */
static uint32_t parse_mem(const char *s)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s)
        die("bad -m value '%s'", s);
    if (*end == 'G' || *end == 'g')
        v *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        end++;
    if (*end || v == 0 || v > 2048)
        die("bad -m value '%s' (1..2048 MiB)", s);
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    uint32_t mem = 128;
    int smp = 1;
    const char *kernel = NULL, *bios = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "-nographic")) {
            continue;
        } else if (!strcmp(a, "-m") || !strcmp(a, "-smp") || !strcmp(a, "-kernel") ||
                   !strcmp(a, "-bios")) {
            if (!v)
                die("option '%s' needs a value", a);
            i++;
            if (!strcmp(a, "-m"))
                mem = parse_mem(v);
            else if (!strcmp(a, "-smp")) {
                smp = atoi(v);
                if (smp < 1 || smp > 8)
                    die("bad -smp value '%s' (1..8)", v);
            } else if (!strcmp(a, "-kernel"))
                kernel = v;
            else
                bios = v;
        } else {
            die("unknown option '%s' (try --help)", a);
        }
    }
    if (!kernel)
        die("%s", "no -kernel given (try --help)");
    if (bios && strcmp(bios, "none"))
        die("-bios '%s' is not supported (only 'none')", bios);

    wvm_machine *m = wvm_create(mem, smp, WVM_BIOS_NONE);
    if (!m)
        die("%s", wvm_last_error());
    size_t len;
    uint8_t *data = read_file(kernel, &len);
    if (wvm_load_kernel(m, data, len) != 0 || wvm_boot(m) != 0)
        die("%s", wvm_last_error());
    free(data);

    uint8_t out[4096];
    int st;
    do {
        st = wvm_run(m, 20000);
        size_t n;
        while ((n = wvm_console_read(m, out, sizeof(out))) > 0)
            fwrite(out, 1, n, stdout);
        fflush(stdout);
        if (st == WVM_IDLE) {
            uint32_t us = wvm_idle_us(m);
            struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};
            nanosleep(&ts, NULL);
        }
    } while (st != WVM_HALTED);
    int code = wvm_exit_code(m);
    wvm_destroy(m);
    return code;
}
