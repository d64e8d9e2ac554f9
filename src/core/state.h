/* Machine state as bytes: the section writer and reader that every hart and
 * device uses to save and load its architectural state (not its caches, not
 * its wiring). One function per component serves both directions, so a
 * field cannot be saved and then forgotten on load:
 *
 *     void plic_state(plic *p, sv_io *io)
 *     {
 *         if (!sv_begin(io, "plic", 1)) return;
 *         SV(io, p->priority); ...
 *         sv_end(io);
 *     }
 *
 * A section is tag[8] (NUL-padded) | u32 version | u64 payload bytes |
 * payload; every integer little-endian, as both the native (x86-64, arm64)
 * and the wasm builds store them. Loading checks tags, versions and lengths;
 * the first error sticks (io->err) and later calls do nothing. */
#ifndef WVM_STATE_H
#define WVM_STATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sv_io {
    int load;          /* 0: append to buf; 1: read from buf */
    uint8_t *buf;      /* save: malloc'd, grows; load: the caller's bytes */
    size_t len, cap;   /* bytes in buf; save: allocated bytes */
    size_t pos;        /* load: read position */
    size_t sect_len;   /* position of the open section's length field (save) or its end (load) */
    int err;           /* nonzero after the first error; msg says what */
    char msg[160];
} sv_io;

/* Copy `n` bytes of state at `p` out (save) or in (load). A load past the
 * open section's end or the buffer's sets the error and leaves `p` alone. */
void sv_bytes(sv_io *io, void *p, size_t n);
#define SV(io, field) sv_bytes((io), &(field), sizeof(field))

/* Open section `tag` (at most 8 characters) of format `version`. Save:
 * returns `version`. Load: returns the saved section's version (1 up to
 * `version`: older formats stay readable), or 0 with the error set if the
 * next section is not `tag` or is of a newer version. */
uint32_t sv_begin(sv_io *io, const char *tag, uint32_t version);

/* Close the open section. Load: an error unless every payload byte was read. */
void sv_end(sv_io *io);

/* Set the error (printf-style message) if none is set yet. */
void sv_fail(sv_io *io, const char *fmt, ...);

/* A 64-bit checksum of `n` bytes (FNV-1a over 8-byte little-endian words,
 * then the tail bytes): any change to one word changes it. */
uint64_t sv_checksum(const uint8_t *p, size_t n);

#endif
