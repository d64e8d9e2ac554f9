/* Snapshot files of the native CLI (cli/snapshot_file.h), compressed with
 * zlib (Debian's zlib1g) as raw deflate (RFC 1951). */
#include "cli/snapshot_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAGIC "WVMSNAP"
#define HEADER_BYTES 24
#define FORMAT 1u
#define ENCODING_RAW 0u
#define ENCODING_ZLIB 1u    /* RFC 1950: read only */
#define ENCODING_DEFLATE 2u /* RFC 1951 */

/* Deflate `len` bytes at `in` into `out` (room for *out_len bytes) as raw
 * deflate at zlib's fastest level. Returns Z_OK with *out_len set. */
static int deflate_raw(uint8_t *out, size_t *out_len, const uint8_t *in, size_t len)
{
    z_stream z = {0};
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return Z_MEM_ERROR;
    z.next_in = (Bytef *)in, z.avail_in = (uInt)len;
    z.next_out = out, z.avail_out = (uInt)*out_len;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? Z_OK : Z_BUF_ERROR;
}

/* Inflate all of `in` (zlib format if `zlib`, else raw deflate) into exactly
 * `out_len` bytes at `out`. Returns 0, or -1 if it is damaged or of another length. */
static int inflate_exact(uint8_t *out, size_t out_len, const uint8_t *in, size_t len, int zlib)
{
    z_stream z = {0};
    if (inflateInit2(&z, zlib ? 15 : -15) != Z_OK)
        return -1;
    z.next_in = (Bytef *)in, z.avail_in = (uInt)len;
    z.next_out = out, z.avail_out = (uInt)out_len;
    int rc = inflate(&z, Z_FINISH);
    int ok = rc == Z_STREAM_END && z.total_out == out_len && z.avail_in == 0;
    inflateEnd(&z);
    return ok ? 0 : -1;
}

int snapshot_write(wvm_machine *m, const char *path, const uint8_t *host, size_t host_len, char *err, size_t errlen)
{
    uint8_t *state;
    size_t len = wvm_save(m, host, host_len, &state);
    if (!len) {
        snprintf(err, errlen, "%s", wvm_last_error());
        return -1;
    }
    size_t zlen = compressBound(len);
    uint8_t *file = malloc(HEADER_BYTES + zlen);
    int rc = -1;
    if (!file || deflate_raw(file + HEADER_BYTES, &zlen, state, len) != Z_OK) {
        snprintf(err, errlen, "out of memory compressing %zu bytes of state", len);
    } else {
        uint32_t fmt[2] = {FORMAT, ENCODING_DEFLATE};
        uint64_t state_len = len;
        memcpy(file, MAGIC, 8);
        memcpy(file + 8, fmt, 8);
        memcpy(file + 16, &state_len, 8);
        FILE *f = fopen(path, "wb");
        size_t total = HEADER_BYTES + zlen;
        if (!f || fwrite(file, 1, total, f) != total || fclose(f) != 0)
            snprintf(err, errlen, "cannot write '%s'", path);
        else
            rc = 0;
    }
    free(file);
    free(state);
    return rc;
}

int snapshot_read(const char *path, uint8_t **state, size_t *len, char *err, size_t errlen)
{
    *state = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s'", path);
        return -1;
    }
    uint8_t head[HEADER_BYTES];
    uint32_t fmt[2];
    uint64_t state_len;
    size_t got = fread(head, 1, sizeof(head), f);
    memcpy(fmt, head + 8, 8);
    memcpy(&state_len, head + 16, 8);
    int rc = -1;
    if (got != sizeof(head) || memcmp(head, MAGIC, 8) != 0) {
        snprintf(err, errlen, "'%s' is not a wvm snapshot", path);
    } else if (fmt[0] != FORMAT || fmt[1] > ENCODING_DEFLATE) {
        snprintf(err, errlen, "'%s' is a wvm snapshot of format %u, encoding %u; this wvm reads format %u", path,
                 fmt[0], fmt[1], FORMAT);
    } else if (state_len > (8ull << 30)) {
        snprintf(err, errlen, "'%s': the state claims %llu bytes", path, (unsigned long long)state_len);
    } else {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        size_t body = size > HEADER_BYTES ? (size_t)size - HEADER_BYTES : 0;
        uint8_t *in = malloc(body ? body : 1), *out = malloc(state_len ? state_len : 1);
        fseek(f, HEADER_BYTES, SEEK_SET);
        if (!in || !out || fread(in, 1, body, f) != body) {
            snprintf(err, errlen, "cannot read '%s'", path);
        } else if (fmt[1] == ENCODING_RAW ? (body != state_len || !memcpy(out, in, body))
                                          : inflate_exact(out, state_len, in, body, fmt[1] == ENCODING_ZLIB) != 0) {
            snprintf(err, errlen, "'%s' is corrupted or truncated", path);
        } else {
            *state = out, *len = (size_t)state_len, out = NULL;
            rc = 0;
        }
        free(in);
        free(out);
    }
    fclose(f);
    return rc;
}
