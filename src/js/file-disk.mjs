// A Node disk backend over a raw image file, for Machine's `disks` option:
// synchronous positioned reads/writes, fdatasync on flush; snapshot mode keeps
// writes in memory and never touches the file.
import { openSync, closeSync, fstatSync, readSync, writeSync, fdatasyncSync } from 'node:fs';

/**
 * Open `path` as a disk.
 * @param {string} path
 * @param {{readonly?: boolean, snapshot?: boolean}} [opts]
 * @returns {import('./machine.mjs').DiskBackend & {close(): void}}
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
  if (size % 512 !== 0) {
    closeSync(fd);
    throw new Error(`${path}: size ${size} bytes is not a multiple of 512`);
  }
  const overlay = snapshot ? new Map() : null; // 512-byte sector -> bytes
  return {
    size,
    readonly,
    read(offset, length) {
      const buf = new Uint8Array(length);
      readSync(fd, buf, 0, length, offset);
      if (overlay) {
        for (let s = 0; s < length; s += 512) {
          const o = overlay.get(offset + s);
          if (o) buf.set(o, s);
        }
      }
      return buf;
    },
    write(offset, data) {
      if (overlay) {
        for (let s = 0; s < data.length; s += 512) overlay.set(offset + s, data.slice(s, s + 512));
      } else {
        writeSync(fd, data, 0, data.length, offset);
      }
    },
    flush() {
      if (!overlay) fdatasyncSync(fd);
    },
    close() { closeSync(fd); },
  };
}
