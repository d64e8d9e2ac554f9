/*
 * gdb_target.c - the program tests/gdb.test.mjs debugs with gdb-multiarch
 * (not a self-checking test on its own): tick() runs TICKS times, each
 * adding 1 to `counter`; main passes only if a debugger wrote 42 to `magic`
 * while it ran (check 1) and every tick ran (check 2). Built with -g.
 */
#include "test.h"

#define TICKS 100

volatile unsigned long counter;
volatile unsigned long magic;

__attribute__((noinline)) void tick(void)
{
  counter = counter + 1;
}

int main(void)
{
  for (int i = 0; i < TICKS; i++)
    tick();
  CHECK_EQ(1, magic, 42);
  CHECK_EQ(2, counter, TICKS);
  return 0;
}
