/* Snapshot files of the native CLI (cli/snapshot_file.h), compressed with
 * zlib (Debian's zlib1g). */
#include "cli/snapshot_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAGIC "WVMSNAP"
#define HEADER_BYTES 24
#define FORMAT 1u
#define ENCODING_RAW 0u
#define ENCODING_ZLIB 1u

int snapshot_write(wvm_machine *m, const char *path, const uint8_t *host, size_t host_len, char *err, size_t errlen)
{
    uint8_t *state;
    size_t len = wvm_save(m, host, host_len, &state);
    if (!len) {
        snprintf(err, errlen, "%s", wvm_last_error());
        return -1;
    }
    uLongf zlen = compressBound(len);
    uint8_t *file = malloc(HEADER_BYTES + zlen);
    int rc = -1;
    if (!file || compress2(file + HEADER_BYTES, &zlen, state, len, Z_BEST_SPEED) != Z_OK) {
        snprintf(err, errlen, "out of memory compressing %zu bytes of state", len);
    } else {
        uint32_t fmt[2] = {FORMAT, ENCODING_ZLIB};
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
    } else if (fmt[0] != FORMAT || fmt[1] > ENCODING_ZLIB) {
        snprintf(err, errlen, "'%s' is a wvm snapshot of format %u, encoding %u; this wvm reads format %u", path,
                 fmt[0], fmt[1], FORMAT);
    } else if (state_len > (8ull << 30)) {
        snprintf(err, errlen, "'%s': the state claims %llu bytes", path, (unsigned long long)state_len);
    } else {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        size_t body = size > HEADER_BYTES ? (size_t)size - HEADER_BYTES : 0;
        uint8_t *in = malloc(body ? body : 1), *out = malloc(state_len ? state_len : 1);
        uLongf out_len = (uLongf)state_len;
        fseek(f, HEADER_BYTES, SEEK_SET);
        if (!in || !out || fread(in, 1, body, f) != body) {
            snprintf(err, errlen, "cannot read '%s'", path);
        } else if (fmt[1] == ENCODING_RAW ? (body != state_len || !memcpy(out, in, body))
                                          : uncompress(out, &out_len, in, body) != Z_OK || out_len != state_len) {
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
