/*
 * a64_fp.c - scalar floating point (Arm ARM C7.2, FPCR/FPSR D17.2).
 *
 * Checks 1..99 by hand: FMOV (register, general, immediate, D[1]), FABS,
 * FNEG, FCSEL, FCCMP/FCCMPE, FPCR/FPSR bits that are writable, FPCR.DN
 * (default NaN, negated by FNMUL), FPCR.FZ (input denormals flushed with
 * IDC; tiny results flushed with UFC only; FCVT, FCMP, FMAX, FCVTZS under
 * FZ), FCVT between H, S and D (rounding, NaN payloads, overflow to half),
 * fixed-point FCVTZS/FCVTZU/SCVTF/UCVTF, W-register conversions, the
 * CPACR_EL1.FPEN trap (EC 0x07) of FP instructions and MRS FPCR.
 * Check 200: the vector table a64_fp_vectors.h (tools/gen_fp_vectors.c):
 * FADD FSUB FMUL FDIV FSQRT FNMUL FMADD FMSUB FNMADD FNMSUB in all four
 * rounding modes, FMIN FMAX FMINNM FMAXNM, FCMP FCMPE, FCVT S<->D, SCVTF
 * UCVTF, FRINTN/P/M/Z/A/X/I, FCVTZS/ZU (W and X) NS AS MS PS, in single
 * and double, on normal, subnormal, zero, infinite and NaN operands, with
 * the result and FPSR of each; a failure prints the vector's index.
 * Compiled without -mgeneral-regs-only; all FP is inline assembly.
 */
#include "test.h"

struct fpvec {
  uint8_t op, dbl;
  uint32_t fpcr;
  uint64_t a, b, c, r;
  uint32_t fpsr;
};
#include "a64_fp_vectors.h"

#define FPCR_DN (1UL << 25)
#define FPCR_FZ (1UL << 24)
#define RM_RP (1UL << 22)
#define RM_RM (2UL << 22)
#define RM_RZ (3UL << 22)
#define IOC 1
#define DZC 2
#define OFC 4
#define UFC 8
#define IXC 16
#define IDC 128

static void set_fp(ulong fpcr) { write_sysreg(fpcr, fpcr); write_sysreg(fpsr, 0); }
static ulong fpsr(void) { return read_sysreg(fpsr); }

/* One operation of the table: d0 = a, d1 = b, d2 = c (or x0..x2), result in x. */
#define S3(insn) __asm__ volatile("fmov s0, %w1\n fmov s1, %w2\n fmov s2, %w3\n " insn "\n fmov %w0, s3" \
                                  : "=r"(r) : "r"(a), "r"(b), "r"(c) : "v0", "v1", "v2", "v3", "cc")
#define D3(insn) __asm__ volatile("fmov d0, %1\n fmov d1, %2\n fmov d2, %3\n " insn "\n fmov %0, d3" \
                                  : "=r"(r) : "r"(a), "r"(b), "r"(c) : "v0", "v1", "v2", "v3", "cc")
#define SX(insn) __asm__ volatile("fmov s0, %w1\n " insn : "=r"(r) : "r"(a) : "v0", "cc")
#define DX(insn) __asm__ volatile("fmov d0, %1\n " insn : "=r"(r) : "r"(a) : "v0", "cc")
#define BOTH(s, d) do { if (dbl) D3(d); else S3(s); } while (0)

static ulong run(const struct fpvec *v)
{
  ulong a = v->a, b = v->b, c = v->c, r = 0;
  int dbl = v->dbl;
  switch (v->op) {
  case 0: BOTH("fadd s3, s0, s1", "fadd d3, d0, d1"); break;
  case 1: BOTH("fsub s3, s0, s1", "fsub d3, d0, d1"); break;
  case 2: BOTH("fmul s3, s0, s1", "fmul d3, d0, d1"); break;
  case 3: BOTH("fdiv s3, s0, s1", "fdiv d3, d0, d1"); break;
  case 4: BOTH("fsqrt s3, s0", "fsqrt d3, d0"); break;
  case 5: BOTH("fmadd s3, s0, s1, s2", "fmadd d3, d0, d1, d2"); break;
  case 6: BOTH("fmsub s3, s0, s1, s2", "fmsub d3, d0, d1, d2"); break;
  case 7: BOTH("fnmadd s3, s0, s1, s2", "fnmadd d3, d0, d1, d2"); break;
  case 8: BOTH("fnmsub s3, s0, s1, s2", "fnmsub d3, d0, d1, d2"); break;
  case 9: BOTH("fnmul s3, s0, s1", "fnmul d3, d0, d1"); break;
  case 10: BOTH("fmin s3, s0, s1", "fmin d3, d0, d1"); break;
  case 11: BOTH("fmax s3, s0, s1", "fmax d3, d0, d1"); break;
  case 12: BOTH("fminnm s3, s0, s1", "fminnm d3, d0, d1"); break;
  case 13: BOTH("fmaxnm s3, s0, s1", "fmaxnm d3, d0, d1"); break;
  case 14: if (dbl) DX("fcvt s1, d0\n fmov %w0, s1"); else SX("fcvt d1, s0\n fmov %0, d1"); break;
  case 15: if (dbl) DX("fcvtzs %0, d0"); else SX("fcvtzs %0, s0"); break;
  case 16: if (dbl) DX("fcvtzu %0, d0"); else SX("fcvtzu %0, s0"); break;
  case 17: if (dbl) DX("fcvtzs %w0, d0"); else SX("fcvtzs %w0, s0"); break;
  case 18: if (dbl) DX("fcvtzu %w0, d0"); else SX("fcvtzu %w0, s0"); break;
  case 19: if (dbl) DX("fcvtns %0, d0"); else SX("fcvtns %0, s0"); break;
  case 20: if (dbl) DX("fcvtas %0, d0"); else SX("fcvtas %0, s0"); break;
  case 21: if (dbl) DX("fcvtms %0, d0"); else SX("fcvtms %0, s0"); break;
  case 22: if (dbl) DX("fcvtps %0, d0"); else SX("fcvtps %0, s0"); break;
  case 23:
    if (dbl) __asm__ volatile("scvtf d1, %1\n fmov %0, d1" : "=r"(r) : "r"(a) : "v1");
    else __asm__ volatile("scvtf s1, %1\n fmov %w0, s1" : "=r"(r) : "r"(a) : "v1");
    break;
  case 24:
    if (dbl) __asm__ volatile("ucvtf d1, %1\n fmov %0, d1" : "=r"(r) : "r"(a) : "v1");
    else __asm__ volatile("ucvtf s1, %1\n fmov %w0, s1" : "=r"(r) : "r"(a) : "v1");
    break;
  case 25: BOTH("frintn s3, s0", "frintn d3, d0"); break;
  case 26: BOTH("frintp s3, s0", "frintp d3, d0"); break;
  case 27: BOTH("frintm s3, s0", "frintm d3, d0"); break;
  case 28: BOTH("frintz s3, s0", "frintz d3, d0"); break;
  case 29: BOTH("frinta s3, s0", "frinta d3, d0"); break;
  case 30: BOTH("frintx s3, s0", "frintx d3, d0"); break;
  case 31: BOTH("frinti s3, s0", "frinti d3, d0"); break;
  case 32: BOTH("fcmp s0, s1\n mrs x9, nzcv\n fmov s3, w9", "fcmp d0, d1\n mrs x9, nzcv\n fmov d3, x9"); break;
  case 33: BOTH("fcmpe s0, s1\n mrs x9, nzcv\n fmov s3, w9", "fcmpe d0, d1\n mrs x9, nzcv\n fmov d3, x9"); break;
  default: test_fail(0);
  }
  return r;
}

static void put_hex(char *p, ulong v, int digits)
{
  for (int k = digits - 1; k >= 0; k--, v >>= 4)
    p[k] = "0123456789abcdef"[v & 15];
}

/* Fail check n, printing the value and FPSR it got. */
static void report(ulong n, ulong v, ulong f)
{
  char msg[] = "got ################ fpsr ##\n";
  put_hex(msg + 4, v, 16);
  put_hex(msg + 26, f, 2);
  put_str(msg);
  test_fail(n);
}

static void check_table(void)
{
  for (ulong k = 0; k < sizeof(vectors) / sizeof(vectors[0]); k++) {
    const struct fpvec *v = &vectors[k];
    set_fp(v->fpcr);
    ulong r = run(v), f = fpsr();
    if (r != v->r || f != v->fpsr) {
      char msg[] = "vector ######## result ################ fpsr ##\n";
      put_hex(msg + 7, k, 8);
      put_hex(msg + 23, r, 16);
      put_hex(msg + 45, f, 2);
      put_str(msg);
      test_fail(200);
    }
  }
}

/* Scalar op helpers for the hand checks. */
#define OP2S(insn, A, B) ({ ulong r_; __asm__ volatile("msr fpsr, xzr\n fmov s0, %w1\n fmov s1, %w2\n " insn " s2, s0, s1\n fmov %w0, s2" \
  : "=r"(r_) : "r"((ulong)(A)), "r"((ulong)(B)) : "v0", "v1", "v2"); r_; })
#define OP1S(insn, A) ({ ulong r_; __asm__ volatile("msr fpsr, xzr\n fmov s0, %w1\n " insn : "=r"(r_) : "r"((ulong)(A)) : "v0", "v1"); r_; })
#define OP1D(insn, A) ({ ulong r_; __asm__ volatile("msr fpsr, xzr\n fmov d0, %1\n " insn : "=r"(r_) : "r"((ulong)(A)) : "v0", "v1"); r_; })
#define CHECKF(n, val, exp, flags) do { ulong v_ = (val); ulong f_ = fpsr(); \
  if (v_ != (exp) || f_ != (flags)) report(n, v_, f_); } while (0)

static volatile int fp_traps;
static volatile ulong trap_esr;
static int fp_trap(struct trapframe *tf)
{
  if (ESR_EC(tf->esr) != 0x07)
    return 1;
  fp_traps++;
  trap_esr = tf->esr;
  write_sysreg(cpacr_el1, 3UL << 20);
  isb();
  return 0; /* re-run the instruction, now enabled */
}

int el1_sync_handler(struct trapframe *tf) { return fp_trap(tf); }
int el0_sync_handler(struct trapframe *tf) { return fp_trap(tf); }

static long el0_fp(long a)
{
  ulong r;
  __asm__ volatile("fmov d0, %1\n fadd d0, d0, d0\n fmov %0, d0" : "=r"(r) : "r"(a) : "v0");
  return (long)r;
}

int main(void)
{
  ulong r, q[2];

  /* moves: FMOV (general) both ways, the upper half, FMOV (register) zeroes the rest */
  __asm__ volatile("msr fpsr, xzr\n mov x1, #-1\n fmov d5, x1\n fmov v5.d[1], x1\n fmov s5, s5\n fmov %0, v5.d[1]\n fmov %1, d5"
                   : "=r"(q[1]), "=r"(q[0]) :: "x1", "v5");
  CHECK(1, q[1] == 0 && q[0] == 0xffffffffUL);
  __asm__ volatile("msr fpsr, xzr\n mov x1, #-1\n fmov v5.d[1], x1\n fmov w2, s5\n fmov s6, w2\n fmov %0, v6.d[1]\n fmov %1, v5.d[1]"
                   : "=r"(q[0]), "=r"(q[1]) :: "x1", "x2", "v5", "v6");
  CHECK(2, q[0] == 0 && q[1] == ~0UL);
  __asm__ volatile("fmov d7, #-1.25\n fmov %0, d7" : "=r"(r) :: "v7");
  CHECK(3, r == 0xbff4000000000000UL);
  __asm__ volatile("fmov s7, #31.0\n fmov %0, d7" : "=r"(r) :: "v7");
  CHECK(4, r == 0x41f80000UL);
  __asm__ volatile("fmov s7, #0.125\n fmov %0, d7" : "=r"(r) :: "v7");
  CHECK(5, r == 0x3e000000UL);

  /* FABS, FNEG: bit operations, NaNs too, no flags */
  set_fp(0);
  CHECKF(6, OP1S("fabs s1, s0\n fmov %w0, s1", 0xff800001UL), 0x7f800001UL, 0);
  CHECKF(7, OP1D("fneg d1, d0\n fmov %0, d1", 0x7ff0000000000001UL), 0xfff0000000000001UL, 0);
  set_fp(FPCR_FZ);
  CHECKF(8, OP1S("fneg s1, s0\n fmov %w0, s1", 0x00000001UL), 0x80000001UL, 0);

  /* FCSEL, FCCMP, FCCMPE */
  __asm__ volatile("fmov s0, #1.0\n fmov s1, #2.0\n mov x9, #1\n cmp xzr, x9\n fcsel s2, s0, s1, lt\n fcsel s3, s0, s1, ge\n"
                   " fmov w9, s2\n fmov w10, s3\n orr %0, x9, x10, lsl #32" : "=r"(r) :: "x9", "x10", "v0", "v1", "v2", "v3", "cc");
  CHECK(9, r == (0x40000000UL << 32 | 0x3f800000UL));
  set_fp(0);
  __asm__ volatile("fmov d0, #1.0\n fmov d1, #2.0\n cmp x9, x9\n fccmp d0, d1, #0xf, eq\n mrs %0, nzcv"
                   : "=r"(r) :: "v0", "v1", "cc");
  CHECK(10, r == 0x80000000UL);
  __asm__ volatile("fmov d0, #1.0\n fmov d1, #2.0\n cmp x9, x9\n fccmp d0, d1, #0x5, ne\n mrs %0, nzcv"
                   : "=r"(r) :: "v0", "v1", "cc");
  CHECK(11, r == 0x50000000UL);
  __asm__ volatile("msr fpsr, xzr\n mov x1, #0x7fc00000\n fmov s0, w1\n fmov s1, #2.0\n cmp x9, x9\n fccmp s0, s1, #0, eq\n mrs %0, nzcv"
                   : "=r"(r) :: "x1", "v0", "v1", "cc");
  CHECKF(12, r, 0x30000000UL, 0);
  __asm__ volatile("msr fpsr, xzr\n mov x1, #0x7fc00000\n fmov s0, w1\n fmov s1, #2.0\n cmp x9, x9\n fccmpe s0, s1, #0, eq\n mrs %0, nzcv"
                   : "=r"(r) :: "x1", "v0", "v1", "cc");
  CHECKF(13, r, 0x30000000UL, IOC);
  __asm__ volatile("msr fpsr, xzr\n mov x1, #0x7fc00000\n fmov s0, w1\n fmov s1, #2.0\n cmp x9, x9\n fccmpe s0, s1, #0x2, ne\n mrs %0, nzcv"
                   : "=r"(r) :: "x1", "v0", "v1", "cc");
  set_fp(0);
  CHECK(14, r == 0x20000000UL);

  /* FPCR: RMode, FZ, DN, AHP writable; trap enables RAZ/WI. FPSR cumulative bits and QC. */
  write_sysreg(fpcr, 0x07c09f00UL);
  r = read_sysreg(fpcr);
  CHECK(15, (r & 0x07c09f00UL) == 0x07c00000UL);
  write_sysreg(fpsr, 0x0800009fUL);
  CHECK(16, read_sysreg(fpsr) == 0x0800009fUL);
  write_sysreg(fpcr, 0);

  /* FPCR.DN: NaN results are the default NaN; FNMUL negates it */
  set_fp(FPCR_DN);
  CHECKF(17, OP2S("fadd", 0x7fc00001UL, 0x3f800000UL), 0x7fc00000UL, 0);
  CHECKF(18, OP2S("fmul", 0x3f800000UL, 0xff800001UL), 0x7fc00000UL, IOC);
  CHECKF(19, OP2S("fnmul", 0x7fc12345UL, 0x3f800000UL), 0xffc00000UL, 0);
  CHECKF(20, OP2S("fmax", 0xffc00001UL, 0x3f800000UL), 0x7fc00000UL, 0);
  CHECKF(21, OP1S("fcvt d1, s0\n fmov %0, d1", 0xff800001UL), 0x7ff8000000000000UL, IOC);
  set_fp(0);
  CHECKF(22, OP2S("fnmul", 0x7fc12345UL, 0x3f800000UL), 0xffc12345UL, 0);

  /* FPCR.FZ: subnormal inputs are zeros (IDC), tiny results zeros (UFC, not IXC) */
  set_fp(FPCR_FZ);
  CHECKF(23, OP2S("fadd", 0x00000001UL, 0x00000000UL), 0x00000000UL, IDC);
  CHECKF(24, OP2S("fadd", 0x80400000UL, 0x80000000UL), 0x80000000UL, IDC);
  CHECKF(25, OP2S("fmul", 0x1e3ce508UL, 0x1e3ce508UL), 0x00000000UL, UFC);
  CHECKF(26, OP2S("fsub", 0x00800001UL, 0x00800000UL), 0x00000000UL, UFC);
  CHECKF(27, OP2S("fmax", 0x00000005UL, 0xbf800000UL), 0x00000000UL, IDC);
  CHECKF(28, OP2S("fmul", 0x00000005UL, 0x7f800000UL), 0x7fc00000UL, IDC | IOC);
  CHECKF(29, OP1D("fcvt s1, d0\n fmov %w0, s1", 0x37a16c262777579cUL), 0x00000000UL, UFC);
  __asm__ volatile("msr fpsr, xzr\n mov w1, #1\n fmov s0, w1\n fcmp s0, #0.0\n mrs %0, nzcv" : "=r"(r) :: "x1", "v0", "cc");
  CHECKF(30, r, 0x60000000UL, IDC);
  CHECKF(31, OP1S("fcvtzs x0, s0\n mov %0, x0", 0x00000001UL), 0UL, IDC);
  CHECKF(32, OP1D("fadd d1, d0, d0\n fmov %0, d1", 0x0008000000000000UL), 0UL, IDC);
  set_fp(0);
  CHECKF(33, OP1D("fcvt s1, d0\n fmov %w0, s1", 0x37a16c262777579cUL), 0x000116c2UL, UFC | IXC);
  CHECKF(34, OP2S("fsub", 0x00800001UL, 0x00800000UL), 0x00000001UL, 0);
  CHECKF(35, OP2S("fmul", 0x00800000UL, 0x3f000000UL), 0x00400000UL, 0);
  /* tininess before rounding: (1 - 2^-46) * 2^-126 rounds up to the smallest normal but underflows */
  CHECKF(36, OP2S("fmul", 0x3f800001UL, 0x007fffffUL), 0x00800000UL, UFC | IXC);

  /* FCVT with half precision: rounding, overflow, NaN payloads, subnormals */
  set_fp(0);
  CHECKF(37, OP1S("fcvt h1, s0\n fmov w0, s1\n and %0, x0, #0xffff", 0x3f800000UL), 0x3c00UL, 0);
  CHECKF(38, OP1S("fcvt h1, s0\n fmov w0, s1\n and %0, x0, #0xffff", 0x3f801000UL), 0x3c00UL, IXC);
  CHECKF(39, OP1S("fcvt h1, s0\n fmov w0, s1\n and %0, x0, #0xffff", 0x477ff000UL), 0x7c00UL, OFC | IXC);
  set_fp(RM_RZ);
  CHECKF(40, OP1S("fcvt h1, s0\n fmov w0, s1\n and %0, x0, #0xffff", 0x477ff000UL), 0x7bffUL, IXC); /* rounds to the largest finite: no overflow */
  set_fp(0);
  CHECKF(41, OP1S("fcvt h1, s0\n fmov w0, s1\n and %0, x0, #0xffff", 0xffa01234UL), 0xff00UL, IOC);
  CHECKF(42, OP1S("fcvt h1, s0\n fmov w0, s1\n and %0, x0, #0xffff", 0x33800000UL), 0x0001UL, 0);
  CHECKF(43, OP1S("fcvt h1, s0\n fcvt d2, h1\n fmov %0, d2", 0x3f801000UL), 0x3ff0000000000000UL, IXC);
  __asm__ volatile("msr fpsr, xzr\n mov w1, #0x7e01\n fmov s0, w1\n fcvt s1, h0\n fmov %w0, s1" : "=r"(r) :: "x1", "v0", "v1");
  CHECKF(44, r, 0x7fc02000UL, 0);
  __asm__ volatile("msr fpsr, xzr\n mov w1, #0x8001\n fmov s0, w1\n fcvt d1, h0\n fmov %0, d1" : "=r"(r) :: "x1", "v0", "v1");
  CHECKF(45, r, 0xbe70000000000000UL, 0);
  set_fp(FPCR_FZ); /* FZ does not flush half precision */
  __asm__ volatile("msr fpsr, xzr\n mov w1, #0x0001\n fmov s0, w1\n fcvt s1, h0\n fmov %w0, s1" : "=r"(r) :: "x1", "v0", "v1");
  CHECKF(46, r, 0x33800000UL, 0);

  /* fixed point and W conversions */
  set_fp(0);
  CHECKF(47, OP1S("fcvtzs w1, s0, #8\n mov %0, x1", 0x3fc00000UL), 384UL, 0);
  CHECKF(48, OP1D("fcvtzu x1, d0, #4\n mov %0, x1", 0xbff0000000000000UL), 0UL, IOC);
  CHECKF(49, OP1D("fcvtzs x1, d0, #64\n mov %0, x1", 0x3fe0000000000000UL), 0x7fffffffffffffffUL, IOC);
  __asm__ volatile("msr fpsr, xzr\n mov x1, #3\n scvtf s0, x1, #2\n fmov %w0, s0" : "=r"(r) :: "x1", "v0");
  CHECKF(50, r, 0x3f400000UL, 0);
  __asm__ volatile("msr fpsr, xzr\n mov w1, #-1\n ucvtf d0, w1, #32\n fmov %0, d0" : "=r"(r) :: "x1", "v0");
  CHECKF(51, r, 0x3fefffffffe00000UL, 0);
  __asm__ volatile("msr fpsr, xzr\n mov w1, #-1\n scvtf d0, w1\n fmov %0, d0" : "=r"(r) :: "x1", "v0");
  CHECKF(52, r, 0xbff0000000000000UL, 0);
  __asm__ volatile("msr fpsr, xzr\n mov x1, #-1\n scvtf s0, w1\n fmov %w0, s0" : "=r"(r) :: "x1", "v0");
  CHECKF(53, r, 0xbf800000UL, 0);
  CHECKF(54, OP1S("fcvtzu w1, s0\n mov %0, x1", 0x4f800000UL), 0xffffffffUL, IOC);
  CHECKF(55, OP1S("fcvtas w1, s0\n mov %0, x1", 0xc0200000UL), 0xfffffffdUL, IXC);
  CHECKF(56, OP1S("fcvtnu x1, s0\n mov %0, x1", 0x40200000UL), 2UL, IXC);
  CHECKF(57, OP1S("fcvtmu x1, s0\n mov %0, x1", 0xbf000000UL), 0UL, IOC);
  CHECKF(58, OP1S("fcvtpu w1, s0\n mov %0, x1", 0x3f000001UL), 1UL, IXC);
  CHECKF(59, OP1D("fcvtau x1, d0\n mov %0, x1", 0x7ff8000000000000UL), 0UL, IOC);

  /* CPACR_EL1.FPEN: FP at EL1 with FPEN 0b01 traps (EC 0x07), at EL0 too; 0b11 does not */
  write_sysreg(cpacr_el1, 1UL << 20);
  isb();
  __asm__ volatile("fmov d0, xzr" ::: "v0");
  CHECK(60, fp_traps == 0);
  write_sysreg(cpacr_el1, 0);
  isb();
  __asm__ volatile("fmov d0, xzr" ::: "v0");
  CHECK(61, fp_traps == 1 && trap_esr == (0x07UL << 26 | ESR_IL | 1UL << 24 | 0xeUL << 20));
  write_sysreg(cpacr_el1, 0);
  isb();
  r = read_sysreg(fpcr);
  CHECK(62, fp_traps == 2);
  write_sysreg(cpacr_el1, 0);
  isb();
  __asm__ volatile("ldr q0, [sp]" ::: "v0");
  CHECK(63, fp_traps == 3);
  write_sysreg(cpacr_el1, 1UL << 20); /* EL0 traps, EL1 does not */
  isb();
  CHECK(64, run_el0(el0_fp, 0x3ff0000000000000L) == 0x4000000000000000L && fp_traps == 4);
  r = read_sysreg(id_aa64pfr0_el1); /* FP and AdvSIMD implemented (0 or 1, not 0xf) */
  CHECK(65, ((r >> 16) & 0xf) < 2 && ((r >> 20) & 0xf) < 2);
  write_sysreg(cpacr_el1, 3UL << 20);
  isb();

  check_table();
  return 0;
}
