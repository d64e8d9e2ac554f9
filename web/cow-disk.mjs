// A virtio-blk disk backend for Machine: a read-only base image with the
// IndexedDB overlay of the guest's writes on top (copy-on-write). The overlay
// can travel in a machine snapshot (exportOverlay, importOverlay); the merged
// disk can be read out as a stream (exportStream).
import { SECTOR, decodeOverlay, encodeOverlay } from '../src/js/snapshot-host.mjs';

/** Bytes per chunk of exportStream by default. */
const EXPORT_CHUNK = 1 << 20;

/**
 * @typedef {object} BaseImage  read-only bytes behind a disk (see http-disk.mjs)
 * @property {number} size  bytes
 * @property {(offset: number, length: number) => Promise<Uint8Array>} read  a fresh array of `length` bytes at `offset`
 */

/**
 * Combine a base image and an overlay into a disk backend.
 * @param {BaseImage} base
 * @param {import('./disk-store.mjs').Overlay} overlay
 * @returns {import('../src/js/machine.mjs').DiskBackend & {exportStream(chunk?: number): ReadableStream<Uint8Array>}}
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
    exportOverlay: async () => encodeOverlay(await overlay.sectors()),
    importOverlay: async (bytes) => overlay.replace(decodeOverlay(bytes, base.size)),
    /**
     * The whole disk (base and overlay merged), read a chunk at a time as the stream is
     * consumed: it holds about two chunks, never the disk. Each chunk is read as the disk
     * reads when the stream gets to it.
     * @param {number} [chunk] bytes per chunk, a positive multiple of 512 (default 1 MiB)
     * @returns {ReadableStream<Uint8Array>} errors if a read of the base image or overlay fails
     */
    exportStream(chunk = EXPORT_CHUNK) {
      if (!(chunk > 0) || chunk % SECTOR) throw new RangeError(`export chunk of ${chunk} bytes is not a positive multiple of ${SECTOR}`);
      let at = 0;
      return new ReadableStream({
        async pull(controller) {
          const length = Math.min(chunk, base.size - at);
          controller.enqueue(await read(at, length));
          at += length;
          if (at === base.size) controller.close();
        },
      });
    },
  };
}
