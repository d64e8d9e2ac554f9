/*
 * bench_crc.c - benchmark (not a conformance check): table-driven CRC-32
 * (IEEE 802.3, reflected, poly 0xEDB88320) over a 64 KiB buffer, repeated
 * CRC_ITERS times.  The inner loop is 11 instructions per byte (gcc 12
 * -O2), so the default run is about 64 Ki * 11 * 450 ~= 325 M guest
 * instructions (plus ~1.5 M for the table and buffer set-up).
 *
 * Every pass recomputes the CRC of the same buffer from scratch and must
 * equal CRC_EXPECT (python3: zlib.crc32 of the same LCG-generated buffer,
 * see tools/bench_ref.py), so changing CRC_ITERS keeps the check valid.
 * Pass/fail through tohost as usual (check 1 = wrong CRC).
 */
#include "test.h"

#ifndef CRC_ITERS
#define CRC_ITERS 450
#endif
#define CRC_BUF_SIZE 65536
#define CRC_EXPECT 0x96f3681au   /* tools/bench_ref.py */

static uint8_t buf[CRC_BUF_SIZE];
static uint32_t table[256];

static void make_table(void)
{
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
    table[i] = c;
  }
}

static void fill(void)
{
  uint64_t x = 0x123456789abcdef0UL;
  for (int i = 0; i < CRC_BUF_SIZE; i++) {
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    buf[i] = (uint8_t)(x >> 56);
  }
}

static uint32_t __attribute__((noipa)) crc32(const uint8_t *p, size_t n)
{
  uint32_t c = 0xffffffffu;
  const uint8_t *end = p + n;
  while (p != end)
    c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

int main(void)
{
  make_table();
  fill();
  for (int it = 0; it < CRC_ITERS; it++) {
    __asm__ volatile ("" ::: "memory");     /* no hoisting across passes */
    uint32_t c = crc32(buf, CRC_BUF_SIZE);
    if (c != CRC_EXPECT)
      test_fail(1);
  }
  return 0;
}
