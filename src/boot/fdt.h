/* Flattened device tree (DTB) writer: Devicetree Specification v0.4,
 * chapter 5. Output layout: 40-byte header, an empty memory reservation
 * block (one all-zero 16-byte terminator entry), the structure block, then
 * the strings block with each property name stored once. All multi-byte
 * values are big-endian.
 *
 * Usage: fdt_init, then a properly nested sequence of fdt_begin_node /
 * fdt_prop* / fdt_end_node starting with the root node (name ""), then
 * fdt_finish. Every call checks the remaining space first and never writes
 * outside buf[0, cap); a failed call sets the sticky `err` flag, turns all
 * later calls into no-ops and makes fdt_finish return 0. */
#ifndef WVM_FDT_H
#define WVM_FDT_H

#include <stddef.h>
#include <stdint.h>

typedef struct fdt {
    uint8_t *buf;
    size_t cap;    /* bytes available at buf */
    size_t pos;    /* end of the structure block written so far */
    size_t strtop; /* the strings block is kept at buf[strtop, cap) until fdt_finish */
    int depth;     /* open nodes */
    int nodes;     /* nodes begun so far */
    int done;      /* fdt_finish has run */
    int err;       /* sticky: out of space, bad nesting or bad argument */
} fdt;

/* Start a DTB in buf (cap bytes; the caller owns the memory, no alignment
 * required). A cap smaller than the header plus reservation block (56
 * bytes) sets err. */
void fdt_init(fdt *f, uint8_t *buf, size_t cap);

/* Open a node (FDT_BEGIN_NODE, spec 5.4.1). name is the node name with its
 * unit address, e.g. "memory@80000000"; the root node's name is "". Only
 * the root may be opened at depth 0, and only once. Returns 0, or -1 (and
 * sets err) on overflow or misuse. */
int fdt_begin_node(fdt *f, const char *name);

/* Close the innermost open node (FDT_END_NODE). Returns 0, or -1 (and sets
 * err) on overflow or if no node is open. */
int fdt_end_node(fdt *f);

/* Add property `name` with len bytes of raw value `data` (FDT_PROP, spec
 * 5.4.1; data may be NULL when len is 0) to the open node. The name goes to
 * the strings block once, however many nodes use it. Returns 0, or -1 (and
 * sets err) on overflow or if no node is open. */
int fdt_prop(fdt *f, const char *name, const void *data, size_t len);

/* The typed helpers below add one property like fdt_prop and return the
 * same 0 / -1. Property with no value, e.g. "interrupt-controller". */
int fdt_prop_empty(fdt *f, const char *name);

/* Property holding one big-endian 32-bit cell (<u32>, spec 2.2.4). */
int fdt_prop_u32(fdt *f, const char *name, uint32_t v);

/* Property holding one big-endian 64-bit value (<u64>: two cells, most
 * significant first), e.g. "linux,initrd-start". */
int fdt_prop_u64(fdt *f, const char *name, uint64_t v);

/* Property holding n big-endian 32-bit cells (<prop-encoded-array>), e.g.
 * "reg" or "interrupts-extended". */
int fdt_prop_cells(fdt *f, const char *name, const uint32_t *cells, size_t n);

/* Property holding one NUL-terminated string (<string>). */
int fdt_prop_string(fdt *f, const char *name, const char *s);

/* Property holding n concatenated NUL-terminated strings (<stringlist>),
 * e.g. compatible = "sifive,clint0", "riscv,clint0". */
int fdt_prop_strings(fdt *f, const char *name, const char *const *strs, size_t n);

/* compatible = the given strings, e.g. FDT_COMPAT(f, "arm,pl011", "arm,primecell"). */
#define FDT_COMPAT(f, ...)                                                     \
    fdt_prop_strings(f, "compatible", (const char *const[]){ __VA_ARGS__ },   \
                     sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* Open node "<name>@<addr in lowercase hex>" (fdt_begin_node). */
int fdt_begin_node_at(fdt *f, const char *name, uint64_t addr);

/* reg = <base size> with #address-cells = #size-cells = 2. */
int fdt_prop_reg64(fdt *f, uint64_t base, uint64_t size);

/* Terminate the structure block (FDT_END), move the strings block right
 * after it and write the header (spec 5.2: version 17, last compatible
 * version 16, boot_cpuid_phys 0). Returns the total DTB size in bytes
 * (header field totalsize; the blob occupies buf[0, size)), or 0 if any
 * earlier call failed, a node is still open, the root was never opened, it
 * does not fit in cap, or fdt_finish already ran. */
size_t fdt_finish(fdt *f);

#endif
