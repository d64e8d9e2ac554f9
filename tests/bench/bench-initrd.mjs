// The benchmark's extra guest data: a 16 MiB deterministic pseudo-random file
// (the gzip workload's input), put in a small uncompressed cpio archive that
// is appended to the default initramfs.cpio.gz, so the guest finds it at
// /bench/random.bin without paying at boot to generate or decompress it.
// Everything is cached in ${WVM_CACHE:-$HOME/.cache/wvm}/bench/ and rebuilt
// only when missing or when the default initramfs changes.
// Run directly (`node tests/bench/bench-initrd.mjs`) it prints the paths.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Size of the random file in bytes. */
export const RANDOM_SIZE = 16 << 20;
/** Where the random file appears inside the guest. */
export const GUEST_RANDOM_PATH = '/bench/random.bin';
// Bump when the generator or the archive layout changes (part of every cache name).
const VERSION = 'v1';
const SEED = 0x5eed2024;

/** The cache directory of the benchmark's generated files. */
export function benchCacheDir() {
  return `${process.env.WVM_CACHE || `${homedir()}/.cache/wvm`}/bench`;
}

/** `size` bytes from xoshiro128** seeded through splitmix32: the same bytes on every host. */
export function pseudoRandomBytes(size, seed = SEED) {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  const words = new Uint32Array(size / 4);
  for (let i = 0; i < words.length; i++) {
    const r = Math.imul(b, 5);
    const x = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = (d << 11) | (d >>> 21);
    words[i] = x;
  }
  return new Uint8Array(words.buffer);
}

/** One entry of a newc ("070701") cpio archive. */
function cpioEntry(name, mode, data = new Uint8Array(0), ino = 0) {
  const hex = (n) => n.toString(16).padStart(8, '0');
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex).join('')}`);
  const pad = (n) => Buffer.alloc((4 - (n % 4)) % 4);
  return [header, nameBytes, pad(header.length + nameBytes.length), data, pad(data.length)];
}

/** A newc cpio archive holding /bench and /bench/random.bin. */
function benchCpio(random) {
  return Buffer.concat([
    ...cpioEntry('bench', 0o040755, undefined, 1),
    ...cpioEntry(GUEST_RANDOM_PATH.slice(1), 0o100644, random, 2),
    ...cpioEntry('TRAILER!!!', 0),
  ]);
}

function writeAtomic(path, data) {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

/**
 * Build (or find in the cache) the random file and the combined initrd for
 * the guest images in `imageDir`.
 * @param {string} imageDir directory holding the default initramfs.cpio.gz
 * @returns {{randomFile: string, initrd: string, randomSha256: string}} host
 *   path of the random file, host path of initramfs.cpio.gz + bench cpio, and
 *   the random file's SHA-256 (hex)
 */
export function benchInitrd(imageDir) {
  const dir = benchCacheDir();
  mkdirSync(dir, { recursive: true });
  const randomFile = `${dir}/random-${VERSION}.bin`;
  if (!existsSync(randomFile) || statSync(randomFile).size !== RANDOM_SIZE) {
    writeAtomic(randomFile, pseudoRandomBytes(RANDOM_SIZE));
  }
  const random = readFileSync(randomFile);
  const randomSha256 = createHash('sha256').update(random).digest('hex');

  const base = readFileSync(`${imageDir}/initramfs.cpio.gz`);
  const key = createHash('sha256').update(base).update(VERSION).digest('hex').slice(0, 12);
  const initrd = `${dir}/initrd-${key}.cpio`;
  if (!existsSync(initrd)) {
    // The kernel looks for the next archive only at 4-byte aligned offsets
    // and skips zero padding between archives (init/initramfs.c).
    const pad = Buffer.alloc((4 - (base.length % 4)) % 4);
    writeAtomic(initrd, Buffer.concat([base, pad, benchCpio(random)]));
  }
  return { randomFile, initrd, randomSha256 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { guestImages } = await import('../images.mjs');
  console.log(JSON.stringify(benchInitrd(guestImages()), null, 2));
}
