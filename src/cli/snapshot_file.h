/* Snapshot files of the native CLI: a machine state (wvm_save) behind a
 * small header and compressed, the format the Node side and the page
 * (src/js/snapshot.mjs) read and write too:
 *
 *   "WVMSNAP\0" | u32 format 1 | u32 encoding | u64 state bytes | the state, encoded
 *
 * encoding 0: as is; 1: zlib (RFC 1950, read only); 2: raw deflate (RFC 1951,
 * written: the state carries its own checksum)
 *
 * (integers little-endian). */
#ifndef WVM_CLI_SNAPSHOT_FILE_H
#define WVM_CLI_SNAPSHOT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/wvm.h"

/* Save machine `m` (with `host` bytes, host_len of them) to file `path`.
 * Returns 0, or -1 with a one-line message in err. */
int snapshot_write(wvm_machine *m, const char *path, const uint8_t *host, size_t host_len, char *err, size_t errlen);

/* Read snapshot file `path` into a malloc'd machine state (*state, *len).
 * Returns 0, or -1 with a one-line message in err (no such file, not a
 * snapshot, another format, corrupted or truncated). */
int snapshot_read(const char *path, uint8_t **state, size_t *len, char *err, size_t errlen);

#endif
