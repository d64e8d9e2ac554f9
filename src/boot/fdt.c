/* DTB writer (Devicetree Specification v0.4, chapter 5).
 *
 * While the tree is being built the structure block grows upwards from
 * offset 56 and the strings block grows downwards from the end of the
 * buffer, so neither needs to know the other's final size. A property's
 * nameoff is provisionally recorded as the distance of its string from the
 * end of the buffer; fdt_finish rewrites each one as an offset into the
 * strings block, then moves the strings block down next to the structure
 * block. */
#include "boot/fdt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_END 9u

#define HDR_SIZE 40u                  /* struct fdt_header, spec 5.2 */
#define RSV_OFF HDR_SIZE              /* memory reservation block, spec 5.3 */
#define STRUCT_OFF (HDR_SIZE + 16u)   /* after the single terminator entry */

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fail(fdt *f)
{
    f->err = 1;
    return -1;
}

/* Nonzero if the writer accepts more structure-block content. */
static int open_for_write(fdt *f) { return !f->err && !f->done; }

/* Free bytes between the structure block and the strings block. */
static size_t room(const fdt *f) { return f->strtop - f->pos; }

void fdt_init(fdt *f, uint8_t *buf, size_t cap)
{
    memset(f, 0, sizeof *f);
    f->buf = buf;
    f->cap = cap;
    f->pos = STRUCT_OFF;
    f->strtop = cap;
    if (!buf || cap < STRUCT_OFF) {
        f->pos = f->strtop = 0;
        f->err = 1;
    }
}

int fdt_begin_node(fdt *f, const char *name)
{
    if (!open_for_write(f) || !name || (f->depth == 0 && f->nodes > 0))
        return fail(f);
    size_t n = strlen(name) + 1, need = 4 + align4(n);
    if (need > room(f))
        return fail(f);
    uint8_t *p = f->buf + f->pos;
    put32(p, FDT_BEGIN_NODE);
    memset(p + 4, 0, need - 4);
    memcpy(p + 4, name, n);
    f->pos += need;
    f->depth++;
    f->nodes++;
    return 0;
}

int fdt_end_node(fdt *f)
{
    if (!open_for_write(f) || f->depth == 0 || room(f) < 4)
        return fail(f);
    put32(f->buf + f->pos, FDT_END_NODE);
    f->pos += 4;
    f->depth--;
    return 0;
}

/* Buffer offset of string s in the strings block, adding it if absent;
 * 0 if it does not fit (offset 0 is never a valid string position). */
static size_t intern(fdt *f, const char *s)
{
    for (size_t p = f->strtop; p < f->cap; p += strlen((const char *)f->buf + p) + 1)
        if (strcmp((const char *)f->buf + p, s) == 0)
            return p;
    size_t n = strlen(s) + 1;
    if (n > room(f))
        return 0;
    f->strtop -= n;
    memcpy(f->buf + f->strtop, s, n);
    return f->strtop;
}

/* Write the FDT_PROP header for a len-byte value, zero its padding and
 * return where the value goes; NULL (and err set) on failure. */
static uint8_t *prop_space(fdt *f, const char *name, size_t len)
{
    if (!open_for_write(f) || f->depth == 0 || !name || len > UINT32_MAX) {
        fail(f);
        return NULL;
    }
    size_t s = intern(f, name);
    size_t need = 12 + align4(len);
    if (s == 0 || need > room(f)) {
        fail(f);
        return NULL;
    }
    uint8_t *p = f->buf + f->pos;
    put32(p, FDT_PROP);
    put32(p + 4, (uint32_t)len);
    put32(p + 8, (uint32_t)(f->cap - s)); /* provisional, see fdt_finish */
    memset(p + 12, 0, need - 12);
    f->pos += need;
    return p + 12;
}

int fdt_prop(fdt *f, const char *name, const void *data, size_t len)
{
    if (len && !data)
        return fail(f);
    uint8_t *p = prop_space(f, name, len);
    if (!p)
        return -1;
    if (len)
        memcpy(p, data, len);
    return 0;
}

int fdt_prop_empty(fdt *f, const char *name) { return fdt_prop(f, name, NULL, 0); }

int fdt_prop_u32(fdt *f, const char *name, uint32_t v)
{
    return fdt_prop_cells(f, name, &v, 1);
}

int fdt_prop_u64(fdt *f, const char *name, uint64_t v)
{
    uint32_t cells[2] = { (uint32_t)(v >> 32), (uint32_t)v };
    return fdt_prop_cells(f, name, cells, 2);
}

int fdt_prop_cells(fdt *f, const char *name, const uint32_t *cells, size_t n)
{
    if ((n && !cells) || n > UINT32_MAX / 4)
        return fail(f);
    uint8_t *p = prop_space(f, name, 4 * n);
    if (!p)
        return -1;
    for (size_t i = 0; i < n; i++)
        put32(p + 4 * i, cells[i]);
    return 0;
}

int fdt_prop_string(fdt *f, const char *name, const char *s)
{
    return fdt_prop_strings(f, name, &s, 1);
}

int fdt_prop_strings(fdt *f, const char *name, const char *const *strs, size_t n)
{
    size_t len = 0;
    if (n && !strs)
        return fail(f);
    for (size_t i = 0; i < n; i++) {
        if (!strs[i])
            return fail(f);
        len += strlen(strs[i]) + 1;
    }
    uint8_t *p = prop_space(f, name, len);
    if (!p)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(strs[i]) + 1;
        memcpy(p, strs[i], l);
        p += l;
    }
    return 0;
}

size_t fdt_finish(fdt *f)
{
    if (!open_for_write(f) || f->depth != 0 || f->nodes == 0 || room(f) < 4) {
        fail(f);
        return 0;
    }
    f->done = 1;
    size_t strsize = f->cap - f->strtop;
    /* Rewrite provisional nameoffs (distance from the buffer end). */
    for (size_t p = STRUCT_OFF; p < f->pos;) {
        uint32_t tok = get32(f->buf + p);
        if (tok == FDT_BEGIN_NODE) {
            p += 4 + align4(strlen((const char *)f->buf + p + 4) + 1);
        } else if (tok == FDT_PROP) {
            uint32_t len = get32(f->buf + p + 4);
            put32(f->buf + p + 8, (uint32_t)(strsize - get32(f->buf + p + 8)));
            p += 12 + align4(len);
        } else {
            p += 4; /* FDT_END_NODE */
        }
    }
    put32(f->buf + f->pos, FDT_END);
    f->pos += 4;
    size_t total = f->pos + strsize;
    if (total > UINT32_MAX) {
        f->err = 1;
        return 0;
    }
    memmove(f->buf + f->pos, f->buf + f->strtop, strsize);

    uint8_t *h = f->buf;
    put32(h + 0, FDT_MAGIC);
    put32(h + 4, (uint32_t)total);                    /* totalsize */
    put32(h + 8, STRUCT_OFF);                         /* off_dt_struct */
    put32(h + 12, (uint32_t)f->pos);                  /* off_dt_strings */
    put32(h + 16, RSV_OFF);                           /* off_mem_rsvmap */
    put32(h + 20, 17);                                /* version */
    put32(h + 24, 16);                                /* last_comp_version */
    put32(h + 28, 0);                                 /* boot_cpuid_phys */
    put32(h + 32, (uint32_t)strsize);                 /* size_dt_strings */
    put32(h + 36, (uint32_t)(f->pos - STRUCT_OFF));   /* size_dt_struct */
    memset(h + RSV_OFF, 0, 16); /* reservation block: terminator only */
    return total;
}

int fdt_begin_node_at(fdt *f, const char *name, uint64_t addr)
{
    char s[64];
    snprintf(s, sizeof s, "%s@%" PRIx64, name, addr);
    return fdt_begin_node(f, s);
}

int fdt_prop_reg64(fdt *f, uint64_t base, uint64_t size)
{
    uint32_t r[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size};
    return fdt_prop_cells(f, "reg", r, 4);
}
