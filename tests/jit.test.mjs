// The JIT against its oracle, the interpreter. Random RV64GC code (ALU, loads
// and stores, branches and jumps, compressed instructions, faults, CSR
// accesses, FP) runs on two machines of the wasm build from the same state:
// one interpreted, one compiling every block at once (threshold 1, on this
// thread). They step in lockstep to the same block boundaries and their whole
// architectural state (registers, CSRs, pc, instret, and RAM at the end) must
// be equal at every stop. The seed is printed; more seeds:
//   WVM_JIT_SEEDS=1-200 node --test tests/jit.test.mjs
// Also: calls between compiled pages chain through the jump cache, the
// compiler rejects what it does not know, and modules built for a
// page that changed meanwhile are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import { loadCore, Arch, Bios, Status } from '../src/js/core.mjs';
import { Jit } from '../wasm-jit/jit.mjs';
import { LAYOUT_WORDS, compileRegions, parseLayout } from '../wasm-jit/compile.mjs';

const CODE_BYTES = 64 << 10;
const STEPS = 300000; // guest instructions per seed
const RAM_MIB = 16;

function seeds() {
  const spec = process.env.WVM_JIT_SEEDS;
  if (!spec) return [1, 2, 3, 4, 5, 6, 7, 8];
  return spec.split(',').flatMap((part) => {
    const [a, b = a] = part.split('-').map(Number);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** xorshift32: a fixed sequence per seed. */
function rng(seed) {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

const OPCODES = [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b,
  0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73];
const MEMORY_OPS = new Set([0x03, 0x07, 0x23, 0x27, 0x2f]);
// CSRs whose values come from the host clock or make it raise interrupts.
const HOST_TIME_CSRS = new Set([0xc01, 0x14d, 0x30a, 0x180]); // time, stimecmp, menvcfg (STCE), satp

/**
 * Random code for a bare-metal M-mode hart: traps land in the code (mtvec =
 * code + 64), x31 points at a data area that loads and stores always use
 * (never written by the code), and nothing reaches a device or the clock.
 */
function randomCode(seed) {
  const r = rng(seed);
  const code = new DataView(new ArrayBuffer(CODE_BYTES));
  const prologue = [
    0x00000297, // auipc t0, 0
    0x04028293, // addi  t0, t0, 64
    0x30529073, // csrw  mtvec, t0
    0x00002337, // lui   t1, 2
    0x30032073, // csrs  mstatus, t1 (FS = Initial)
    0x80100fb7, // lui   x31, 0x80100
    0x020f9f93, // slli  x31, x31, 32
    0x020fdf93, // srli  x31, x31, 32: x31 = 0x8010_0000, the data area
  ];
  prologue.forEach((w, i) => code.setUint32(4 * i, w, true));
  let at = 4 * prologue.length;
  // compressed, without loads and stores (their base registers are random)
  const compressed = (h) => {
    const q = h & 3, f3 = h >>> 13;
    return q === 3 || (q === 0 && f3 !== 0) || (q === 2 && f3 !== 0 && f3 !== 4) ? 0x0001 : h; // c.nop
  };
  while (at + 4 <= CODE_BYTES) {
    const kind = r() % 8;
    let w = kind === 1 ? r() : ((r() & ~0x7f) | OPCODES[r() % OPCODES.length]) >>> 0;
    if (kind === 0 || (w & 3) !== 3) { // one or two compressed instructions
      const n = kind === 0 ? 1 : 2;
      for (let i = 0; i < n; i++) code.setUint16(at + 2 * i, compressed((w >>> (16 * i)) & 0xffff), true);
      at += 2 * n;
      continue;
    }
    const op = w & 0x7f;
    if (((w >>> 7) & 31) === 31) w = (w & ~(31 << 7)) | (30 << 7); // never write x31
    if (MEMORY_OPS.has(op)) w = ((w & ~(31 << 15)) | (31 << 15)) >>> 0; // base x31
    if (op === 0x73 && HOST_TIME_CSRS.has(w >>> 20)) w = (w & 0xfffff) | (0x340 << 20); // mscratch
    code.setUint32(at, w >>> 0, true);
    at += 4;
  }
  return new Uint8Array(code.buffer);
}

// RV64 encoders for the hand-written programs below.
const encI = (op, f3, rd, rs1, imm) => (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const encJ = (rd, imm) => (((imm >> 20 & 1) << 31) | ((imm >> 1 & 0x3ff) << 21) | ((imm >> 11 & 1) << 20) |
  ((imm >> 12 & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
const encB = (f3, rs1, rs2, imm) => (((imm >> 12 & 1) << 31) | ((imm >> 5 & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
  (f3 << 12) | ((imm >> 1 & 0xf) << 8) | ((imm >> 11 & 1) << 7) | 0x63) >>> 0;

/** Two machines running `code` (a bare-metal M-mode image) from the same state. */
async function machinePair(code) {
  const core = await loadCore();
  const make = () => {
    const m = core.create(Arch.riscv64, RAM_MIB, 1, Bios.none);
    core.loadKernel(m, code);
    core.boot(m);
    return m;
  };
  return { core, interp: make(), compiled: make() };
}

const digest = (core, m, ram) => BigInt.asUintN(64, core.mod._wvm_state_digest(m, ram ? 1 : 0));

/**
 * Run `code` for STEPS instructions interpreted and compiled (threshold 1),
 * stopping both at the same block boundaries; the whole state must match at
 * every stop and RAM at the end. Returns the compiled machine's JIT stats.
 */
async function lockstep(code, what) {
  const { core, interp, compiled } = await machinePair(code);
  const jit = new Jit(core, { threshold: 1, worker: false });
  await jit.ready;
  jit.attach(compiled);
  const mod = core.mod;
  let stops = 0;
  const events = (m) => BigInt.asUintN(64, mod._wvm_events(m));
  for (let st = Status.RUNNING; ;) {
    const left = BigInt(STEPS) - events(compiled);
    if (left <= 0n || st !== Status.RUNNING) break;
    st = mod._wvm_step(compiled, left);
    jit.pump();
    const at = events(compiled);
    let ist;
    do ist = mod._wvm_step(interp, at - events(interp)); while (ist === Status.RUNNING && events(interp) < at);
    assert.equal(events(interp), at, `${what}: the engines stopped at different points`);
    assert.equal(digest(core, compiled, false), digest(core, interp, false),
      `${what}: state differs after ${at} instructions (stop ${stops})`);
    stops++;
  }
  assert.equal(digest(core, compiled, true), digest(core, interp, true), `${what}: RAM differs at the end`);
  const s = core.jitStats(compiled);
  jit.close();
  core.destroy(interp);
  core.destroy(compiled);
  return s;
}

for (const seed of seeds()) {
  test(`JIT = interpreter on random code, seed ${seed}`, async () => {
    const s = await lockstep(randomCode(seed), `seed ${seed}`);
    assert.ok(s.entries > 0, `seed ${seed}: nothing ran compiled`);
  });
}

test('the compiler refuses an op it has no emitter for, and the JIT keeps interpreting', async () => {
  const core = await loadCore();
  const layout = parseLayout([...new Uint32Array(core.mod.HEAPU8.buffer, core.mod._wvm_jit_layout() >>> 0, LAYOUT_WORDS)]);
  // one block of one op numbered past every known op (no helper descriptors)
  const d = new DataView(new ArrayBuffer(32 + 16 + 16));
  d.setBigUint64(0, 0x80000000n, true);
  d.setBigUint64(8, 0x80000000n, true);
  d.setUint32(20, 1, true);
  d.setBigUint64(32, 0x80000000n, true);
  d.setUint16(40, 4, true);
  d.setUint16(42, 1, true);
  d.setUint32(44, 1, true);
  d.setUint8(48, 250);
  const opNames = core.mod.UTF8ToString(core.mod._wvm_jit_op_names()).split(',').filter(Boolean);
  assert.throws(() => compileRegions(binaryen, layout, opNames, [new Uint8Array(d.buffer)]), /no emitter for IR op 250/);
  assert.throws(() => compileRegions(binaryen, layout, opNames, [new Uint8Array(d.buffer, 0, 30)]), /truncated/);
});

test('calls between compiled pages chain without the dispatcher', async () => {
  const ITERATIONS = 0x18000;
  const code = new DataView(new ArrayBuffer(0x2000));
  [
    (0x18 << 12) | (5 << 7) | 0x37, // lui  t0, 0x18: the iteration count
    encJ(1, 0x1000 - 4),            // loop: jal ra, func (the next page)
    encI(0x13, 0, 5, 5, -1),        // addi t0, t0, -1
    encB(1, 5, 0, -8),              // bnez t0, loop
    encJ(0, 0),                     // j .
  ].forEach((w, i) => code.setUint32(4 * i, w, true));
  code.setUint32(0x1000, encI(0x13, 0, 10, 10, 1), true); // func: addi a0, a0, 1
  code.setUint32(0x1004, encI(0x67, 0, 0, 1, 0), true);   //       ret
  const core = await loadCore();
  const m = core.create(Arch.riscv64, RAM_MIB, 1, Bios.none);
  core.loadKernel(m, new Uint8Array(code.buffer));
  core.boot(m);
  const jit = new Jit(core, { threshold: 1, worker: false });
  await jit.ready;
  jit.attach(m);
  const mod = core.mod;
  while (BigInt.asUintN(64, mod._wvm_events(m)) < BigInt(5 * ITERATIONS + 100)) {
    mod._wvm_step(m, 100000n);
    jit.pump();
  }
  assert.equal(BigInt.asUintN(64, mod._wvm_reg(m, 0, 10)), BigInt(ITERATIONS), 'a0 counts the calls');
  const s = core.jitStats(m);
  // 2 page crossings per iteration; through the jump cache, not the dispatcher
  assert.ok(s.compiledInsns > 4 * ITERATIONS, `ran compiled: ${s.compiledInsns}`);
  assert.ok(s.entries < ITERATIONS / 100, `${s.entries} calls from the dispatcher for ${2 * ITERATIONS} page crossings`);
  jit.close();
  core.destroy(m);
});

test('JIT = interpreter on loops of one block, with loads, stores and faults inside', async () => {
  const R = (rd, rs1, rs2) => ((rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33) >>> 0; // add
  const S = (rs2, rs1, imm) => (((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0; // sd
  const LD = (rd, rs1, imm) => encI(0x03, 3, rd, rs1, imm);
  const [t0, t1, t3, t4, t5, t6, s0, s1] = [5, 6, 28, 29, 30, 31, 8, 9];
  const program = [
    0x00000297, encI(0x13, 0, t0, t0, 0x100), encI(0x73, 1, 0, t0, 0x305), // mtvec = base + 0x100
    (0x80100 << 12) | (s0 << 7) | 0x37, encI(0x13, 1, s0, s0, 32), encI(0x13, 5, s0, s0, 32), // s0 = 0x8010_0000
    (0x3 << 12) | (t0 << 7) | 0x37,                      // t0 = 0x3000
    LD(t1, s0, 0), R(t1, t1, t0), S(t1, s0, 8), S(t1, s0, 0), encI(0x13, 0, t0, t0, -1), encB(1, t0, 0, -20), // loop 1
    (0x1 << 12) | (t0 << 7) | 0x37, (0x1 << 12) | (s1 << 7) | 0x37, // t0 = 0x1000, s1 = 0x1000
    R(t4, s0, t3), LD(t1, t4, 0), R(t5, t5, t1), R(t3, t3, s1), encI(0x13, 0, t0, t0, -1), encB(1, t0, 0, -20), // loop 2: faults past RAM
    encJ(0, 0),                                          // j .
  ];
  const code = new DataView(new ArrayBuffer(0x200));
  program.forEach((w, i) => code.setUint32(4 * i, w, true));
  [encI(0x73, 2, t6, 0, 0x341), encI(0x13, 0, t6, t6, 4), encI(0x73, 1, 0, t6, 0x341), 0x30200073] // mepc += 4; mret
    .forEach((w, i) => code.setUint32(0x100 + 4 * i, w, true));
  const s = await lockstep(new Uint8Array(code.buffer), 'loops');
  assert.ok(s.compiledInsns > 100000, `ran compiled: ${s.compiledInsns}`);
});

test('JIT = interpreter around helpers that continue the block (descriptors: registers read and written)', async () => {
  const R = (rd, rs1, rs2) => ((rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33) >>> 0; // add
  const AMO = (f5, rd, rs1, rs2) => ((f5 << 27) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | (rd << 7) | 0x2f) >>> 0; // .d
  const [s0, a2, a3, a4, a5, a6, a7] = [8, 12, 13, 14, 15, 16, 17];
  const program = [
    (0x80100 << 12) | (s0 << 7) | 0x37, encI(0x13, 1, s0, s0, 32), encI(0x13, 5, s0, s0, 32), // s0 = 0x8010_0000
    encI(0x13, 0, a2, 0, 7), encI(0x13, 0, a3, 0, 5), // a2, a3 written in this block (held in locals)
    AMO(0x00, a2, s0, a3),                 // amoadd.d a2, a3, (s0): reads a3, writes a2
    R(a4, a2, a2),
    AMO(0x02, a5, s0, 0),                  // lr.d a5, (s0)
    encI(0x13, 0, a5, a5, 1),
    AMO(0x03, a6, s0, a5),                 // sc.d a6, a5, (s0): reads a5, writes a6
    R(a7, a6, a5),
    encJ(0, 0),                            // j .
  ];
  const code = new DataView(new ArrayBuffer(0x100));
  program.forEach((w, i) => code.setUint32(4 * i, w, true));
  await lockstep(new Uint8Array(code.buffer), 'helpers');
});

test('Machine options left undefined take their defaults: the JIT stays on, 256 MiB', async () => {
  const { Machine } = await import('../src/js/machine.mjs');
  const { readFileSync } = await import('node:fs');
  const kernel = readFileSync(new URL('../build/guest/rv64i.elf', import.meta.url));
  const m = await Machine.create({ kernel, bios: 'none', jit: undefined, mem: undefined, smp: undefined });
  assert.notEqual(m.stats.jit, null);
  m.start();
  assert.equal(await m.halted(), 0);
});
