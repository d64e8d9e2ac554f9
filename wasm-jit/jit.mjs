// The JIT on the run thread. After each time slice it takes the core's compile
// requests (regions whose blocks ran `threshold` times), sends their IR to a
// compiler (the JIT worker, or this thread with {worker: false}), and between
// slices instantiates what comes back against the core's memory and the three
// C functions compiled code calls, puts each region's function in the core's
// function table and installs it (src/ir/jit.h). Functions the core no longer
// uses (their page was written, or a newer region replaced them) and those
// evicted by the code-cache budget free their table slots.
import { LAYOUT_WORDS, compileRegions, parseLayout } from './compile.mjs';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
const REQUEST_BYTES = 24; // sizeof(ir_jit_request)
const BATCH_MAX = 64;     // regions per module

/** Defaults of Jit options. */
export const JIT_DEFAULTS = Object.freeze({ threshold: 10000, worker: true, maxFunctions: 8192 });

/**
 * The compiler worker, one per realm (process or page worker), shared by
 * every Jit: Binaryen loads and V8 optimises it once, not once per machine
 * (a second machine's boot otherwise ran beside that work). Never keeps a
 * Node process alive. Resolves to {post(msg, onResult)}; results are routed
 * by message id. Rejects if the worker cannot start.
 */
let sharedWorker = null;
function compilerWorker() {
  sharedWorker ??= startWorker().catch((e) => { sharedWorker = null; throw e; });
  return sharedWorker;
}

async function startWorker() {
  const url = new URL('./worker.mjs', import.meta.url);
  const waiting = new Map(); // message id -> onResult
  let ready, failed, broken = null;
  const started = new Promise((resolve, reject) => { ready = resolve; failed = reject; });
  const onMessage = (msg) => {
    if (msg.ready) return ready();
    const cb = waiting.get(msg.id);
    waiting.delete(msg.id);
    cb?.(msg);
  };
  const onError = (e) => { // every compile waiting fails; later ones fail at once
    broken = e?.message ?? String(e);
    failed(e);
    for (const [id, cb] of waiting) cb({ id, error: broken, fatal: true });
    waiting.clear();
  };
  let post;
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(url);
    w.on('message', onMessage);
    w.on('error', onError);
    w.unref(); // listening does not ref a worker_threads Worker: it never keeps the process alive
    post = (m) => w.postMessage(m);
  } else {
    const w = new Worker(url, { type: 'module' });
    w.onmessage = (e) => onMessage(e.data);
    w.onerror = onError;
    post = (m) => w.postMessage(m);
  }
  await started;
  return {
    post(msg, onResult) {
      if (broken) return onResult({ id: msg.id, error: broken, fatal: true });
      waiting.set(msg.id, onResult);
      post(msg);
    },
  };
}
let nextJobId = 1;

/** The JIT of one Core (and the machine it currently runs). */
export class Jit {
  #core; #mod; #layout; #opNames; #opts; #m = 0; #epoch = 0;
  #compiler = null; #binaryen = null; #ready = false; #busy = false; #pending = []; #inflight = new Map();
  #reqPtr; #vpcPtr = 0; #vpcCap = 0; #bufPtr = 0; #bufCap = 0;
  #live = new Map(); // table index -> ppc page (BigInt), in install order
  #warned = false;
  /** Counters kept on this side: modules built, compile and install time (ms). */
  counts = { modules: 0, compileMs: 0, installMs: 0, compileErrors: 0 };

  /**
   * A JIT for `core` (a Core of src/js/core.mjs). The compiler (Binaryen, in a
   * worker or on this thread) loads in the background: machines run in the
   * interpreter meanwhile, and their requests wait. If it cannot load, one
   * warning is printed and everything stays interpreted.
   * @param {object} opts  {threshold, worker, maxFunctions}: see JIT_DEFAULTS; onstatus(state,
   *   message) hears 'ready' or 'unavailable'
   */
  constructor(core, opts = {}) {
    this.#core = core;
    this.#mod = core.mod;
    this.#opts = { ...JIT_DEFAULTS, ...opts };
    const words = new Uint32Array(this.#mod.HEAPU8.buffer, this.#mod._wvm_jit_layout() >>> 0, LAYOUT_WORDS);
    this.#layout = parseLayout([...words]);
    this.#opNames = this.#mod.UTF8ToString(this.#mod._wvm_jit_op_names()).split(',').filter(Boolean);
    this.#reqPtr = this.#mod._malloc(REQUEST_BYTES) >>> 0;
    const binaryen = isNode ? 'binaryen' : new URL('../node_modules/binaryen/index.js', import.meta.url).href;
    this.ready = (this.#opts.worker ? this.#startWorker() : import(binaryen).then((b) => { this.#binaryen = b.default; }))
      .then(() => { this.#ready = true; this.#send(); this.#opts.onstatus?.('ready'); })
      .catch((e) => this.#unavailable(e));
  }

  async #startWorker() {
    this.#compiler = await compilerWorker();
  }

  /** The compiler cannot run: stay in the interpreter, say so once. */
  #unavailable(e) {
    this.#ready = false;
    this.#pending = [];
    this.#opts.threshold = 0;
    if (this.#m) this.#mod._wvm_jit_configure(this.#m, 0, 0);
    const text = `the JIT is unavailable; running on the interpreter (${e?.message ?? e})`;
    this.#warn(text);
    this.#opts.onstatus?.('unavailable', text);
  }

  #warn(text) {
    if (this.#warned) return;
    this.#warned = true;
    console.warn(`wvm: ${text}`);
  }

  /** Run machine `m` (a core machine handle): compile its hot regions from now on. */
  attach(m) {
    this.#m = m;
    this.#epoch++;
    this.#pending = [];
    this.#live.clear(); // a new machine: the old one's functions died with it
    this.#mod._wvm_jit_configure(m, this.#opts.threshold, this.#opts.worker ? 0 : 1 /* WVM_JIT_EAGER */);
  }

  /** After a time slice: free dead functions, take requests, start a compile. */
  pump() {
    const mod = this.#mod, m = this.#m;
    if (!m) return;
    this.#freeDead();
    while (mod._wvm_jit_take_request(m, this.#reqPtr)) {
      const bytes = this.#region();
      if (bytes) this.#pending.push({ req: mod.HEAPU8.slice(this.#reqPtr, this.#reqPtr + REQUEST_BYTES), bytes });
    }
    this.#send();
  }

  /** The description of the request at #reqPtr, or null if stale. */
  #region() {
    const mod = this.#mod;
    for (;;) {
      const n = Number(mod._wvm_jit_region(this.#m, this.#reqPtr, this.#bufPtr, this.#bufCap));
      if (n === 0) return null;
      if (n <= this.#bufCap) return mod.HEAPU8.slice(this.#bufPtr, this.#bufPtr + n);
      if (this.#bufPtr) mod._free(this.#bufPtr);
      this.#bufCap = Math.max(n, 2 * this.#bufCap, 65536);
      this.#bufPtr = mod._malloc(this.#bufCap) >>> 0;
    }
  }

  #send() {
    if (!this.#ready || this.#busy || !this.#pending.length) return;
    const batch = this.#pending.splice(0, BATCH_MAX);
    const job = { id: nextJobId++, epoch: this.#epoch, batch };
    const msg = { id: job.id, layout: this.#layout, opNames: this.#opNames, regions: batch.map((r) => r.bytes) };
    if (!this.#compiler) { // on this thread: compile and install now
      const t0 = performance.now();
      let result;
      try {
        const out = compileRegions(this.#binaryen, this.#layout, this.#opNames, msg.regions);
        result = { id: job.id, module: new WebAssembly.Module(out.bytes), regions: out.regions, ms: performance.now() - t0 };
      } catch (e) {
        result = { id: job.id, error: e?.message ?? String(e) };
      }
      this.#inflight.set(job.id, job);
      this.#onResult(result);
      return;
    }
    this.#busy = true;
    this.#inflight.set(job.id, job);
    this.#compiler.post(msg, (result) => this.#onResult(result));
  }

  #onResult({ id, module, regions, ms, error, fatal }) {
    const job = this.#inflight.get(id);
    this.#inflight.delete(id);
    this.#busy = false;
    if (!this.#reqPtr) return; // closed meanwhile
    if (fatal) return this.#unavailable(error);
    if (job && job.epoch === this.#epoch) {
      if (error) this.#failed(job, error);
      else this.#install(job, module, regions, ms);
    }
    this.#send();
  }

  #failed(job, error) {
    this.counts.compileErrors++;
    this.#warn(`JIT: a region could not be compiled; it keeps running in the interpreter (${error})`);
    for (const { req } of job.batch) this.#withRequest(req, () => this.#mod._wvm_jit_fail(this.#m, this.#reqPtr));
  }

  #withRequest(req, fn) {
    this.#mod.HEAPU8.set(req, this.#reqPtr);
    return fn();
  }

  #install(job, module, regions, ms) {
    const t0 = performance.now();
    const mod = this.#mod, l = this.#layout;
    let instance;
    try {
      const fn = (i) => mod.getWasmTableEntry(i);
      instance = new WebAssembly.Instance(module, {
        env: { memory: this.#core.memory, load: fn(l.loadFn), store: fn(l.storeFn), helper: fn(l.helperFn) },
      });
    } catch (e) {
      this.#failed(job, e.message);
      return;
    }
    this.counts.modules++;
    this.counts.compileMs += ms;
    job.batch.forEach(({ req }, k) => {
      const vpcs = regions[k].vpcs;
      if (vpcs.length > this.#vpcCap) {
        if (this.#vpcPtr) mod._free(this.#vpcPtr);
        this.#vpcCap = Math.max(vpcs.length, 2 * this.#vpcCap, 256);
        this.#vpcPtr = mod._malloc(8 * this.#vpcCap) >>> 0;
      }
      new BigUint64Array(mod.HEAPU8.buffer, this.#vpcPtr, vpcs.length).set(vpcs);
      const idx = mod.addFunction(instance.exports[`r${k}`], 'iii');
      const ok = this.#withRequest(req, () => mod._wvm_jit_install(this.#m, this.#reqPtr, idx, this.#vpcPtr, vpcs.length));
      if (ok !== 0) mod.removeFunction(idx); // the page changed while it compiled
      else this.#live.set(idx, new DataView(req.buffer).getBigUint64(0, true));
    });
    this.#evict();
    this.counts.installMs += performance.now() - t0;
  }

  /** Keep at most maxFunctions installed: uninstall the oldest page's regions. */
  #evict() {
    for (const [idx, page] of this.#live) {
      if (this.#live.size <= this.#opts.maxFunctions) break;
      this.#live.delete(idx); // dead or evicted with its page now
      this.#mod._wvm_jit_evict(this.#m, page);
      this.#freeDead();
    }
  }

  #freeDead() {
    for (let f; (f = this.#mod._wvm_jit_take_dead(this.#m) >>> 0);) this.#free(f);
  }

  #free(idx) {
    this.#live.delete(idx);
    this.#mod.removeFunction(idx);
  }

  /** Installed functions now. */
  get liveFunctions() { return this.#live.size; }

  /** Stop compiling (the shared worker stays for other machines) and free this side's buffers. */
  close() {
    this.#ready = false;
    this.#compiler = null;
    for (const p of [this.#reqPtr, this.#vpcPtr, this.#bufPtr]) if (p) this.#mod._free(p);
    this.#reqPtr = this.#vpcPtr = this.#bufPtr = 0;
    this.#m = 0;
  }
}
