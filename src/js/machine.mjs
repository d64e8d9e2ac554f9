// class Machine: the embedding API shared by Node and the browser. It runs a
// wvm machine in time slices on the current thread (in the browser: inside a
// Web Worker), forwards console bytes both ways, and serves virtio-blk
// requests from JavaScript disk backends.
import { Arch, Bios, Status, loadCore } from './core.mjs';
import { gunzipImage } from './compress.mjs';
import { decodeSnapshot, encodeSnapshot } from './snapshot.mjs';
import { decodeHost, encodeHost } from './snapshot-host.mjs';
import { Jit } from '../../wasm-jit/jit.mjs';
import { checkArch, parseHostfwd, parseMac } from './options.mjs';
import { UserNet } from './usernet.mjs';

/**
 * @typedef {object} DiskBackend  storage behind one virtio-blk disk
 * @property {number} size            bytes, a multiple of 512
 * @property {boolean} [readonly]
 * @property {(offset: number, length: number) => Uint8Array|Promise<Uint8Array>} read   bytes at offset
 * @property {(offset: number, data: Uint8Array) => void|Promise<void>} write
 * @property {() => void|Promise<void>} flush   resolves once earlier writes are durable
 * @property {() => Uint8Array|Promise<Uint8Array>} [exportOverlay]  the sectors written so far, in
 *   the overlay format of snapshot-host.mjs, for save({disks: true}) (a disk without it is only
 *   referred to: count and size)
 * @property {(overlay: Uint8Array) => void|Promise<void>} [importOverlay]  replace the sectors
 *   written so far with an overlay (snapshot-host.mjs' format), for restore; throws (and keeps
 *   the current ones) if it does not fit the disk or cannot be stored
 */

/**
 * @typedef {object} MachineOptions  mirrors the CLI flags
 * @property {number} [mem=256]        RAM in MiB (16..2048)
 * @property {number} [smp=1]          harts (1..8)
 * @property {'builtin'|'none'|Uint8Array} [bios='builtin']  firmware image bytes, or a built-in choice
 * @property {Uint8Array} kernel       ELF or raw kernel image
 * @property {Uint8Array} [initrd]     initial RAM disk; Machine.create unpacks a gzip one on the host
 * @property {string} [append='']      kernel command line
 * @property {'riscv64'|'aarch64'} [arch] the guest architecture (as -arch); default: what the kernel
 *   image's header says (riscv64 when it says nothing). x86_64 throws, and so does a kernel built
 *   for another architecture than the one asked for
 * @property {DiskBackend[]} [disks]   virtio-blk disks, in slot order
 * @property {number} [sliceMs=10]     host time per run slice (ms) before yielding to the event loop
 * @property {boolean|{threshold?: number, worker?: boolean, maxFunctions?: number}} [jit=true]
 *   compile hot guest code to WebAssembly (wasm-jit/): false runs the interpreter only; threshold
 *   is the executions of a block before its page is compiled (1 compiles everything), worker
 *   false compiles on this thread, maxFunctions bounds the code cache (compiled regions)
 * @property {boolean|NetOptions} [net]  a virtio-net device on user-mode networking (QEMU's -nic user):
 *   the guest gets 10.0.2.15 by DHCP, 10.0.2.2 is the host's loopback, 10.0.2.3 answers DNS with
 *   the host's resolver. One machine per core (wasm instance) at a time. Default: no network device
 * @property {ShareOptions[]} [shares]  file systems shared with the guest (virtio-9p, 9P2000.L; QEMU's
 *   -virtfs), at most 4; the guest mounts one with
 *   `mount -t 9p -o trans=virtio,version=9p2000.L TAG /mnt/TAG` (the default image mounts every
 *   share at /mnt/TAG itself). See Machine.fs and Machine.shares
 * @property {{shift: number, sleep?: boolean}} [icount]  guest time from instructions retired, as
 *   QEMU's -icount: each advances it by 2^shift ns (shift 0..10); an idle guest's time jumps to its
 *   next timer, after waiting for it in host time (sleep, the default) or at once. Runs fed the
 *   same input then repeat exactly (virtio-rng becomes a seeded stream). Default: host time
 * @property {{base?: 'utc'|string|Date, clock?: 'host'|'vm'}} [rtc]  as QEMU's -rtc: the guest's
 *   wall clock starts at base (a Date, or an ISO date such as '2006-06-17T16:01:21', UTC) and
 *   advances with host time or guest time (vm). Default: the host's clock
 */

/**
 * @typedef {object} ShareOptions
 * @property {string} tag  the mount tag (1..64 bytes, unique)
 * @property {string} [path]  a host directory (Node; Machine.create opens it): no path the guest
 *   gives leaves it, symbolic links included
 * @property {object} [fs]  or the files themselves: a MemoryFs (src/js/fs-memory.mjs), NodeDirFs
 *   (src/js/fs-node.mjs) or an object with their methods. Neither: a new, empty MemoryFs
 * @property {boolean} [readonly=false]  every change the guest tries fails with EROFS
 */

/**
 * @typedef {object} NetOptions
 * @property {Array<string|{hostAddr: string, hostPort: number, guestPort: number}>} [hostfwd]  host
 *   ports forwarded to guest TCP ports, as QEMU's 'tcp:[HOSTADDR]:HOSTPORT-:GUESTPORT' (HOSTADDR
 *   default 127.0.0.1, HOSTPORT 0: any free port, see Machine.hostfwd)
 * @property {string} [mac='52:54:00:12:34:56']  the device's Ethernet address
 * @property {import('./usernet.mjs').Sockets} [sockets]  how the host reaches its network: in Node
 *   node:net/dgram/dns by default; in a browser a Wisp relay's (web/wisp-sockets.mjs: wispSockets)
 */

/** ns since the Unix epoch (BigInt) of an -rtc base, or undefined for 'utc'. */
function rtcBaseNs(base) {
  if (base === undefined || base === 'utc') return undefined;
  const ms = base instanceof Date ? base.getTime() : Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(base) || !base.includes('T') ? base : `${base}Z`);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`bad rtc base '${base}' (utc, 2006-06-17 or 2006-06-17T16:01:21)`);
  return BigInt(ms) * 1000000n;
}

const OP_READ = 0, OP_WRITE = 1;

/** opts.shares with their backends: a host directory opened (Node), or a new MemoryFs. */
async function openShares(shares = []) {
  const { MemoryFs } = await import('./fs-memory.mjs');
  const out = [];
  for (const { tag, path, fs, readonly = false } of shares) {
    if (fs || !path) out.push({ tag, readonly, fs: fs ?? new MemoryFs({ readonly }) });
    else out.push({ tag, readonly, fs: new (await import('./fs-node.mjs')).NodeDirFs(path, { readonly }) });
  }
  return out;
}

/** The transport for opts.net: its own, Node's sockets, or none (no network). */
async function netSockets(net) {
  if (!net) return null;
  if (net.sockets) return net.sockets;
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error('user networking in a browser needs opts.net.sockets (a Wisp relay: web/wisp-sockets.mjs)');
  }
  return (await import('./node-sockets.mjs')).nodeSockets;
}

const sizes = (disks) => `${disks.length} disk(s) of ${disks.map((d) => d.size).join(', ') || 'no'} bytes`;

/** Check the disks given to restore a snapshot against those it was saved with (throws). */
function checkDisks(saved, disks) {
  if (!Array.isArray(disks)) throw new TypeError('opts.disks must be (or give) a list of disk backends');
  if (saved.length !== disks.length || saved.some((d, i) => d.size !== disks[i].size)) {
    const what = saved.some((d) => d.overlay)
      ? 'the same base images: the snapshot holds only the sectors written to them'
      : 'the same disks: their contents are not in the snapshot';
    throw new Error(`the snapshot was saved with ${sizes(saved)}; give ${what}; not ${sizes(disks)}`);
  }
  saved.forEach((d, i) => {
    if (d.overlay && typeof disks[i].importOverlay !== 'function') {
      throw new Error(`disk ${i}: the snapshot holds ${d.overlay.length} bytes of sectors written to it, and this disk `
        + 'cannot take them (it has no importOverlay; a file disk has one in snapshot mode: -drive ...,snapshot=on)');
    }
  });
}

/**
 * Run `fn` soon without a timer's clamping (a nested setTimeout(0) waits
 * 1-5 ms): setImmediate in Node, a MessageChannel in a browser worker.
 * Returns a function that cancels it.
 */
const soon = typeof setImmediate === 'function'
  ? (fn) => { const t = setImmediate(fn); return () => clearImmediate(t); }
  : (() => {
      const channel = new MessageChannel(), queue = [];
      channel.port1.onmessage = () => queue.shift()?.();
      return (fn) => {
        let live = true;
        queue.push(() => live && fn());
        channel.port2.postMessage(0);
        return () => { live = false; };
      };
    })();

/**
 * A running guest. Events: 'output' (detail: Uint8Array), 'state' (detail: state string),
 * 'jit' (detail: {state: 'ready'|'unavailable', message}: the JIT's compiler loaded, or could not,
 * and the machine runs on the interpreter).
 */
export class Machine extends EventTarget {
  /** @type {'created'|'running'|'paused'|'halted'|'error'} */
  state = 'created';
  #core; #m; #opts; #disks; #jit = null; #jitCounts = null; #pendingIo = 0; #cancel = null; #wake = null; #started = 0;
  #generation = 0; // bumped by reset() and stop(): an older machine's disk requests no longer count as pending
  #size = [0, 0]; // terminal columns and rows given by resize(), kept across resets
  #input = []; // console input (Uint8Arrays) the core has not taken yet
  #saving = false; // save() waits for disk requests: no slice runs meanwhile
  #gdb = null; // the debugger's session: {send, end}
  #net = null; // the host side of user networking (UserNet)
  /** The hostfwd rules being served, with the host ports listened on: [{hostAddr, hostPort, guestPort}]. */
  hostfwd = [];
  /**
   * The file shares (opts.shares), each {tag, readonly, fs}: `fs` is the share's files as the
   * host sees them, with writeFile(path, data), readFile(path), list(path), remove(path) (paths
   * relative to the share; see fs-memory.mjs), usable while the guest runs.
   */
  shares = [];

  /**
   * Create a machine and load its images (does not start it).
   * @param {MachineOptions} opts
   * @param {object} [coreOpts] passed to loadCore (moduleUrl, wasmBinary)
   * @returns {Promise<Machine>}
   * @throws Error with the core's one-line message for bad options or images
   */
  static async create(opts, coreOpts) {
    const unpack = (bytes) => (bytes instanceof Uint8Array ? gunzipImage(bytes) : bytes);
    const [kernel, initrd] = await Promise.all([unpack(opts?.kernel), unpack(opts?.initrd)]);
    const sockets = await netSockets(opts?.net), shares = await openShares(opts?.shares);
    return new Machine(await loadCore(coreOpts), { ...opts, kernel, initrd, shares }, null, sockets).#listen();
  }

  // Listen for the hostfwd rules; a machine that cannot is stopped. Returns this.
  async #listen() {
    const rules = this.#opts.net?.hostfwd ?? [];
    try {
      this.hostfwd = rules.length ? await this.#net.forward(rules.map((r) => (typeof r === 'string' ? parseHostfwd(r) : r))) : [];
    } catch (e) {
      this.stop();
      throw e;
    }
    return this;
  }

  /**
   * A machine that continues from a snapshot (the bytes of save(), from Node or a browser).
   * Its RAM size, harts, firmware, icount and RTC settings come from the snapshot; `opts` gives
   * the rest: disks, jit, sliceMs, and kernel/initrd/append for a later reset(). Not started.
   * The disks must be as many and of the same sizes as when saved. Their base contents are not
   * in a snapshot; a snapshot saved with {disks: true} holds the sectors written to them, which
   * are handed to each disk's importOverlay (replacing the sectors it had) before this resolves.
   * @param {Uint8Array} snapshot
   * @param {Partial<Omit<MachineOptions, 'disks'|'shares'>> & {disks?: DiskBackend[]
   *   | ((saved: Array<{size: number, readonly: boolean, overlay: boolean}>) => DiskBackend[]),
   *   shares?: ShareOptions[] | ((count: number) => ShareOptions[])}} [opts]
   *   disks: the backends, or a function choosing them from the snapshot's disks (sizes in bytes;
   *   overlay: whether the snapshot holds their written sectors); shares: as many as the snapshot
   *   has (the guest's open files are reopened by name), or a function of that count giving them
   * @param {object} [coreOpts] passed to loadCore
   * @returns {Promise<Machine>}
   * @throws Error with a one-line message: not a snapshot, truncated, corrupted, another version,
   *   other disks, written sectors that a disk cannot import (no importOverlay) or that its
   *   importOverlay refused (the disks before it have taken theirs)
   */
  static async restore(snapshot, opts = {}, coreOpts) {
    const state = await decodeSnapshot(snapshot);
    const core = await loadCore(coreOpts), info = core.stateInfo(state), saved = decodeHost(info.host);
    const disks = typeof opts.disks === 'function'
      ? opts.disks(saved.map(({ size, readonly, overlay }) => ({ size, readonly, overlay: !!overlay })))
      : opts.disks ?? [];
    checkDisks(saved, disks);
    const given = typeof opts.shares === 'function' ? opts.shares(info.shares) : opts.shares ?? [];
    if (info.shares !== given.length) {
      throw new Error(`the snapshot has ${info.shares} file shares; give as many (opts.shares), in the same order`);
    }
    const shares = await openShares(given);
    const machine = await new Machine(core, { ...opts, disks, shares }, { state, info }, await netSockets(opts.net)).#listen();
    for (const [i, d] of saved.entries()) {
      if (!d.overlay) continue;
      try {
        await disks[i].importOverlay(d.overlay);
      } catch (e) {
        machine.stop();
        throw new Error(`disk ${i}: cannot take the sectors written to it from the snapshot: ${e.message}`);
      }
    }
    return machine;
  }

  constructor(core, opts, restored = null, sockets = null) {
    super();
    if (!restored && !(opts?.kernel instanceof Uint8Array)) throw new Error('a kernel image (Uint8Array) is required');
    this.#core = core;
    const given = Object.fromEntries(Object.entries(opts ?? {}).filter(([, v]) => v !== undefined)); // undefined: the default
    this.#opts = { mem: 256, smp: 1, bios: 'builtin', append: '', disks: [], sliceMs: 10, jit: true, ...given };
    if (this.#opts.arch !== undefined) checkArch(this.#opts.arch);
    const bios = this.#opts.bios instanceof Uint8Array ? Bios.file : Bios[this.#opts.bios];
    if (bios === undefined) throw new Error(`unknown bios '${this.#opts.bios}'`);
    this.#disks = this.#opts.disks;
    this.shares = (this.#opts.shares ?? []).map(({ tag, readonly = false, fs }) => {
      if (!fs) throw new Error(`share '${tag}': give opts.shares[].fs here (Machine.create opens a path)`);
      return { tag, readonly, fs };
    });
    this.#disks.forEach((d, i) => {
      if (d.size % 512) throw new Error(`disk ${i}: size ${d.size} is not a multiple of 512`);
    });
    core.onDiskRequest = (id, req, op, offset, buf, len) => this.#diskRequest(id, req, op, offset, buf, len);
    if (this.#opts.net) {
      if (!sockets) throw new Error('user networking needs opts.net.sockets here (Machine.create finds Node\'s)');
      this.#net = new UserNet(core, sockets, () => this.#kick());
    }
    if (restored) this.#restoreState(restored.state, restored.info);
    else this.#build(bios);
  }

  // The machine of a snapshot's state (checked by stateInfo, giving info), with this.#opts' disks.
  #restoreState(state, info) {
    const core = this.#core;
    this.#m = core.create(info.arch, info.mem, info.smp, info.bios);
    try {
      this.#disks.forEach((d, i) => core.addJsDisk(this.#m, i, d.size, !!d.readonly));
      this.#addShares();
      if (info.net) core.addNet(this.#m, new Uint8Array(6)); // its MAC comes from the state
      core.restore(this.#m, state);
      if (info.net && this.#net) this.#startNet();
    } catch (e) {
      core.destroy(this.#m);
      this.#m = 0;
      throw e;
    }
    if (this.#size[0]) core.consoleResize(this.#m, ...this.#size);
    this.#startJit();
    this.#jit?.attach(this.#m);
  }

  /**
   * Save the machine: every hart, device and RAM (zero pages left out), compressed, with the
   * disks' sizes. With `disks`, also the sectors written to each disk that has exportOverlay
   * (a snapshot-mode file disk, the page's disk): the snapshot then travels with them, and only
   * the disks' base images are needed to restore it; otherwise keep the disks as they are.
   * Waits for disk requests in flight to complete (the guest does not run meanwhile); a running
   * machine runs on afterwards. Saving twice without running in between gives identical bytes.
   * @param {{compress?: boolean, disks?: boolean}} [opts]  zlib compression (default true); disks:
   *   embed the disks' written sectors (default false)
   * @returns {Promise<Uint8Array>} the snapshot file for Machine.restore and the CLIs' -incoming
   * @throws Error if the machine is stopped, its disk requests do not complete within 30 s, or a
   *   disk's exportOverlay fails
   */
  async save({ disks = false, ...opts } = {}) {
    if (!this.#m) throw new Error('cannot save: the machine is stopped');
    this.#unschedule();
    this.#saving = true;
    try {
      for (const t0 = performance.now(); this.#core.ioBusy(this.#m);) {
        if (performance.now() - t0 > 30000) throw new Error('cannot save: disk requests did not complete in 30 s');
        await new Promise((ok) => setTimeout(ok, 1));
      }
      const overlays = await Promise.all(this.#disks.map((d) => (disks && d.exportOverlay ? d.exportOverlay() : null)));
      const host = encodeHost(this.#disks.map((d, i) => ({ size: d.size, readonly: !!d.readonly, overlay: overlays[i] })));
      const state = this.#core.save(this.#m, host);
      return await encodeSnapshot(state, opts);
    } finally {
      this.#saving = false;
      if (this.state === 'running') this.#schedule(0);
    }
  }

  /** Number of harts. */
  get harts() { return this.#m ? this.#core.harts(this.#m) : 0; }

  /**
   * A register of hart `hart` (BigInt): index 0..31 x0..x31, 32..63 f0..f31 (raw bits), 64 pc
   * (guest-virtual), 65 instret, 0x1000 + n CSR n as M-mode reads it.
   */
  register(hart, index) { return this.#m ? this.#core.reg(this.#m, hart, index) : 0n; }

  /**
   * Connect a debugger speaking GDB's remote serial protocol (GDB manual, appendix E) over any
   * transport: the machine stops (before its first instruction if it has not run yet, as QEMU's
   * -S) and the debugger runs it; harts are threads 1..n. One session at a time: a new one ends
   * the previous. Closing it removes its breakpoints and the guest runs on.
   * @param {(bytes: Uint8Array) => void} send  gets the stub's replies, to pass to the debugger
   * @param {() => void} [end]  called when the machine ends the session (stop(), reset(), a halt
   *   after the exit has been sent, or a newer session)
   * @returns {{input: (bytes: Uint8Array) => void, close: () => void}} input takes the debugger's
   *   bytes (malformed packets get error replies); close detaches
   * @throws Error if the machine is stopped
   */
  gdbSession(send, end = () => {}) {
    if (!this.#m) throw new Error('cannot debug: the machine is stopped');
    this.#endGdb();
    this.#core.gdbAttach(this.#m);
    const session = { send, end };
    this.#gdb = session;
    const live = () => this.#gdb === session && this.#m;
    return {
      input: (bytes) => {
        if (!live()) return;
        this.#core.gdbInput(this.#m, bytes);
        this.#flushGdb();
        this.#kick();
      },
      close: () => {
        if (!live()) return;
        this.#gdb = null;
        this.#core.gdbDetach(this.#m);
        this.#kick();
      },
    };
  }

  /**
   * Node: serve GDB on TCP, as QEMU's -gdb tcp::PORT (gdb-multiarch: target remote :PORT), one
   * debugger at a time (see gdbSession).
   * @param {number} [port=1234]  TCP port; 0 picks a free one
   * @param {{host?: string, wait?: boolean}} [opts]  host: the address listened on (default
   *   127.0.0.1); wait: hold the guest stopped until a debugger runs it (QEMU's -S)
   * @returns {Promise<{port: number, close: () => void}>} the port listened on; close stops serving
   * @throws Error if the machine is stopped or the port cannot be listened on
   */
  async gdb(port = 1234, { host = '127.0.0.1', wait = false } = {}) {
    if (!this.#m) throw new Error('cannot debug: the machine is stopped');
    const { listenGdb } = await import('./gdb-server.mjs');
    const server = await listenGdb(this, port, host);
    if (wait) this.#core.gdbAttach(this.#m);
    return server;
  }

  // Pass the stub's replies to the debugger.
  #flushGdb() {
    if (!this.#gdb || !this.#m) return;
    const out = this.#core.gdbOutput(this.#m);
    if (out.length) this.#gdb.send(out);
  }

  // The machine goes away (or a newer session comes): tell the session's owner.
  #endGdb() {
    const s = this.#gdb;
    this.#gdb = null;
    s?.end();
  }

  // The JIT of the current machine, if the options ask for one.
  #startJit() {
    const jit = this.#opts.jit;
    if (!jit || this.#jit) return;
    const onstatus = (state, message) => this.dispatchEvent(new CustomEvent('jit', { detail: { state, message } }));
    this.#jit = new Jit(this.#core, { ...(jit === true ? {} : jit), onstatus });
    this.#jitCounts = this.#jit.counts;
  }

  // Its compiler (a worker holding Binaryen) goes when the machine halts.
  #stopJit() {
    this.#jit?.close();
    this.#jit = null;
  }

  // Create the core's machine from the options, load the images, attach the disks and boot.
  #build(bios) {
    const core = this.#core, o = this.#opts;
    const arch = o.arch ? Arch[o.arch] : core.imageArch(o.kernel) === Arch.aarch64 ? Arch.aarch64 : Arch.riscv64;
    this.#m = core.create(arch, o.mem, o.smp, bios);
    if (o.icount) core.setIcount(this.#m, o.icount.shift, o.icount.sleep ?? true);
    if (o.rtc) core.setRtc(this.#m, rtcBaseNs(o.rtc.base), o.rtc.clock === 'vm');
    if (bios === Bios.file) core.loadBios(this.#m, o.bios);
    core.loadKernel(this.#m, o.kernel);
    if (o.initrd) core.loadInitrd(this.#m, o.initrd);
    core.setCmdline(this.#m, o.append);
    o.disks.forEach((d, i) => core.addJsDisk(this.#m, i, d.size, !!d.readonly));
    this.#addShares();
    if (this.#net) {
      core.addNet(this.#m, parseMac(o.net.mac ?? '52:54:00:12:34:56'));
      this.#startNet();
    }
    core.consoleResize(this.#m, ...this.#size);
    core.boot(this.#m);
    this.#startJit();
    this.#jit?.attach(this.#m);
  }

  #addShares() {
    for (const s of this.shares) this.#core.addShare(this.#m, s.tag, s.fs, s.readonly);
  }

  /** The first share's files (see Machine.shares), or null without shares. */
  get fs() { return this.shares[0]?.fs ?? null; }

  // User networking behind the machine's network device, served by this.#net.
  #startNet() {
    this.#core.netUser(this.#m);
    this.#net.attach(this.#m);
  }

  #setState(s) {
    if (this.state === s) return;
    this.state = s;
    this.dispatchEvent(new CustomEvent('state', { detail: s }));
  }

  /** Start (or resume) running. */
  start() {
    if (this.state === 'halted' || this.state === 'running') return;
    if (!this.#started) this.#started = performance.now();
    this.#setState('running');
    this.#schedule(0);
  }

  /** Stop running at the next slice boundary; start() resumes. */
  pause() {
    if (this.state !== 'running') return;
    this.#unschedule();
    this.#setState('paused');
  }

  /** Same as start(): continue after pause(). */
  resume() { this.start(); }

  /**
   * Power-cycle: discard the running machine and boot a new one with the same
   * options, images and disk backends, then run it (also after stop() or a halt).
   * Disk requests still in flight are not completed into the new machine.
   * @throws Error with the core's message if the machine cannot be created again
   */
  reset() {
    this.#unschedule();
    this.#endGdb();
    this.#wake = null;
    this.#net?.detach();
    if (this.#m) this.#core.destroy(this.#m);
    this.#m = 0;
    this.#generation++;
    this.#input = [];
    this.#pendingIo = 0;
    this.#started = 0;
    this.exitCode = null;
    this.resetRequested = false;
    this.state = 'created';
    this.#core.onDiskRequest = (id, req, op, offset, buf, len) => this.#diskRequest(id, req, op, offset, buf, len);
    const o = this.#opts;
    if (!(o.kernel instanceof Uint8Array)) throw new Error('cannot reset: no kernel image (a restored machine needs opts.kernel)');
    this.#build(o.bios instanceof Uint8Array ? Bios.file : Bios[o.bios]);
    this.start();
  }

  /** Stop for good and release the machine's memory. */
  stop() {
    this.#unschedule();
    this.#endGdb();
    this.#generation++;
    this.#net?.close();
    if (this.#m) this.#core.destroy(this.#m);
    this.#m = 0;
    this.#stopJit();
    if (this.state !== 'halted') this.#setState('halted');
  }

  /**
   * Tell the guest the size of the terminal showing its console, in character
   * columns and rows. Reaches a guest whose console is the virtio-console
   * (Linux: console=hvc0; its tty then has this size and gets SIGWINCH on
   * changes); the UART (ttyS0) has no way to carry it. Kept across reset().
   * @param {number} cols  1..65535
   * @param {number} rows  1..65535
   */
  resize(cols, rows) {
    const ok = (n) => Number.isInteger(n) && n > 0 && n < 65536;
    if (!ok(cols) || !ok(rows)) throw new RangeError(`bad terminal size ${cols}x${rows}`);
    this.#size = [cols, rows];
    if (this.#m) this.#core.consoleResize(this.#m, cols, rows);
  }

  /**
   * Send bytes (Uint8Array or string) to the guest console. Bytes the core
   * cannot take yet (its 64 KiB buffer is full: a large paste, a guest that
   * does not read) wait here, in order, until it can; none are dropped.
   */
  write(data) {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (bytes.length) this.#input.push(bytes);
    this.#feed();
    this.#kick();
  }

  // Hand queued console input to the core, as much as it takes.
  #feed() {
    while (this.#m && this.#input.length) {
      const head = this.#input[0], took = this.#core.consoleWrite(this.#m, head);
      if (took < head.length) {
        this.#input[0] = head.subarray(took);
        return;
      }
      this.#input.shift();
    }
  }

  /**
   * {instret: BigInt, seconds: number, exitCode: number|null, jit: object|null}; jit has the
   * core's counters (requests, installs, stale, failures, evictions, compiledInsns: guest
   * instructions run in compiled code, invalidations: code pages written, flushes, blocks
   * translated) and the host's (modules, compileMs in the compiler, installMs, compileErrors,
   * liveFunctions).
   */
  get stats() {
    return {
      instret: this.#m ? this.#core.instret(this.#m) : 0n,
      seconds: this.#started ? (performance.now() - this.#started) / 1000 : 0,
      exitCode: this.exitCode,
      jit: this.#m && this.#jitCounts
        ? { ...this.#core.jitStats(this.#m), ...this.#jitCounts, liveFunctions: this.#jit?.liveFunctions ?? 0 } : null,
    };
  }

  /** Resolves once the JIT's compiler has loaded (or failed to); at once without a JIT. */
  jitReady() { return this.#jit?.ready ?? Promise.resolve(); }

  /** Guest exit status once halted (0 = poweroff), else null. */
  exitCode = null;
  /** True if the guest asked for a reboot rather than poweroff. */
  resetRequested = false;

  /** Resolves with the exit status when the guest halts. */
  halted() {
    if (this.state === 'halted') return Promise.resolve(this.exitCode);
    return new Promise((resolve) => {
      const on = () => { if (this.state === 'halted') { this.removeEventListener('state', on); resolve(this.exitCode); } };
      this.addEventListener('state', on);
    });
  }

  // The next slice: at once while the guest is busy, after `ms` when it idles.
  #schedule(ms) {
    this.#unschedule();
    if (ms > 0) {
      const t = setTimeout(() => this.#slice(), ms);
      this.#cancel = () => clearTimeout(t);
    } else {
      this.#cancel = soon(() => this.#slice());
    }
  }

  #unschedule() {
    this.#cancel?.();
    this.#cancel = null;
  }

  // Wake a machine sleeping in WFI (input or I/O completion).
  #kick() {
    if (this.state === 'running' && this.#wake) { this.#wake = null; this.#schedule(0); }
  }

  #slice() {
    this.#cancel = null;
    if (this.state !== 'running' || this.#saving) return;
    const core = this.#core, m = this.#m;
    this.#feed();
    let st;
    try {
      st = core.run(m, this.#opts.sliceMs * 1000);
    } catch (e) {
      this.#setState('error');
      this.dispatchEvent(new CustomEvent('error', { detail: e }));
      return;
    }
    this.#jit?.pump();
    this.#net?.pump();
    this.#flushGdb();
    const out = core.consoleRead(m);
    if (out.length) this.dispatchEvent(new CustomEvent('output', { detail: out }));
    if (st === Status.HALTED) {
      this.exitCode = core.exitCode(m);
      this.resetRequested = core.resetRequested(m);
      this.#stopJit();
      this.#endGdb();
      this.#net?.detach();
      this.#setState('halted');
      return;
    }
    if (st === Status.IDLE) {
      this.#wake = true;
      const ms = this.#pendingIo ? 50 : core.idleUs(m) / 1000;
      this.#schedule(this.#input.length ? Math.min(ms, 4) : ms); // queued input: feed it soon
    } else {
      this.#schedule(0);
    }
  }

  // Serve one virtio-blk backend request. It completes as soon as the disk answers: a promise
  // callback never runs inside core.run. A request of a machine that was reset or stopped
  // meanwhile still completes: the core disowned it, and completing it frees its buffer without
  // touching the new machine.
  #diskRequest(id, req, op, offset, buf, len) {
    const disk = this.#disks[id], core = this.#core, gen = this.#generation;
    this.#pendingIo++;
    const finish = (status) => {
      core.diskComplete(req, status);
      if (gen !== this.#generation) return;
      this.#pendingIo--;
      this.#kick();
    };
    Promise.resolve()
      .then(async () => {
        if (op === OP_READ) {
          const data = await disk.read(offset, len);
          if (data.length !== len) throw new Error(`disk ${id}: read of ${len} bytes at ${offset} returned ${data.length}`);
          core.mod.HEAPU8.set(data, buf); // the heap may have grown meanwhile: re-read it
        } else if (op === OP_WRITE) {
          await disk.write(offset, core.mod.HEAPU8.slice(buf, buf + len));
        } else {
          await disk.flush();
        }
      })
      .then(() => finish(0), (e) => { this.dispatchEvent(new CustomEvent('diskerror', { detail: e })); finish(1); });
  }
}
