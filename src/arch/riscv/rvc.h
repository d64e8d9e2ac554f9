/* RVC: expansion of 16-bit compressed instructions (Unprivileged Spec
 * 20191213, chapter 16) to their 32-bit equivalents. */
#ifndef WVM_RISCV_RVC_H
#define WVM_RISCV_RVC_H

#include <stdint.h>

/* The RV64 32-bit instruction that compressed instruction `c` expands to,
 * or 0 if `c` is illegal or reserved (0 is itself an illegal encoding). */
uint32_t rvc_expand(uint16_t c);

#endif
