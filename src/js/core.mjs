// The wasm build of the wvm C core, loaded for Node or a browser/worker, with
// a thin wrapper over its C API (src/core/wvm.h). Machine handles are
// pointers into the module's linear memory.

import { FsShares } from './fs-glue.mjs';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Status codes of Core.run (enum wvm_status). */
export const Status = Object.freeze({ RUNNING: 0, IDLE: 1, HALTED: 2 });
/** Firmware choices of Core.boot (enum wvm_bios). */
export const Bios = Object.freeze({ none: 0, file: 1, builtin: 2 });
/** Guest architectures (enum wvm_arch, src/core/wvm.h). */
export const Arch = Object.freeze({ riscv64: 1, aarch64: 2, x86_64: 3 });
/** Events of user networking for the host (enum wvm_net_event_type, src/core/wvm.h). */
export const NetEvent = Object.freeze({
  TCP_CONNECT: 1, TCP_READY: 2, TCP_DATA: 3, TCP_EOF: 4, TCP_WRITABLE: 5, TCP_CLOSED: 6, UDP_SEND: 7, DNS_QUERY: 8,
});

/**
 * Load and instantiate the core.
 * @param {object} [opts]
 * @param {URL|string} [opts.moduleUrl] URL of wvm.mjs, wvm.wasm being next to it (default:
 *   build/wasm/ of this repository; a relative string is resolved against this file)
 * @param {Uint8Array} [opts.wasmBinary] the .wasm bytes (Node reads them from disk by default)
 * @returns {Promise<Core>}
 * @throws if the build is missing or WebAssembly is unavailable
 */
export async function loadCore(opts = {}) {
  if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available');
  const moduleUrl = new URL(opts.moduleUrl ?? '../../build/wasm/wvm.mjs', import.meta.url);
  const { default: factory } = await import(moduleUrl.href);
  // The core's memory is created here (-sIMPORTED_MEMORY) so that compiled
  // code (wasm-jit/) can import it: 64 MiB to start, growing to 4 GiB.
  const args = { wasmMemory: new WebAssembly.Memory({ initial: 1024, maximum: 65536 }) };
  const wasmUrl = new URL('wvm.wasm', moduleUrl);
  if (opts.wasmBinary) args.wasmBinary = opts.wasmBinary;
  else if (isNode) {
    // emscripten 3.1.6's loader fetch()es in Node 20, which fails for file URLs.
    const { readFile } = await import('node:fs/promises');
    args.wasmBinary = await readFile(wasmUrl);
  } else {
    // Fetched here rather than by the loader, which does not recognise a module
    // worker as a browser environment and would hide an HTTP error.
    const res = await fetch(wasmUrl);
    if (!res.ok) throw new Error(`cannot load ${wasmUrl}: HTTP ${res.status} ${res.statusText}`);
    args.wasmBinary = new Uint8Array(await res.arrayBuffer());
  }
  const core = new Core(await factory(args));
  core.memory = args.wasmMemory;
  return core;
}

/** One instantiated core module; it may run several machines. */
export class Core {
  /**
   * Called by JS-backed disks: (diskId, req, op, offset, buf, len); op 0 read,
   * 1 write, 2 flush; buf/len in bytes of module memory. The request must be
   * completed later with diskComplete(req, status).
   */
  onDiskRequest = null;
  /** The module's WebAssembly.Memory (compiled code imports it). */
  memory = null;

  constructor(mod) {
    this.mod = mod;
    mod.wvmBlkSubmit = (...args) => this.onDiskRequest(...args);
    this.#shares = new FsShares(mod);
  }

  #shares;

  #error(what) {
    return new Error(`${what}: ${this.mod.UTF8ToString(this.mod._wvm_last_error())}`);
  }

  /** Copy bytes into module memory; returns the pointer (valid until the next call). */
  #copyIn(bytes) {
    const p = this.mod._wvm_buffer(bytes.length || 1) >>> 0; // a pointer may be above 2 GiB
    if (!p) throw new Error('out of memory in the wasm module');
    this.mod.HEAPU8.set(bytes, p);
    return p;
  }

  #check(rc) {
    if (rc !== 0) throw new Error(this.mod.UTF8ToString(this.mod._wvm_last_error()));
  }

  /**
   * Create a machine of architecture `arch` (an Arch value) with `memMiB` MiB
   * of RAM, `harts` CPUs and firmware choice `bios` (a Bios value).
   * @returns {number} machine handle
   * @throws Error with the core's message on bad arguments or out of memory
   */
  create(arch, memMiB, harts, bios) {
    const m = this.mod._wvm_create(arch, memMiB, harts, bios);
    if (!m) throw this.#error('cannot create machine');
    return m;
  }

  /** The architecture (an Arch value, 0 if unknown, 4 another) a kernel image's header names. */
  imageArch(bytes) { return this.mod._wvm_image_arch(this.#copyIn(bytes), bytes.length); }

  /** Load raw firmware bytes (Bios.file machines). Throws with the core's message. */
  loadBios(m, bytes) { this.#check(this.mod._wvm_load_bios(m, this.#copyIn(bytes), bytes.length)); }

  /** Load a kernel image (ELF or raw bytes). Throws with the core's message. */
  loadKernel(m, bytes) { this.#check(this.mod._wvm_load_kernel(m, this.#copyIn(bytes), bytes.length)); }

  /** Load an initrd (after the kernel). Throws if it does not fit in RAM. */
  loadInitrd(m, bytes) { this.#check(this.mod._wvm_load_initrd(m, this.#copyIn(bytes), bytes.length)); }

  /** Set the kernel command line. */
  setCmdline(m, s) {
    const bytes = new TextEncoder().encode(`${s}\0`);
    this.#check(this.mod._wvm_set_cmdline(m, this.#copyIn(bytes)));
  }

  /** Attach a JS-backed virtio-blk disk `id` of `size` bytes; requests arrive at onDiskRequest. */
  addJsDisk(m, id, size, readonly) {
    if (this.mod._wvm_add_js_disk(m, id, size, readonly ? 1 : 0) < 0) throw this.#error('cannot add disk');
  }

  /**
   * Share the file system `backend` (fs-memory.mjs, fs-node.mjs or the same methods) with the
   * guest as virtio-9p mount tag `tag`, before boot or restore (wvm_add_share).
   * @throws Error with the core's message (more than 4 shares, tag empty, over 64 bytes or twice)
   */
  addShare(m, tag, backend, readonly) {
    const id = this.#shares.add(backend), bytes = new TextEncoder().encode(`${tag}\0`);
    if (this.mod._wvm_add_js_share(m, id, this.#copyIn(bytes), readonly ? 1 : 0) < 0) throw this.#error('cannot share files');
  }

  /**
   * Attach a virtio-net device with Ethernet address `mac` (6 bytes), before boot (wvm_add_net).
   * Throws with the core's message (a second device).
   */
  addNet(m, mac) { this.#check(this.mod._wvm_add_net(m, this.#copyIn(mac))); }

  /** The oldest Ethernet frame the guest sent (Uint8Array, at most 1518 bytes), or null if none waits. */
  netRead(m) {
    const p = this.mod._wvm_buffer(1518) >>> 0, n = this.mod._wvm_net_read(m, p, 1518) >>> 0;
    return n ? this.mod.HEAPU8.slice(p, p + n) : null;
  }

  /**
   * Give the guest an Ethernet frame (header onwards, no FCS). Returns 1 delivered, 0 no receive
   * buffer posted now (retry after the next run), -1 dropped (malformed, too long, no device).
   */
  netWrite(m, frame) { return this.mod._wvm_net_write(m, this.#copyIn(frame), frame.length); }

  /**
   * Put user-mode networking (wvm_net_user: guest 10.0.2.15, host 10.0.2.2, DNS 10.0.2.3) behind
   * the network device. Throws with the core's message (no device, another machine has it).
   */
  netUser(m) { this.#check(this.mod._wvm_net_user(m)); }

  /**
   * The events user networking has for the host, oldest first (wvm_net_take_event):
   * {type: NetEvent value, id, ip (IPv4, host order), port, arg, data: Uint8Array}.
   */
  netEvents(m) {
    const max = 65536, p = this.mod._wvm_buffer(24 + max) >>> 0, events = [];
    while (this.mod._wvm_net_take_event(m, p, p + 24, max)) {
      const [type, id, ip, port, arg, len] = new Uint32Array(this.mod.HEAPU8.buffer, p, 6);
      events.push({ type, id, ip, port, arg, data: this.mod.HEAPU8.slice(p + 24, p + 24 + len) });
    }
    return events;
  }

  /** Answer WVM_NET_TCP_CONNECT: connected (ok true) or refused (the guest gets a reset). */
  netTcpConnected(m, id, ok) { this.mod._wvm_net_tcp_connected(m, id, ok ? 1 : 0); }

  /** Queue bytes for the guest on connection `id`; returns how many were taken (TCP_WRITABLE follows a short count). */
  netTcpSend(m, id, bytes) { return this.mod._wvm_net_tcp_send(m, id, this.#copyIn(bytes), bytes.length) >>> 0; }

  /** The host took `len` more bytes of TCP_DATA: the guest's window reopens. */
  netTcpConsumed(m, id, len) { this.mod._wvm_net_tcp_consumed(m, id, len); }

  /** The host's side sends no more: FIN to the guest after queued data. */
  netTcpShutdown(m, id) { this.mod._wvm_net_tcp_shutdown(m, id); }

  /** The host's side failed: the guest gets a reset; the id ends. */
  netTcpAbort(m, id) { this.mod._wvm_net_tcp_abort(m, id); }

  /** Open a connection from 10.0.2.2 to the guest's TCP port (hostfwd); returns its id, 0 if none is free. */
  netTcpForward(m, guestPort) { return this.mod._wvm_net_tcp_forward(m, guestPort) >>> 0; }

  /** A UDP datagram from ip:port (IPv4, host order) for the guest's port `guestPort`. */
  netUdpRecv(m, ip, port, guestPort, bytes) {
    this.mod._wvm_net_udp_recv(m, ip, port, guestPort, this.#copyIn(bytes), bytes.length);
  }

  /**
   * Answer DNS query `id`: rcode 0 with addresses (Uint8Array of `addrLen`-byte addresses: 4 for A,
   * 16 for AAAA, network order) valid `ttl` s, or an error rcode (2 SERVFAIL, 3 NXDOMAIN).
   */
  netDnsAnswer(m, id, rcode, addrs, addrLen, ttl) {
    this.mod._wvm_net_dns_answer(m, id, rcode, this.#copyIn(addrs), addrs.length / addrLen, addrLen, ttl);
  }

  /** Complete a disk request with status 0 (ok) or 1 (I/O error). */
  diskComplete(req, status) { this.mod._wvm_blk_complete(req, status); }

  /** Build the device tree and start the harts. Throws with the core's message. */
  boot(m) { this.#check(this.mod._wvm_boot(m)); }

  /** Queue keyboard bytes for the guest console; returns how many were taken. */
  consoleWrite(m, bytes) {
    if (!bytes.length) return 0;
    return this.mod._wvm_console_write(m, this.#copyIn(bytes), bytes.length);
  }

  /** Give the guest the terminal size in character columns and rows (virtio-console, hvc0). */
  consoleResize(m, cols, rows) { this.mod._wvm_console_resize(m, cols, rows); }

  /** After Status.HALTED: true if the guest asked for a reboot. */
  resetRequested(m) { return this.mod._wvm_reset_requested(m) !== 0; }

  /** Run for about `us` microseconds of host time; returns a Status. */
  run(m, us) { return this.mod._wvm_run(m, us); }

  /** After Status.IDLE: microseconds until the next timer event. */
  idleUs(m) { return this.mod._wvm_idle_us(m); }

  /** After Status.HALTED: the guest's exit status. */
  exitCode(m) { return this.mod._wvm_exit_code(m); }

  /** Guest instructions retired so far (BigInt). */
  instret(m) { return BigInt.asUintN(64, this.mod._wvm_instret(m)); }

  /** Drain pending console output; returns a Uint8Array (possibly empty). */
  consoleRead(m) {
    const max = 65536;
    const p = this.mod._wvm_buffer(max) >>> 0;
    const n = this.mod._wvm_console_read(m, p, max);
    return this.mod.HEAPU8.slice(p, p + n);
  }

  /** The JIT counters of wvm_jit_stats as an object of numbers. */
  jitStats(m) {
    const names = ['requests', 'installs', 'stale', 'failures', 'evictions', 'compiledInsns', 'invalidations', 'flushes', 'blocks', 'entries'];
    const p = this.mod._wvm_buffer(names.length * 8) >>> 0;
    this.mod._wvm_jit_stats(m, p);
    const v = new Float64Array(this.mod.HEAPU8.buffer, p, names.length);
    return Object.fromEntries(names.map((n, i) => [n, v[i]]));
  }

  /**
   * Guest time from instructions retired (QEMU's -icount): each advances it by 2^shift ns; an
   * idle machine's time jumps to its next timer (at once without sleep). shift -1: host time.
   */
  setIcount(m, shift, sleep) { this.#check(this.mod._wvm_set_icount(m, shift, sleep ? 1 : 0)); }

  /**
   * The RTC: starts at baseNs (BigInt ns since the Unix epoch, UTC) if given, else at the host's
   * wall clock, and advances with guest time when clockVm, else with host time.
   */
  setRtc(m, baseNs, clockVm) {
    this.mod._wvm_set_rtc(m, baseNs ?? 0n, baseNs === undefined ? 0 : 1, clockVm ? 1 : 0);
  }

  /** True while a disk request is in flight (save() waits for none). */
  ioBusy(m) { return this.mod._wvm_io_busy(m) !== 0; }

  /**
   * The machine's state (wvm_save: harts, devices, RAM without zero pages) with `host` bytes
   * (Uint8Array) kept inside. Throws with the core's message (disk requests in flight).
   * @returns {Uint8Array}
   */
  save(m, host) {
    const mod = this.mod, h = this.#copyIn(host), out = mod._malloc(8) >>> 0;
    const n = mod._wvm_save(m, h, host.length, out) >>> 0;
    const p = new Uint32Array(mod.HEAPU8.buffer, out, 1)[0];
    mod._free(out);
    if (!n) throw this.#error('cannot save');
    const bytes = mod.HEAPU8.slice(p, p + n);
    mod._free(p);
    return bytes;
  }

  /**
   * Check a state (header, version, checksum) and describe it.
   * @returns {{mem: number, smp: number, bios: number, disks: number, host: Uint8Array, net: boolean, shares: number,
   *   arch: number}} arch: an Arch value (a state saved before wvm recorded it is riscv64's)
   * @throws Error with the core's message (not a state, truncated, corrupted, newer version)
   */
  stateInfo(state) {
    const p = this.#copyIn(state), words = 9, out = this.mod._malloc(4 * words) >>> 0;
    const rc = this.mod._wvm_state_info(p, state.length, out, words);
    const v = Array.from(new Uint32Array(this.mod.HEAPU8.buffer, out, words));
    this.mod._free(out);
    if (rc !== 0) throw this.#error('cannot restore');
    return { mem: v[0], smp: v[1], bios: v[2], disks: v[3], host: state.slice(v[4], v[4] + v[5]), net: v[6] === 1, shares: v[7],
      arch: v[8] };
  }

  /** Load a state into machine m, created to match stateInfo (disks added, not booted). */
  restore(m, state) {
    if (this.mod._wvm_restore(m, this.#copyIn(state), state.length) !== 0) throw this.#error('cannot restore');
  }

  /** The machine's hart count. */
  harts(m) { return this.mod._wvm_nharts(m); }

  /**
   * Register `index` of hart `hart` as a BigInt: 0..31 x0..x31, 32..63 f0..f31, 64 pc,
   * 65 instret, 0x1000 + n CSR n (wvm_reg).
   */
  reg(m, hart, index) { return BigInt.asUintN(64, this.mod._wvm_reg(m, hart, index)); }

  /**
   * Attach a debugger to the core's GDB stub (wvm_gdb_attach): the machine stops, before its first
   * instruction if it has not run (QEMU's -S). Throws out of memory.
   */
  gdbAttach(m) { this.#check(this.mod._wvm_gdb_attach(m)); }

  /** The debugger left: its breakpoints and watchpoints go, the guest runs (wvm_gdb_detach). */
  gdbDetach(m) { this.mod._wvm_gdb_detach(m); }

  /** Bytes from the debugger (packets, acknowledgements, Ctrl-C); malformed ones get error replies. */
  gdbInput(m, bytes) { if (bytes.length) this.mod._wvm_gdb_input(m, this.#copyIn(bytes), bytes.length); }

  /** The stub's replies waiting for the debugger, as one Uint8Array (possibly empty). */
  gdbOutput(m) {
    const max = 65536, p = this.mod._wvm_buffer(max) >>> 0, parts = [];
    for (let n; (n = this.mod._wvm_gdb_output(m, p, max)) > 0;) parts.push(this.mod.HEAPU8.slice(p, p + n));
    if (parts.length === 1) return parts[0];
    const all = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
    parts.reduce((off, x) => (all.set(x, off), off + x.length), 0);
    return all;
  }

  /** Release the machine. */
  destroy(m) { this.mod._wvm_destroy(m); }
}
