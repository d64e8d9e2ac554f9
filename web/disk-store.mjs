// The copy-on-write overlay of one virtio disk, kept in IndexedDB (through
// the `idb` wrapper): the 512-byte sectors the guest wrote, so its writes
// survive a page reload while the base image stays untouched. Every written
// sector is also held in memory, so reads never wait for IndexedDB.
//
// Database 'wvm-disks': store 'sectors' maps [disk key, sector index] to the
// sector's bytes (Uint8Array); store 'disks' maps a disk key to
// {bytes, updated} (written by flush()).
import { openDB } from '../node_modules/idb/build/index.js';

/** Bytes per sector: the overlay's unit. */
export const SECTOR = 512;
const DB_NAME = 'wvm-disks';

/**
 * The key under which the overlay of a base image is stored, so that
 * different images, or two versions of one, never share one.
 * @param {string} source  the image's URL (or a name for a local file)
 * @param {number} size    the image's size in bytes
 * @param {string} [version]  the image's ETag or Last-Modified date ('' if unknown)
 * @returns {string}
 */
export function overlayKey(source, size, version = '') {
  return `${source}#${size}${version ? `#${version}` : ''}`;
}

/**
 * Open (creating it if needed) the overlay stored under `key`, loading the
 * sectors written earlier.
 * @param {string} key  see overlayKey
 * @param {{dbName?: string}} [opts]  database name (tests)
 * @returns {Promise<Overlay>}
 * @throws if IndexedDB is unavailable or the database cannot be opened
 */
export async function openOverlay(key, { dbName = DB_NAME } = {}) {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available: disk changes cannot be saved');
  const db = await openDB(dbName, 1, {
    upgrade(d) {
      d.createObjectStore('sectors');
      d.createObjectStore('disks');
    },
  });
  const tx = db.transaction('sectors');
  const range = sectorRange(key);
  const [keys, values] = await Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range), tx.done]);
  const sectors = new Map(keys.map((k, i) => [k[1], values[i]]));
  return new Overlay(db, key, sectors);
}

function sectorRange(key) {
  return IDBKeyRange.bound([key, 0], [key, Infinity]);
}

function checkAligned(offset, length) {
  if (offset % SECTOR || length % SECTOR) throw new RangeError(`disk access at ${offset}+${length} is not sector-aligned`);
}

/** The written sectors of one disk. Create with openOverlay(). */
export class Overlay {
  #db; #key;
  /** @type {Map<number, Uint8Array>} sector index -> bytes, including writes not yet committed */
  #sectors;
  /** @type {Set<Promise<void>>} commits in progress */
  #pending = new Set();
  /** the first write failure since the last flush(), which reports it */
  #failed = null;

  constructor(db, key, sectors) {
    this.#db = db;
    this.#key = key;
    this.#sectors = sectors;
  }

  /** The overlay's key (see overlayKey). */
  get key() { return this.#key; }

  /** Bytes of written sectors held by the overlay. */
  get bytes() { return this.#sectors.size * SECTOR; }

  /**
   * True if every sector of the range was written (the base need not be read).
   * @param {number} offset  bytes, a multiple of 512
   * @param {number} length  bytes, a multiple of 512
   */
  covers(offset, length) {
    checkAligned(offset, length);
    for (let s = offset / SECTOR, end = (offset + length) / SECTOR; s < end; s++) {
      if (!this.#sectors.has(s)) return false;
    }
    return true;
  }

  /**
   * Copy the written sectors of a range over `buf`, which holds the base
   * image's bytes at `offset`.
   * @param {number} offset  bytes, a multiple of 512
   * @param {Uint8Array} buf  length a multiple of 512; modified in place
   * @returns {Uint8Array} buf
   */
  apply(offset, buf) {
    checkAligned(offset, buf.length);
    const first = offset / SECTOR;
    for (let i = 0; i * SECTOR < buf.length; i++) {
      const s = this.#sectors.get(first + i);
      if (s) buf.set(s, i * SECTOR);
    }
    return buf;
  }

  /**
   * Write sectors. Reads see the new bytes at once; the promise resolves
   * once the IndexedDB transaction holding them has committed. If it fails
   * (e.g. QuotaExceededError) the promise rejects, these sectors read as
   * before again, and the next flush() rejects too.
   * @param {number} offset  bytes, a multiple of 512
   * @param {Uint8Array} data  length a multiple of 512
   * @returns {Promise<void>}
   */
  write(offset, data) {
    checkAligned(offset, data.length);
    const first = offset / SECTOR, entries = [];
    for (let i = 0; i * SECTOR < data.length; i++) {
      const bytes = data.slice(i * SECTOR, (i + 1) * SECTOR);
      entries.push([first + i, bytes, this.#sectors.get(first + i)]);
      this.#sectors.set(first + i, bytes);
    }
    const done = this.#commit(entries).catch((e) => {
      // Undo in memory, unless a later write replaced the sector meanwhile.
      for (const [s, bytes, prev] of entries) {
        if (this.#sectors.get(s) !== bytes) continue;
        if (prev) this.#sectors.set(s, prev);
        else this.#sectors.delete(s);
      }
      this.#failed ??= e;
      throw e;
    });
    this.#pending.add(done);
    const forget = () => this.#pending.delete(done);
    done.then(forget, forget);
    return done;
  }

  async #commit(entries) {
    const tx = this.#db.transaction('sectors', 'readwrite', { durability: 'relaxed' });
    const puts = [];
    let error = null;
    try {
      for (const [s, bytes] of entries) puts.push(tx.store.put(bytes, [this.#key, s]));
    } catch (e) {
      error = e;
      try { tx.abort(); } catch { /* already finished */ }
    }
    const settled = Promise.allSettled(puts);
    try {
      await tx.done;
    } catch (e) {
      // The failed put names the cause (e.g. QuotaExceededError); the transaction may say only AbortError.
      const cause = (await settled).find((r) => r.status === 'rejected' && r.reason?.name !== 'AbortError')?.reason;
      throw error ?? cause ?? tx.error ?? e;
    }
    if (error) throw error;
  }

  /**
   * Resolves once every earlier write has committed, with durable storage
   * requested; rejects if a write since the previous flush failed.
   * @returns {Promise<void>}
   */
  async flush() {
    await Promise.allSettled([...this.#pending]);
    const failed = this.#failed;
    this.#failed = null;
    if (failed) throw failed;
    const tx = this.#db.transaction('disks', 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.put({ bytes: this.bytes, updated: Date.now() }, this.#key), tx.done]);
  }

  /**
   * The written sectors, writes not yet committed included.
   * @returns {Iterable<[number, Uint8Array]>} (sector index, its 512 bytes), in no particular order
   */
  sectors() { return this.#sectors.entries(); }

  /**
   * Replace every written sector by `sectors` (a snapshot's), in IndexedDB too: one durable
   * transaction, after writes in progress have finished. If it fails (e.g. QuotaExceededError)
   * the overlay is as before. Writes made while it runs are lost: stop the guest first.
   * @param {Iterable<[number, Uint8Array]>} sectors  (sector index, its 512 bytes), kept as given
   * @returns {Promise<void>}
   */
  async replace(sectors) {
    await Promise.allSettled([...this.#pending]);
    const next = new Map(sectors);
    for (const [s, bytes] of next) checkAligned(s * SECTOR, bytes.length);
    const tx = this.#db.transaction(['sectors', 'disks'], 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('sectors');
    const ops = [store.delete(sectorRange(this.#key))];
    for (const [s, bytes] of next) ops.push(store.put(bytes, [this.#key, s]));
    ops.push(tx.objectStore('disks').put({ bytes: next.size * SECTOR, updated: Date.now() }, this.#key));
    try {
      await Promise.all([...ops, tx.done]);
    } catch (e) {
      // As in #commit: the failed request names the cause; the others say only AbortError.
      const cause = (await Promise.allSettled(ops)).find((r) => r.status === 'rejected' && r.reason?.name !== 'AbortError')?.reason;
      throw cause ?? tx.error ?? e;
    }
    this.#sectors = next;
    this.#failed = null;
  }

  /**
   * Forget every written sector, in IndexedDB too (after writes in progress
   * have finished). The disk then reads as its base image.
   * @returns {Promise<void>}
   */
  async clear() {
    await Promise.allSettled([...this.#pending]);
    const tx = this.#db.transaction(['sectors', 'disks'], 'readwrite');
    await Promise.all([
      tx.objectStore('sectors').delete(sectorRange(this.#key)),
      tx.objectStore('disks').delete(this.#key),
      tx.done,
    ]);
    this.#sectors.clear();
    this.#failed = null;
  }

  /** Close the database connection (after writes in progress have finished). */
  async close() {
    await Promise.allSettled([...this.#pending]);
    this.#db.close();
  }
}
