/* The AArch64 CPU as GDB sees it (core/gdb_target.h): the feature
 * org.gnu.gdb.aarch64.core of GDB's AArch64 target descriptions ("AArch64
 * Features" in the GDB manual): x0..x30 as registers 0..30, sp 31, pc 32
 * and cpsr 33 (32 bits: PSTATE as SPSR_EL1 holds it, Arm ARM C5.2.18), the
 * cpu_class numbering of arch/arm64/cpu.c; 'g' carries all of them. */
#include "core/gdb_target.h"

#define X(n) {"x" #n, n, n, 64, NULL}

static const gdb_reg core[] = {
    X(0),  X(1),  X(2),  X(3),  X(4),  X(5),  X(6),  X(7),  X(8),  X(9),  X(10),
    X(11), X(12), X(13), X(14), X(15), X(16), X(17), X(18), X(19), X(20), X(21),
    X(22), X(23), X(24), X(25), X(26), X(27), X(28), X(29), X(30),
    {"sp", 31, 31, 64, "data_ptr"}, {"pc", 32, 32, 64, "code_ptr"}, {"cpsr", 33, 33, 32, "cpsr_flags"},
};

/* The PSTATE fields wvm keeps (SPSR_EL1 bit positions). */
static const char cpsr_flags[] =
    "<flags id=\"cpsr_flags\" size=\"4\">"
    "<field name=\"SP\" start=\"0\" end=\"0\"/><field name=\"EL\" start=\"2\" end=\"3\"/>"
    "<field name=\"F\" start=\"6\" end=\"6\"/><field name=\"I\" start=\"7\" end=\"7\"/>"
    "<field name=\"A\" start=\"8\" end=\"8\"/><field name=\"D\" start=\"9\" end=\"9\"/>"
    "<field name=\"PAN\" start=\"22\" end=\"22\"/><field name=\"V\" start=\"28\" end=\"28\"/>"
    "<field name=\"C\" start=\"29\" end=\"29\"/><field name=\"Z\" start=\"30\" end=\"30\"/>"
    "<field name=\"N\" start=\"31\" end=\"31\"/></flags>";

static const gdb_feature features[] = {
    {"org.gnu.gdb.aarch64.core", cpsr_flags, core, sizeof(core) / sizeof(core[0])},
};

const gdb_target a64_gdb_target = {
    .architecture = "aarch64",
    .features = features,
    .nfeatures = 1,
    .g_regs = 34,
    .pc_index = 32,
    .cpu_name = "cpu",
};
