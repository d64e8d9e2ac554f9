// A Node disk backend over a raw image file, for Machine's `disks` option:
// synchronous positioned reads/writes, fdatasync on flush; snapshot mode keeps
// writes in memory and never touches the file (they can travel in a machine
// snapshot: exportOverlay, importOverlay).
import { openSync, closeSync, fstatSync, readSync, writeSync, fdatasyncSync } from 'node:fs';
import { SECTOR, decodeOverlay, encodeOverlay } from './snapshot-host.mjs';

/**
 * Open `path` as a disk.
 * @param {string} path
 * @param {{readonly?: boolean, snapshot?: boolean}} [opts]  snapshot: writes stay in memory
 * @returns {import('./machine.mjs').DiskBackend & {close(): void}}  in snapshot mode (and not
 *   readonly) with exportOverlay() (the sectors written, in the format of snapshot-host.mjs) and
 *   importOverlay(bytes) (replaces them; throws, keeping them, if the bytes are not an overlay
 *   that fits this disk)
 * @throws Error with a one-line message (as the native CLI's): missing file, size not a multiple of 512
 */
export function openFileDisk(path, { readonly = false, snapshot = false } = {}) {
  let fd;
  try {
    fd = openSync(path, readonly || snapshot ? 'r' : 'r+');
  } catch (e) {
    throw new Error(`${path}: ${e.code ?? e.message}`);
  }
  const size = fstatSync(fd).size;
  if (size % SECTOR !== 0) {
    closeSync(fd);
    throw new Error(`${path}: size ${size} bytes is not a multiple of ${SECTOR}`);
  }
  let overlay = snapshot ? new Map() : null; // sector index -> its 512 bytes
  const disk = {
    size,
    readonly,
    read(offset, length) {
      const buf = new Uint8Array(length);
      readSync(fd, buf, 0, length, offset);
      if (overlay) {
        for (let s = 0; s < length; s += SECTOR) {
          const o = overlay.get((offset + s) / SECTOR);
          if (o) buf.set(o, s);
        }
      }
      return buf;
    },
    write(offset, data) {
      if (overlay) {
        for (let s = 0; s < data.length; s += SECTOR) overlay.set((offset + s) / SECTOR, data.slice(s, s + SECTOR));
      } else {
        writeSync(fd, data, 0, data.length, offset);
      }
    },
    flush() {
      if (!overlay) fdatasyncSync(fd);
    },
    close() { closeSync(fd); },
  };
  if (!overlay || readonly) return disk;
  return {
    ...disk,
    exportOverlay: () => encodeOverlay(overlay),
    importOverlay(bytes) {
      overlay = new Map(decodeOverlay(bytes, size).map(([index, sector]) => [index, sector.slice()]));
    },
  };
}
