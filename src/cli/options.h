/* Command-line options of the native CLI (QEMU-style), shared wording with
 * the Node CLI (src/js/options.mjs). */
#ifndef WVM_CLI_OPTIONS_H
#define WVM_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#define CLI_MAX_DRIVES 4
#define CLI_MAX_HOSTFWD 8
#define CLI_MAX_SHARES 4

/* A hostfwd rule: host TCP connections to addr:host_port (port 0: one the
 * system picks) go to the guest's guest_port. */
typedef struct cli_hostfwd {
    const char *addr; /* IPv4 address or host name (default "127.0.0.1") */
    uint16_t host_port, guest_port;
} cli_hostfwd;

typedef struct cli_drive {
    const char *file;
    int readonly, snapshot;
} cli_drive;

/* A -virtfs share: host directory `path` as mount tag `tag`. */
typedef struct cli_share {
    const char *path, *tag;
    int readonly;
} cli_share;

typedef struct cli_options {
    uint32_t mem_mib;
    int smp;
    int bios;              /* enum wvm_bios */
    const char *bios_file; /* for WVM_BIOS_FILE */
    const char *kernel, *initrd, *append;
    int arch;                      /* enum wvm_arch; 0: from the kernel image's header */
    cli_drive drives[CLI_MAX_DRIVES];
    int ndrives;
    int help;
    int stats; /* --stats: print instructions and time at exit */
    int icount_shift, icount_sleep; /* -icount (shift -1: host time) */
    int rtc_base_set, rtc_clock_vm; /* -rtc */
    uint64_t rtc_base_ns;           /* -rtc base=DATE: ns since the Unix epoch (UTC) */
    const char *incoming;           /* -incoming file:PATH: the PATH */
    const char *gdb;                /* -gdb tcp::PORT (-s: tcp::1234), or NULL */
    int gdb_wait;                   /* -S: do not start the guest until GDB continues it */
    int net;                        /* -nic user or -netdev user: a virtio-net device on user networking */
    uint8_t mac[6];                 /* its Ethernet address (default 52:54:00:12:34:56) */
    cli_hostfwd hostfwd[CLI_MAX_HOSTFWD];
    int nhostfwd;
    cli_share shares[CLI_MAX_SHARES];
    int nshares;
} cli_options;

extern const char cli_usage[];
extern const char cli_escape_help[];

/* Parse `argc` arguments (without the program name) into *o. Returns 0, or
 * -1 with a one-line message in err (unknown flag, missing value, bad
 * number, bad -drive, -nic/-netdev/-device or -virtfs). Strings in *o point into
 * argv, which is modified (values split at commas). */
int cli_parse(int argc, char **argv, cli_options *o, char *err, size_t errlen);

/* Ctrl-A escape handling for one input byte: returns what to do with it.
 * *state carries whether the previous byte was Ctrl-A. */
enum { CLI_FORWARD, CLI_SWALLOW, CLI_QUIT, CLI_HELP, CLI_MONITOR };
int cli_escape(int *state, uint8_t byte, int enabled);

#endif
