/*
 * gdb_target.c - the program tests/gdb.test.mjs debugs with gdb-multiarch
 * on the aarch64 machine (not a self-checking test on its own; the A64
 * twin of tests/guest/gdb_target.c): main turns the MMU on (the identity
 * map of mmu.c, and through TTBR1 a high-half alias of the page holding
 * `counter`, which `alias` points at: a debugger reading *alias reads
 * through the translation tables), then tick() runs TICKS times, each
 * adding 1 to `counter`; main passes only if a debugger wrote 42 to
 * `magic` while it ran (check 1) and every tick ran (check 2). Built with
 * -g.
 */
#include "mmu.h"

#define TICKS 100
#define HIGH_VA 0xffff000000040000UL

volatile unsigned long counter;
volatile unsigned long magic;
volatile unsigned long *alias;

__attribute__((noinline)) void tick(void)
{
  counter = counter + 1;
}

int main(void)
{
  ulong page = (ulong)&counter & ~(PAGE_4K - 1);
  uint64_t *high = mmu_new_table();
  *mmu_entry(high, HIGH_VA, 3) = page | PTE_DATA | PTE_PAGE;
  mmu_enable(mmu_identity(), 0, high);
  alias = (volatile unsigned long *)(HIGH_VA + ((ulong)&counter - page));
  for (int i = 0; i < TICKS; i++)
    tick();
  CHECK(1, magic == 42);
  CHECK(2, counter == TICKS && *alias == TICKS);
  return 0;
}
