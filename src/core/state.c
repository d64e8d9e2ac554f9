/* Section writer and reader for machine state (core/state.h). */
#include "core/state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sv_fail(sv_io *io, const char *fmt, ...)
{
    if (io->err)
        return;
    io->err = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(io->msg, sizeof(io->msg), fmt, ap);
    va_end(ap);
}

/* Make room for `n` more bytes (save). */
static int reserve(sv_io *io, size_t n)
{
    if (io->len + n <= io->cap)
        return 0;
    size_t cap = io->cap ? io->cap : 4096;
    while (cap < io->len + n)
        cap *= 2;
    uint8_t *nb = realloc(io->buf, cap);
    if (!nb) {
        sv_fail(io, "out of host memory for the state (%zu bytes)", cap);
        return -1;
    }
    io->buf = nb;
    io->cap = cap;
    return 0;
}

void sv_bytes(sv_io *io, void *p, size_t n)
{
    if (io->err || n == 0) /* p may be NULL then */
        return;
    if (!io->load) {
        if (reserve(io, n) == 0) {
            memcpy(io->buf + io->len, p, n);
            io->len += n;
        }
        return;
    }
    size_t end = io->sect_len ? io->sect_len : io->len;
    if (n > end - io->pos) {
        sv_fail(io, "the state is truncated (%zu bytes wanted at offset %zu)", n, io->pos);
        return;
    }
    memcpy(p, io->buf + io->pos, n);
    io->pos += n;
}

uint32_t sv_begin(sv_io *io, const char *tag, uint32_t version)
{
    char name[8] = {0};
    for (size_t i = 0; i < sizeof(name) && tag[i]; i++)
        name[i] = tag[i];
    if (io->err)
        return 0;
    if (!io->load) {
        uint64_t len = 0;
        sv_bytes(io, name, sizeof(name));
        sv_bytes(io, &version, sizeof(version));
        io->sect_len = io->len;
        sv_bytes(io, &len, sizeof(len));
        return io->err ? 0 : version;
    }
    char got[9] = {0};
    uint32_t v = 0;
    uint64_t len = 0;
    io->sect_len = 0;
    sv_bytes(io, got, 8);
    sv_bytes(io, &v, sizeof(v));
    sv_bytes(io, &len, sizeof(len));
    if (io->err)
        return 0;
    if (memcmp(got, name, sizeof(name)) != 0) {
        sv_fail(io, "expected state section '%.8s', found '%.8s'", name, got);
        return 0;
    }
    if (v == 0 || v > version) {
        sv_fail(io, "state section '%.8s' has version %u; this wvm reads up to %u", name, v, version);
        return 0;
    }
    if (len > io->len - io->pos) {
        sv_fail(io, "state section '%.8s' is truncated", name);
        return 0;
    }
    io->sect_len = io->pos + (size_t)len;
    return v;
}

void sv_end(sv_io *io)
{
    if (io->err)
        return;
    if (!io->load) {
        uint64_t len = io->len - io->sect_len - sizeof(uint64_t);
        memcpy(io->buf + io->sect_len, &len, sizeof(len));
    } else if (io->pos != io->sect_len) {
        sv_fail(io, "a state section has %zu bytes more than this wvm reads", io->sect_len - io->pos);
    }
    io->sect_len = 0;
}

uint64_t sv_checksum(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}
