/* Which guest architecture a kernel or program image is built for, read from
 * the image's own header: an ELF's e_machine (System V gABI 4.1), or the
 * magic of each architecture's Linux boot image (Linux
 * Documentation/riscv/boot-image-header.rst, arm64/booting.rst section 4,
 * x86/boot.rst "The Real-Mode Kernel Header"). */
#ifndef WVM_IMAGE_ARCH_H
#define WVM_IMAGE_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/wvm.h"

/* The architecture (enum wvm_arch) of the `len` bytes at `data`:
 * WVM_ARCH_UNKNOWN for a raw binary without a header (bare-metal code),
 * WVM_ARCH_OTHER for an ELF of another machine or a 32-bit one. `*what`
 * (if not NULL) names the kind of image: "ELF", "Linux Image", "bzImage",
 * "gzip data" or "raw binary". */
int image_arch(const uint8_t *data, size_t len, const char **what);

#endif
