// Snapshot files: a machine state (Core.save, src/core/snapshot.c) behind a
// 24-byte header and compressed, the format of the native CLI's files too
// (src/cli/snapshot_file.h):
//   "WVMSNAP\0" | u32 format 1 | u32 encoding | u64 state bytes | state, encoded
// (little-endian); encoding 0: as is, 1: zlib (RFC 1950; read only), 2: raw deflate
// (RFC 1951; written: the state has its own checksum), by compress.mjs.

import { deflateRaw, inflate } from './compress.mjs';

const MAGIC = 'WVMSNAP\0', HEADER = 24, FORMAT = 1, RAW = 0, ZLIB = 1, DEFLATE = 2;

/**
 * Wrap a machine state into a snapshot file.
 * @param {Uint8Array} state  bytes of Core.save
 * @param {{compress?: boolean}} [opts]  compress (default true) with deflate
 * @returns {Promise<Uint8Array>} the file's bytes
 */
export async function encodeSnapshot(state, { compress = true } = {}) {
  const body = compress ? await deflateRaw(state) : state;
  const file = new Uint8Array(HEADER + body.length), dv = new DataView(file.buffer);
  file.set(new TextEncoder().encode(MAGIC));
  dv.setUint32(8, FORMAT, true);
  dv.setUint32(12, compress ? DEFLATE : RAW, true);
  dv.setBigUint64(16, BigInt(state.length), true);
  file.set(body, HEADER);
  return file;
}

/**
 * Unwrap a snapshot file into its machine state (checked further by Core.stateInfo).
 * @param {Uint8Array} file
 * @returns {Promise<Uint8Array>}
 * @throws Error with a one-line message: not a snapshot, another format, corrupted or truncated
 */
export async function decodeSnapshot(file) {
  if (!(file instanceof Uint8Array) || file.length < HEADER || new TextDecoder().decode(file.subarray(0, 8)) !== MAGIC) {
    throw new Error('not a wvm snapshot');
  }
  const dv = new DataView(file.buffer, file.byteOffset, file.length);
  const format = dv.getUint32(8, true), encoding = dv.getUint32(12, true), length = dv.getBigUint64(16, true);
  if (format !== FORMAT || encoding > DEFLATE) {
    throw new Error(`a wvm snapshot of format ${format}, encoding ${encoding}; this wvm reads format ${FORMAT}`);
  }
  let state;
  try {
    state = encoding === RAW ? file.subarray(HEADER) : await inflate(file.subarray(HEADER), encoding === ZLIB ? 'deflate' : 'deflate-raw');
  } catch {
    throw new Error('the snapshot is corrupted or truncated');
  }
  if (BigInt(state.length) !== length) throw new Error('the snapshot is corrupted or truncated');
  return state;
}
