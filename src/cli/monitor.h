/* The native CLI's monitor (Ctrl-A c), a subset of QEMU's human monitor:
 * help, stop, cont, info status, info registers, system_reset,
 * migrate file:PATH, quit. The Node CLI has the same (src/js/monitor.mjs). */
#ifndef WVM_CLI_MONITOR_H
#define WVM_CLI_MONITOR_H

#include <stddef.h>
#include <stdio.h>

#include "core/wvm.h"

typedef struct monitor {
    int active;      /* the terminal talks to the monitor, not the guest */
    int paused;      /* `stop` was given: the guest does not run */
    char line[512];  /* the command being typed */
    size_t len;
} monitor;

/* What a command asks of the run loop. */
enum { MON_NONE, MON_QUIT, MON_RESET };

/* Switch the terminal between guest console and monitor (Ctrl-A c); prints
 * the banner and prompt on `out` when entering. */
void monitor_toggle(monitor *mon, FILE *out);

/* One typed byte for the monitor: echoes it (raw terminal) on `out` and
 * runs the line on Enter against `m`. Returns a MON_* action. */
int monitor_input(monitor *mon, wvm_machine *m, unsigned char byte, FILE *out);

#endif
