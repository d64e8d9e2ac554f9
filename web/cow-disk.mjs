// A virtio-blk disk backend for Machine: a read-only base image with the
// IndexedDB overlay of the guest's writes on top (copy-on-write). The overlay
// can travel in a machine snapshot (exportOverlay, importOverlay).
import { decodeOverlay, encodeOverlay } from '../src/js/snapshot-host.mjs';

/**
 * @typedef {object} BaseImage  read-only bytes behind a disk (see http-disk.mjs)
 * @property {number} size  bytes
 * @property {(offset: number, length: number) => Promise<Uint8Array>} read  a fresh array of `length` bytes at `offset`
 */

/**
 * Combine a base image and an overlay into a disk backend.
 * @param {BaseImage} base
 * @param {import('./disk-store.mjs').Overlay} overlay
 * @returns {import('../src/js/machine.mjs').DiskBackend & {exportBlob(step?: number): Promise<Blob>}}
 *   write and flush resolve once IndexedDB has committed and reject if it failed; exportOverlay
 *   gives the sectors written (the format of src/js/snapshot-host.mjs), importOverlay(bytes)
 *   replaces them, durably, and rejects (keeping them) if the bytes do not fit this disk or
 *   IndexedDB fails
 */
export function cowDisk(base, overlay) {
  const read = async (offset, length) =>
    overlay.apply(offset, overlay.covers(offset, length) ? new Uint8Array(length) : await base.read(offset, length));
  return {
    size: base.size,
    readonly: false,
    read,
    write: (offset, data) => overlay.write(offset, data),
    flush: () => overlay.flush(),
    exportOverlay: () => encodeOverlay(overlay.sectors()),
    importOverlay: async (bytes) => overlay.replace(decodeOverlay(bytes, base.size).map(([s, data]) => [s, data.slice()])),
    /**
     * The whole disk as it reads now (base and overlay merged).
     * @param {number} [step] bytes read at a time, a multiple of 512
     * @returns {Promise<Blob>}
     */
    async exportBlob(step = 1 << 20) {
      const parts = [];
      for (let off = 0; off < base.size; off += step) parts.push(await read(off, Math.min(step, base.size - off)));
      return new Blob(parts, { type: 'application/octet-stream' });
    },
  };
}
