// IR regions -> one WebAssembly module, built with Binaryen (no Binaryen
// optimizer: V8 optimises the wasm itself). A region is the blocks of one
// guest page (src/ir/jit.h describes the bytes this reads); its function
// region(cpu, entry) runs from block `entry`, keeps guest registers in wasm
// locals, stays in a loop over the region's blocks while branches stay in it,
// and returns to the core's dispatcher at the block boundaries where the
// interpreter (src/ir/interp.c, the reference) would check the instruction
// budget and exit_req. Every IR op has one emitter in EMIT below.

/** Layout facts from wvm_jit_layout() (src/core/wvm.h), in order. */
const LAYOUT_FIELDS = ['version', 'r', 'pc', 'instret', 'instretLimit', 'exitReq', 'dataIdx', 'tlb',
  'tlbEntrySize', 'tlbBits', 'tlbAddend', 'jitVal', 'loadFn', 'storeFn', 'helperFn', 'zeroSink', 'traps',
  'jmpCache', 'jmpBits', 'blockVpc', 'blockFlags', 'blockJitFn', 'blockJitEntry'];
export const LAYOUT_VERSION = 7;
/** How many u32 words wvm_jit_layout() returns. */
export const LAYOUT_WORDS = LAYOUT_FIELDS.length;

/** Decode the u32 array of wvm_jit_layout() into named fields. */
export function parseLayout(words) {
  const l = Object.fromEntries(LAYOUT_FIELDS.map((k, i) => [k, words[i]]));
  if (l.version !== LAYOUT_VERSION) throw new Error(`JIT layout version ${l.version}, expected ${LAYOUT_VERSION}`);
  return l;
}

const IR_OK = 0, IR_TRAP = 1, IR_END = 2;
const HF_RS1 = 1, HF_RS2 = 2, HF_RD = 4, HF_ANY = 8; // helper descriptors (ir.h IR_HF_*)
const ACC_READ = 0, ACC_WRITE = 1;
const OP_BYTES = 16;

/**
 * Parse a region description (ir_jit_region) into
 * {ppcPage, vpcPage, flags, helperFlags: [IR_HF_* per helper], trapRegs: [register],
 *  blocks: [{vpc, len, ninsns, ops: [{opc, rd, rs1, rs2, imm, pcOff, insnsAfter, aux}]}]}.
 * vpc values are BigInt. Throws on a truncated description.
 */
export function parseRegion(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  const need = (n) => { if (p + n > bytes.length) throw new Error('truncated region description'); };
  need(28);
  const region = { ppcPage: v.getBigUint64(0, true), vpcPage: v.getBigUint64(8, true), flags: v.getUint32(16, true), blocks: [] };
  const n = v.getUint32(20, true), nh = v.getUint32(24, true);
  p = 28;
  need(nh);
  region.helperFlags = [...bytes.subarray(p, p + nh)];
  p += (nh + 3) & ~3;
  need(4);
  const nt = v.getUint32(p, true);
  p += 4;
  need(nt);
  region.trapRegs = [...bytes.subarray(p, p + nt)];
  p += (nt + 3) & ~3;
  for (let i = 0; i < n; i++) {
    need(16);
    const b = { vpc: v.getBigUint64(p, true), len: v.getUint16(p + 8, true), ninsns: v.getUint16(p + 10, true), ops: [] };
    const nops = v.getUint32(p + 12, true);
    p += 16;
    need(nops * OP_BYTES);
    for (let k = 0; k < nops; k++, p += OP_BYTES) {
      b.ops.push({
        opc: v.getUint8(p), rd: v.getUint8(p + 1), rs1: v.getUint8(p + 2), rs2: v.getUint8(p + 3),
        imm: v.getInt32(p + 4, true), pcOff: v.getUint16(p + 8, true), insnsAfter: v.getUint16(p + 10, true),
        aux: v.getUint32(p + 12, true),
      });
    }
    region.blocks.push(b);
  }
  return region;
}

const u64 = (x) => BigInt.asUintN(64, x);

/**
 * Build one module exporting r0..r(n-1), one function per region
 * (src/ir/jit.h's ir_jit_fn). It imports env.memory and env.load,
 * env.store, env.helper (the C functions of src/ir/jit.h).
 * @param {object} binaryen  the binaryen module namespace
 * @param {object} layout    parseLayout() result
 * @param {string[]} opNames IR op names in opcode order (wvm_jit_op_names)
 * @param {Uint8Array[]} descriptions  region descriptions
 * @returns {{bytes: Uint8Array, regions: {vpcs: bigint[]}[]}} the module binary and, per region,
 *   the guest-virtual start of each entry (entry i of export r<k> runs block vpcs[i])
 * @throws Error for an op the compiler does not know (WebAssembly.compile validates the rest)
 */
export function compileRegions(binaryen, layout, opNames, descriptions) {
  const m = new binaryen.Module();
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.SignExt | binaryen.Features.MutableGlobals);
    m.setMemory(0, 65536, null, [], false, false, 'mem');
    m.addMemoryImport('mem', 'env', 'memory');
    const { i32, i64 } = binaryen;
    m.addFunctionImport('load', 'env', 'load', binaryen.createType([i32, i64, i32, i64]), i32);
    m.addFunctionImport('store', 'env', 'store', binaryen.createType([i32, i64, i32, i64, i64]), i32);
    m.addFunctionImport('helper', 'env', 'helper', binaryen.createType([i32, i32, i32, i32, i32]), i32);
    addMulhu(m, binaryen);
    const regions = descriptions.map((d, k) => {
      const region = parseRegion(d);
      new RegionCompiler(m, binaryen, layout, opNames, region).build(`r${k}`);
      return { vpcs: region.blocks.map((b) => b.vpc) };
    });
    return { bytes: m.emitBinary(), regions };
  } finally {
    m.dispose();
  }
}

/** mulhu(a, b): the high 64 bits of the unsigned 128-bit product, from 32-bit limbs. */
function addMulhu(m, b) {
  const { i64 } = b;
  const L = (i) => m.local.get(i, i64);
  const lo = (x) => m.i64.and(x, m.i64.const(0xffffffffn));
  const hi = (x) => m.i64.shr_u(x, m.i64.const(32n));
  // locals: 0 a, 1 b, 2 t (al*bl), 3 u (ah*bl + t_hi), 4 w (al*bh + u_lo)
  m.addFunction('mulhu', b.createType([i64, i64]), i64, [i64, i64, i64], m.block(null, [
    m.local.set(2, m.i64.mul(lo(L(0)), lo(L(1)))),
    m.local.set(3, m.i64.add(m.i64.mul(hi(L(0)), lo(L(1))), hi(L(2)))),
    m.local.set(4, m.i64.add(m.i64.mul(lo(L(0)), hi(L(1))), lo(L(3)))),
    m.i64.add(m.i64.add(m.i64.mul(hi(L(0)), hi(L(1))), hi(L(3))), hi(L(4))),
  ], i64));
}

/**
 * Compiles one region. Guest registers live in ir_cpu.r[]; within a block,
 * wasm locals cache them: a register is loaded just before the first op
 * that reads it, and those written are stored at the block's end and on the
 * paths that leave it early (a trap, a store that ends the block); around a
 * helper call, what its descriptor names (helper()). No register local is
 * live from one block into the next (except in a one-block loop): V8 then
 * has no loop phis to shuffle at the dispatch loop (with registers kept in
 * locals across blocks, each block transition copied some twenty stack
 * slots). The retired-instruction count lives in a local and is written
 * back before leaving or calling into the core.
 */
class RegionCompiler {
  constructor(m, binaryen, layout, opNames, region) {
    Object.assign(this, { m, b: binaryen, l: layout, region });
    this.op = Object.fromEntries(opNames.map((n, i) => [i, n]));
    region.blocks.sort((a, b) => (a.vpc < b.vpc ? -1 : a.vpc > b.vpc ? 1 : 0)); // forward branches go forward
    this.entryOf = new Map(region.blocks.map((b, i) => [b.vpc, i]));
    // Locals: 0 cpu, 1 entry, then one i64 per register touched, then scratch.
    const regs = new Set();
    for (const blk of region.blocks) {
      for (const o of blk.ops) {
        const { reads, write } = this.operands(o);
        for (const r of [...reads, write]) if (r !== null) regs.add(r);
      }
    }
    this.local = new Map();
    const vars = [];
    const add = (t) => { vars.push(t); return 1 + vars.length; };
    for (const r of [...regs].sort((a, b) => a - b)) this.local.set(r, add(binaryen.i64));
    this.va = add(binaryen.i64);
    this.val = add(binaryen.i64);
    this.tmp = add(binaryen.i64);
    this.ins = add(binaryen.i64);     // instret
    this.limit = add(binaryen.i64);   // instret_limit
    this.ent = add(binaryen.i32);     // TLB entry address
    this.tlbBase = add(binaryen.i32);
    this.st = add(binaryen.i32);
    this.vars = vars;
  }

  /** The registers op `o` reads (x0 left out) and the one it writes (null: none, or x0). */
  operands(o) {
    const e = this.emitter(o);
    return { reads: e.reads.map((f) => o[f]).filter((r) => r !== 0), write: e.writesRd && o.rd !== this.l.zeroSink ? o.rd : null };
  }

  emitter(o) {
    const name = this.op[o.opc];
    const e = EMIT[name];
    if (!e) throw new Error(`JIT: no emitter for IR op ${name ?? o.opc}`);
    return e;
  }

  /**
   * A labelled block of type none. Filled after creation: Binaryen would
   * otherwise search each new labelled block's whole subtree for branches to
   * it, and the nested dispatch blocks make that quadratic.
   */
  named(label, children) {
    const blk = this.m.block(label, [], this.b.none);
    for (const c of children) this.b.Block.appendChild(blk, c);
    return blk;
  }

  // ---- expression helpers ----
  cpu() { return this.m.local.get(0, this.b.i32); }
  c64(x) { return this.m.i64.const(BigInt.asIntN(64, BigInt(x))); }
  c32(x) { return this.m.i32.const(x | 0); }
  get64(i) { return this.m.local.get(i, this.b.i64); }
  reg(r) { return r === 0 ? this.c64(0) : this.get64(this.local.get(r)); }
  /** Write guest register r: its local, stored to ir_cpu.r[r] by writeBack. */
  setReg(r, value) {
    if (r === this.l.zeroSink) return this.m.drop(value);
    this.dirty.add(r);
    return this.m.local.set(this.local.get(r), value);
  }
  /** Store registers `regs` (default: those written before the current op) from their locals to ir_cpu.r[]. */
  writeBack(regs = this.pending) {
    return [...regs].map((r) => this.cpuStore64(this.l.r + 8 * r, this.get64(this.local.get(r))));
  }
  loadReg(r) { return this.m.local.set(this.local.get(r), this.cpuLoad64(this.l.r + 8 * r)); }
  cpuLoad64(off) { return this.m.i64.load(off, 8, this.cpu()); }
  cpuStore64(off, value) { return this.m.i64.store(off, 8, this.cpu(), value); }
  setPc(value) { return this.cpuStore64(this.l.pc, value); }
  syncInstret() { return this.cpuStore64(this.l.instret, this.get64(this.ins)); }
  addInstret(delta) { return this.m.local.set(this.ins, this.m.i64.add(this.get64(this.ins), this.c64(delta))); }

  /**
   * Leave for guest-virtual address va (local), with cpu->pc = va: if the
   * hart's jump cache has a compiled block there in this mode, return it
   * (ir_jit_enter calls its region at once, which checks the budget and
   * exit_req on entry), else return 0 (to the dispatcher). A return rather
   * than a tail call: V8 counts returns towards tiering a function up from
   * its baseline code, and a loop running through a cycle of tail calls
   * stayed in baseline code (3x slower, in some runs and not others).
   */
  chain() {
    const { m, b, l } = this;
    const nb = () => m.local.get(this.ent, b.i32); // the ent local is free here
    // IR_JMP_CACHE_INDEX (src/ir/cpu.h)
    const vaLo = () => m.i32.wrap(this.get64(this.va));
    const slot = m.i32.and(m.i32.xor(m.i32.shr_u(vaLo(), this.c32(1)), m.i32.wrap(m.i64.shr_u(this.get64(this.va), this.c64(12)))),
      this.c32((1 << l.jmpBits) - 1));
    return m.block(null, [
      this.syncInstret(),
      this.setPc(this.get64(this.va)),
      m.local.set(this.ent, m.i32.load(l.jmpCache, 4, m.i32.add(this.cpu(), m.i32.shl(slot, this.c32(2))))),
      m.if(m.i32.and(m.i32.ne(nb(), this.c32(0)),
        m.i32.and(m.i64.eq(m.i64.load(l.blockVpc, 8, nb()), this.get64(this.va)),
          m.i32.and(m.i32.eq(m.i32.load(l.blockFlags, 4, nb()), this.c32(this.region.flags)),
            m.i32.ne(m.i32.load(l.blockJitFn, 4, nb()), this.c32(0))))),
      m.return(nb())),
      m.return(this.c32(0)),
    ]);
  }
  /**
   * Before a call that can take an exception: store the dirty registers the
   * exception entry reads (region.trapRegs, e.g. A64's SP and NZCV).
   */
  syncTrapRegs() { return this.writeBack(this.region.trapRegs.filter((r) => this.dirty.has(r))); }
  /**
   * The instruction at `o` trapped: it did not retire; the trap spends budget
   * (as the interpreter). The exception entry may have changed the trap
   * registers (syncTrapRegs stored them before the call): not stored again.
   */
  trapped(o) {
    return this.m.block(null, [
      ...this.writeBack(this.pending.filter((r) => !this.region.trapRegs.includes(r))),
      this.addInstret(-o.insnsAfter),
      this.cpuStore64(this.l.traps, this.m.i64.add(this.cpuLoad64(this.l.traps), this.c64(1))),
      this.cpuStore64(this.l.instretLimit, this.m.i64.sub(this.cpuLoad64(this.l.instretLimit), this.c64(1))),
      this.m.br('exit'),
    ]);
  }
  /** The instruction at `o` retired and cpu->pc is set: leave. */
  endAfter(o) { return this.m.block(null, [...this.writeBack(), this.addInstret(-(o.insnsAfter - 1)), this.m.br('exit')]); }

  /** Local tlbBase: the TLB of the hart's data MMU index. */
  setTlbBase() {
    const { m, l } = this;
    return m.local.set(this.tlbBase, m.i32.add(m.i32.add(this.cpu(), this.c32(l.tlb)),
      m.i32.mul(m.i32.load8_u(l.dataIdx, 1, this.cpu()), this.c32(l.tlbEntrySize << l.tlbBits))));
  }

  /** The TLB entry of `va` (local) in the data MMU index, into local ent. */
  tlbEntry() {
    const { m } = this;
    const idx = m.i32.and(m.i32.wrap(m.i64.shr_u(this.get64(this.va), this.c64(12))), this.c32((1 << this.l.tlbBits) - 1));
    return m.local.set(this.ent, m.i32.add(m.local.get(this.tlbBase, this.b.i32), m.i32.mul(idx, this.c32(this.l.tlbEntrySize))));
  }
  /** Nonzero if the entry's tag for `access` matches the page of the access's last byte. */
  tlbHit(access, size) {
    const { m, b } = this;
    const last = m.i64.and(m.i64.add(this.get64(this.va), this.c64(size - 1)), this.c64(~0xfffn));
    return m.i64.eq(m.i64.load(8 * access, 8, m.local.get(this.ent, b.i32)), last);
  }
  hostAddr() {
    const { m, b } = this;
    return m.i32.wrap(m.i64.add(this.get64(this.va), m.i64.load(this.l.tlbAddend, 8, m.local.get(this.ent, b.i32))));
  }

  /**
   * The function. Blocks are laid out in address order, block k's code
   * following the end of the k-th nested wasm block, so a branch to a later
   * block is a direct `br` and control flows through without a dispatch; a
   * branch back (a loop) goes through the dispatch loop's br_table on local
   * `entry`, as does the function's entry. Indirect jumps look their target
   * up by page offset; anything else leaves through the jump cache (chain).
   */
  build(name) {
    const { m, b, region, l } = this;
    const labels = (p) => region.blocks.map((_, k) => `${p}${k}`);
    let loop = m.switch(labels('b'), 'exit', m.local.get(1, b.i32));
    region.blocks.forEach((blk, k) => {
      loop = m.block(null, [this.named(`b${k}`, [loop]), ...this.blockCode(blk, k)]);
    });
    // dynamic targets (va): page offset / 2 -> block k, else leave
    const slots = new Array(2048).fill('leave');
    region.blocks.forEach((blk, k) => { slots[Number(blk.vpc & 0xfffn) >> 1] = `d${k}`; });
    let dyn = m.switch(slots, 'leave', m.i32.shr_u(m.i32.and(m.i32.wrap(this.get64(this.va)), this.c32(0xfff)), this.c32(1)));
    dyn = this.named('leave', [
      m.br_if('leave', m.i64.ne(m.i64.and(this.get64(this.va), this.c64(~0xfffn)), this.c64(region.vpcPage))),
      ...region.blocks.reduce((acc, _, k) => [this.named(`d${k}`, acc), m.local.set(1, this.c32(k)), m.br('entry')], [dyn]),
    ]);
    const fn = m.block(null, [
      m.local.set(this.ins, this.cpuLoad64(l.instret)),
      m.local.set(this.limit, this.cpuLoad64(l.instretLimit)),
      this.setTlbBase(),
      this.named('exit', [
        m.loop('entry', m.block(null, [
          this.named('dynamic', [m.loop('dispatch', loop)]),
          dyn,
          this.chain(),
        ])),
      ]),
      this.syncInstret(),
      m.return(this.c32(0)),
    ]);
    m.addFunction(name, b.createType([b.i32, b.i32]), b.i32, this.vars, fn);
    m.addFunctionExport(name, name);
  }

  /** Go to guest-virtual `pc` from block k: forward within the region, back through the dispatch loop, or leave. */
  goTo(pc, k) {
    const { m } = this;
    const t = this.entryOf.get(u64(pc));
    if (t > k) return m.br(`b${t}`);
    if (t !== undefined) return m.block(null, [m.local.set(1, this.c32(t)), m.br('dispatch')]);
    return m.block(null, [m.local.set(this.va, this.c64(pc)), m.br('dynamic')]);
  }

  /**
   * One block: the budget check, its ops, then its terminator's edges (each
   * path ends in a branch). A block that branches to itself and calls no
   * helper is a wasm loop keeping its registers in locals from one
   * iteration to the next: they are loaded before the loop and stored when
   * it leaves (by an edge, the budget check or a trap).
   */
  blockCode(blk, k) {
    const { m, l } = this;
    const last = blk.ops[blk.ops.length - 1];
    const edges = this.emitter(last).edges?.(this, last, blk) ?? [];
    const selfLoop = edges.some((e) => e.pc === blk.vpc) && !blk.ops.some((o) => this.emitter(o).helper);
    const pre = [];
    this.dirty = new Set();
    this.loaded = new Set();
    if (selfLoop) { // every register the block touches lives in its local, and counts as written
      for (const o of blk.ops) {
        const { reads, write } = this.operands(o);
        for (const r of reads) this.loaded.add(r);
        if (write !== null) this.dirty.add(write);
      }
      for (const r of new Set([...this.loaded, ...this.dirty])) pre.push(this.loadReg(r));
    }
    const code = [
      m.if(m.i32.or(m.i32.load(l.exitReq, 4, this.cpu()), m.i64.ge_u(this.get64(this.ins), this.get64(this.limit))),
        m.block(null, [...this.writeBack(this.dirty), this.setPc(this.c64(blk.vpc)), m.br('exit')])),
      this.addInstret(blk.ninsns),
    ];
    for (const o of blk.ops) {
      // load what the op reads just before it: loading a block's registers
      // on entry kept them live across the slow-path calls, and V8 spilled them
      for (const r of this.operands(o).reads) {
        if (!this.loaded.has(r) && !this.dirty.has(r)) code.push(this.loadReg(r));
        this.loaded.add(r);
      }
      this.pending = [...this.dirty];
      code.push(this.emitter(o).emit(this, o, blk));
    }
    if (!selfLoop) code.push(...this.writeBack(this.dirty));
    for (const { cond, pc } of edges) {
      const go = pc === blk.vpc && selfLoop ? m.br(`L${k}`)
        : m.block(null, [...(selfLoop ? this.writeBack(this.dirty) : []), pc === undefined ? m.br('dynamic') : this.goTo(pc, k)]);
      code.push(cond ? m.if(cond, go) : go);
    }
    code.push(m.unreachable()); // HELPER_END and the last edge branch
    return selfLoop ? [...pre, m.loop(`L${k}`, m.block(null, code))] : code;
  }
}

// ---- emitters: one per IR op (ir.h's IR_OPS) ----
const R = ['rs1', 'rs2'], I = ['rs1'];
const rr = (f) => ({ reads: R, writesRd: true, emit: (c, o) => c.setReg(o.rd, f(c, c.reg(o.rs1), c.reg(o.rs2), o)) });
const ri = (f) => ({ reads: I, writesRd: true, emit: (c, o) => c.setReg(o.rd, f(c, c.reg(o.rs1), o.imm, o)) });
const sx32 = (c, x32) => c.m.i64.extend_s(x32);
const w = (c, x) => c.m.i32.wrap(x);
const bool = (c, x32) => c.m.i64.extend_u(x32);
const sh = (c, x) => c.m.i64.and(x, c.c64(63));

/**
 * a / d or a % d over `bits` (32 or 64) with RISC-V's results for division
 * by zero (quotient all ones, remainder a) and signed overflow (quotient a,
 * remainder 0), where wasm would trap. a and d are i32 for 32 bits.
 */
function divOp(c, a, d, signed, bits, rem) {
  const { m, b } = c;
  const t = bits === 64 ? m.i64 : m.i32, ty = bits === 64 ? b.i64 : b.i32;
  const k = (x) => (bits === 64 ? c.c64(x) : m.i32.const(Number(BigInt.asIntN(32, BigInt(x)))));
  const widen = (x) => (bits === 64 ? x : m.i64.extend_u(x));
  const ga = () => (bits === 64 ? m.local.get(c.val, b.i64) : m.i32.wrap(m.local.get(c.val, b.i64)));
  const gd = () => (bits === 64 ? m.local.get(c.tmp, b.i64) : m.i32.wrap(m.local.get(c.tmp, b.i64)));
  const overflow = signed ? m.i32.and(t.eq(ga(), k(1n << BigInt(bits - 1))), t.eq(gd(), k(-1))) : m.i32.const(0);
  const op = rem ? (signed ? t.rem_s : t.rem_u) : (signed ? t.div_s : t.div_u);
  return m.block(null, [
    m.local.set(c.val, widen(a)), m.local.set(c.tmp, widen(d)),
    m.if(t.eqz(gd()), rem ? ga() : k(-1), m.if(overflow, rem ? k(0) : ga(), op.call(t, ga(), gd()), ty), ty),
  ], ty);
}
/**
 * Arm's NZCV (bits 31:28) of r[rs1] + r[rs2] or r[rs1] - r[rs2] in `bits`
 * (32 or 64) bits, as the interpreter's nzcv_add (Arm ARM C6.2.4).
 */
function nzcvArith(bits, sub) {
  return {
    reads: R, writesRd: true,
    emit: (c, o) => {
      const { m } = c, t = bits === 64 ? m.i64 : m.i32;
      const arg = (r) => (bits === 64 ? c.reg(r) : w(c, c.reg(r)));
      const res = () => (bits === 64 ? c.get64(c.val) : w(c, c.get64(c.val)));
      const top = (x) => (bits === 64 ? w(c, m.i64.shr_u(x, c.c64(63))) : m.i32.shr_u(x, c.c32(31)));
      const r = sub ? t.sub(arg(o.rs1), arg(o.rs2)) : t.add(arg(o.rs1), arg(o.rs2));
      const carry = sub ? t.ge_u(arg(o.rs1), arg(o.rs2)) : t.lt_u(res(), arg(o.rs1));
      const ov = sub ? t.and(t.xor(arg(o.rs1), arg(o.rs2)), t.xor(arg(o.rs1), res()))
        : t.and(t.xor(arg(o.rs1), res()), t.xor(arg(o.rs2), res()));
      const flags = m.i32.or(m.i32.or(m.i32.shl(top(res()), c.c32(31)), m.i32.shl(t.eqz(res()), c.c32(30))),
        m.i32.or(m.i32.shl(carry, c.c32(29)), m.i32.shl(top(ov), c.c32(28))));
      return c.m.block(null, [m.local.set(c.val, bits === 64 ? r : m.i64.extend_u(r)), c.setReg(o.rd, m.i64.extend_u(flags))]);
    },
  };
}
/** N and Z of the result r[rs1] in `bits` bits, C = V = 0. */
const nzcvLogic = (bits) => ri((c, a) => {
  const { m } = c;
  const x = bits === 64 ? a : m.i64.and(a, c.c64(0xffffffff));
  return c.m.block(null, [m.local.set(c.val, x), m.i64.or(
    m.i64.shl(m.i64.shr_u(c.get64(c.val), c.c64(bits - 1)), c.c64(31)),
    m.i64.shl(bool(c, m.i64.eqz(c.get64(c.val))), c.c64(30)))], c.b.i64);
});
/** An i32 1 if Arm condition o.imm holds for the NZCV in r[o.rs1] (Arm ARM C1.2.4, table C1-1), else 0. */
function condHolds(c, o) {
  const { m } = c;
  const flag = (bit) => m.i32.and(w(c, m.i64.shr_u(c.reg(o.rs1), c.c64(bit))), c.c32(1));
  const N = () => flag(31), Z = () => flag(30), C = () => flag(29), V = () => flag(28);
  const base = [Z, C, N, V, () => m.i32.and(C(), m.i32.eqz(Z())), () => m.i32.eq(N(), V()),
    () => m.i32.and(m.i32.eq(N(), V()), m.i32.eqz(Z()))][o.imm >> 1];
  if (!base) return c.c32(1); // AL, NV
  return o.imm & 1 ? m.i32.eqz(base()) : base();
}
const div64 = (signed, rem) => rr((c, a, d) => divOp(c, a, d, signed, 64, rem));
const div32 = (signed, rem) => rr((c, a, d) => sx32(c, divOp(c, w(c, a), w(c, d), signed, 32, rem)));
const mulhu = (c, a, d) => c.m.call('mulhu', [a, d], c.b.i64);
/** high half of signed x signed / signed x unsigned products from mulhu */
function mulhSigned(c, a, d, bothSigned) {
  const { m } = c;
  const neg = (x) => m.i64.shr_s(x, c.c64(63)); // all ones if negative
  return m.block(null, [
    m.local.set(c.val, a), m.local.set(c.tmp, d),
    m.i64.sub(m.i64.sub(mulhu(c, m.local.get(c.val, c.b.i64), m.local.get(c.tmp, c.b.i64)),
      m.i64.and(neg(m.local.get(c.val, c.b.i64)), m.local.get(c.tmp, c.b.i64))),
    bothSigned ? m.i64.and(neg(m.local.get(c.tmp, c.b.i64)), m.local.get(c.val, c.b.i64)) : c.c64(0)),
  ], c.b.i64);
}
function orcb(c, a) {
  const { m } = c;
  const lo7 = c.c64(0x7f7f7f7f7f7f7f7fn);
  return m.block(null, [m.local.set(c.val, a),
    m.i64.mul(m.i64.shr_u(m.i64.and(m.i64.or(m.i64.add(m.i64.and(m.local.get(c.val, c.b.i64), lo7), lo7),
      m.local.get(c.val, c.b.i64)), c.c64(0x8080808080808080n)), c.c64(7)), c.c64(0xff))], c.b.i64);
}
function rev8(c, a) {
  const { m } = c;
  const v = () => m.local.get(c.val, c.b.i64);
  const step = (mask, s) => m.local.set(c.val, m.i64.or(m.i64.and(m.i64.shr_u(v(), c.c64(s)), c.c64(mask)),
    m.i64.shl(m.i64.and(v(), c.c64(mask)), c.c64(s))));
  return m.block(null, [m.local.set(c.val, a), step(0x00ff00ff00ff00ffn, 8), step(0x0000ffff0000ffffn, 16),
    m.i64.rotl(v(), c.c64(32))], c.b.i64);
}
const bit = (c, x) => c.m.i64.shl(c.c64(1), sh(c, x));
const zx32 = (c, x) => c.m.i64.extend_u(c.m.i32.wrap(x));

/** va = r[rs1] + imm, then `fast(host address)` on a TLB hit for `acc`, else the ops of `slow`. */
function memoryAccess(c, o, acc, size, fast, slow) {
  const { m } = c;
  return m.block(null, [
    m.local.set(c.va, m.i64.add(c.reg(o.rs1), c.c64(o.imm))),
    c.tlbEntry(),
    m.if(c.tlbHit(acc, size), fast(c.hostAddr()), m.block(null, slow)),
  ]);
}
/** Loads: TLB fast path inline, ir_jit_load otherwise. `conv` widens the raw value. */
function load(size, rawLoad, conv) {
  return {
    reads: I, writesRd: true,
    emit(c, o, blk) {
      const { m, b } = c;
      const pc = blk.vpc + BigInt(o.pcOff);
      return memoryAccess(c, o, ACC_READ, size, (p) => c.setReg(o.rd, rawLoad(c, p)), [
        ...c.syncTrapRegs(),
        m.if(m.call('load', [c.cpu(), m.local.get(c.va, b.i64), c.c32(size), c.c64(pc)], b.i32), c.trapped(o)),
        c.setReg(o.rd, conv(c, c.cpuLoad64(c.l.jitVal))),
      ]);
    },
  };
}
/**
 * Stores: TLB fast path inline, ir_jit_store otherwise (which may end the
 * block, unless more ops of the store's instruction follow: ir.h).
 */
function store(size, rawStore) {
  return {
    reads: R, writesRd: false,
    emit(c, o, blk) {
      const { m, b } = c;
      const pc = blk.vpc + BigInt(o.pcOff);
      const status = (v) => m.i32.eq(m.local.get(c.st, b.i32), c.c32(v));
      const last = blk.ops[blk.ops.indexOf(o) + 1]?.pcOff !== o.pcOff;
      return memoryAccess(c, o, ACC_WRITE, size, (p) => rawStore(c, p, c.reg(o.rs2)), [
        ...c.syncTrapRegs(),
        m.local.set(c.st, m.call('store', [c.cpu(), m.local.get(c.va, b.i64), c.c32(size), c.reg(o.rs2), c.c64(pc)], b.i32)),
        m.if(status(IR_TRAP), c.trapped(o)),
        last ? m.if(status(IR_END), m.block(null, [c.setPc(c.c64(pc + BigInt(o.aux))), c.endAfter(o)])) : m.nop(),
      ]);
    },
  };
}
/**
 * Terminators emit their side effects; `edges` lists where control goes:
 * {cond, pc} in order (the first whose cond holds; none is the default),
 * pc undefined for the guest-virtual address in local va.
 */
function branch(cond) {
  return {
    reads: R, writesRd: false,
    emit: (c) => c.m.nop(),
    edges: (c, o, blk) => [{ cond: cond(c, c.reg(o.rs1), c.reg(o.rs2)), pc: blk.vpc + BigInt(o.pcOff) + BigInt(o.imm) },
      { pc: blk.vpc + BigInt(blk.len) }],
  };
}
/** JALR and JMPR: to (r[rs1] + imm) & mask, linking r[rd]; an indirect exit. */
function jumpRegister(mask) {
  return {
    reads: I, writesRd: true,
    emit(c, o, blk) {
      const { m } = c;
      const pc = blk.vpc + BigInt(o.pcOff);
      return m.block(null, [
        m.local.set(c.va, m.i64.and(m.i64.add(c.reg(o.rs1), c.c64(o.imm)), c.c64(mask))),
        c.setReg(o.rd, c.c64(pc + BigInt(o.aux))),
      ]);
    },
    edges: () => [{}],
  };
}

/**
 * HELPER and HELPER_END: the call sees instret and the registers its
 * descriptor (region.helperFlags[imm], IR_HF_* of ir.h) says it reads in
 * memory: those are written back first (every register for IR_HF_ANY, for a
 * helper that ends the block, or without descriptors). What it writes is
 * loaded again when read later.
 */
function helper(ends) {
  return {
    reads: [], writesRd: false, helper: true,
    emit(c, o, blk) {
      const { m, b } = c;
      const operands = o.opc | o.rd << 8 | o.rs1 << 16 | o.rs2 << 24;
      const f = c.region.helperFlags[o.imm] ?? HF_ANY;
      const all = ends || (f & HF_ANY);
      const read = all ? [...c.dirty]
        : [f & HF_RS1 && o.rs1, f & HF_RS2 && o.rs2, ...c.region.trapRegs].filter((r) => r && c.dirty.has(r));
      const flush = c.writeBack(read);
      for (const r of read) c.dirty.delete(r);
      if (all) c.loaded.clear(); // registers read later are loaded again
      c.pending = [...c.dirty];
      const trapped = c.trapped(o); // the helper wrote nothing: rd's local still counts
      if (!all && (f & HF_RD)) c.loaded.delete(o.rd), c.dirty.delete(o.rd); // it wrote rd
      c.pending = [...c.dirty];
      return m.block(null, [
        ...flush,
        c.syncInstret(),
        c.setPc(c.c64(blk.vpc)),
        m.local.set(c.st, m.call('helper', [c.cpu(), c.c32(o.imm), c.c32(operands), c.c32(o.aux), c.c32(o.pcOff | o.insnsAfter << 16)], b.i32)),
        m.local.set(c.ins, c.cpuLoad64(c.l.instret)),
        m.if(m.i32.eq(m.local.get(c.st, b.i32), c.c32(IR_TRAP)), trapped),
        ends ? m.br('exit') : m.if(m.i32.eq(m.local.get(c.st, b.i32), c.c32(IR_END)), c.endAfter(o)),
      ]);
    },
  };
}

const EMIT = {
  ADD: rr((c, a, d) => c.m.i64.add(a, d)), SUB: rr((c, a, d) => c.m.i64.sub(a, d)),
  AND: rr((c, a, d) => c.m.i64.and(a, d)), OR: rr((c, a, d) => c.m.i64.or(a, d)), XOR: rr((c, a, d) => c.m.i64.xor(a, d)),
  SLL: rr((c, a, d) => c.m.i64.shl(a, d)), SRL: rr((c, a, d) => c.m.i64.shr_u(a, d)), SRA: rr((c, a, d) => c.m.i64.shr_s(a, d)),
  SLT: rr((c, a, d) => bool(c, c.m.i64.lt_s(a, d))), SLTU: rr((c, a, d) => bool(c, c.m.i64.lt_u(a, d))),
  MUL: rr((c, a, d) => c.m.i64.mul(a, d)), MULH: rr((c, a, d) => mulhSigned(c, a, d, true)),
  MULHSU: rr((c, a, d) => mulhSigned(c, a, d, false)), MULHU: rr((c, a, d) => mulhu(c, a, d)),
  DIV: div64(true, false), DIVU: div64(false, false), REM: div64(true, true), REMU: div64(false, true),
  ADDW: rr((c, a, d) => sx32(c, c.m.i32.add(w(c, a), w(c, d)))), SUBW: rr((c, a, d) => sx32(c, c.m.i32.sub(w(c, a), w(c, d)))),
  SLLW: rr((c, a, d) => sx32(c, c.m.i32.shl(w(c, a), w(c, d)))), SRLW: rr((c, a, d) => sx32(c, c.m.i32.shr_u(w(c, a), w(c, d)))),
  SRAW: rr((c, a, d) => sx32(c, c.m.i32.shr_s(w(c, a), w(c, d)))), MULW: rr((c, a, d) => sx32(c, c.m.i32.mul(w(c, a), w(c, d)))),
  DIVW: div32(true, false), DIVUW: div32(false, false), REMW: div32(true, true), REMUW: div32(false, true),
  SH1ADD: rr((c, a, d) => c.m.i64.add(c.m.i64.shl(a, c.c64(1)), d)), SH2ADD: rr((c, a, d) => c.m.i64.add(c.m.i64.shl(a, c.c64(2)), d)),
  SH3ADD: rr((c, a, d) => c.m.i64.add(c.m.i64.shl(a, c.c64(3)), d)), ADDUW: rr((c, a, d) => c.m.i64.add(zx32(c, a), d)),
  SH1ADDUW: rr((c, a, d) => c.m.i64.add(c.m.i64.shl(zx32(c, a), c.c64(1)), d)),
  SH2ADDUW: rr((c, a, d) => c.m.i64.add(c.m.i64.shl(zx32(c, a), c.c64(2)), d)),
  SH3ADDUW: rr((c, a, d) => c.m.i64.add(c.m.i64.shl(zx32(c, a), c.c64(3)), d)),
  ANDN: rr((c, a, d) => c.m.i64.and(a, c.m.i64.xor(d, c.c64(-1)))), ORN: rr((c, a, d) => c.m.i64.or(a, c.m.i64.xor(d, c.c64(-1)))),
  XNOR: rr((c, a, d) => c.m.i64.xor(c.m.i64.xor(a, d), c.c64(-1))),
  MIN: rr((c, a, d) => minmax(c, a, d, 'lt_s')), MAX: rr((c, a, d) => minmax(c, a, d, 'gt_s')),
  MINU: rr((c, a, d) => minmax(c, a, d, 'lt_u')), MAXU: rr((c, a, d) => minmax(c, a, d, 'gt_u')),
  ROL: rr((c, a, d) => c.m.i64.rotl(a, d)), ROR: rr((c, a, d) => c.m.i64.rotr(a, d)),
  ROLW: rr((c, a, d) => sx32(c, c.m.i32.rotl(w(c, a), w(c, d)))), RORW: rr((c, a, d) => sx32(c, c.m.i32.rotr(w(c, a), w(c, d)))),
  BCLR: rr((c, a, d) => c.m.i64.and(a, c.m.i64.xor(bit(c, d), c.c64(-1)))), BSET: rr((c, a, d) => c.m.i64.or(a, bit(c, d))),
  BINV: rr((c, a, d) => c.m.i64.xor(a, bit(c, d))), BEXT: rr((c, a, d) => c.m.i64.and(c.m.i64.shr_u(a, d), c.c64(1))),
  ADDI: ri((c, a, i) => c.m.i64.add(a, c.c64(i))), ANDI: ri((c, a, i) => c.m.i64.and(a, c.c64(i))),
  ORI: ri((c, a, i) => c.m.i64.or(a, c.c64(i))), XORI: ri((c, a, i) => c.m.i64.xor(a, c.c64(i))),
  SLTI: ri((c, a, i) => bool(c, c.m.i64.lt_s(a, c.c64(i)))), SLTIU: ri((c, a, i) => bool(c, c.m.i64.lt_u(a, c.c64(i)))),
  SLLI: ri((c, a, i) => c.m.i64.shl(a, c.c64(i))), SRLI: ri((c, a, i) => c.m.i64.shr_u(a, c.c64(i))),
  SRAI: ri((c, a, i) => c.m.i64.shr_s(a, c.c64(i))), ADDIW: ri((c, a, i) => sx32(c, c.m.i32.add(w(c, a), c.c32(i)))),
  SLLIW: ri((c, a, i) => sx32(c, c.m.i32.shl(w(c, a), c.c32(i)))), SRLIW: ri((c, a, i) => sx32(c, c.m.i32.shr_u(w(c, a), c.c32(i)))),
  SRAIW: ri((c, a, i) => sx32(c, c.m.i32.shr_s(w(c, a), c.c32(i)))), RORI: ri((c, a, i) => c.m.i64.rotr(a, c.c64(i))),
  RORIW: ri((c, a, i) => sx32(c, c.m.i32.rotr(w(c, a), c.c32(i)))), SLLIUW: ri((c, a, i) => c.m.i64.shl(zx32(c, a), c.c64(i))),
  BCLRI: ri((c, a, i) => c.m.i64.and(a, c.c64(~(1n << BigInt(i))))), BSETI: ri((c, a, i) => c.m.i64.or(a, c.c64(1n << BigInt(i)))),
  BINVI: ri((c, a, i) => c.m.i64.xor(a, c.c64(1n << BigInt(i)))), BEXTI: ri((c, a, i) => c.m.i64.and(c.m.i64.shr_u(a, c.c64(i)), c.c64(1))),
  CLZ: ri((c, a) => c.m.i64.clz(a)), CTZ: ri((c, a) => c.m.i64.ctz(a)), CPOP: ri((c, a) => c.m.i64.popcnt(a)),
  CLZW: ri((c, a) => bool(c, c.m.i32.clz(w(c, a)))), CTZW: ri((c, a) => bool(c, c.m.i32.ctz(w(c, a)))),
  CPOPW: ri((c, a) => bool(c, c.m.i32.popcnt(w(c, a)))),
  SEXTB: ri((c, a) => c.m.i64.extend8_s(a)), SEXTH: ri((c, a) => c.m.i64.extend16_s(a)),
  ZEXTH: ri((c, a) => c.m.i64.and(a, c.c64(0xffff))), ORCB: ri((c, a) => orcb(c, a)), REV8: ri((c, a) => rev8(c, a)),
  NZCV_ADD: nzcvArith(64, false), NZCV_ADDW: nzcvArith(32, false),
  NZCV_SUB: nzcvArith(64, true), NZCV_SUBW: nzcvArith(32, true),
  NZCV_LOGIC: nzcvLogic(64), NZCV_LOGICW: nzcvLogic(32),
  COND: { reads: I, writesRd: true, emit: (c, o) => c.setReg(o.rd, bool(c, condHolds(c, o))) },
  SEL: {
    reads: ['rs1', 'rs2', 'aux'], writesRd: true,
    emit: (c, o) => c.setReg(o.rd, c.m.select(c.m.i64.ne(c.reg(o.aux), c.c64(0)), c.reg(o.rs1), c.reg(o.rs2), c.b.i64)),
  },
  MOVI: { reads: [], writesRd: true, emit: (c, o) => c.setReg(o.rd, c.c64(BigInt(o.aux) << 32n | BigInt(o.imm >>> 0))) },
  LB: load(1, (c, p) => c.m.i64.load8_s(0, 1, p), (c, v) => c.m.i64.extend8_s(v)),
  LH: load(2, (c, p) => c.m.i64.load16_s(0, 1, p), (c, v) => c.m.i64.extend16_s(v)),
  LW: load(4, (c, p) => c.m.i64.load32_s(0, 1, p), (c, v) => c.m.i64.extend32_s(v)),
  LD: load(8, (c, p) => c.m.i64.load(0, 1, p), (c, v) => v),
  LBU: load(1, (c, p) => c.m.i64.load8_u(0, 1, p), (c, v) => v),
  LHU: load(2, (c, p) => c.m.i64.load16_u(0, 1, p), (c, v) => v),
  LWU: load(4, (c, p) => c.m.i64.load32_u(0, 1, p), (c, v) => v),
  LWNB: load(4, (c, p) => c.m.i64.or(c.m.i64.load32_u(0, 1, p), c.c64(0xffffffff00000000n)),
    (c, v) => c.m.i64.or(v, c.c64(0xffffffff00000000n))),
  SB: store(1, (c, p, v) => c.m.i64.store8(0, 1, p, v)), SH: store(2, (c, p, v) => c.m.i64.store16(0, 1, p, v)),
  SW: store(4, (c, p, v) => c.m.i64.store32(0, 1, p, v)), SD: store(8, (c, p, v) => c.m.i64.store(0, 1, p, v)),
  BEQ: branch((c, a, d) => c.m.i64.eq(a, d)), BNE: branch((c, a, d) => c.m.i64.ne(a, d)),
  BLT: branch((c, a, d) => c.m.i64.lt_s(a, d)), BGE: branch((c, a, d) => c.m.i64.ge_s(a, d)),
  BLTU: branch((c, a, d) => c.m.i64.lt_u(a, d)), BGEU: branch((c, a, d) => c.m.i64.ge_u(a, d)),
  JAL: {
    reads: [], writesRd: true,
    emit: (c, o, blk) => c.setReg(o.rd, c.c64(blk.vpc + BigInt(o.pcOff) + BigInt(o.aux))),
    edges: (c, o, blk) => [{ pc: blk.vpc + BigInt(o.pcOff) + BigInt(o.imm) }],
  },
  JALR: jumpRegister(~1n),
  JMPR: jumpRegister(~0n),
  NEXT: { reads: [], writesRd: false, emit: (c) => c.m.nop(), edges: (c, o, blk) => [{ pc: blk.vpc + BigInt(blk.len) }] },
  HELPER: helper(false),
  HELPER_END: helper(true),
};

function minmax(c, a, d, cmp) {
  const { m } = c;
  return m.block(null, [m.local.set(c.val, a), m.local.set(c.tmp, d),
    m.select(m.i64[cmp](m.local.get(c.val, c.b.i64), m.local.get(c.tmp, c.b.i64)),
      m.local.get(c.val, c.b.i64), m.local.get(c.tmp, c.b.i64))], c.b.i64);
}

/** The IR op names this compiler can emit. */
export const supportedOps = Object.keys(EMIT);
