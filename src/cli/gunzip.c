/* Unpacking a gzip image with zlib (cli/gunzip.h). */
#include "cli/gunzip.h"

#include <stdlib.h>
#include <zlib.h>

uint8_t *gunzip_image(const uint8_t *in, size_t len, size_t max, size_t *out_len)
{
    if (len < 18 || in[0] != 0x1f || in[1] != 0x8b)
        return NULL;
    z_stream z = {0};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) /* gzip wrapper */
        return NULL;
    size_t cap = len * 4, n = 0;
    uint8_t *out = malloc(cap);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    int rc = Z_OK;
    while (out && rc != Z_DATA_ERROR && rc != Z_MEM_ERROR) {
        if (n == cap) {
            uint8_t *bigger = cap < max ? realloc(out, cap * 2 < max ? cap * 2 : max) : NULL;
            if (!bigger)
                break;
            out = bigger, cap = cap * 2 < max ? cap * 2 : max;
        }
        z.next_out = out + n;
        z.avail_out = (uInt)(cap - n);
        rc = inflate(&z, Z_NO_FLUSH);
        n = cap - z.avail_out;
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0) { /* the last member */
                inflateEnd(&z);
                *out_len = n;
                return out;
            }
            rc = inflateReset(&z) == Z_OK ? Z_OK : Z_DATA_ERROR; /* the next member */
        } else if (rc == Z_BUF_ERROR && z.avail_out != 0) {
            break; /* truncated */
        }
    }
    inflateEnd(&z);
    free(out);
    return NULL;
}
