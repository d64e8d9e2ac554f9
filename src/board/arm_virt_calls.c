/* Calls the aarch64 virt board answers for its CPUs: Arm semihosting
 * (Semihosting for AArch32 and AArch64, release 2.0: SYS_WRITEC 0x03,
 * SYS_WRITE0 0x04, SYS_EXIT 0x18, SYS_EXIT_EXTENDED 0x20) and PSCI 1.0
 * (Arm DEN 0022D: PSCI_VERSION, CPU_ON, CPU_OFF, AFFINITY_INFO,
 * SYSTEM_OFF, SYSTEM_RESET, PSCI_FEATURES), as QEMU does without firmware. */
#include "board/arm_virt.h"

#include "core/board.h"
#include "mem/softmmu.h"

enum { SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20 };
#define ADP_STOPPED_APPLICATION_EXIT 0x20026ull

/* Read `n` bytes at guest-virtual `va` as the CPU's data accesses see it;
 * -1 if a byte is not readable RAM. */
static int read_guest(a64_cpu *c, uint64_t va, void *buf, size_t n)
{
    uint8_t *out = buf;
    for (size_t i = 0; i < n; i++) {
        uint64_t pa;
        const uint8_t *p;
        if (mmu_probe(&c->cpu, va + i, ACC_READ, c->cpu.data_idx, &pa) != 0 || !(p = phys_ram_ptr(c->cpu.pm, pa, 1)))
            return -1;
        out[i] = *p;
    }
    return 0;
}

int arm_virt_semihost(a64_cpu *c, void *opaque)
{
    wvm_machine *m = opaque;
    uint64_t op = c->cpu.r[A64_X(0)] & 0xffffffffull, arg = c->cpu.r[A64_X(1)], block[2];
    uint8_t ch;
    switch (op) {
    case SYS_WRITEC:
        if (read_guest(c, arg, &ch, 1) == 0)
            machine_console_out(m, &ch, 1);
        return 1;
    case SYS_WRITE0:
        for (uint64_t i = 0; i < (1u << 20) && read_guest(c, arg + i, &ch, 1) == 0 && ch; i++)
            machine_console_out(m, &ch, 1);
        return 1;
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED:
        if (read_guest(c, arg, block, sizeof(block)) != 0)
            block[0] = 0, block[1] = 1;
        machine_halt(m, block[0] == ADP_STOPPED_APPLICATION_EXIT ? (int)(block[1] & 0xff) : 1);
        return 1;
    default:
        c->cpu.r[A64_X(0)] = ~0ull; /* not supported */
        return 1;
    }
}

enum {
    PSCI_VERSION = 0x84000000, CPU_OFF = 0x84000002, CPU_ON = 0xc4000003, AFFINITY_INFO = 0xc4000004,
    MIGRATE_INFO_TYPE = 0x84000006, SYSTEM_OFF = 0x84000008, SYSTEM_RESET = 0x84000009, PSCI_FEATURES = 0x8400000a
};
enum { PSCI_SUCCESS = 0, PSCI_NOT_SUPPORTED = -1, PSCI_INVALID_PARAMETERS = -2, PSCI_ALREADY_ON = -4 };

static const uint32_t functions[] = {PSCI_VERSION,      CPU_OFF,    CPU_ON,       AFFINITY_INFO,
                                     MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET, PSCI_FEATURES};

/* The CPU whose MPIDR affinity is `mpidr`, or NULL. */
static a64_cpu *cpu_of(wvm_machine *m, uint64_t mpidr)
{
    for (int i = 0; i < m->ncpus; i++)
        if ((arm_virt_of(m)->cpus[i]->mpidr & 0xff00ffffffull) == (mpidr & 0xff00ffffffull))
            return arm_virt_of(m)->cpus[i];
    return NULL;
}

int arm_virt_psci(a64_cpu *c, void *opaque)
{
    wvm_machine *m = opaque;
    uint64_t *x = &c->cpu.r[A64_X(0)];
    uint32_t fn = (uint32_t)x[0];
    int64_t ret = PSCI_NOT_SUPPORTED;
    a64_cpu *t;
    switch (fn) {
    case PSCI_VERSION: ret = 0x10000; break; /* 1.0 */
    case CPU_ON:
        if (!(t = cpu_of(m, x[1]))) {
            ret = PSCI_INVALID_PARAMETERS;
        } else if (!t->stopped) {
            ret = PSCI_ALREADY_ON;
        } else {
            a64_cpu_reset(t, x[2]);
            t->cpu.r[A64_X(0)] = x[3];
            ret = PSCI_SUCCESS;
        }
        break;
    case CPU_OFF:
        c->stopped = 1;
        c->cpu.exit_req = 1;
        ret = PSCI_SUCCESS;
        break;
    case AFFINITY_INFO: ret = (t = cpu_of(m, x[1])) ? t->stopped : PSCI_INVALID_PARAMETERS; break;
    case MIGRATE_INFO_TYPE: ret = 2; break; /* no trusted OS */
    case SYSTEM_OFF: machine_halt(m, 0); ret = PSCI_SUCCESS; break;
    case SYSTEM_RESET:
        machine_halt(m, 0);
        m->reset_requested = 1;
        ret = PSCI_SUCCESS;
        break;
    case PSCI_FEATURES:
        for (unsigned i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
            if ((uint32_t)x[1] == functions[i])
                ret = PSCI_SUCCESS;
        break;
    default: break;
    }
    x[0] = (uint64_t)ret;
    return 1;
}
