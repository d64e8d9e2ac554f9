/* wvm native CLI: QEMU-style flags over the C API (same flags and messages as
 * the Node CLI in src/js/cli.mjs). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/gdb_server.h"
#include "cli/gunzip.h"
#include "cli/monitor.h"
#include "cli/net_posix.h"
#include "cli/options.h"
#include "cli/snapshot_file.h"
#include "core/wvm.h"
#include "host/fs.h"
#include "host/posix_blk.h"
#include "host/posix_fs.h"

static struct termios saved_tty;
static int tty_raw;

static void die(const char *fmt, const char *arg)
{
    if (tty_raw)
        tcsetattr(0, TCSANOW, &saved_tty);
    fprintf(stderr, "wvm: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open '%s'", path);
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

typedef int (*loader)(wvm_machine *, const uint8_t *, size_t);

static void load(wvm_machine *m, loader fn, const char *path)
{
    size_t len;
    uint8_t *data = read_file(path, &len);
    if (fn(m, data, len) != 0)
        die("%s", wvm_last_error());
    free(data);
}

/* Read the kernel or initrd at `path`, unpacked on the host if it is gzip
 * (at most `ram_bytes` unpacked); *len is its length in bytes. */
static uint8_t *read_unpacked(const char *path, size_t ram_bytes, size_t *len)
{
    size_t packed_len;
    uint8_t *data = read_file(path, &packed_len), *unpacked = gunzip_image(data, packed_len, ram_bytes, len);
    if (!unpacked) {
        *len = packed_len;
        return data;
    }
    free(data);
    return unpacked;
}

/* Load the kernel or initrd at `path` with `fn`, unpacked on the host. */
static void load_unpacked(wvm_machine *m, loader fn, const char *path, size_t ram_bytes)
{
    size_t len;
    uint8_t *data = read_unpacked(path, ram_bytes, &len);
    if (fn(m, data, len) != 0)
        die("%s", wvm_last_error());
    free(data);
}

static void restore_tty(void)
{
    if (tty_raw)
        tcsetattr(0, TCSANOW, &saved_tty);
}

/* Raw terminal mode on a TTY, so keys reach the guest unchanged. */
static void raw_tty(void)
{
    if (!isatty(0) || tcgetattr(0, &saved_tty) != 0)
        return;
    struct termios t = saved_tty;
    cfmakeraw(&t);
    t.c_oflag |= OPOST | ONLCR;
    tcsetattr(0, TCSANOW, &t);
    tty_raw = 1;
    atexit(restore_tty);
}

static volatile sig_atomic_t winch = 1; /* the terminal size may have changed */

static void on_sigwinch(int sig)
{
    (void)sig;
    winch = 1;
}

/* Give the guest the terminal's size (it reaches a guest on the
 * virtio-console, console=hvc0) after a SIGWINCH. */
static void sync_size(wvm_machine *m)
{
    struct winsize ws;
    if (!winch)
        return;
    winch = 0;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row)
        wvm_console_resize(m, ws.ws_col, ws.ws_row);
}

/* Host input forwarded but not yet taken by the machine (its buffer was
 * full): sent before anything else is read from stdin. */
static uint8_t pending[256];
static size_t pending_at, pending_len;

static monitor mon;

/* The host side of user networking (-nic user), or NULL; it outlives the
 * machines of a rebooting guest, keeping the hostfwd ports. */
static net_posix *net;

/* Put machine `m`'s network device on user networking served by `net`. */
static void start_net(wvm_machine *m)
{
    if (wvm_net_user(m) != 0)
        die("%s", wvm_last_error());
    net_posix_attach(net, m);
}

/* Open `net` with o's hostfwd rules; tell the ports picked for HOSTPORT 0. */
static void open_net(cli_options *o)
{
    uint16_t asked[CLI_MAX_HOSTFWD];
    char err[300];
    for (int i = 0; i < o->nhostfwd; i++)
        asked[i] = o->hostfwd[i].host_port;
    if (!(net = net_posix_open(o->hostfwd, o->nhostfwd, err, sizeof(err))))
        die("%s", err);
    for (int i = 0; i < o->nhostfwd; i++)
        if (!asked[i])
            fprintf(stderr, "wvm: hostfwd %s:%u -> guest %u\n", o->hostfwd[i].addr, o->hostfwd[i].host_port,
                    o->hostfwd[i].guest_port);
}

/* Forward host keyboard input; Ctrl-A starts an escape (x quits, h helps,
 * c switches to the monitor and back, whose commands get the input then).
 * Input waits in `pending` rather than being dropped when the machine's
 * console buffer is full (a large paste). Returns a MON_* action. */
static int pump_stdin(wvm_machine *m, int *escape, int *eof)
{
    pending_at += wvm_console_write(m, pending + pending_at, pending_len - pending_at);
    if (pending_at < pending_len)
        return 0;
    pending_at = pending_len = 0;
    struct pollfd p = {0, POLLIN, 0};
    if (*eof || poll(&p, 1, 0) <= 0)
        return 0;
    uint8_t buf[sizeof(pending)];
    ssize_t n = read(0, buf, sizeof(buf));
    if (n <= 0) {
        *eof = 1;
        return 0;
    }
    int result = MON_NONE;
    for (ssize_t i = 0; i < n && result == MON_NONE; i++) {
        int action = cli_escape(escape, buf[i], tty_raw);
        if (action == CLI_QUIT)
            return MON_QUIT;
        if (action == CLI_HELP)
            fputs(cli_escape_help, stderr);
        else if (action == CLI_MONITOR)
            monitor_toggle(&mon, stdout);
        else if (action == CLI_FORWARD && mon.active)
            result = monitor_input(&mon, m, buf[i], stdout);
        else if (action == CLI_FORWARD)
            pending[pending_len++] = buf[i];
    }
    pending_at = wvm_console_write(m, pending, pending_len);
    return result;
}

/* Create a machine with `o`'s time settings; exits with a message on error. */
static wvm_machine *create_machine(const cli_options *o, int arch, uint32_t mem_mib, int smp, int bios)
{
    wvm_machine *m = wvm_create(arch, mem_mib, smp, bios);
    if (!m || wvm_set_icount(m, o->icount_shift, o->icount_sleep) != 0)
        die("%s", wvm_last_error());
    if (o->rtc_base_set || o->rtc_clock_vm)
        wvm_set_rtc(m, o->rtc_base_ns, o->rtc_base_set, o->rtc_clock_vm);
    return m;
}

/* Attach the -virtfs shares of `o` to `m`; exits with a message on error. */
static void add_shares(wvm_machine *m, const cli_options *o)
{
    char err[300];
    for (int i = 0; i < o->nshares; i++) {
        const cli_share *s = &o->shares[i];
        fs_backend *fs = posix_fs_open(s->path, s->readonly, err, sizeof(err));
        if (!fs)
            die("-virtfs: %s", err);
        if (wvm_add_share(m, s->tag, fs, s->readonly) < 0)
            die("%s", wvm_last_error());
    }
}

/* Restore the machine saved in `path` (-incoming) with the opened disks;
 * exits with a message on any error. */
static wvm_machine *restore_machine(const cli_options *o, const char *path, blk_backend **disks)
{
    uint8_t *state;
    size_t len;
    uint32_t info[WVM_STATE_INFO_WORDS];
    char err[300];
    if (snapshot_read(path, &state, &len, err, sizeof(err)) != 0)
        die("%s", err);
    if (wvm_state_info(state, len, info, WVM_STATE_INFO_WORDS) != 0)
        die("%s", wvm_last_error());
    if (info[3] != (uint32_t)o->ndrives) {
        snprintf(err, sizeof(err), "'%s' was saved with %u disks; give the same -drive options", path, info[3]);
        die("%s", err);
    }
    if (info[7] != (uint32_t)o->nshares) {
        snprintf(err, sizeof(err), "'%s' was saved with %u file shares; give the same -virtfs options", path, info[7]);
        die("%s", err);
    }
    wvm_machine *m = create_machine(o, (int)info[8], info[0], (int)info[1], (int)info[2]);
    for (int i = 0; i < o->ndrives; i++)
        if (wvm_add_disk(m, disks[i]) < 0)
            die("%s", wvm_last_error());
    add_shares(m, o);
    static const uint8_t any_mac[6] = {0x52, 0x54, 0}; /* the state's replaces it */
    if (info[6] && wvm_add_net(m, any_mac) != 0)
        die("%s", wvm_last_error());
    if (wvm_restore(m, state, len) != 0)
        die("%s", wvm_last_error());
    if (info[6] && net)
        start_net(m);
    free(state);
    return m;
}

/* Create the machine of `o` with the opened disks and boot it; exits with a
 * message on any error. */
static wvm_machine *start_machine(const cli_options *o, blk_backend **disks)
{
    if (!o->kernel)
        die("%s", "the guest rebooted: give -kernel to boot it again");
    size_t kernel_len;
    uint8_t *kernel = read_unpacked(o->kernel, (size_t)o->mem_mib << 20, &kernel_len);
    int arch = o->arch ? o->arch : wvm_image_arch(kernel, kernel_len);
    wvm_machine *m = create_machine(o, arch == WVM_ARCH_AARCH64 ? arch : WVM_ARCH_RISCV64, o->mem_mib, o->smp, o->bios);
    if (o->bios == WVM_BIOS_FILE)
        load(m, wvm_load_bios, o->bios_file);
    if (wvm_load_kernel(m, kernel, kernel_len) != 0)
        die("%s", wvm_last_error());
    free(kernel);
    if (o->initrd)
        load_unpacked(m, wvm_load_initrd, o->initrd, (size_t)o->mem_mib << 20);
    if (wvm_set_cmdline(m, o->append) != 0)
        die("%s", wvm_last_error());
    for (int i = 0; i < o->ndrives; i++)
        if (wvm_add_disk(m, disks[i]) < 0)
            die("%s", wvm_last_error());
    add_shares(m, o);
    if (o->net) {
        if (wvm_add_net(m, o->mac) != 0)
            die("%s", wvm_last_error());
        start_net(m);
    }
    if (wvm_boot(m) != 0)
        die("%s", wvm_last_error());
    return m;
}

int main(int argc, char **argv)
{
    cli_options o;
    char err[256];
    if (cli_parse(argc - 1, argv + 1, &o, err, sizeof(err)) != 0)
        die("%s", err);
    if (o.help) {
        fputs(cli_usage, stdout);
        return 0;
    }
    blk_backend *disks[CLI_MAX_DRIVES];
    for (int i = 0; i < o.ndrives; i++) {
        cli_drive *d = &o.drives[i];
        if (!(disks[i] = posix_blk_open(d->file, d->readonly, d->snapshot, err, sizeof(err))))
            die("%s", err);
    }
    if (o.net)
        open_net(&o);
    wvm_machine *m = o.incoming ? restore_machine(&o, o.incoming, disks) : start_machine(&o, disks);
    gdb_server gdb = {-1, -1};
    if (o.gdb && gdb_server_open(&gdb, o.gdb, err, sizeof(err)) != 0)
        die("%s", err);
    if (o.gdb_wait && wvm_gdb_attach(m) != 0)
        die("%s", wvm_last_error());
    if (o.gdb_wait)
        fprintf(stderr, "wvm: -S: the guest waits for a debugger on %s\n", o.gdb);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGWINCH, on_sigwinch);
    raw_tty();
    uint8_t out[4096];
    int st = WVM_RUNNING, escape = 0, eof = 0;
    uint64_t instret = 0;
    for (;;) {
        int action = pump_stdin(m, &escape, &eof);
        if (action == MON_QUIT)
            break;
        sync_size(m);
        gdb_server_pump(&gdb, m);
        if (mon.paused && action != MON_RESET) {
            struct pollfd p = {0, POLLIN, 0};
            poll(&p, 1, 100);
            continue;
        }
        st = action == MON_RESET ? WVM_HALTED : wvm_run(m, 10000);
        gdb_server_pump(&gdb, m);
        size_t n;
        while ((n = wvm_console_read(m, out, sizeof(out))) > 0)
            fwrite(out, 1, n, stdout);
        fflush(stdout);
        int net_busy = net && net_posix_pump(net);
        if (st == WVM_IDLE && !net_busy) {
            struct pollfd p[2 + NET_POSIX_POLLFDS] = {{0, POLLIN, 0}};
            int ms = (int)(wvm_idle_us(m) / 1000), nfds = eof ? 0 : 1;
            nfds += gdb_server_pollfds(&gdb, p + nfds);
            nfds += net ? net_posix_pollfds(net, p + nfds, NET_POSIX_POLLFDS) : 0;
            poll(p, (nfds_t)nfds, ms); /* sleep until the next timer, a key, GDB or a socket */
        }
        if (action == MON_RESET || (st == WVM_HALTED && wvm_reset_requested(m))) { /* reboot: start afresh */
            instret += wvm_instret(m);
            gdb_server_drop(&gdb, m);
            if (net)
                net_posix_detach(net); /* its connections go with the machine, the hostfwd ports stay */
            wvm_destroy(m);
            m = start_machine(&o, disks);
            winch = 1;
        } else if (st == WVM_HALTED) {
            break;
        }
    }
    int code = st == WVM_HALTED ? wvm_exit_code(m) : 0;
    if (o.stats) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        double n = (double)(instret + wvm_instret(m));
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru); /* ru_maxrss: KiB on Linux */
        fprintf(stderr, "wvm: %.0f instructions in %.3f s (%.1f M instr/s), peak RSS %.1f MiB\n", n, s,
                n / s / 1e6, (double)ru.ru_maxrss / 1024);
    }
    net_posix_close(net);
    wvm_destroy(m);
    for (int i = 0; i < o.ndrives; i++)
        posix_blk_close(disks[i]);
    return code;
}
