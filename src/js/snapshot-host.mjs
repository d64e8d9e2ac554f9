// The host part of a machine state (the bytes Machine.save keeps inside Core.save's state, under
// its checksum): the disks the machine was saved with and, if save() was asked for them, the
// sectors written to each (its overlay):
//   JSON text (UTF-8) [ "\0" blobs ]
//   JSON: {"disks": [{"size": bytes, "readonly": bool, "overlay": {"offset": n, "bytes": n}}, ...]}
// "overlay" is absent for a disk whose written sectors are not in the snapshot; offset and bytes
// place its overlay in the blobs (offset from the byte after the "\0"). JSON text never holds a
// raw NUL byte, so the first one ends it. An empty host part (the native CLI's) is no disks.
// An overlay is its written sectors in increasing order, each as
//   u64 sector index (little-endian) | the sector's 512 bytes
// the same from Node's file disk (src/js/file-disk.mjs) and the page's (web/cow-disk.mjs).

/** Bytes per sector of an overlay. */
export const SECTOR = 512;
const ENTRY = 8 + SECTOR;

/**
 * @typedef {object} SavedDisk  a disk as the snapshot describes it
 * @property {number} size  bytes
 * @property {boolean} readonly
 * @property {Uint8Array|null} overlay  its sectors written, in the format above (a view into the
 *   host part), or null if the snapshot does not hold them
 */

/**
 * Encode an overlay.
 * @param {Iterable<[number, Uint8Array]>} sectors  (sector index, its 512 bytes), in any order
 * @returns {Uint8Array}
 * @throws RangeError if a sector is not 512 bytes
 */
export function encodeOverlay(sectors) {
  const list = [...sectors].sort((a, b) => a[0] - b[0]);
  const out = new Uint8Array(list.length * ENTRY), dv = new DataView(out.buffer);
  list.forEach(([index, bytes], i) => {
    if (bytes.length !== SECTOR) throw new RangeError(`sector ${index} has ${bytes.length} bytes, not ${SECTOR}`);
    dv.setBigUint64(i * ENTRY, BigInt(index), true);
    out.set(bytes, i * ENTRY + 8);
  });
  return out;
}

/**
 * Decode an overlay, checking it fits a disk.
 * @param {Uint8Array} bytes  an overlay (see encodeOverlay)
 * @param {number} diskSize  bytes
 * @returns {Array<[number, Uint8Array]>} (sector index, its 512 bytes: a view into `bytes`, to
 *   copy if kept) in increasing order
 * @throws Error if the length is not a whole number of sectors, or a sector is past the disk's end
 *   or repeated
 */
export function decodeOverlay(bytes, diskSize) {
  if (bytes.length % ENTRY) throw new Error(`a disk overlay of ${bytes.length} bytes is not a whole number of sectors`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length), sectors = diskSize / SECTOR, out = [];
  for (let at = 0; at < bytes.length; at += ENTRY) {
    const index = Number(dv.getBigUint64(at, true));
    if (index >= sectors) throw new Error(`a disk overlay writes sector ${index} of a disk of ${sectors} sectors`);
    if (out.length && index <= out[out.length - 1][0]) throw new Error(`a disk overlay lists sector ${index} out of order`);
    out.push([index, bytes.subarray(at + 8, at + ENTRY)]);
  }
  return out;
}

/**
 * Encode the host part.
 * @param {Array<{size: number, readonly: boolean, overlay?: Uint8Array|null}>} disks  in slot order;
 *   overlay: an encoded overlay to keep, or none
 * @returns {Uint8Array}
 */
export function encodeHost(disks) {
  let offset = 0;
  const json = disks.map(({ size, readonly, overlay }) => {
    if (!overlay) return { size, readonly };
    const at = offset;
    offset += overlay.length;
    return { size, readonly, overlay: { offset: at, bytes: overlay.length } };
  });
  const text = new TextEncoder().encode(JSON.stringify({ disks: json }));
  if (!disks.some((d) => d.overlay)) return text;
  const out = new Uint8Array(text.length + 1 + offset);
  out.set(text);
  let at = text.length + 1;
  for (const d of disks) {
    if (d.overlay) { out.set(d.overlay, at); at += d.overlay.length; }
  }
  return out;
}

/**
 * Decode and check the host part.
 * @param {Uint8Array} bytes
 * @returns {SavedDisk[]}
 * @throws Error "the snapshot's host part is damaged: ..." if it is not as encodeHost writes it
 *   (bad JSON, a bad disk size, an overlay outside the part or not fitting its disk)
 */
export function decodeHost(bytes) {
  const bad = (why) => new Error(`the snapshot's host part is damaged: ${why}`);
  if (!bytes.length) return [];
  const nul = bytes.indexOf(0), end = nul < 0 ? bytes.length : nul;
  const blobs = nul < 0 ? bytes.subarray(end) : bytes.subarray(end + 1);
  let host;
  try {
    host = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end)));
  } catch (e) {
    throw bad(e.message);
  }
  const disks = host?.disks ?? [];
  if (!Array.isArray(disks)) throw bad('"disks" is not a list');
  const count = (n) => Number.isSafeInteger(n) && n >= 0;
  return disks.map((d, i) => {
    if (!count(d?.size) || d.size % SECTOR) throw bad(`disk ${i} has a size of ${JSON.stringify(d?.size)} bytes`);
    if (!d.overlay) return { size: d.size, readonly: !!d.readonly, overlay: null };
    const { offset, bytes: length } = d.overlay;
    if (!count(offset) || !count(length) || offset + length > blobs.length) {
      throw bad(`disk ${i}'s overlay (${length} bytes at ${offset}) is not within the ${blobs.length} bytes after the JSON`);
    }
    const overlay = blobs.subarray(offset, offset + length);
    try {
      decodeOverlay(overlay, d.size);
    } catch (e) {
      throw bad(`disk ${i}: ${e.message}`);
    }
    return { size: d.size, readonly: !!d.readonly, overlay };
  });
}
