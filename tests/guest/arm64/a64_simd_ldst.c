/*
 * a64_simd_ldst.c - loads and stores of the SIMD&FP registers (Arm ARM
 * C7.2): LDR/STR B/H/S/D/Q with unsigned offset, pre/post-index, register
 * offset (LSL #4) and literal, LDUR; writing B/H/S/D zeroes the rest of
 * the register; LDP/STP Q and S, LDNP D; LD1/ST1 of 2 and 4 registers with
 * post-index (immediate and register); LD1R; LD1 and ST1 of one lane;
 * LD2, LD3, LD4, ST2. All accesses are aligned (the MMU is off).
 */
#include "test.h"

static unsigned char M[64] __attribute__((aligned(16)));
static unsigned char out[64] __attribute__((aligned(16)));
static const ulong A[2] __attribute__((aligned(16))) = {0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL};
static const ulong B[2] __attribute__((aligned(16))) = {0x8877665544332211UL, 0x00ffeeddccbbaa99UL};
static const ulong C[2] __attribute__((aligned(16))) = {0x1111111111111111UL, 0x2222222222222222UL};

/* v2 = C, x0 = M, x1 = 1, then insn; the result is register q`reg`. */
#define L(n, reg, insn, e0, e1) do { ulong o_[2]; \
  __asm__ volatile("ldr q2, [%2]\n mov x0, %1\n mov x1, #1\n " insn "\n str q" #reg ", [%0]" \
    :: "r"(o_), "r"(M), "r"(C) : "x0", "x1", "v2", "v3", "v4", "v5", "memory"); \
  CHECK(n, o_[0] == (e0) && o_[1] == (e1)); } while (0)
/* as L, the result is x0 */
#define LX(n, insn, e) do { ulong r_; \
  __asm__ volatile("ldr q2, [%2]\n mov x0, %1\n mov x1, #1\n " insn "\n mov %0, x0" \
    : "=r"(r_) : "r"(M), "r"(C) : "x0", "x1", "v2", "v3", "v4", "v5", "memory"); \
  CHECK(n, r_ == (e)); } while (0)

int main(void)
{
  for (int k = 0; k < 64; k++)
    M[k] = (unsigned char)k;
  L(1, 2, "ldr b2, [x0, #5]", 0x05, 0);
  L(2, 2, "ldr h2, [x0, #6]", 0x0706, 0);
  L(3, 2, "ldr s2, [x0, #4]!\n ldr b3, [x0]\n ins v2.b[4], v3.b[0]", 0x0000000407060504UL, 0);
  L(4, 2, "ldr d2, [x0], #8\n ldr b3, [x0]\n ins v2.b[15], v3.b[0]", 0x0706050403020100UL, 0x0800000000000000UL);
  L(5, 2, "ldr q2, [x0, x1, lsl #4]", 0x1716151413121110UL, 0x1f1e1d1c1b1a1918UL);
  L(6, 2, "add x0, x0, #16\n ldur d2, [x0, #-8]", 0x0f0e0d0c0b0a0908UL, 0);
  L(7, 3, "ldp q2, q3, [x0, #32]", 0x3736353433323130UL, 0x3f3e3d3c3b3a3938UL);
  L(8, 3, "ldp s2, s3, [x0]", 0x07060504UL, 0);
  L(9, 3, "ldnp d2, d3, [x0, #16]", 0x1f1e1d1c1b1a1918UL, 0);
  L(10, 3, "ld1 {v2.16b, v3.16b}, [x0], #32\n ldr b4, [x0]\n ins v3.b[0], v4.b[0]", 0x1716151413121120UL,
    0x1f1e1d1c1b1a1918UL);
  L(11, 5, "ld1 {v2.4s, v3.4s, v4.4s, v5.4s}, [x0]", 0x3736353433323130UL, 0x3f3e3d3c3b3a3938UL);
  L(12, 2, "ld1r {v2.8h}, [x0]", 0x0100010001000100UL, 0x0100010001000100UL);
  L(13, 2, "ld1 {v2.s}[3], [x0]", 0x1111111111111111UL, 0x0302010022222222UL);
  L(14, 2, "ld2 {v2.8h, v3.8h}, [x0]", 0x0d0c090805040100UL, 0x1d1c191815141110UL);
  L(15, 2, "ld3 {v2.16b, v3.16b, v4.16b}, [x0]", 0x15120f0c09060300UL, 0x2d2a2724211e1b18UL);
  L(16, 2, "ld4 {v2.4s, v3.4s, v4.4s, v5.4s}, [x0]", 0x1312111003020100UL, 0x3332313023222120UL);
  L(17, 2, "ld1r {v2.2s}, [x0]", 0x0302010003020100UL, 0);
  L(18, 2, "ldr q2, 1f\n b 2f\n .balign 16\n1: .quad 0x1234, 0x5678\n2:", 0x1234, 0x5678);
  LX(19, "ld1 {v2.2d, v3.2d}, [x0], x1", (ulong)M + 1);
  LX(20, "ld1 {v2.8b}, [x0], #8", (ulong)M + 8);

  /* stores */
  ulong r;
  __asm__ volatile("ldr q0, [%1]\n ldr q1, [%2]\n st2 {v0.16b, v1.16b}, [%0]" :: "r"(out), "r"(A), "r"(B) : "v0", "v1", "memory");
  CHECK(21, ((ulong *)out)[0] == 0x4403330222011100UL && ((ulong *)out)[3] == 0x000fff0eee0ddd0cUL);
  __asm__ volatile("ldr q1, [%1]\n st1 {v1.b}[9], [%0]" :: "r"(out + 40), "r"(B) : "v1", "memory");
  CHECK(22, out[40] == 0xaa && out[41] == 0);
  __asm__ volatile("ldr q0, [%1]\n ldr q1, [%2]\n stp q1, q0, [%0]\n str s0, [%0, #36]\n str h1, [%0, #34]\n"
                   " str b1, [%0, #33]" :: "r"(out), "r"(A), "r"(B) : "v0", "v1", "memory");
  CHECK(23, ((ulong *)out)[0] == B[0] && ((ulong *)out)[1] == B[1] && ((ulong *)out)[3] == A[1]);
  CHECK(24, ((ulong *)out)[4] == 0x0302010022111100UL);
  __asm__ volatile("ldr q0, [%2]\n mov x1, %1\n mov x2, #48\n st1 {v0.2d}, [x1], x2\n str d0, [x1, #-8]!\n mov %0, x1"
                   : "=r"(r) : "r"(out), "r"(A) : "x1", "x2", "v0", "memory");
  CHECK(25, r == (ulong)out + 40 && ((ulong *)out)[5] == A[0] && ((ulong *)out)[1] == A[1]);
  __asm__ volatile("ldr q1, [%1]\n mov x1, #1\n str q1, [%0, x1, lsl #4]" :: "r"(out), "r"(B) : "x1", "v1", "memory");
  CHECK(26, ((ulong *)out)[2] == B[0] && ((ulong *)out)[3] == B[1]);
  return 0;
}
