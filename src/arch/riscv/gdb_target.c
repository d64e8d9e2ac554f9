/* The RV64GC hart as GDB sees it (core/gdb_target.h): the features
 * org.gnu.gdb.riscv.cpu, .fpu, .csr and .virtual of GDB's RISC-V target
 * descriptions ("RISC-V Features" in the GDB manual). GDB numbers x0..x31
 * 0..31, pc 32, f0..f31 33..64, CSR n 65 + n and the privilege level after
 * the CSRs; 'g' carries x0..x31 and pc. */
#include "core/gdb_target.h"

#define CSR0 65 /* GDB's number of CSR 0 */
#define X(n, name) {name, n, n, 64, NULL}
#define F(n, name) {name, 33 + n, 32 + n, 64, "ieee_double"}
#define CSR(name, n) {name, CSR0 + n, 0x1000 + n, 64, NULL}

static const gdb_reg cpu[] = {
    X(0, "zero"), X(1, "ra"),  {"sp", 2, 2, 64, "data_ptr"}, X(3, "gp"), X(4, "tp"), X(5, "t0"), X(6, "t1"),
    X(7, "t2"),   X(8, "fp"),  X(9, "s1"),   X(10, "a0"),  X(11, "a1"),  X(12, "a2"),  X(13, "a3"),
    X(14, "a4"),  X(15, "a5"), X(16, "a6"),  X(17, "a7"),  X(18, "s2"),  X(19, "s3"),  X(20, "s4"),
    X(21, "s5"),  X(22, "s6"), X(23, "s7"),  X(24, "s8"),  X(25, "s9"),  X(26, "s10"), X(27, "s11"),
    X(28, "t3"),  X(29, "t4"), X(30, "t5"),  X(31, "t6"),  {"pc", 32, 64, 64, "code_ptr"},
};

static const gdb_reg fpu[] = {
    F(0, "ft0"),   F(1, "ft1"),   F(2, "ft2"),   F(3, "ft3"),   F(4, "ft4"),   F(5, "ft5"),
    F(6, "ft6"),   F(7, "ft7"),   F(8, "fs0"),   F(9, "fs1"),   F(10, "fa0"),  F(11, "fa1"),
    F(12, "fa2"),  F(13, "fa3"),  F(14, "fa4"),  F(15, "fa5"),  F(16, "fa6"),  F(17, "fa7"),
    F(18, "fs2"),  F(19, "fs3"),  F(20, "fs4"),  F(21, "fs5"),  F(22, "fs6"),  F(23, "fs7"),
    F(24, "fs8"),  F(25, "fs9"),  F(26, "fs10"), F(27, "fs11"), F(28, "ft8"),  F(29, "ft9"),
    F(30, "ft10"), F(31, "ft11"), CSR("fflags", 0x001), CSR("frm", 0x002), CSR("fcsr", 0x003),
};

static const gdb_reg csr[] = {
    CSR("sstatus", 0x100),  CSR("sie", 0x104),      CSR("stvec", 0x105),   CSR("scounteren", 0x106),
    CSR("sscratch", 0x140), CSR("sepc", 0x141),     CSR("scause", 0x142),  CSR("stval", 0x143),
    CSR("sip", 0x144),      CSR("satp", 0x180),     CSR("mstatus", 0x300), CSR("misa", 0x301),
    CSR("medeleg", 0x302),  CSR("mideleg", 0x303),  CSR("mie", 0x304),     CSR("mtvec", 0x305),
    CSR("mcounteren", 0x306), CSR("mscratch", 0x340), CSR("mepc", 0x341),  CSR("mcause", 0x342),
    CSR("mtval", 0x343),    CSR("mip", 0x344),      CSR("cycle", 0xc00),   CSR("time", 0xc01),
    CSR("instret", 0xc02),  CSR("mhartid", 0xf14),  CSR("tselect", 0x7a0), CSR("tdata1", 0x7a1),
    CSR("tdata2", 0x7a2),   CSR("tdata3", 0x7a3),   CSR("tinfo", 0x7a4),   CSR("tcontrol", 0x7a5),
};

static const gdb_reg virt[] = {
    {"priv", CSR0 + 4096, 67, 64, NULL}, /* wvm_reg 67: the privilege level */
};

static const gdb_feature features[] = {
    {"org.gnu.gdb.riscv.cpu", "", cpu, sizeof(cpu) / sizeof(cpu[0])},
    {"org.gnu.gdb.riscv.fpu", "", fpu, sizeof(fpu) / sizeof(fpu[0])},
    {"org.gnu.gdb.riscv.csr", "", csr, sizeof(csr) / sizeof(csr[0])},
    {"org.gnu.gdb.riscv.virtual", "", virt, 1},
};

const gdb_target riscv_gdb_target = {
    .architecture = "riscv:rv64",
    .features = features,
    .nfeatures = sizeof(features) / sizeof(features[0]),
    .g_regs = 33,
    .pc_index = 64,
    .cpu_name = "hart",
};
