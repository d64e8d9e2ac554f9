/* The native CLI's image unpacking: a gzip kernel or initrd (RFC 1952) is
 * unpacked on the host, as the Node side does (src/js/compress.mjs): a
 * compressed kernel (Debian's vmlinuz) then boots as QEMU's -kernel takes
 * it, and the guest is spared its initrd's gunzip. */
#ifndef WVM_CLI_GUNZIP_H
#define WVM_CLI_GUNZIP_H

#include <stddef.h>
#include <stdint.h>

/* If `len` bytes at `in` are gzip data (one or more members, nothing
 * after), return their unpacked bytes (malloc'd; *out_len bytes). Returns
 * NULL for anything else, damaged data, or more than `max` bytes unpacked:
 * the caller then loads the bytes as they are. */
uint8_t *gunzip_image(const uint8_t *in, size_t len, size_t max, size_t *out_len);

#endif
