/* The native CLI's initrd loading: a gzip initrd (RFC 1952) is unpacked on
 * the host, as the Node side does (src/js/compress.mjs), sparing the guest
 * its gunzip. */
#ifndef WVM_CLI_INITRD_H
#define WVM_CLI_INITRD_H

#include <stddef.h>
#include <stdint.h>

/* If `len` bytes at `in` are gzip data (one or more members, nothing
 * after), return their unpacked bytes (malloc'd; *out_len bytes). Returns
 * NULL for anything else, damaged data, or more than `max` bytes unpacked:
 * the caller then loads the bytes as they are. */
uint8_t *gunzip_initrd(const uint8_t *in, size_t len, size_t max, size_t *out_len);

#endif
