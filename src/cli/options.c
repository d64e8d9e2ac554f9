/* Command-line parsing of the native CLI. */
#define _POSIX_C_SOURCE 200809L
#include "cli/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wvm.h"

const char cli_usage[] =
    "usage: wvm [options]\n"
    "  -m SIZE           guest RAM in MiB (default 256; M/G suffixes accepted)\n"
    "  -smp N            number of harts, 1..8 (default 1)\n"
    "  -bios FILE|none|builtin\n"
    "                    firmware: an OpenSBI image such as fw_dynamic.bin or\n"
    "                    fw_jump.bin; 'none' runs the kernel in machine mode from\n"
    "                    its entry (bare metal); 'builtin' (default) boots an S-mode\n"
    "                    kernel with the built-in SBI\n"
    "  -kernel FILE      kernel: ELF executable or raw image (Linux Image)\n"
    "  -initrd FILE      initial RAM disk\n"
    "  -append STRING    kernel command line\n"
    "  -drive file=FILE,format=raw,if=virtio[,readonly=on][,snapshot=on]\n"
    "                    a virtio-blk disk (up to 4)\n"
    "  -M, -machine virt the machine (QEMU's riscv64 virt board, the only one)\n"
    "  -nographic        console on stdio (the default)\n"
    "  -jit on|off|sync  compile hot guest code to WebAssembly (wasm build; default on,\n"
    "                    compiling in a worker; sync compiles on the run thread as soon\n"
    "                    as code is hot). The native build has no JIT\n"
    "  -jit-threshold N  executions of a block before its page is compiled (default 10000)\n"
    "  --stats           at exit, print guest instructions retired, run time and peak RSS\n"
    "  -h, --help        this text\n"
    "Keys: Ctrl-A x quits, Ctrl-A h lists keys.\n"
    "An ELF with a `tohost` symbol ends the run when it writes it: 1 = pass (exit 0),\n"
    "(n << 1) | 1 = failure n (exit status n). Guest poweroff exits 0; reboot restarts.\n";

const char cli_escape_help[] =
    "\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a C-a  send C-a\r\n";

static int fail(char *err, size_t n, const char *fmt, const char *arg)
{
    snprintf(err, n, fmt, arg);
    return -1;
}

/* "-m" value: MiB, or with an M/G suffix as in QEMU. */
static int parse_mem(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s)
        return -1;
    if (*end == 'G' || *end == 'g')
        v *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        end++;
    if (*end || v < 16 || v > 2048)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_drive(char *spec, cli_drive *d, char *err, size_t n)
{
    memset(d, 0, sizeof(*d));
    for (char *save = NULL, *kv = strtok_r(spec, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *v = strchr(kv, '=');
        if (!v)
            return fail(err, n, "bad -drive option '%s' (expected key=value)", kv);
        *v++ = 0;
        if (!strcmp(kv, "file"))
            d->file = v;
        else if (!strcmp(kv, "format")) {
            if (strcmp(v, "raw"))
                return fail(err, n, "-drive format '%s' is not supported (only raw)", v);
        } else if (!strcmp(kv, "if")) {
            if (strcmp(v, "virtio"))
                return fail(err, n, "-drive if='%s' is not supported (only virtio)", v);
        } else if (!strcmp(kv, "readonly") || !strcmp(kv, "snapshot")) {
            int on = !strcmp(v, "on");
            if (!on && strcmp(v, "off"))
                return fail(err, n, "-drive value '%s' must be on or off", v);
            *(!strcmp(kv, "readonly") ? &d->readonly : &d->snapshot) = on;
        } else {
            return fail(err, n, "unknown -drive option '%s'", kv);
        }
    }
    if (!d->file)
        return fail(err, n, "%s", "-drive needs file=FILE");
    return 0;
}

int cli_parse(int argc, char **argv, cli_options *o, char *err, size_t n)
{
    static const char *const valued[] = {"-m", "-smp", "-bios", "-kernel", "-initrd", "-append", "-drive", "-M", "-machine",
                                         "-jit", "-jit-threshold"};
    memset(o, 0, sizeof(*o));
    o->mem_mib = 256;
    o->smp = 1;
    o->bios = WVM_BIOS_BUILTIN;
    o->append = "";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            o->help = 1;
            continue;
        }
        if (!strcmp(a, "-nographic"))
            continue;
        if (!strcmp(a, "--stats")) {
            o->stats = 1;
            continue;
        }
        int known = 0;
        for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
            known |= !strcmp(a, valued[k]);
        if (!known)
            return fail(err, n, "unknown option '%s' (try --help)", a);
        if (i + 1 >= argc)
            return fail(err, n, "option '%s' needs a value", a);
        char *v = argv[++i];
        if (!strcmp(a, "-m")) {
            if (parse_mem(v, &o->mem_mib))
                return fail(err, n, "bad -m value '%s' (16..2048 MiB)", v);
        } else if (!strcmp(a, "-smp")) {
            char *end;
            long s = strtol(v, &end, 10);
            if (*end || s < 1 || s > 8)
                return fail(err, n, "bad -smp value '%s' (1..8)", v);
            o->smp = (int)s;
        } else if (!strcmp(a, "-bios")) {
            o->bios = !strcmp(v, "none") ? WVM_BIOS_NONE : !strcmp(v, "builtin") ? WVM_BIOS_BUILTIN : WVM_BIOS_FILE;
            o->bios_file = v;
        } else if (!strcmp(a, "-kernel")) {
            o->kernel = v;
        } else if (!strcmp(a, "-initrd")) {
            o->initrd = v;
        } else if (!strcmp(a, "-append")) {
            o->append = v;
        } else if (!strcmp(a, "-jit")) {
            if (strcmp(v, "on") && strcmp(v, "off") && strcmp(v, "sync"))
                return fail(err, n, "bad -jit value '%s' (on, off or sync)", v);
            if (strcmp(v, "off"))
                return fail(err, n, "%s", "-jit: the native build has no JIT (it runs the interpreter); the wasm build has one (node src/js/cli.mjs)");
        } else if (!strcmp(a, "-jit-threshold")) {
            char *end;
            long t = strtol(v, &end, 10);
            if (*end || t < 1 || t > 1000000000)
                return fail(err, n, "bad -jit-threshold value '%s' (1..1000000000)", v);
        } else if (!strcmp(a, "-M") || !strcmp(a, "-machine")) {
            if (strcmp(v, "virt"))
                return fail(err, n, "machine '%s' is not emulated (only 'virt')", v);
        } else {
            if (o->ndrives == CLI_MAX_DRIVES)
                return fail(err, n, "too many -drive options (at most %s)", "4");
            if (parse_drive(v, &o->drives[o->ndrives++], err, n))
                return -1;
        }
    }
    if (!o->help && !o->kernel)
        return fail(err, n, "%s", "no -kernel given (try --help)");
    return 0;
}

int cli_escape(int *state, uint8_t byte, int enabled)
{
    if (!enabled)
        return CLI_FORWARD;
    if (!*state) {
        if (byte == 1) {
            *state = 1;
            return CLI_SWALLOW;
        }
        return CLI_FORWARD;
    }
    *state = 0;
    return byte == 'x' ? CLI_QUIT : byte == 'h' ? CLI_HELP : byte == 1 ? CLI_FORWARD : CLI_SWALLOW;
}
