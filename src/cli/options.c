/* Command-line parsing of the native CLI. */
#define _POSIX_C_SOURCE 200809L
#include "cli/options.h"

#include <ctype.h>
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
    "  -nic user[,hostfwd=tcp:[HOSTADDR]:HOSTPORT-:GUESTPORT][,mac=MAC]\n"
    "                    a virtio-net device on user-mode networking, as QEMU's:\n"
    "                    the guest gets 10.0.2.15 by DHCP, 10.0.2.2 is the host's\n"
    "                    loopback, 10.0.2.3 its DNS resolver; hostfwd (repeatable)\n"
    "                    forwards a host port (HOSTADDR default 127.0.0.1) to a\n"
    "                    guest TCP port. -nic none: no network (the default)\n"
    "  -netdev user,id=ID[,hostfwd=...] -device virtio-net-device,netdev=ID[,mac=MAC]\n"
    "                    the same in QEMU's long form\n"
    "  -virtfs local,path=DIR,mount_tag=TAG,security_model=none[,readonly=on]\n"
    "                    share host directory DIR with the guest (virtio-9p, up\n"
    "                    to 4); the guest mounts it with mount -t 9p -o\n"
    "                    trans=virtio,version=9p2000.L TAG /mnt/TAG. Paths never\n"
    "                    leave DIR; readonly=on refuses every change\n"
    "  -fsdev local,id=ID,path=DIR,security_model=none[,readonly=on]\n"
    "  -device virtio-9p-device,fsdev=ID,mount_tag=TAG\n"
    "                    the same in QEMU's long form\n"
    "  -arch riscv64|aarch64  the guest architecture (default: read from the kernel\n"
    "                    image's header; x86_64 is not emulated yet)\n"
    "  -M, -machine virt the machine (QEMU's riscv64 virt board, the only one)\n"
    "  -nographic        console on stdio (the default)\n"
    "  -jit on|off|sync  compile hot guest code to WebAssembly (wasm build; default on,\n"
    "                    compiling in a worker; sync compiles on the run thread as soon\n"
    "                    as code is hot). The native build has no JIT\n"
    "  -jit-threshold N  executions of a block before its page is compiled (default 10000)\n"
    "  -icount shift=N[,sleep=on|off]\n"
    "                    guest time from instructions retired: 2^N ns each (0..10);\n"
    "                    runs with the same input repeat exactly. sleep=off: an idle\n"
    "                    guest's time jumps to its next timer at once\n"
    "  -rtc base=utc|DATE[,clock=host|vm]\n"
    "                    the RTC starts at DATE (2006-06-17 or 2006-06-17T16:01:21,\n"
    "                    UTC) and advances with host time or guest time (vm)\n"
    "  -incoming file:PATH\n"
    "                    restore a saved machine (monitor: migrate file:PATH) and\n"
    "                    run on; give the same -drive options as when it was saved\n"
    "  -gdb tcp:[HOST]:PORT\n"
    "                    wait for a GDB connection (gdb-multiarch: target remote\n"
    "                    HOST:PORT); HOST defaults to 127.0.0.1; harts are threads\n"
    "  -s                same as -gdb tcp::1234\n"
    "  -S                do not start the guest: GDB starts it (needs -gdb or -s)\n"
    "  --stats           at exit, print guest instructions retired, run time and peak RSS\n"
    "  -h, --help        this text\n"
    "Keys: Ctrl-A x quits, Ctrl-A c switches to the monitor and back, Ctrl-A h lists keys.\n"
    "An ELF with a `tohost` symbol ends the run when it writes it: 1 = pass (exit 0),\n"
    "(n << 1) | 1 = failure n (exit status n). Guest poweroff exits 0; reboot restarts.\n";

const char cli_escape_help[] =
    "\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a c    switch between console and monitor\r\n"
    "C-a C-a  send C-a\r\n";

/* Whether `a` is a flag that takes a value. */
static int valued_flag(const char *a)
{
    static const char *const valued[] = {"-m", "-smp", "-bios", "-kernel", "-initrd", "-append", "-drive",
                                         "-M", "-machine", "-jit", "-jit-threshold", "-icount", "-rtc",
                                         "-incoming", "-gdb", "-nic", "-netdev", "-device", "-virtfs", "-arch", "-fsdev"};
    for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
        if (!strcmp(a, valued[k]))
            return 1;
    return 0;
}

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

/* A -virtfs or -fsdev value (QEMU's local driver with security_model=none)
 * into *s: -virtfs names its mount_tag, -fsdev its id (into *id), which a
 * -device virtio-9p-device,fsdev=ID,mount_tag=TAG then uses. */
static int parse_share(char *spec, const char *flag, cli_share *s, const char **id, char *err, size_t n)
{
    int model = 0, fsdev = !strcmp(flag, "-fsdev");
    char msg[96];
    memset(s, 0, sizeof(*s));
    *id = NULL;
    if (strncmp(spec, "local,", 6) && strcmp(spec, "local")) {
        snprintf(msg, sizeof(msg), "%s '%%s' is not supported (only local)", flag);
        return fail(err, n, msg, spec);
    }
    char *rest = spec[5] ? spec + 6 : spec + 5;
    for (char *save = NULL, *kv = strtok_r(rest, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *v = strchr(kv, '=');
        snprintf(msg, sizeof(msg), "bad %s option '%%s' (expected key=value)", flag);
        if (!v)
            return fail(err, n, msg, kv);
        *v++ = 0;
        if (!strcmp(kv, "path"))
            s->path = v;
        else if (!strcmp(kv, "mount_tag") && !fsdev)
            s->tag = v;
        else if (!strcmp(kv, "id"))
            *id = v;
        else if (!strcmp(kv, "security_model")) {
            snprintf(msg, sizeof(msg), "%s security_model=%%s is not supported (only none)", flag);
            if (strcmp(v, "none"))
                return fail(err, n, msg, v);
            model = 1;
        } else if (!strcmp(kv, "readonly")) {
            snprintf(msg, sizeof(msg), "%s value '%%s' must be on or off", flag);
            if (strcmp(v, "on") && strcmp(v, "off"))
                return fail(err, n, msg, v);
            s->readonly = !strcmp(v, "on");
        } else {
            snprintf(msg, sizeof(msg), "unknown %s option '%%s'", flag);
            return fail(err, n, msg, kv);
        }
    }
    if (!s->path || !s->path[0])
        return fail(err, n, "%s needs path=DIR", flag);
    if (fsdev ? !*id || !**id : !s->tag || !s->tag[0] || strlen(s->tag) > 64)
        return fail(err, n, fsdev ? "%s needs id=ID" : "%s needs mount_tag=TAG (1 to 64 characters)", flag);
    if (!model)
        return fail(err, n, "%s needs security_model=none", flag);
    return 0;
}

/* Whether a -device value is a virtio-9p-device (whose commas may already be NULs). */
static int is_9p_device(const char *v)
{
    return !strncmp(v, "virtio-9p-device", 16) && (v[16] == ',' || !v[16]);
}

/* -device virtio-9p-device,fsdev=ID,mount_tag=TAG into *fsdev and *tag. */
static int parse_9p_device(char *spec, const char **fsdev, const char **tag, char *err, size_t n)
{
    *fsdev = *tag = NULL;
    char *save = NULL;
    strtok_r(spec, ",", &save); /* the driver */
    for (char *kv = strtok_r(NULL, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *v = strchr(kv, '=');
        if (!v)
            return fail(err, n, "bad -device virtio-9p-device option '%s' (expected key=value)", kv);
        *v++ = 0;
        if (!strcmp(kv, "fsdev"))
            *fsdev = v;
        else if (!strcmp(kv, "mount_tag"))
            *tag = v;
        else if (strcmp(kv, "id"))
            return fail(err, n, "unknown -device virtio-9p-device option '%s' (fsdev, mount_tag)", kv);
    }
    if (!*fsdev || !*tag || !**tag || strlen(*tag) > 64)
        return fail(err, n, "%s", "-device virtio-9p-device needs fsdev=ID and mount_tag=TAG (1 to 64 characters)");
    return 0;
}

/* Add share `s` (-virtfs, or an -fsdev used by a -device) to o->shares. */
static int add_share(cli_options *o, const cli_share *s, char *err, size_t n)
{
    if (o->nshares == CLI_MAX_SHARES)
        return fail(err, n, "too many file shares (at most %s)", "4");
    for (int i = 0; i < o->nshares; i++)
        if (!strcmp(o->shares[i].tag, s->tag))
            return fail(err, n, "mount_tag '%s' is used twice", s->tag);
    o->shares[o->nshares++] = *s;
    return 0;
}

/* The -fsdev and -device virtio-9p-device pairs, matched by id, into o->shares. */
static int pair_fsdevs(cli_options *o, cli_share *fsdevs, const char **ids, int nfs, const char **devs, int ndev,
                       char *err, size_t n)
{
    for (int d = 0; d < ndev; d++) {
        const char *fsdev, *tag;
        if (parse_9p_device((char *)devs[d], &fsdev, &tag, err, n))
            return -1;
        int f = 0;
        while (f < nfs && strcmp(ids[f], fsdev))
            f++;
        if (f == nfs)
            return fail(err, n, "-device virtio-9p-device: no -fsdev with id=%s", fsdev);
        if (fsdevs[f].tag)
            return fail(err, n, "-fsdev '%s' is used by two devices", fsdev);
        fsdevs[f].tag = tag;
        if (add_share(o, &fsdevs[f], err, n))
            return -1;
    }
    for (int f = 0; f < nfs; f++)
        if (!fsdevs[f].tag)
            return fail(err, n, "-fsdev '%s' is not used: add -device virtio-9p-device,fsdev=ID,mount_tag=TAG", ids[f]);
    return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC) as ns since the Unix epoch.
 * Returns 0, or -1 if malformed or before 1970. */
static int parse_date(const char *v, uint64_t *ns)
{
    int y, mo, d, h = 0, mi = 0, s = 0, used = 0, used2 = 0;
    if (sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 ||
        (v[used] && (sscanf(v + used, "T%2d:%2d:%2d%n", &h, &mi, &s, &used2) != 3 || v[used + used2])))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0)
        return -1;
    /* days since 1970-01-01 (the proleptic Gregorian calendar; March-based year) */
    int yy = y - (mo <= 2), era = yy / 400, yoe = yy - era * 400;
    int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long days = (long)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    *ns = ((uint64_t)days * 86400 + (uint64_t)(h * 3600 + mi * 60 + s)) * 1000000000ull;
    return 0;
}

/* -icount shift=N[,sleep=on|off] or -icount N. */
static int parse_icount(char *v, cli_options *o, char *err, size_t n)
{
    for (char *kv = strtok(v, ","); kv; kv = strtok(NULL, ",")) {
        char *eq = strchr(kv, '='), *end;
        const char *val = eq ? eq + 1 : kv;
        if (eq)
            *eq = 0;
        if (!eq || !strcmp(kv, "shift")) {
            long s = strtol(val, &end, 10);
            if (*end || !*val || s < 0 || s > 10)
                return fail(err, n, "bad -icount shift '%s' (0..10)", val);
            o->icount_shift = (int)s;
        } else if (!strcmp(kv, "sleep") && (!strcmp(val, "on") || !strcmp(val, "off"))) {
            o->icount_sleep = !strcmp(val, "on");
        } else {
            return fail(err, n, "bad -icount option '%s' (shift=N, sleep=on|off)", kv);
        }
    }
    if (o->icount_shift < 0)
        return fail(err, n, "%s", "-icount needs shift=N");
    return 0;
}

/* -rtc base=utc|DATE[,clock=host|rt|vm]. */
static int parse_rtc(char *v, cli_options *o, char *err, size_t n)
{
    for (char *kv = strtok(v, ","); kv; kv = strtok(NULL, ",")) {
        char *eq = strchr(kv, '=');
        if (!eq)
            return fail(err, n, "bad -rtc option '%s' (base=..., clock=...)", kv);
        *eq = 0;
        const char *val = eq + 1;
        if (!strcmp(kv, "base") && !strcmp(val, "utc")) {
            o->rtc_base_set = 0;
        } else if (!strcmp(kv, "base")) {
            if (parse_date(val, &o->rtc_base_ns))
                return fail(err, n, "bad -rtc base '%s' (utc, 2006-06-17 or 2006-06-17T16:01:21)", val);
            o->rtc_base_set = 1;
        } else if (!strcmp(kv, "clock") && (!strcmp(val, "host") || !strcmp(val, "rt") || !strcmp(val, "vm"))) {
            o->rtc_clock_vm = !strcmp(val, "vm");
        } else {
            return fail(err, n, "bad -rtc option '%s' (base=utc|DATE, clock=host|vm)", kv);
        }
    }
    return 0;
}

/* ---- -nic, -netdev, -device (src/js/options.mjs: parseNet) ----
 * A value is split at its commas in place into `n` NUL-terminated items;
 * each is key=value, or for the first a bare value of key `bare`. */
enum { NET_NIC, NET_NETDEV, NET_DEVICE };
typedef struct net_arg {
    int kind;
    const char *flag, *bare;
    char *items; /* NULL: the flag was not given */
    int n;
} net_arg;

typedef struct net_kv {
    const char *key; /* klen bytes, not NUL-terminated */
    char *val;
    size_t klen;
} net_kv;

static char *next_item(char *it) { return it + strlen(it) + 1; }

/* Item number `i` (its text `it`) of `a` as key and value; key NULL if it has no '='. */
static net_kv item_kv(const net_arg *a, char *it, int i)
{
    char *eq = strchr(it, '=');
    if (eq)
        return (net_kv){it, eq + 1, (size_t)(eq - it)};
    return (net_kv){i ? NULL : a->bare, it, i ? 0 : strlen(a->bare)};
}

static int key_is(net_kv kv, const char *key) { return kv.klen == strlen(key) && !strncmp(kv.key, key, kv.klen); }

/* The value of the first item of `a` with `key`, or NULL. */
static const char *net_value(const net_arg *a, const char *key)
{
    char *it = a->items;
    for (int i = 0; i < a->n; i++, it = next_item(it))
        if (key_is(item_kv(a, it, i), key))
            return item_kv(a, it, i).val;
    return NULL;
}

/* The digits at s (at least one), followed by `stop` (*end points there), as
 * a number (capped at 999999). Returns -1 if s is not that. */
static long port_digits(const char *s, char stop, const char **end)
{
    long v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (*p - '0') > 999999 ? 999999 : v * 10 + (*p - '0');
    if (p == s || *p != stop)
        return -1;
    *end = p;
    return v;
}

/* `r` as "[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT": the ports into *f, the
 * guest address (start and length) into *gaddr, *glen. Returns the length of
 * HOSTADDR, or -1 if r is not that. */
static int match_hostfwd(const char *r, cli_hostfwd *f, const char **gaddr, size_t *glen)
{
    const char *colon = strchr(r, ':'), *dash, *gcolon, *end;
    long hp = colon ? port_digits(colon + 1, '-', &dash) : -1;
    gcolon = hp >= 0 ? strchr(dash + 1, ':') : NULL;
    long gp = gcolon ? port_digits(gcolon + 1, 0, &end) : -1;
    if (gp < 0 || hp > 65535 || gp < 1 || gp > 65535)
        return -1;
    f->host_port = (uint16_t)hp;
    f->guest_port = (uint16_t)gp;
    *gaddr = dash + 1;
    *glen = (size_t)(gcolon - dash - 1);
    return (int)(colon - r);
}

/* A hostfwd rule as QEMU writes it: tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT
 * (tcp: may be left out; HOSTADDR defaults to 127.0.0.1). f->addr points
 * into the rule: *cut (NULL if none) is where to end it with a NUL once the
 * rule's item is no longer needed. */
static int parse_hostfwd(char *rule, cli_hostfwd *f, char **cut, char *err, size_t n)
{
    const char *gaddr;
    size_t glen;
    int proto = !strncmp(rule, "tcp:", 4) ? 't' : !strncmp(rule, "udp:", 4) ? 'u' : 0, alen = -1;
    if (proto)
        alen = match_hostfwd(rule + 4, f, &gaddr, &glen);
    if (alen < 0) /* as a regular expression would: the prefix may be the host address instead */
        proto = 0, alen = match_hostfwd(rule, f, &gaddr, &glen);
    if (alen < 0)
        return fail(err, n, "bad hostfwd '%s' (expected tcp:[HOSTADDR]:HOSTPORT-:GUESTPORT)", rule);
    if (proto == 'u')
        return fail(err, n, "hostfwd '%s': only tcp is forwarded", rule);
    if (glen && (glen != 9 || strncmp(gaddr, "10.0.2.15", 9)))
        return fail(err, n, "hostfwd '%s': the guest is 10.0.2.15", rule);
    char *addr = rule + (proto ? 4 : 0);
    f->addr = alen ? addr : "127.0.0.1";
    *cut = alen ? addr + alen : NULL;
    return 0;
}

/* "xx:xx:xx:xx:xx:xx", unicast, into mac. Returns 0, or -1. */
static int parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        const char *b = s + 3 * i;
        if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]) || b[2] != (i < 5 ? ':' : 0))
            return -1;
        mac[i] = (uint8_t)strtoul((char[3]){b[0], b[1], 0}, NULL, 16);
    }
    return mac[0] & 1 ? -1 : 0;
}

/* The hostfwd rules and MAC address of `a` into *o: keys hostfwd (if
 * `fwd`) and mac (if `mac`), besides `skip1` and `skip2` (its type, its id). */
static int net_items(const net_arg *a, cli_options *o, int fwd, int mac, const char *skip1, const char *skip2,
                     char *err, size_t n)
{
    char *it = a->items, *cut[CLI_MAX_HOSTFWD];
    int first = o->nhostfwd;
    for (int i = 0; i < a->n; i++, it = next_item(it)) {
        net_kv kv = item_kv(a, it, i);
        if (key_is(kv, skip1) || key_is(kv, skip2))
            continue;
        if (fwd && key_is(kv, "hostfwd")) {
            if (o->nhostfwd == CLI_MAX_HOSTFWD)
                return fail(err, n, "too many hostfwd rules (at most %s)", "8");
            if (parse_hostfwd(kv.val, &o->hostfwd[o->nhostfwd], &cut[o->nhostfwd], err, n))
                return -1;
            o->nhostfwd++;
        } else if (mac && key_is(kv, "mac")) {
            if (parse_mac(kv.val, o->mac))
                return fail(err, n, "bad mac '%s' (six hex bytes, unicast: 52:54:00:12:34:56)", kv.val);
        } else {
            snprintf(err, n, "bad %s option '%.*s' (%s)", a->flag, (int)kv.klen, kv.key,
                     fwd && mac ? "hostfwd, mac" : fwd ? "hostfwd" : "mac");
            return -1;
        }
    }
    for (int i = first; i < o->nhostfwd; i++)
        if (cut[i])
            *cut[i] = 0; /* the items are walked by their NULs: only now */
    return 0;
}

/* A -nic, -netdev or -device value into `a` (one of each at most). */
static int net_arg_add(net_arg *a, char *v, char *err, size_t n)
{
    char *it = v;
    int items = 1;
    for (char *c = v; *c; c++)
        if (*c == ',')
            *c = 0, items++;
    for (int i = 0; i < items; i++, it = next_item(it))
        if (!item_kv(a, it, i).key) {
            snprintf(err, n, "bad %s option '%s'", a->flag, it);
            return -1;
        }
    const char *type = item_kv(a, v, 0).val;
    if (a->kind == NET_DEVICE && strcmp(type, "virtio-net-device"))
        return fail(err, n, "-device '%s' is not emulated (only virtio-net-device)", type);
    if (a->kind != NET_DEVICE && strcmp(type, "user") && !(a->kind == NET_NIC && !strcmp(type, "none"))) {
        snprintf(err, n, "%s '%s' is not supported (only user%s)", a->flag, type, a->kind == NET_NIC ? " or none" : "");
        return -1;
    }
    if (a->items)
        return fail(err, n, "only one %s (one network device)", a->flag);
    a->items = v;
    a->n = items;
    return 0;
}

/* The -nic, -netdev and -device values of argv (checked by cli_parse), in
 * their order, into o->net, o->mac and o->hostfwd. */
static int parse_net(int argc, char **argv, cli_options *o, char *err, size_t n)
{
    net_arg args[] = {{NET_NIC, "-nic", "type", NULL, 0}, {NET_NETDEV, "-netdev", "type", NULL, 0},
                      {NET_DEVICE, "-device", "driver", NULL, 0}};
    net_arg *nic = &args[NET_NIC], *netdev = &args[NET_NETDEV], *device = &args[NET_DEVICE];
    for (int i = 0; i < argc; i++) {
        if (!valued_flag(argv[i]))
            continue;
        int p9 = !strcmp(argv[i], "-device") && is_9p_device(argv[i + 1]); /* a file share's */
        for (int k = 0; k < 3 && !p9; k++)
            if (!strcmp(argv[i], args[k].flag) && net_arg_add(&args[k], argv[i + 1], err, n))
                return -1;
        i++; /* its value */
    }
    memcpy(o->mac, (const uint8_t[6]){0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, 6);
    if (nic->items && (netdev->items || device->items))
        return fail(err, n, "%s", "give -nic, or -netdev with -device, not both");
    if (nic->items) {
        if (!strcmp(item_kv(nic, nic->items, 0).val, "none"))
            return 0;
        o->net = 1;
        return net_items(nic, o, 1, 1, "type", "type", err, n);
    }
    if (!netdev->items && !device->items)
        return 0;
    const char *id = netdev->items ? net_value(netdev, "id") : NULL;
    if (!id || !*id)
        return fail(err, n, "%s", netdev->items ? "-netdev needs id=ID"
                                                : "-device virtio-net-device needs netdev=ID of a -netdev user,id=ID");
    const char *used = device->items ? net_value(device, "netdev") : NULL;
    if (!used || strcmp(used, id)) {
        snprintf(err, n, "-netdev '%s' is not used: add -device virtio-net-device,netdev=%s", id, id);
        return -1;
    }
    o->net = 1;
    if (net_items(netdev, o, 1, 0, "type", "id", err, n))
        return -1;
    return net_items(device, o, 0, 1, "driver", "netdev", err, n);
}

int cli_parse(int argc, char **argv, cli_options *o, char *err, size_t n)
{
    memset(o, 0, sizeof(*o));
    o->mem_mib = 256;
    o->smp = 1;
    o->bios = WVM_BIOS_BUILTIN;
    o->append = "";
    o->icount_shift = -1;
    o->icount_sleep = 1;
    cli_share fsdevs[CLI_MAX_SHARES]; /* -fsdev, paired with -device virtio-9p-device by id */
    const char *fsdev_ids[CLI_MAX_SHARES], *devs[CLI_MAX_SHARES];
    int nfs = 0, ndev = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            o->help = 1;
            continue;
        }
        if (!strcmp(a, "-nographic"))
            continue;
        if (!strcmp(a, "-s") || !strcmp(a, "-S")) {
            if (a[1] == 's')
                o->gdb = "tcp::1234";
            else
                o->gdb_wait = 1;
            continue;
        }
        if (!strcmp(a, "--stats")) {
            o->stats = 1;
            continue;
        }
        if (!valued_flag(a))
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
        } else if (!strcmp(a, "-icount")) {
            if (parse_icount(v, o, err, n))
                return -1;
        } else if (!strcmp(a, "-rtc")) {
            if (parse_rtc(v, o, err, n))
                return -1;
        } else if (!strcmp(a, "-gdb")) {
            o->gdb = v;
        } else if (!strcmp(a, "-nic") || !strcmp(a, "-netdev") || (!strcmp(a, "-device") && !is_9p_device(v))) {
            /* parse_net reads it after the other options, as options.mjs */
        } else if (!strcmp(a, "-incoming")) {
            if (strncmp(v, "file:", 5) || !v[5])
                return fail(err, n, "bad -incoming '%s' (only file:PATH)", v);
            o->incoming = v + 5;
        } else if (!strcmp(a, "-arch")) {
            if (!strcmp(v, "x86_64"))
                return fail(err, n, "-arch %s: not emulated yet (riscv64 and aarch64 are)", v);
            if (strcmp(v, "riscv64") && strcmp(v, "aarch64"))
                return fail(err, n, "bad -arch value '%s' (riscv64, aarch64 or x86_64)", v);
            o->arch = strcmp(v, "riscv64") ? WVM_ARCH_AARCH64 : WVM_ARCH_RISCV64;
        } else if (!strcmp(a, "-virtfs")) {
            cli_share sh;
            const char *id;
            if (parse_share(v, a, &sh, &id, err, n) || add_share(o, &sh, err, n))
                return -1;
        } else if (!strcmp(a, "-fsdev")) {
            if (nfs == CLI_MAX_SHARES)
                return fail(err, n, "too many -fsdev options (at most %s)", "4");
            if (parse_share(v, a, &fsdevs[nfs], &fsdev_ids[nfs], err, n))
                return -1;
            nfs++;
        } else if (!strcmp(a, "-device") && is_9p_device(v)) {
            if (ndev == CLI_MAX_SHARES)
                return fail(err, n, "too many virtio-9p-device options (at most %s)", "4");
            devs[ndev++] = v;
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
    if (pair_fsdevs(o, fsdevs, fsdev_ids, nfs, devs, ndev, err, n) || parse_net(argc, argv, o, err, n))
        return -1;
    if (o->gdb_wait && !o->gdb)
        return fail(err, n, "%s", "-S needs -gdb or -s (the debugger starts the guest)");
    if (!o->help && !o->kernel && !o->incoming)
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
    return byte == 'x' ? CLI_QUIT : byte == 'h' ? CLI_HELP : byte == 'c' ? CLI_MONITOR : byte == 1 ? CLI_FORWARD
                                                                                       : CLI_SWALLOW;
}
