#!/usr/bin/env python3
"""bench_ref.py - expected results for bench_crc and bench_alu.

CRC_EXPECT: zlib.crc32 of the 64 KiB buffer that bench_crc.c generates
with its LCG.  ALU_EXPECT: the bench_alu.c recurrence for 30 M iterations,
computed by a small host C program (python would be too slow)."""
import os
import subprocess
import tempfile
import zlib

M = (1 << 64) - 1
x = 0x123456789abcdef0
buf = bytearray()
for i in range(65536):
    x = (x * 6364136223846793005 + 1442695040888963407) & M
    buf.append(x >> 56)
print('CRC_EXPECT 0x%08x' % zlib.crc32(bytes(buf)))

src = r'''
#include <stdio.h>
#include <stdint.h>
int main(void) {
  uint64_t a = 0x0123456789abcdefULL, b = 0xfedcba9876543210ULL,
           c = 0x0f0f0f0f0f0f0f0fULL, d = 1;
  for (long n = 30000000; n; n--) {
    a += b; b ^= a; c ^= a << 7; d += b >> 11; a -= d; b ^= c;
  }
  printf("ALU_EXPECT 0x%016llxULL\n", (unsigned long long)(a ^ b ^ c ^ d));
  return 0;
}
'''
with tempfile.TemporaryDirectory() as d:
    c = os.path.join(d, 'alu.c')
    exe = os.path.join(d, 'alu')
    open(c, 'w').write(src)
    subprocess.check_call(['cc', '-O2', '-o', exe, c])
    subprocess.check_call([exe])
