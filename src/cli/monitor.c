/* The native CLI's monitor (cli/monitor.h). Output goes to a raw terminal:
 * lines end in CR LF. */
#include "cli/monitor.h"

#include <string.h>

#include "cli/snapshot_file.h"

static const char help[] =
    "help                  this text\r\n"
    "stop                  pause the guest\r\n"
    "cont, c               resume it\r\n"
    "info status           running or paused\r\n"
    "info registers        each hart's pc, registers and main CSRs\r\n"
    "system_reset          reboot the guest\r\n"
    "migrate file:PATH     save the machine to PATH (restore: -incoming file:PATH)\r\n"
    "quit, q               exit wvm\r\n";

static const char *const abi[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
                                    "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                                    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

/* CSRs `info registers` shows, with their numbers. */
static const struct { const char *name; int csr; } csrs[] = {
    {"mstatus", 0x300}, {"mepc", 0x341}, {"mcause", 0x342}, {"mtval", 0x343}, {"mie", 0x304},
    {"mip", 0x344},     {"satp", 0x180}, {"sepc", 0x141},   {"scause", 0x142}, {"stval", 0x143},
};

static void info_registers(wvm_machine *m, FILE *out)
{
    for (int h = 0; h < wvm_nharts(m); h++) {
        fprintf(out, "hart %d: pc %016llx  instret %llu\r\n", h, (unsigned long long)wvm_reg(m, h, 64),
                (unsigned long long)wvm_reg(m, h, 65));
        for (int i = 0; i < 32; i++)
            fprintf(out, " x%-2d/%-4s %016llx%s", i, abi[i], (unsigned long long)wvm_reg(m, h, i),
                    i % 4 == 3 ? "\r\n" : "");
        for (size_t i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++)
            fprintf(out, " %-8s %016llx%s", csrs[i].name, (unsigned long long)wvm_reg(m, h, 0x1000 + csrs[i].csr),
                    i % 4 == 3 ? "\r\n" : "");
        fputs("\r\n", out);
    }
}

/* Run one command line. */
static int run(monitor *mon, wvm_machine *m, char *line, FILE *out)
{
    char *cmd = strtok(line, " \t"), *arg = strtok(NULL, " \t");
    if (!cmd)
        return MON_NONE;
    if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
        fputs(help, out);
    } else if (!strcmp(cmd, "stop")) {
        mon->paused = 1;
    } else if (!strcmp(cmd, "cont") || !strcmp(cmd, "c")) {
        mon->paused = 0;
    } else if (!strcmp(cmd, "info") && arg && !strcmp(arg, "status")) {
        fprintf(out, "VM status: %s\r\n", mon->paused ? "paused" : "running");
    } else if (!strcmp(cmd, "info") && arg && !strcmp(arg, "registers")) {
        info_registers(m, out);
    } else if (!strcmp(cmd, "system_reset")) {
        return MON_RESET;
    } else if (!strcmp(cmd, "migrate")) {
        char err[256];
        if (!arg || strncmp(arg, "file:", 5) || !arg[5])
            fputs("migrate: give file:PATH\r\n", out);
        else if (snapshot_write(m, arg + 5, NULL, 0, err, sizeof(err)) != 0)
            fprintf(out, "migrate: %s\r\n", err);
        else
            fprintf(out, "saved to %s\r\n", arg + 5);
    } else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) {
        return MON_QUIT;
    } else {
        fprintf(out, "unknown command: '%s' (try help)\r\n", cmd);
    }
    return MON_NONE;
}

void monitor_toggle(monitor *mon, FILE *out)
{
    mon->active = !mon->active;
    mon->len = 0;
    if (mon->active)
        fputs("\r\nwvm monitor - type 'help' for more information, Ctrl-A c to return\r\n(wvm) ", out);
    else
        fputs("\r\n", out);
    fflush(out);
}

int monitor_input(monitor *mon, wvm_machine *m, unsigned char byte, FILE *out)
{
    int action = MON_NONE;
    if (byte == '\r' || byte == '\n') {
        fputs("\r\n", out);
        mon->line[mon->len] = 0;
        mon->len = 0;
        action = run(mon, m, mon->line, out);
        if (action == MON_NONE)
            fputs("(wvm) ", out);
    } else if ((byte == 0x7f || byte == 8) && mon->len) {
        mon->len--;
        fputs("\b \b", out);
    } else if (byte >= 0x20 && byte < 0x7f && mon->len + 1 < sizeof(mon->line)) {
        mon->line[mon->len++] = (char)byte;
        fputc(byte, out);
    }
    fflush(out);
    return action;
}
