// What the page boots: options from its URL parameters, and local files
// (chosen or dropped) recognised from their first bytes and size, saved
// states (.wvmsnap) among them.

/**
 * @typedef {object} BootConfig  the Machine options, with images as URLs or local files
 * @property {number} mem        guest RAM in MiB (16..2048)
 * @property {number} smp        harts (1..8)
 * @property {string} append     kernel command line
 * @property {string|Blob} bios  'builtin', 'none', or an OpenSBI firmware URL or file
 * @property {string|Blob} kernel         ELF, RISC-V or ARM64 Linux Image: URL or file
 * @property {string|Blob|null} initrd    URL, file or none
 * @property {string|Blob|null} disk      raw disk image: URL, file or none
 * @property {string|null} net   a Wisp relay's WebSocket URL for user-mode networking, or none
 * @property {'aarch64'} [arch] the guest architecture if ?arch= named one (otherwise the kernel's)
 */

/** Defaults: the images `npm run serve` exposes under /images/, relative to the page. */
export const DEFAULTS = Object.freeze({
  mem: 256, smp: 1, append: 'earlycon=sbi console=hvc0 noirqdebug', bios: 'builtin',
  kernel: '../images/Image', initrd: '../images/initramfs.cpio.gz', disk: '../images/disk.ext2', net: null,
});

/** What ?arch=aarch64 changes: the arm64 guest's images (/images/arm64/) and console. */
const AARCH64 = Object.freeze({
  append: 'earlycon console=hvc0 noirqdebug', kernel: '../images/arm64/Image',
  initrd: '../images/arm64/initramfs.cpio.gz', disk: '../images/arm64/disk.ext2', arch: 'aarch64',
});

/** Bytes of a file's head that classifyFile needs. */
export const HEAD_BYTES = 64;

/**
 * Read the configuration from URL parameters:
 * ?arch=riscv64|aarch64&mem=MiB&smp=N&append=STRING&bios=builtin|none|URL&kernel=URL&initrd=URL&disk=URL&net=URL
 * (arch=aarch64 boots the arm64 guest: its images and console are the defaults then)
 * (an empty initrd or disk means none; net: a Wisp relay, e.g. /wisp/ of `npm run serve`, gives
 * the guest a network device). Relative URLs are resolved against `base`; net's http(s) becomes
 * ws(s).
 * @param {string} search  location.search
 * @param {string} base    location.href
 * @returns {BootConfig}
 * @throws Error naming the bad parameter
 */
export function configFromParams(search, base) {
  const p = new URLSearchParams(search);
  const arch = p.get('arch') ?? 'riscv64';
  if (arch !== 'riscv64' && arch !== 'aarch64') throw new Error(`bad arch=${arch}: expected riscv64 or aarch64`);
  const c = { ...DEFAULTS, ...(arch === 'aarch64' ? AARCH64 : {}) };
  const int = (name, lo, hi) => {
    if (!p.has(name)) return c[name];
    const v = p.get(name);
    if (!/^\d+$/.test(v) || +v < lo || +v > hi) throw new Error(`bad ${name}=${v}: expected a number from ${lo} to ${hi}`);
    return +v;
  };
  c.mem = int('mem', 16, 2048);
  c.smp = int('smp', 1, 8);
  if (p.has('append')) c.append = p.get('append');
  const bios = p.get('bios');
  if (bios) c.bios = bios === 'builtin' || bios === 'none' ? bios : new URL(bios, base).href;
  for (const k of ['kernel', 'initrd', 'disk']) {
    if (p.has(k)) c[k] = p.get(k) || null;
    if (c[k]) c[k] = new URL(c[k], base).href;
  }
  if (p.get('net')) {
    const url = new URL(p.get('net'), base);
    url.protocol = url.protocol.replace(/^http/, 'ws');
    if (!/^wss?:$/.test(url.protocol) || !url.pathname.endsWith('/')) throw new Error(`bad net=${p.get('net')}: expected a Wisp relay URL ending in '/'`);
    c.net = url.href;
  }
  if (!c.kernel) throw new Error('kernel= must name a kernel image');
  return c;
}

const startsWith = (head, bytes, at = 0) => bytes.every((b, i) => head[at + i] === b);
const ascii = (s) => [...s].map((ch) => ch.charCodeAt(0));
const SNAPSHOT = [...ascii('WVMSNAP'), 0];

/**
 * Whether a file is a saved machine state (.wvmsnap), from its head.
 * @param {Uint8Array} head  its first bytes (8 suffice)
 * @returns {boolean}  it starts with the snapshot magic "WVMSNAP\0"
 */
export const isSnapshot = (head) => startsWith(head, SNAPSHOT);

/**
 * Decide what a local file is for, from its head and size.
 * @param {{name: string, size: number, head: Uint8Array}} f  head: its first HEAD_BYTES bytes (fewer if shorter)
 * @returns {'snapshot'|'kernel'|'initrd'|'disk'}  snapshot: a saved machine state ("WVMSNAP\0", as
 *   Machine.save and the CLIs write, checked further when restored); kernel: ELF (RISC-V 64 or
 *   ARM64) or a RISC-V or ARM64 Linux Image ("RSC\x05" or "ARM\x64" at byte 56); initrd: gzip,
 *   xz, zstd, lz4 or cpio; disk: anything else whose size is a non-zero multiple of 512
 * @throws Error "NAME is not a usable image: REASON"
 */
export function classifyFile({ name, size, head }) {
  const bad = (why) => new Error(`${name} is not a usable image: ${why}`);
  if (isSnapshot(head)) return 'snapshot';
  if (startsWith(head, [0x7f, ...ascii('ELF')])) {
    const machine = head[18] | (head[19] << 8);
    if (head[4] !== 2 || (machine !== 243 && machine !== 183)) {
      throw bad(`an ELF file for another machine (class ${head[4]}, e_machine ${machine}), not RISC-V 64 or ARM64`);
    }
    return 'kernel';
  }
  if (startsWith(head, [...ascii('RSC'), 5], 56) || startsWith(head, [...ascii('ARM'), 0x64], 56)) return 'kernel';
  const compressed = [[0x1f, 0x8b], [0xfd, ...ascii('7zXZ')], [0x28, 0xb5, 0x2f, 0xfd], [0x02, 0x21, 0x4c, 0x18], ascii('07070')];
  if (compressed.some((m) => startsWith(head, m))) return 'initrd';
  if (startsWith(head, [...ascii('QFI'), 0xfb])) throw bad('qcow2 is not supported; convert it to a raw image (qemu-img convert -O raw)');
  const diskName = /\.(img|raw|ext[234]|iso|disk|bin)$/i.test(name);
  if (/\.elf$/i.test(name) || (/^(image|vmlinu[xz]|kernel)\b/i.test(name) && !diskName)) {
    throw bad('not an ELF executable nor a RISC-V or ARM64 Linux Image (no "RSC\\x05" or "ARM\\x64" magic at byte 56)');
  }
  if (size === 0 || size % 512) {
    throw bad(`as a disk its size (${size} bytes) must be a multiple of 512; it is not a kernel (ELF, RISC-V or ARM64 Linux Image) nor an initrd (gzip, xz, zstd, lz4 or cpio) either`);
  }
  return 'disk';
}

/**
 * Check the browser can run the emulator.
 * @returns {string[]} what is missing (empty if nothing)
 */
export function missingFeatures() {
  const missing = [];
  if (typeof WebAssembly !== 'object') missing.push('WebAssembly');
  else {
    try {
      // (module (func (export "f") (param i64) (result i64) local.get 0)): i64 <-> BigInt.
      const wasm = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 126, 1, 126, 3, 2, 1, 0,
        7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 32, 0, 11);
      const f = new WebAssembly.Instance(new WebAssembly.Module(wasm)).exports.f;
      if (f(BigInt(5)) !== BigInt(5)) throw new Error();
    } catch {
      missing.push('WebAssembly BigInt integration (i64 as BigInt)');
    }
  }
  if (typeof BigInt !== 'function') missing.push('BigInt');
  if (typeof Worker !== 'function') missing.push('Web Workers');
  return missing;
}
