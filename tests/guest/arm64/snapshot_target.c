/*
 * snapshot_target.c - the program tests/snapshot-arm64.test.mjs saves and
 * restores (not a self-checking test on its own). With the MMU on (the
 * identity map of mmu.c, plus the PL011 UART as Device memory), phase 1
 * runs ROUNDS rounds that each mix the generic timer's virtual count
 * (CNTVCT_EL0: guest time, deterministic under -icount) into a 64 KiB
 * table and take an SVC whose handler mixes ELR_EL1 and ESR_EL1 in too;
 * it then prints "ready" and polls the UART for one byte. Phase 2 mixes
 * that byte into the table (never reading the counter: the result does
 * not depend on how long the program waited), prints "sum=0x<hex>" and
 * exits 0. A run restored from a snapshot taken at any point must print
 * what an uninterrupted run prints.
 */
#include "mmu.h"

#define UART_BASE 0x09000000UL   /* PL011 */
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_RXFE (1u << 4)
#define ROUNDS 20000
#define WORDS 8192               /* the table: 64 KiB */

static ulong table[WORDS];
static volatile ulong svc_mix;

int el1_sync_handler(struct trapframe *tf)
{
  if (ESR_EC(tf->esr) != EC_SVC64)
    return 1;
  svc_mix = (svc_mix ^ tf->elr ^ tf->esr) * 0x100000001b3UL;
  return 0;
}

static ulong mix(ulong h, ulong v)
{
  h ^= v;
  h ^= h << 13;
  h ^= h >> 7;
  return h ^ (h << 17);
}

static ulong sum(void)
{
  ulong h = 0xcbf29ce484222325UL;
  for (int i = 0; i < WORDS; i++)
    h = (h ^ table[i]) * 0x100000001b3UL;
  return h;
}

static void put_hex(ulong v)
{
  static char line[32] = "sum=0x";
  int n = 6;
  for (int s = 60; s >= 0; s -= 4)
    line[n++] = "0123456789abcdef"[(v >> s) & 15];
  line[n++] = '\n';
  line[n] = 0;
  put_str(line);
}

int main(void)
{
  uint64_t *root = mmu_identity();
  mmu_map(root, UART_BASE, UART_BASE, PAGE_4K, 3,
          PTE_ATTR(MAIR_DEVICE) | PTE_AF | PTE_AP_RW_EL1 | PTE_PXN | PTE_UXN);
  mmu_enable(root, 0, 0);
  ulong h = 12345;
  for (int r = 0; r < ROUNDS; r++) {
    h = mix(h, read_sysreg(cntvct_el0));
    for (int k = 0; k < 8; k++) {
      h = mix(h, r + k);
      table[(h >> 3) % WORDS] ^= h;
    }
    __asm__ volatile ("svc #0x51" ::: "memory");
    table[r % WORDS] += svc_mix;
  }
  put_str("ready\n");
  volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;
  while (uart[UART_FR / 4] & UART_FR_RXFE)
    ;
  ulong byte = uart[UART_DR / 4] & 0xff;
  for (int i = 0; i < WORDS; i++)
    table[i] = mix(table[i], byte + i);
  put_hex(sum());
  return 0;
}
