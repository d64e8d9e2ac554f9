/*
 * a64_simd.c - AdvSIMD data processing (Arm ARM C7.2), one check each:
 * ADD/SUB, CMEQ/CMHI/CMGT, UMAXP, UMAXV, ADDV, UADDLV, CNT, REV64, EXT,
 * TBX, ZIP1, UZP2, TRN1, DUP (element, general), MOVI, MVNI, BIC (imm),
 * BSL, USHR, SSHR, SHL, SHRN, XTN, UXTL, UMULL, MUL, UMOV, SMOV, INS,
 * ADDP, NOT, ORR, EOR (64-bit: upper half zeroed), USRA, scalar ADD and
 * CMEQ, FADD, FCVTZS, FADDP, FCMGT #0, FMAXV, FMLA, SCVTF (vector).
 * v0 = A, v1 = B, v2 = C before each; the result is v2 (or a W/X reg).
 * Compiled with -mgeneral-regs-only: all SIMD is inline assembly.
 */
#include "test.h"

static const ulong A[2] __attribute__((aligned(16))) = {0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL};
static const ulong B[2] __attribute__((aligned(16))) = {0x8877665544332211UL, 0x00ffeeddccbbaa99UL};
static const ulong C[2] __attribute__((aligned(16))) = {0x1111111111111111UL, 0x2222222222222222UL};
static const ulong F1[2] __attribute__((aligned(16))) = {0x400000003f800000UL, 0x3f000000c0400000UL}; /* 1.0 2.0 -3.0 0.5 */
static const ulong F2[2] __attribute__((aligned(16))) = {0x3f8000003f800000UL, 0x3f8000003f800000UL}; /* 1.0 x 4 */

#define V(n, insn, e0, e1) do { ulong o_[2]; \
  __asm__ volatile("ldr q0, [%1]\n ldr q1, [%2]\n ldr q2, [%3]\n ldr q3, [%4]\n ldr q4, [%5]\n " insn "\n str q2, [%0]" \
    :: "r"(o_), "r"(A), "r"(B), "r"(C), "r"(F1), "r"(F2) : "v0", "v1", "v2", "v3", "v4", "v5", "x9", "memory"); \
  CHECK(n, o_[0] == (e0) && o_[1] == (e1)); } while (0)
#define X(n, insn, e) do { ulong r_; \
  __asm__ volatile("ldr q0, [%1]\n ldr q1, [%2]\n " insn : "=r"(r_) : "r"(A), "r"(B) : "v0", "v1", "memory"); \
  CHECK(n, r_ == (e)); } while (0)

int main(void)
{
  V(1, "add v2.16b, v0.16b, v1.16b", 0x8f7d6b5947352311UL, 0x0f0dfbe9d7c5b3a1UL);
  V(2, "sub v2.4s, v1.4s, v0.4s", 0x8171615141312111UL, 0xf1f1e1d1c1b1a191UL);
  V(3, "cmhi v2.16b, v1.16b, v0.16b", ~0UL, 0x00ffffffffffffffUL);
  V(4, "cmgt v2.16b, v1.16b, v0.16b", 0x00ffffffffffffffUL, 0);
  V(5, "umaxp v2.16b, v0.16b, v1.16b", 0x0f0d0b0907050301UL, 0xffeeccaa88664422UL);
  V(6, "umaxv b2, v0.16b", 0x0f, 0);
  V(7, "addv b2, v0.16b", 0x78, 0);
  V(8, "uaddlv h2, v1.16b", 0x7f8, 0);
  V(9, "cnt v2.16b, v1.16b", 0x0206040402040202UL, 0x0008060604060404UL);
  V(10, "rev64 v2.16b, v0.16b", 0x0001020304050607UL, 0x08090a0b0c0d0e0fUL);
  V(11, "ext v2.16b, v0.16b, v1.16b, #3", 0x0a09080706050403UL, 0x3322110f0e0d0c0bUL);
  V(12, "tbx v2.16b, {v0.16b}, v1.16b", 0x1111111111111111UL, 0x0022222222222222UL);
  V(13, "zip1 v2.8h, v0.8h, v1.8h", 0x4433030222110100UL, 0x8877070666550504UL);
  V(14, "uzp2 v2.4s, v0.4s, v1.4s", 0x0f0e0d0c07060504UL, 0x00ffeedd88776655UL);
  V(15, "trn1 v2.16b, v0.16b, v1.16b", 0x7706550433021100UL, 0xff0edd0cbb0a9908UL);
  V(16, "dup v2.8h, v1.h[5]", 0xccbbccbbccbbccbbUL, 0xccbbccbbccbbccbbUL);
  V(17, "movi v2.4s, #0xab, lsl #8", 0x0000ab000000ab00UL, 0x0000ab000000ab00UL);
  V(18, "mvni v2.8h, #0x12", 0xffedffedffedffedUL, 0xffedffedffedffedUL);
  V(19, "bic v2.4s, #0x11", 0x1111110011111100UL, 0x2222222222222222UL);
  V(20, "bsl v2.16b, v0.16b, v1.16b", 0x8966674445222300UL, 0x02dfccddce9b8899UL);
  V(21, "ushr v2.2d, v1.2d, #8", 0x0088776655443322UL, 0x0000ffeeddccbbaaUL);
  V(22, "sshr v2.8h, v1.8h, #4", 0xf887066504430221UL, 0x000ffeedfccbfaa9UL);
  V(23, "shl v2.4s, v0.4s, #4", 0x7060504030201000UL, 0xf0e0d0c0b0a09080UL);
  V(24, "shrn v2.8b, v1.8h, #8", 0x00eeccaa88664422UL, 0);
  V(25, "xtn v2.8b, v1.8h", 0xffddbb9977553311UL, 0);
  V(26, "uxtl v2.8h, v0.8b", 0x0003000200010000UL, 0x0007000600050004UL);
  V(27, "umull v2.8h, v0.8b, v1.8b", 0x00cc006600220000UL, 0x03b802ca01fe0154UL);
  V(28, "mul v2.4h, v0.4h, v1.4h", 0x73ca425421661100UL, 0);
  X(29, "umov %w0, v1.h[6]", 0xeeddUL);
  X(30, "smov %0, v1.b[8]", 0xffffffffffffff99UL);
  V(31, "mov x9, #0x1234\n ins v2.s[1], w9", 0x0000123411111111UL, 0x2222222222222222UL);
  V(32, "mov x9, #-2\n dup v2.4s, w9", 0xfffffffefffffffeUL, 0xfffffffefffffffeUL);
  V(33, "addp v2.2d, v0.2d, v1.2d", 0x161412100e0c0a08UL, 0x8977553310eeccaaUL);
  V(34, "not v2.16b, v0.16b", 0xf8f9fafbfcfdfeffUL, 0xf0f1f2f3f4f5f6f7UL);
  V(35, "orr v2.16b, v0.16b, v1.16b", 0x8f77675547332311UL, 0x0fffefddcfbbab99UL);
  V(36, "eor v2.8b, v0.8b, v1.8b", 0x8f71635147312311UL, 0);
  V(37, "usra v2.2d, v1.2d, #8", 0x1199887766554433UL, 0x22232210ffeeddccUL);
  V(38, "add d2, d0, d1", 0x8f7d6b5947352311UL, 0);
  V(39, "cmeq d2, d0, d1", 0, 0);
  V(40, "fadd v2.4s, v3.4s, v4.4s", 0x4040000040000000UL, 0x3fc00000c0000000UL);
  V(41, "fcvtzs v2.4s, v3.4s", 0x0000000200000001UL, 0x00000000fffffffdUL);
  V(42, "faddp s2, v3.2s", 0x40400000UL, 0);
  V(43, "fcmgt v2.4s, v3.4s, #0.0", ~0UL, 0xffffffff00000000UL);
  V(44, "fmaxv s2, v3.4s", 0x40000000UL, 0);
  V(45, "mov v2.16b, v4.16b\n fmla v2.4s, v3.4s, v4.s[1]", 0x4040000040000000UL, 0x3fc00000c0000000UL);
  V(46, "movi v2.4s, #3\n scvtf v2.4s, v2.4s", 0x4040000040400000UL, 0x4040000040400000UL);
  V(47, "fcvtl v2.2d, v3.2s", 0x3ff0000000000000UL, 0x4000000000000000UL);
  V(48, "fcvtl2 v5.2d, v3.4s\n fcvtn2 v2.4s, v5.2d", 0x1111111111111111UL, 0x3f000000c0400000UL);
  return 0;
}
