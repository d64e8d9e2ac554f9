/* GDB remote serial protocol stub ("GDB Remote Serial Protocol", the GDB
 * manual's appendix E): registers with a target description (each
 * architecture's, core/gdb_target.h, through its cpu_class), memory through
 * the architecture's side-effect-free translation,
 * breakpoints, watchpoints, single step, continue, Ctrl-C, harts as threads
 * (thread id = CPU index + 1). Transport-free: the host feeds received bytes to
 * wvm_gdb_input and sends what wvm_gdb_output returns. */
#include "core/gdbstub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gdb_target.h"
#include "core/machine.h"
#include "ir/debug.h"
#include "mem/softmmu.h"

#define PACKET_SIZE 4000 /* PacketSize we announce: payload bytes GDB may send */

/* The machine's architecture as GDB sees it. */
static const gdb_target *target(const wvm_machine *m) { return m->board->cpu->gdb; }

/* Register `regnum` of GDB's numbering, or NULL if the target has none. */
static const gdb_reg *find_reg(const gdb_target *t, uint64_t regnum)
{
    for (size_t f = 0; f < t->nfeatures; f++)
        for (size_t i = 0; i < t->features[f].nregs; i++)
            if (t->features[f].regs[i].regnum == regnum)
                return &t->features[f].regs[i];
    return NULL;
}

/* Nonzero if every register of a 'g' packet exists and they fit in
 * GDB_G_MAX bytes. */
static int g_regs_fit(const gdb_target *t)
{
    unsigned bytes = 0;
    for (unsigned i = 0; i < t->g_regs; i++) {
        const gdb_reg *r = find_reg(t, i);
        if (!r)
            return 0;
        bytes += r->bits / 8u;
    }
    return bytes <= GDB_G_MAX;
}

/* Write t's target description (GDB manual, "Target Descriptions") into
 * xml (cap bytes). Returns its length, or 0 if it does not fit. */
static size_t target_xml(const gdb_target *t, char *xml, size_t cap)
{
    size_t n = 0;
#define ADD(...) (n += n < cap ? (size_t)snprintf(xml + n, cap - n, __VA_ARGS__) : 0)
    ADD("<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target version=\"1.0\">"
        "<architecture>%s</architecture>", t->architecture);
    for (size_t f = 0; f < t->nfeatures; f++) {
        const gdb_feature *ft = &t->features[f];
        ADD("<feature name=\"%s\">%s", ft->name, ft->types);
        for (size_t i = 0; i < ft->nregs; i++) {
            const gdb_reg *r = &ft->regs[i];
            ADD("<reg name=\"%s\" bitsize=\"%u\" regnum=\"%u\"%s%s%s/>", r->name, r->bits, r->regnum,
                r->type ? " type=\"" : "", r->type ? r->type : "", r->type ? "\"" : "");
        }
        ADD("</feature>");
    }
    ADD("</target>");
#undef ADD
    return n < cap ? n : 0;
}

static const char hexdigits[] = "0123456789abcdef";

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Parse hex digits at *p into *v (at most 16), advancing *p. Returns the
 * digits read (0: none, an error for every caller). */
static int parse_hex(const char **p, uint64_t *v)
{
    int n = 0;
    *v = 0;
    for (; hexval(**p) >= 0 && n < 16; (*p)++, n++)
        *v = *v << 4 | (uint64_t)hexval(**p);
    return hexval(**p) >= 0 ? 0 : n;
}

/* Queue raw bytes for GDB; dropped when the buffer is full (GDB resends). */
static void out_raw(gdb_stub *g, const char *s, size_t n)
{
    if (n > GDB_OUT_MAX - g->out_len)
        return;
    memcpy(g->out + g->out_len, s, n);
    g->out_len += n;
}

/* Queue one packet: $payload#checksum (payload needs no escaping: replies
 * are hex or plain text without '$', '#', '}' and '*'). */
static void reply(gdb_stub *g, const char *payload, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (uint8_t)payload[i];
    char tail[3] = {'#', hexdigits[sum >> 4], hexdigits[sum & 15]};
    out_raw(g, "$", 1);
    out_raw(g, payload, n);
    out_raw(g, tail, 3);
}

static void reply_str(gdb_stub *g, const char *s) { reply(g, s, strlen(s)); }

/* Append `n` bytes as hex to buf at *len (cap bytes). */
static void put_hex(char *buf, size_t *len, size_t cap, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && *len + 2 <= cap; i++) {
        buf[(*len)++] = hexdigits[p[i] >> 4];
        buf[(*len)++] = hexdigits[p[i] & 15];
    }
}

/* CPU `i`, or CPU 0 if there is no such CPU. */
static ir_cpu *cpu_of(wvm_machine *m, int i) { return m->cpus[i >= 0 && i < m->ncpus ? i : 0]; }

/* The index of `cpu` among the machine's CPUs (its thread id - 1). */
static int index_of(const wvm_machine *m, const ir_cpu *cpu)
{
    for (int i = 0; i < m->ncpus; i++)
        if (m->cpus[i] == cpu)
            return i;
    return 0;
}

/* Copy `len` bytes of guest-virtual memory of CPU `cpu` at `va` (as the CPU
 * sees it now, through its architecture's translation in probe mode: no
 * accessed/dirty bit set, no trap) to or from buf. A page its data
 * accesses cannot read may still be read as its instruction fetches see it
 * (kernel code, an AArch64 EL0 page under PAN). Returns 0, or -1 if some
 * byte has no RAM behind it. */
static int debug_memory(wvm_machine *m, ir_cpu *cpu, uint64_t va, uint8_t *buf, size_t len, int write)
{
    while (len) {
        size_t chunk = PAGE_SIZE - (size_t)(va & ~PAGE_MASK);
        if (chunk > len)
            chunk = len;
        uint64_t pa;
        if (mmu_probe(cpu, va, ACC_READ, cpu->data_idx, &pa) != 0 &&
            mmu_probe(cpu, va, ACC_READ, cpu->fetch_idx, &pa) != 0 &&
            mmu_probe(cpu, va, ACC_EXEC, cpu->fetch_idx, &pa) != 0)
            return -1;
        uint8_t *p = write ? phys_dma_write_ptr(&m->pm, pa, chunk) : phys_ram_ptr(&m->pm, pa, chunk);
        if (!p)
            return -1;
        if (write)
            memcpy(p, buf, chunk);
        else
            memcpy(buf, p, chunk);
        va += chunk, buf += chunk, len -= chunk;
    }
    return 0;
}

/* Harts translate one-instruction blocks and the JIT rests while any
 * breakpoint or watchpoint is set or a step is under way. */
static void update_debug_mode(wvm_machine *m)
{
    gdb_stub *g = m->gdb;
    int on = m->debug.nbp || m->debug.nwp || g->stepping;
    if (on == g->debug_mode)
        return;
    g->debug_mode = on;
    if (on) {
        g->jit_threshold = m->cache.jit.threshold;
        m->cache.jit.threshold = 0;
    } else {
        m->cache.jit.threshold = g->jit_threshold;
    }
    for (int i = 0; i < m->ncpus; i++) {
        m->cpus[i]->block_insns_max = on ? 1 : 0;
        m->cpus[i]->debug = on ? &m->debug : NULL;
    }
    ir_cache_flush(&m->cache);
}

/* Stop the guest and queue the stop reply: `signal` 5 (SIGTRAP) or 2
 * (SIGINT), CPU `cpu` (an index), and `extra` ("watch:ADDR;" or ""). */
static void stop(wvm_machine *m, int cpu, int signal, const char *extra)
{
    gdb_stub *g = m->gdb;
    g->stopped = 1;
    g->stepping = 0;
    g->g_hart = cpu;
    snprintf(g->stop_reply, sizeof(g->stop_reply), "T%02xthread:%x;%s", signal, (unsigned)cpu + 1, extra);
    for (int i = 0; i < m->ncpus; i++)
        m->cpus[i]->exit_req = 2; /* the other harts stop at their next block boundary */
    if (g->connected)
        reply_str(g, g->stop_reply);
}

int64_t gdb_run_cpu(wvm_machine *m, ir_cpu *cpu, int64_t budget)
{
    const cpu_class *cc = m->board->cpu;
    gdb_stub *g = m->gdb;
    int64_t done = 0;
    int id = index_of(m, cpu);
    if (g->stepping && id != g->step_hart)
        return 0; /* a single step moves one CPU only */
    for (int64_t i = 0; i < budget && !g->stopped && !m->halted; i++) {
        if (!g->stepping && ir_debug_is_breakpoint(&m->debug, cpu->pc)) {
            stop(m, id, 5, "hwbreak:;");
            break;
        }
        m->debug.hit = 0;
        int64_t n = cc->run(cpu, 1);
        done += n;
        if (m->debug.hit) {
            static const char *const kinds[] = {"", "watch", "rwatch", "awatch"};
            char extra[48];
            snprintf(extra, sizeof(extra), "%s:%llx;", kinds[m->debug.hit_kind & 3],
                     (unsigned long long)m->debug.hit_va);
            stop(m, id, 5, extra);
        } else if (g->stepping) {
            stop(m, id, 5, "");
        }
        if (n == 0 && cc->idle(cpu))
            break;
    }
    return done;
}

void gdb_guest_exited(wvm_machine *m, int code)
{
    gdb_stub *g = m->gdb;
    if (!g || !g->connected || g->stopped)
        return;
    char s[8];
    snprintf(s, sizeof(s), "W%02x", code & 0xff);
    g->stopped = 1;
    reply_str(g, s);
}

/* Resume after 'c' or 's' (optionally at `addr`). */
static void resume(wvm_machine *m, const char *args, int step)
{
    gdb_stub *g = m->gdb;
    int h = g->c_hart >= 0 ? g->c_hart : g->g_hart;
    uint64_t addr;
    const char *p = args;
    if (*p && parse_hex(&p, &addr))
        wvm_set_reg(m, h, target(m)->pc_index, addr);
    g->stepping = step;
    g->step_hart = index_of(m, cpu_of(m, h));
    update_debug_mode(m);
    for (int i = 0; i < m->ncpus; i++)
        if (m->cpus[i]->exit_req == 2 && !m->halted)
            m->cpus[i]->exit_req = 0;
    g->stopped = 0;
}

/* Z/z packets: type,addr,kind. */
static void breakpoint(wvm_machine *m, const char *p, int insert)
{
    gdb_stub *g = m->gdb;
    uint64_t type, addr, kind;
    if (!parse_hex(&p, &type) || *p++ != ',' || !parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &kind)) {
        reply_str(g, "E01");
        return;
    }
    int rc;
    if (type <= 1) {
        rc = insert ? ir_debug_add_breakpoint(&m->debug, addr) : ir_debug_remove_breakpoint(&m->debug, addr);
    } else if (type <= 4) {
        static const int kinds[] = {0, 0, IR_WATCH_WRITE, IR_WATCH_READ, IR_WATCH_READ | IR_WATCH_WRITE};
        rc = insert ? ir_debug_add_watchpoint(&m->debug, addr, kind, kinds[type])
                    : ir_debug_remove_watchpoint(&m->debug, addr, kind, kinds[type]);
        for (int i = 0; i < m->ncpus; i++)
            tlb_flush(m->cpus[i]);
    } else {
        reply_str(g, "");
        return;
    }
    reply_str(g, rc == 0 ? "OK" : "E0e");
    update_debug_mode(m);
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
static void xfer_features(gdb_stub *g, const char *p)
{
    uint64_t off, len;
    const char *xml = g->xml;
    size_t total = g->xml_len;
    if (strncmp(p, "target.xml:", 11) != 0) {
        reply_str(g, "E00");
        return;
    }
    p += 11;
    if (!parse_hex(&p, &off) || *p++ != ',' || !parse_hex(&p, &len)) {
        reply_str(g, "E01");
        return;
    }
    if (off >= total) {
        reply_str(g, "l");
        return;
    }
    if (len > PACKET_SIZE - 1)
        len = PACKET_SIZE - 1;
    size_t n = total - off < len ? total - off : len;
    char buf[PACKET_SIZE + 1];
    buf[0] = off + n < total ? 'm' : 'l';
    memcpy(buf + 1, xml + off, n);
    reply(g, buf, n + 1);
}

static void query(wvm_machine *m, const char *p)
{
    gdb_stub *g = m->gdb;
    char buf[256];
    if (!strncmp(p, "qSupported", 10)) {
        snprintf(buf, sizeof(buf), "PacketSize=%x;qXfer:features:read+;hwbreak+", PACKET_SIZE);
        reply_str(g, buf);
    } else if (!strncmp(p, "qXfer:features:read:", 20)) {
        xfer_features(g, p + 20);
    } else if (!strcmp(p, "qfThreadInfo")) {
        size_t n = 1;
        buf[0] = 'm';
        for (int i = 0; i < m->ncpus; i++)
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%x", i ? "," : "", i + 1);
        reply(g, buf, n);
    } else if (!strcmp(p, "qsThreadInfo")) {
        reply_str(g, "l");
    } else if (!strcmp(p, "qC")) {
        snprintf(buf, sizeof(buf), "QC%x", g->g_hart + 1);
        reply_str(g, buf);
    } else if (!strcmp(p, "qAttached")) {
        reply_str(g, "1");
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        uint64_t t;
        const char *q = p + 17;
        char text[32];
        size_t n = 0;
        parse_hex(&q, &t);
        int len = snprintf(text, sizeof(text), "%s %llu", target(m)->cpu_name, (unsigned long long)(t ? t - 1 : 0));
        put_hex(buf, &n, sizeof(buf), (const uint8_t *)text, (size_t)len);
        reply(g, buf, n);
    } else {
        reply_str(g, "");
    }
}

/* Thread id of an H or T packet: -1 (all) or a hart index; -2 if bad. */
static int thread_of(wvm_machine *m, const char *p)
{
    if (!strcmp(p, "-1"))
        return -1;
    uint64_t t;
    if (!parse_hex(&p, &t) || *p)
        return -2;
    if (t == 0)
        return 0;
    return t <= (uint64_t)m->ncpus ? (int)t - 1 : -2;
}

/* Parse a register value of `bytes` bytes, little-endian hex, at *p into
 * *v, advancing *p. Returns 0, or -1 on a non-hex digit. */
static int parse_value(const char **p, unsigned bytes, uint64_t *v)
{
    *v = 0;
    for (unsigned k = 0; k < bytes; k++, *p += 2) {
        int hi = hexval((*p)[0]), lo = hi >= 0 ? hexval((*p)[1]) : -1;
        if (lo < 0)
            return -1;
        *v |= (uint64_t)(hi << 4 | lo) << (8 * k);
    }
    return 0;
}

/* g / G hex: registers 0..g_regs-1 of the target, each as wide as it is.
 * A G packet may stop early: the registers after it keep their values. */
static void registers_packet(wvm_machine *m, const char *p, int write)
{
    gdb_stub *g = m->gdb;
    const gdb_target *t = target(m);
    char buf[GDB_G_MAX * 2 + 1];
    size_t n = 0;
    for (unsigned i = 0; i < t->g_regs && (!write || (p[0] && p[1])); i++) {
        const gdb_reg *r = find_reg(t, i);
        uint64_t v;
        if (!write) {
            v = wvm_reg(m, g->g_hart, r->index);
            put_hex(buf, &n, sizeof(buf), (const uint8_t *)&v, r->bits / 8u);
        } else if (parse_value(&p, r->bits / 8u, &v) != 0) {
            reply_str(g, "E01");
            return;
        } else {
            wvm_set_reg(m, g->g_hart, r->index, v);
        }
    }
    if (write)
        reply_str(g, "OK");
    else
        reply(g, buf, n);
}

/* p n / P n=value (value: the register's bytes, little-endian hex). */
static void register_packet(wvm_machine *m, const char *p, int write)
{
    gdb_stub *g = m->gdb;
    uint64_t n, v;
    const gdb_reg *r = parse_hex(&p, &n) ? find_reg(target(m), n) : NULL;
    if (!r || (write && *p++ != '=')) {
        reply_str(g, "E01");
        return;
    }
    if (!write) {
        char buf[17];
        size_t len = 0;
        v = wvm_reg(m, g->g_hart, r->index);
        put_hex(buf, &len, sizeof(buf), (const uint8_t *)&v, r->bits / 8u);
        reply(g, buf, len);
        return;
    }
    if (parse_value(&p, r->bits / 8u, &v) != 0 || *p) {
        reply_str(g, "E01");
        return;
    }
    reply_str(g, wvm_set_reg(m, g->g_hart, r->index, v) == 0 ? "OK" : "E01");
}

/* m addr,len / M addr,len:hex */
static void memory_packet(wvm_machine *m, const char *p, int write)
{
    gdb_stub *g = m->gdb;
    uint64_t addr, len;
    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len) || (write && *p++ != ':') ||
        len > PACKET_SIZE / 2 || (write && strlen(p) != 2 * len)) {
        reply_str(g, "E01");
        return;
    }
    uint8_t data[PACKET_SIZE / 2];
    ir_cpu *cpu = cpu_of(m, g->g_hart);
    if (write) {
        for (uint64_t i = 0; i < len; i++) {
            int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                reply_str(g, "E01");
                return;
            }
            data[i] = (uint8_t)(hi << 4 | lo);
        }
        reply_str(g, debug_memory(m, cpu, addr, data, len, 1) == 0 ? "OK" : "E14");
        return;
    }
    if (debug_memory(m, cpu, addr, data, len, 0) != 0) {
        reply_str(g, "E14");
        return;
    }
    char buf[PACKET_SIZE];
    size_t n = 0;
    put_hex(buf, &n, sizeof(buf), data, len);
    reply(g, buf, n);
}

static void detach(wvm_machine *m)
{
    gdb_stub *g = m->gdb;
    m->debug.nbp = m->debug.nwp = 0;
    for (int i = 0; i < m->ncpus; i++)
        tlb_flush(m->cpus[i]);
    resume(m, "", 0);
    g->connected = 0;
}

/* Handle one packet's payload (NUL-terminated). */
static void packet(wvm_machine *m, const char *p)
{
    gdb_stub *g = m->gdb;
    switch (p[0]) {
    case '?': reply_str(g, g->stop_reply); break;
    case 'g': registers_packet(m, p + 1, 0); break;
    case 'G': registers_packet(m, p + 1, 1); break;
    case 'p': register_packet(m, p + 1, 0); break;
    case 'P': register_packet(m, p + 1, 1); break;
    case 'm': memory_packet(m, p + 1, 0); break;
    case 'M': memory_packet(m, p + 1, 1); break;
    case 'c': resume(m, p + 1, 0); break; /* the reply comes when the guest stops */
    case 's': resume(m, p + 1, 1); break;
    case 'Z': breakpoint(m, p + 1, 1); break;
    case 'z': breakpoint(m, p + 1, 0); break;
    case 'q': query(m, p); break;
    case 'H': {
        int t = p[1] ? thread_of(m, p + 2) : -2;
        if (t == -2 || (p[1] != 'g' && p[1] != 'c')) {
            reply_str(g, "E01");
            break;
        }
        if (p[1] == 'g')
            g->g_hart = t < 0 ? 0 : t;
        else
            g->c_hart = t;
        reply_str(g, "OK");
        break;
    }
    case 'T': reply_str(g, thread_of(m, p + 1) >= 0 ? "OK" : "E01"); break;
    case 'D':
        reply_str(g, "OK");
        detach(m);
        break;
    case 'k': detach(m); break;
    default: reply_str(g, ""); break; /* not supported */
    }
}

int wvm_gdb_attach(wvm_machine *m)
{
    if (!target(m))
        return wvm_fail("the GDB stub does not know this machine's architecture");
    if (!m->gdb && !(m->gdb = calloc(1, sizeof(*m->gdb))))
        return wvm_fail("out of host memory for the GDB stub");
    gdb_stub *g = m->gdb;
    if (!(g->xml_len = target_xml(target(m), g->xml, sizeof(g->xml))) || !g_regs_fit(target(m)))
        return wvm_fail("the GDB target of this architecture does not fit the stub's buffers");
    g->connected = 1;
    g->c_hart = -1;
    if (!g->stopped)
        stop(m, 0, 5, "");
    g->out_len = 0; /* no reply to a previous debugger */
    g->state = 0;
    return 0;
}

void wvm_gdb_detach(wvm_machine *m)
{
    if (m->gdb && m->gdb->connected)
        detach(m);
}

int wvm_gdb_stopped(wvm_machine *m) { return m->gdb && m->gdb->stopped; }

size_t wvm_gdb_input(wvm_machine *m, const uint8_t *p, size_t n)
{
    gdb_stub *g = m->gdb;
    if (!g || !g->connected)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        switch (g->state) {
        case 0:
            if (c == '$') {
                g->state = 1, g->pkt_len = 0, g->sum = 0, g->too_long = 0;
            } else if (c == 3 && !g->stopped) { /* Ctrl-C */
                stop(m, index_of(m, cpu_of(m, g->c_hart >= 0 ? g->c_hart : 0)), 2, "");
            } /* '+' and '-' acknowledgements need nothing */
            break;
        case 1:
            if (c == '#') {
                g->state = 2;
            } else {
                g->sum += c;
                if (g->pkt_len < GDB_PACKET_MAX)
                    g->pkt[g->pkt_len++] = (char)c;
                else
                    g->too_long = 1;
            }
            break;
        case 2:
            g->got_sum = (uint8_t)(hexval(c) << 4);
            g->state = hexval(c) < 0 ? 0 : 3;
            if (!g->state)
                out_raw(g, "-", 1);
            break;
        default:
            g->state = 0;
            if (hexval(c) < 0 || (uint8_t)(g->got_sum | hexval(c)) != g->sum) {
                out_raw(g, "-", 1); /* GDB sends it again */
                break;
            }
            out_raw(g, "+", 1);
            g->pkt[g->pkt_len] = 0;
            if (g->too_long)
                reply_str(g, "E01");
            else
                packet(m, g->pkt);
            if (!g->connected)
                return i + 1;
        }
    }
    return n;
}

size_t wvm_gdb_output(wvm_machine *m, uint8_t *buf, size_t max)
{
    gdb_stub *g = m->gdb;
    if (!g)
        return 0;
    size_t n = g->out_len < max ? g->out_len : max;
    memcpy(buf, g->out, n);
    memmove(g->out, g->out + n, g->out_len - n);
    g->out_len -= n;
    return n;
}
