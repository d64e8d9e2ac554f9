/* The IR interpreter: the reference engine. Runs blocks from the block cache
 * until the instruction budget is spent or an exit is requested. */
#include "ir/interp.h"

#include "ir/cache.h"
#include "mem/softmmu.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)

static inline uint64_t sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)v; }

static inline uint64_t mulhu64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}
static inline uint64_t mulh64(int64_t a, int64_t b)
{
    return (uint64_t)(((__int128)a * b) >> 64);
}
static inline uint64_t mulhsu64(int64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)a * (__int128)b) >> 64);
}
static inline uint64_t div64(int64_t a, int64_t b)
{
    if (b == 0) return ~0ull;
    if (a == INT64_MIN && b == -1) return (uint64_t)a;
    return (uint64_t)(a / b);
}
static inline uint64_t rem64(int64_t a, int64_t b)
{
    if (b == 0) return (uint64_t)a;
    if (a == INT64_MIN && b == -1) return 0;
    return (uint64_t)(a % b);
}
static inline uint64_t divw(int32_t a, int32_t b)
{
    if (b == 0) return ~0ull;
    if (a == INT32_MIN && b == -1) return sext32((uint32_t)a);
    return sext32((uint32_t)(a / b));
}
static inline uint64_t remw(int32_t a, int32_t b)
{
    if (b == 0) return sext32((uint32_t)a);
    if (a == INT32_MIN && b == -1) return 0;
    return sext32((uint32_t)(a % b));
}
static inline uint64_t rol64(uint64_t a, unsigned n) { n &= 63; return n ? (a << n) | (a >> (64 - n)) : a; }
static inline uint64_t ror64(uint64_t a, unsigned n) { n &= 63; return n ? (a >> n) | (a << (64 - n)) : a; }
static inline uint32_t rol32(uint32_t a, unsigned n) { n &= 31; return n ? (a << n) | (a >> (32 - n)) : a; }
static inline uint32_t ror32(uint32_t a, unsigned n) { n &= 31; return n ? (a >> n) | (a << (32 - n)) : a; }
/* NZCV (bits 31:28) of a + c or a - c in `bits` (32 or 64) bits (Arm ARM
 * C6.2.4 AddWithCarry with carry in 0, or 1 and ~c for a subtraction). */
static inline uint64_t nzcv_add(uint64_t a, uint64_t c, int bits, int sub)
{
    uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull, sign = 1ull << (bits - 1);
    a &= mask, c &= mask;
    uint64_t b = sub ? ~c & mask : c, r = (a + b + (uint64_t)sub) & mask;
    uint64_t carry = sub ? a >= c : r < a;
    uint64_t v = ((a ^ r) & (b ^ r) & sign) != 0;
    return (uint64_t)((r & sign) != 0) << 31 | (uint64_t)(r == 0) << 30 | carry << 29 | v << 28;
}
static inline uint64_t nzcv_logic(uint64_t r, int bits)
{
    uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull;
    return (uint64_t)((r >> (bits - 1)) & 1) << 31 | (uint64_t)((r & mask) == 0) << 30;
}
/* Arm ARM C1.2.4, table C1-1: condition `cond` holds for `nzcv`. */
static inline uint64_t cond_holds(uint64_t nzcv, unsigned cond)
{
    unsigned n = (nzcv >> 31) & 1, z = (nzcv >> 30) & 1, c = (nzcv >> 29) & 1, v = (nzcv >> 28) & 1, r;
    switch (cond >> 1) {
    case 0: r = z; break;                /* EQ */
    case 1: r = c; break;                /* CS */
    case 2: r = n; break;                /* MI */
    case 3: r = v; break;                /* VS */
    case 4: r = c && !z; break;          /* HI */
    case 5: r = n == v; break;           /* GE */
    case 6: r = n == v && !z; break;     /* GT */
    default: return 1;                   /* AL, NV */
    }
    return (cond & 1) ? !r : r;
}
static inline uint64_t orcb(uint64_t a)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i += 8)
        if ((a >> i) & 0xff) r |= 0xffull << i;
    return r;
}

int64_t ir_run(ir_cpu *cpu)
{
    ir_cache *cache = cpu->cache;
    const ir_helper_fn *helpers = cpu->arch->helpers;
    uint64_t *r = cpu->r;
    uint64_t start = cpu->instret;
    ir_block *b = NULL, *prev = NULL;
    int link = 0;
    uint64_t generation = 0; /* cache->generation when b was entered */

    while (cpu->instret < cpu->instret_limit && !cpu->exit_req) {
        b = ir_cache_lookup(cpu);
        if (!b) { /* exception while fetching: cpu->pc is the handler */
            prev = NULL;
            cpu->traps++;
            cpu->instret_limit--; /* a fetch-fault loop must still end the run */
            continue;
        }
        /* Cache the successor in the predecessor when both are on one page
         * and nothing was invalidated since the predecessor was entered. */
        if (prev && generation == cache->generation && b != cache->scratch &&
            prev != cache->scratch && ((b->vpc ^ prev->vpc) & PAGE_MASK) == 0 &&
            ((b->ppc ^ prev->ppc) & PAGE_MASK) == 0)
            prev->chain[link] = b;
        generation = cache->generation;
    enter:
        prev = NULL;
        if (b->jit_fn) {
            ir_jit_enter(cpu, b);
            continue;
        }
        if (cache->jit.threshold && b != cache->scratch && ++b->hits >= cache->jit.threshold) {
            if (ir_jit_hot(cache, b) && cache->jit.eager) {
                cpu->exit_req = 2; /* as a machine stop: the host compiles, then b runs */
                break;
            }
        }
        cpu->instret += b->ninsns;
        const ir_op *op = b->ops;
        tlb_entry *dtlb = cpu->tlb[cpu->data_idx];
        for (;;) {
            uint64_t va;
            uint8_t *host;
            tlb_entry *e;
            int st;
            switch (op->opc) {
#define RR(name, expr) case IR_##name: { uint64_t a = r[op->rs1], c = r[op->rs2]; (void)c; r[op->rd] = (expr); op++; continue; }
#define RI(name, expr) case IR_##name: { uint64_t a = r[op->rs1]; int64_t i = op->imm; (void)i; (void)a; r[op->rd] = (expr); op++; continue; }
            RR(ADD, a + c) RR(SUB, a - c) RR(AND, a & c) RR(OR, a | c) RR(XOR, a ^ c)
            RR(SLL, a << (c & 63)) RR(SRL, a >> (c & 63)) RR(SRA, (uint64_t)((int64_t)a >> (c & 63)))
            RR(SLT, (int64_t)a < (int64_t)c) RR(SLTU, a < c) RR(MUL, a * c)
            RR(MULH, mulh64((int64_t)a, (int64_t)c)) RR(MULHSU, mulhsu64((int64_t)a, c))
            RR(MULHU, mulhu64(a, c)) RR(DIV, div64((int64_t)a, (int64_t)c))
            RR(DIVU, c ? a / c : ~0ull) RR(REM, rem64((int64_t)a, (int64_t)c)) RR(REMU, c ? a % c : a)
            RR(ADDW, sext32(a + c)) RR(SUBW, sext32(a - c)) RR(SLLW, sext32((uint32_t)a << (c & 31)))
            RR(SRLW, sext32((uint32_t)a >> (c & 31))) RR(SRAW, sext32((uint32_t)((int32_t)a >> (c & 31))))
            RR(MULW, sext32(a * c)) RR(DIVW, divw((int32_t)a, (int32_t)c))
            RR(DIVUW, (uint32_t)c ? sext32((uint32_t)a / (uint32_t)c) : ~0ull)
            RR(REMW, remw((int32_t)a, (int32_t)c))
            RR(REMUW, (uint32_t)c ? sext32((uint32_t)a % (uint32_t)c) : sext32(a))
            RR(SH1ADD, (a << 1) + c) RR(SH2ADD, (a << 2) + c) RR(SH3ADD, (a << 3) + c)
            RR(ADDUW, (uint32_t)a + c) RR(SH1ADDUW, ((uint64_t)(uint32_t)a << 1) + c)
            RR(SH2ADDUW, ((uint64_t)(uint32_t)a << 2) + c) RR(SH3ADDUW, ((uint64_t)(uint32_t)a << 3) + c)
            RR(ANDN, a & ~c) RR(ORN, a | ~c) RR(XNOR, ~(a ^ c))
            RR(MIN, (int64_t)a < (int64_t)c ? a : c) RR(MAX, (int64_t)a > (int64_t)c ? a : c)
            RR(MINU, a < c ? a : c) RR(MAXU, a > c ? a : c)
            RR(ROL, rol64(a, (unsigned)c)) RR(ROR, ror64(a, (unsigned)c))
            RR(ROLW, sext32(rol32((uint32_t)a, (unsigned)c))) RR(RORW, sext32(ror32((uint32_t)a, (unsigned)c)))
            RR(BCLR, a & ~(1ull << (c & 63))) RR(BSET, a | (1ull << (c & 63)))
            RR(BINV, a ^ (1ull << (c & 63))) RR(BEXT, (a >> (c & 63)) & 1)
            RI(ADDI, a + i) RI(ANDI, a & i) RI(ORI, a | i) RI(XORI, a ^ i)
            RI(SLTI, (int64_t)a < i) RI(SLTIU, a < (uint64_t)i)
            RI(SLLI, a << i) RI(SRLI, a >> i) RI(SRAI, (uint64_t)((int64_t)a >> i))
            RI(ADDIW, sext32(a + i)) RI(SLLIW, sext32((uint32_t)a << i))
            RI(SRLIW, sext32((uint32_t)a >> i)) RI(SRAIW, sext32((uint32_t)((int32_t)a >> i)))
            RI(RORI, ror64(a, (unsigned)i)) RI(RORIW, sext32(ror32((uint32_t)a, (unsigned)i)))
            RI(SLLIUW, (uint64_t)(uint32_t)a << i)
            RI(BCLRI, a & ~(1ull << i)) RI(BSETI, a | (1ull << i))
            RI(BINVI, a ^ (1ull << i)) RI(BEXTI, (a >> i) & 1)
            RI(CLZ, a ? (uint64_t)__builtin_clzll(a) : 64)
            RI(CTZ, a ? (uint64_t)__builtin_ctzll(a) : 64)
            RI(CPOP, (uint64_t)__builtin_popcountll(a))
            RI(CLZW, (uint32_t)a ? (uint64_t)__builtin_clz((uint32_t)a) : 32)
            RI(CTZW, (uint32_t)a ? (uint64_t)__builtin_ctz((uint32_t)a) : 32)
            RI(CPOPW, (uint64_t)__builtin_popcount((uint32_t)a))
            RI(SEXTB, (uint64_t)(int64_t)(int8_t)a) RI(SEXTH, (uint64_t)(int64_t)(int16_t)a)
            RI(ZEXTH, (uint16_t)a) RI(ORCB, orcb(a)) RI(REV8, __builtin_bswap64(a))
            RI(MOVI, ((uint64_t)op->aux << 32) | (uint32_t)op->imm)
            RR(NZCV_ADD, nzcv_add(a, c, 64, 0)) RR(NZCV_ADDW, nzcv_add(a, c, 32, 0))
            RR(NZCV_SUB, nzcv_add(a, c, 64, 1)) RR(NZCV_SUBW, nzcv_add(a, c, 32, 1))
            RI(NZCV_LOGIC, nzcv_logic(a, 64)) RI(NZCV_LOGICW, nzcv_logic(a, 32))
            RI(COND, cond_holds(a, (unsigned)i))
            RR(SEL, r[op->aux] ? a : c)
#undef RR
#undef RI
            /* Loads: fast path is a TLB tag compare and an add. */
#define LOAD(name, size, type, conv)                                              \
            case IR_##name:                                                       \
                va = r[op->rs1] + (int64_t)op->imm;                               \
                e = &dtlb[TLB_INDEX(va)];                                         \
                if (LIKELY(e->tag[ACC_READ] == ((va + size - 1) & PAGE_MASK))) {  \
                    type v;                                                       \
                    host = (uint8_t *)(uintptr_t)(va + e->addend);                \
                    __builtin_memcpy(&v, host, size);                             \
                    r[op->rd] = conv(v);                                          \
                } else {                                                          \
                    uint64_t v;                                                   \
                    if (mmu_load_slow(cpu, va, size, &v, cpu->pc + op->pc_off))   \
                        goto trapped;                                             \
                    r[op->rd] = conv((type)v);                                    \
                }                                                                 \
                op++;                                                             \
                continue;
#define SX(v) ((uint64_t)(int64_t)(v))
#define ZX(v) ((uint64_t)(v))
#define NB(v) (0xffffffff00000000ull | (v))
            LOAD(LB, 1, int8_t, SX) LOAD(LH, 2, int16_t, SX) LOAD(LW, 4, int32_t, SX)
            LOAD(LD, 8, uint64_t, ZX) LOAD(LBU, 1, uint8_t, ZX) LOAD(LHU, 2, uint16_t, ZX)
            LOAD(LWU, 4, uint32_t, ZX) LOAD(LWNB, 4, uint32_t, NB)
#undef LOAD
#define STORE(name, size, type)                                                   \
            case IR_##name:                                                       \
                va = r[op->rs1] + (int64_t)op->imm;                               \
                e = &dtlb[TLB_INDEX(va)];                                         \
                if (LIKELY(e->tag[ACC_WRITE] == ((va + size - 1) & PAGE_MASK))) { \
                    type v = (type)r[op->rs2];                                    \
                    host = (uint8_t *)(uintptr_t)(va + e->addend);                \
                    __builtin_memcpy(host, &v, size);                             \
                } else {                                                          \
                    st = mmu_store_slow(cpu, va, size, r[op->rs2], cpu->pc + op->pc_off); \
                    if (st == IR_TRAP)                                            \
                        goto trapped;                                             \
                    if (st == IR_END)                                             \
                        goto end_store;                                           \
                }                                                                 \
                op++;                                                             \
                continue;
            STORE(SB, 1, uint8_t) STORE(SH, 2, uint16_t) STORE(SW, 4, uint32_t) STORE(SD, 8, uint64_t)
#undef STORE
#define BRANCH(name, cond)                                                        \
            case IR_##name:                                                       \
                link = !(cond);                                                   \
                cpu->pc = link ? cpu->pc + b->len : cpu->pc + op->pc_off + (int64_t)op->imm; \
                goto next_block;
            BRANCH(BEQ, r[op->rs1] == r[op->rs2]) BRANCH(BNE, r[op->rs1] != r[op->rs2])
            BRANCH(BLT, (int64_t)r[op->rs1] < (int64_t)r[op->rs2])
            BRANCH(BGE, (int64_t)r[op->rs1] >= (int64_t)r[op->rs2])
            BRANCH(BLTU, r[op->rs1] < r[op->rs2]) BRANCH(BGEU, r[op->rs1] >= r[op->rs2])
#undef BRANCH
            case IR_JAL: {
                uint64_t pc = cpu->pc + op->pc_off;
                r[op->rd] = pc + op->aux;
                cpu->pc = pc + (int64_t)op->imm;
                link = 0;
                goto next_block;
            }
            case IR_JALR:
            case IR_JMPR: {
                uint64_t pc = cpu->pc + op->pc_off;
                uint64_t t = (r[op->rs1] + (int64_t)op->imm) & (op->opc == IR_JALR ? ~1ull : ~0ull);
                r[op->rd] = pc + op->aux;
                cpu->pc = t;
                goto dispatch;
            }
            case IR_NEXT:
                cpu->pc += b->len;
                link = 1;
                goto next_block;
            case IR_HELPER:
                st = helpers[op->imm](cpu, op);
                if (LIKELY(st == IR_OK)) {
                    op++;
                    continue;
                }
                if (st == IR_TRAP)
                    goto trapped;
                goto end_after;
            case IR_HELPER_END:
                st = helpers[op->imm](cpu, op);
                if (st == IR_TRAP)
                    goto trapped;
                goto dispatch;
            default:
                __builtin_unreachable();
            }
        }
    trapped: /* the instruction at op did not retire; cpu->pc is the handler */
        cpu->instret -= op->insns_after;
        cpu->traps++;
        cpu->instret_limit--; /* a trap spends budget: a handler that faults at once must not hang the host */
        continue;
    end_store: /* the store at op retired; leave the block after it */
        cpu->pc += op->pc_off + op->aux;
    end_after: /* the instruction at op retired and cpu->pc is set: leave */
        cpu->instret -= op->insns_after - 1u;
        continue;
    next_block:
        if (cpu->instret >= cpu->instret_limit || cpu->exit_req)
            break;
        /* An invalidation inside the block (a store, AMO or device DMA that
         * wrote a code page) may have dropped b and its successors: neither
         * follow nor record a chain through it. */
        if (generation != cache->generation)
            continue;
        if (b->chain[link]) {
            b = b->chain[link];
            goto enter;
        }
        prev = b;
        continue;
    dispatch:
        continue;
    }
    return (int64_t)(cpu->instret - start);
}
