// The copy-on-write overlay of one virtio disk, kept in IndexedDB (overlay-db.mjs): the
// 512-byte sectors the guest wrote, stored in 4 KiB blocks, so its writes survive a page reload
// while the base image stays untouched. Opening reads only the index (which sectors of which
// blocks were written); a block's bytes are read when the guest reads it, and the least
// recently used committed blocks are kept in memory up to a budget. A write is held in memory
// until IndexedDB has committed it, so reads see it at once.
import { BLOCK, FULL, SECTOR, SECTORS_PER_BLOCK as PER, copySectors, rangeMask, sectorCount } from './overlay-block.mjs';
import { blockRange, openOverlayDb } from './overlay-db.mjs';
import { BlockCache } from './block-cache.mjs';

export { BLOCK, SECTOR };

/** Bytes of committed blocks an overlay keeps in memory by default. */
const CACHE_BYTES = 32 << 20;

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
 * Open (creating it if needed) the overlay stored under `key`, reading only its index.
 * @param {string} key  see overlayKey
 * @param {{dbName?: string, source?: string, cacheBytes?: number}} [opts]
 *   dbName: database name (tests);
 *   source: the base image's source, from which overlayKey made `key`: the overlays stored for
 *   that source under other keys (another size or version: the image was replaced) are deleted,
 *   since none can apply again. Without it, none is deleted.
 *   cacheBytes: bytes of committed blocks kept in memory (default 32 MiB, at least one block)
 * @returns {Promise<Overlay>}
 * @throws if IndexedDB is unavailable or the database cannot be opened; TypeError if `key` is
 *   not a key of `source`
 */
export async function openOverlay(key, { dbName, source, cacheBytes = CACHE_BYTES } = {}) {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available: disk changes cannot be saved');
  if (source !== undefined && !key.startsWith(`${source}#`)) throw new TypeError(`${key} is not an overlay key of ${source}`);
  const db = await openOverlayDb(dbName);
  const tx = db.transaction(['blocks', 'masks', 'disks'], source === undefined ? 'readonly' : 'readwrite');
  const masks = tx.objectStore('masks'), range = blockRange(key);
  const [keys, values, listed] = await Promise.all([
    masks.getAllKeys(range), masks.getAll(range), tx.objectStore('disks').count(key),
    source !== undefined && dropStale(tx, source, key), tx.done,
  ]);
  return new Overlay(db, key, new Map(keys.map((k, i) => [k[1], values[i]])), { listed: listed > 0, cacheBytes });
}

/**
 * Delete, in `tx`, the overlays stored under keys that overlayKey made from `source`, except `key`.
 * @param {import('idb').IDBPTransaction<unknown, string[], 'readwrite'>} tx  over 'blocks', 'masks' and 'disks'
 * @param {string} source
 * @param {string} key
 * @returns {Promise<void>}
 */
async function dropStale(tx, source, key) {
  const disks = tx.objectStore('disks'), prefix = `${source}#`;
  const stale = (await disks.getAllKeys()).filter((k) => k !== key && k.startsWith(prefix) && /^\d+(#|$)/.test(k.slice(prefix.length)));
  await Promise.all(stale.flatMap((k) => [
    tx.objectStore('blocks').delete(blockRange(k)), tx.objectStore('masks').delete(blockRange(k)), disks.delete(k),
  ]));
}

function checkAligned(offset, length) {
  if (offset % SECTOR || length % SECTOR) throw new RangeError(`disk access at ${offset}+${length} is not sector-aligned`);
}

/** The 'disks' record of an overlay with `bytes` of written sectors. */
const summary = (bytes) => ({ bytes, updated: Date.now() });

/**
 * Wait for a readwrite transaction; if it failed, throw its cause: `error` (thrown while making
 * its requests), else the failed request's error (e.g. QuotaExceededError) rather than the
 * AbortError that the others and the transaction report.
 * @param {import('idb').IDBPTransaction<unknown, string[], 'readwrite'>} tx
 * @param {Promise<unknown>[]} requests  the transaction's requests
 * @param {unknown} [error]
 * @returns {Promise<void>}
 */
async function finish(tx, requests, error = null) {
  const settled = Promise.allSettled(requests);
  try {
    await tx.done;
  } catch (e) {
    const cause = (await settled).find((r) => r.status === 'rejected' && r.reason?.name !== 'AbortError')?.reason;
    throw error ?? cause ?? tx.error ?? e;
  }
  if (error) throw error;
}

/**
 * A block as one write left it.
 * @typedef {object} BlockWrite
 * @property {Uint8Array} data  4096 bytes: the sectors written (the others 0); never modified
 * @property {number} mask  the sectors written
 */

/** The written sectors of one disk. Create with openOverlay(). */
export class Overlay {
  #db; #key; #cache;
  /** @type {Map<number, number>} block index -> mask of its sectors committed to IndexedDB */
  #masks;
  /** @type {Map<number, BlockWrite[]>} block index -> its writes not yet committed, oldest first (a list is replaced, never modified) */
  #dirty = new Map();
  /** sectors written, committed or not */
  #written = 0;
  /** whether the 'disks' store has this overlay's record */
  #listed;
  /** @type {Set<Promise<void>>} commits in progress */
  #pending = new Set();
  /** the first write failure since the last flush(), which reports it */
  #failed = null;

  /**
   * @param {import('idb').IDBPDatabase} db
   * @param {string} key
   * @param {Map<number, number>} masks  block index -> mask of its stored sectors
   * @param {{listed: boolean, cacheBytes: number}} opts
   */
  constructor(db, key, masks, { listed, cacheBytes }) {
    this.#db = db;
    this.#key = key;
    this.#masks = masks;
    this.#listed = listed;
    this.#cache = new BlockCache(cacheBytes);
    this.#recount();
  }

  /** The overlay's key (see overlayKey). */
  get key() { return this.#key; }

  /** Bytes of written sectors held by the overlay, writes not yet committed included. */
  get bytes() { return this.#written * SECTOR; }

  /** Whether some writes are not committed to IndexedDB yet (the page shows "saving…"). */
  get saving() { return this.#dirty.size > 0 || this.#pending.size > 0; }

  /** The mask of a block's written sectors, committed or not. */
  #mask(index) {
    let mask = this.#masks.get(index) ?? 0;
    for (const w of this.#dirty.get(index) ?? []) mask |= w.mask;
    return mask;
  }

  /** Count the written sectors again. */
  #recount() {
    this.#written = 0;
    for (const index of new Set([...this.#masks.keys(), ...this.#dirty.keys()])) this.#written += sectorCount(this.#mask(index));
  }

  /** Run `change`, which changes the written sectors of `blocks` (indices) only, keeping the count. */
  #counting(blocks, change) {
    for (const index of blocks) this.#written -= sectorCount(this.#mask(index));
    change();
    for (const index of blocks) this.#written += sectorCount(this.#mask(index));
  }

  /**
   * True if every sector of the range was written (the base need not be read).
   * @param {number} offset  bytes, a multiple of 512
   * @param {number} length  bytes, a multiple of 512
   */
  covers(offset, length) {
    checkAligned(offset, length);
    const first = offset / SECTOR, end = first + length / SECTOR;
    for (let index = Math.floor(first / PER); index * PER < end; index++) {
      const want = rangeMask(index, first, end);
      if ((this.#mask(index) & want) !== want) return false;
    }
    return true;
  }

  /**
   * Copy the written sectors of a range over `buf`, which holds the base image's bytes at
   * `offset`. The sectors are those written when this is called (a write made while it reads
   * IndexedDB may show or not).
   * @param {number} offset  bytes, a multiple of 512
   * @param {Uint8Array} buf  length a multiple of 512; modified in place
   * @returns {Promise<Uint8Array>} buf
   * @throws Error if IndexedDB fails, or lacks a block the index lists (deleted meanwhile)
   */
  async apply(offset, buf) {
    checkAligned(offset, buf.length);
    const first = offset / SECTOR, end = first + buf.length / SECTOR, wanted = [];
    for (let index = Math.floor(first / PER); index * PER < end; index++) wanted.push([index, rangeMask(index, first, end)]);
    for (const { index, data, mask } of await this.#read(wanted)) {
      for (let k = 0; k < PER; k++) {
        if (mask & (1 << k)) buf.set(data.subarray(k * SECTOR, (k + 1) * SECTOR), (index * PER + k - first) * SECTOR);
      }
    }
    return buf;
  }

  /**
   * The written sectors of some blocks, as they are when this is called: the writes not yet
   * committed are taken at once (a read then sees them even if their commit fails later: the
   * read came first); committed blocks not kept in memory are read from IndexedDB, in one request.
   * @param {Array<[number, number]>} wanted  (block index, mask of the sectors wanted), increasing
   * @returns {Promise<Array<{index: number, data: Uint8Array, mask: number}>>} the blocks with
   *   wanted sectors written: their bytes (4096) and which of the wanted sectors were written
   */
  async #read(wanted) {
    const views = [];
    for (const [index, want] of wanted) {
      const writes = this.#dirty.get(index) ?? [];
      const shadowed = writes.reduce((m, w) => m | w.mask, 0);
      const stored = (this.#masks.get(index) ?? 0) & want & ~shadowed; // committed and not written since
      if (stored || shadowed & want) views.push({ index, want, writes, stored, data: stored ? this.#cache.get(index) : null });
    }
    const missing = views.filter((v) => v.stored && !v.data);
    if (missing.length) {
      const loaded = await this.#load(missing[0].index, missing[missing.length - 1].index);
      for (const v of missing) {
        v.data = loaded.get(v.index);
        if (!v.data) throw new Error(`block ${v.index} of disk overlay ${this.#key} is missing from IndexedDB`);
      }
    }
    return views.map(({ index, want, writes, stored, data }) => {
      if (!writes.length) return { index, data, mask: stored };
      const out = new Uint8Array(BLOCK);
      if (stored) copySectors(out, data, stored);
      let mask = stored;
      for (const w of writes) {
        copySectors(out, w.data, w.mask);
        mask |= w.mask;
      }
      return { index, data: out, mask: mask & want };
    });
  }

  /**
   * Read the committed blocks of a range of block indices from IndexedDB, keeping them in memory.
   * @param {number} lo  first block index
   * @param {number} hi  last block index (included)
   * @returns {Promise<Map<number, Uint8Array>>} block index -> its 4096 bytes, for the blocks stored
   */
  async #load(lo, hi) {
    const tx = this.#db.transaction('blocks'), range = blockRange(this.#key, lo, hi);
    const [keys, records] = await Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range), tx.done]);
    // The records are as the last commit left them: a commit started earlier ended before this
    // transaction began, a later one waits for it to end.
    const loaded = new Map(keys.map((k, i) => [k[1], records[i].data]));
    for (const [index, data] of loaded) this.#cache.set(index, data);
    return loaded;
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
    /** @type {Map<number, BlockWrite>} */
    const writes = new Map();
    for (let at = 0; at < data.length; at += SECTOR) {
      const sector = (offset + at) / SECTOR, index = Math.floor(sector / PER), k = sector % PER;
      let w = writes.get(index);
      if (!w) writes.set(index, (w = { data: new Uint8Array(BLOCK), mask: 0 }));
      w.data.set(data.subarray(at, at + SECTOR), k * SECTOR);
      w.mask |= 1 << k;
    }
    const blocks = [...writes.keys()];
    this.#counting(blocks, () => {
      for (const [index, w] of writes) this.#dirty.set(index, [...(this.#dirty.get(index) ?? []), w]);
    });
    // Done, the writes leave #dirty: committed, they join the committed blocks (and the cache).
    const settle = (stored) => this.#counting(blocks, () => {
      for (const [index, w] of writes) {
        const rest = this.#dirty.get(index).filter((x) => x !== w);
        if (rest.length) this.#dirty.set(index, rest);
        else this.#dirty.delete(index);
        const record = stored?.get(index);
        if (record) {
          this.#masks.set(index, record.mask);
          this.#cache.set(index, record.data);
        }
      }
    });
    const done = this.#commit(writes).then(settle, (e) => {
      settle(null);
      this.#failed ??= e;
      throw e;
    });
    this.#pending.add(done);
    const forget = () => this.#pending.delete(done);
    done.then(forget, forget);
    return done;
  }

  /**
   * Store blocks written, in one transaction. A block written in part is merged with the sectors
   * IndexedDB holds for it (earlier writes', committed before: transactions run in order).
   * @param {Map<number, BlockWrite>} writes  block index -> the sectors written to it
   * @returns {Promise<Map<number, BlockWrite>>} block index -> the record stored
   */
  async #commit(writes) {
    const tx = this.#db.transaction(['blocks', 'masks', 'disks'], 'readwrite', { durability: 'relaxed' });
    const store = tx.objectStore('blocks'), masks = tx.objectStore('masks');
    const requests = [], stored = new Map(writes);
    let error = null;
    try {
      const partial = [...writes].filter(([, w]) => w.mask !== FULL);
      const gets = partial.map(([index]) => store.get([this.#key, index]));
      requests.push(...gets);
      (await Promise.all(gets)).forEach((old, i) => {
        const [index, w] = partial[i];
        if (!old) return;
        copySectors(old.data, w.data, w.mask); // old.data: a copy of the stored bytes
        stored.set(index, { data: old.data, mask: old.mask | w.mask });
      });
      for (const [index, record] of stored) requests.push(store.put(record, [this.#key, index]), masks.put(record.mask, [this.#key, index]));
      if (!this.#listed) requests.push(tx.objectStore('disks').put(summary(this.bytes), this.#key));
    } catch (e) {
      error = e;
      try { tx.abort(); } catch { /* already finished */ }
    }
    await finish(tx, requests, error);
    this.#listed = true;
    return stored;
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
    await Promise.all([tx.store.put(summary(this.bytes), this.#key), tx.done]);
    this.#listed = true;
  }

  /**
   * The written sectors, writes not yet committed included (every block is read: the whole
   * overlay is then in memory).
   * @returns {Promise<Array<[number, Uint8Array]>>} (sector index, its 512 bytes), in increasing order
   * @throws Error if IndexedDB fails
   */
  async sectors() {
    const blocks = [...new Set([...this.#masks.keys(), ...this.#dirty.keys()])].sort((a, b) => a - b);
    const out = [];
    for (const { index, data, mask } of await this.#read(blocks.map((index) => [index, FULL]))) {
      for (let k = 0; k < PER; k++) {
        if (mask & (1 << k)) out.push([index * PER + k, data.subarray(k * SECTOR, (k + 1) * SECTOR)]);
      }
    }
    return out;
  }

  /**
   * Replace every written sector by `sectors` (a snapshot's), in IndexedDB too: one durable
   * transaction, after writes in progress have finished. If it fails (e.g. QuotaExceededError)
   * the overlay is as before. Writes made while it runs may be lost: stop the guest first.
   * @param {Iterable<[number, Uint8Array]>} sectors  (sector index, its 512 bytes), copied
   * @returns {Promise<void>}
   * @throws RangeError if a sector is not 512 bytes
   */
  async replace(sectors) {
    await Promise.allSettled([...this.#pending]);
    /** @type {Map<number, BlockWrite>} */
    const blocks = new Map();
    let count = 0;
    for (const [sector, bytes] of sectors) {
      if (bytes.length !== SECTOR) throw new RangeError(`sector ${sector} has ${bytes.length} bytes, not ${SECTOR}`);
      const index = Math.floor(sector / PER), k = sector % PER;
      let b = blocks.get(index);
      if (!b) blocks.set(index, (b = { data: new Uint8Array(BLOCK), mask: 0 }));
      if (!(b.mask & (1 << k))) count++;
      b.data.set(bytes, k * SECTOR);
      b.mask |= 1 << k;
    }
    const tx = this.#db.transaction(['blocks', 'masks', 'disks'], 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('blocks'), masks = tx.objectStore('masks'), range = blockRange(this.#key);
    const requests = [];
    let error = null;
    try {
      requests.push(store.delete(range), masks.delete(range));
      for (const [index, b] of blocks) requests.push(store.put(b, [this.#key, index]), masks.put(b.mask, [this.#key, index]));
      requests.push(tx.objectStore('disks').put(summary(count * SECTOR), this.#key));
    } catch (e) {
      error = e;
      try { tx.abort(); } catch { /* already finished */ }
    }
    await finish(tx, requests, error);
    this.#masks = new Map([...blocks].map(([index, b]) => [index, b.mask]));
    this.#cache.clear();
    this.#listed = true;
    this.#failed = null;
    this.#recount();
  }

  /**
   * Forget every written sector, in IndexedDB too (after writes in progress
   * have finished). The disk then reads as its base image.
   * @returns {Promise<void>}
   */
  async clear() {
    await Promise.allSettled([...this.#pending]);
    const tx = this.#db.transaction(['blocks', 'masks', 'disks'], 'readwrite');
    const range = blockRange(this.#key);
    await Promise.all([
      tx.objectStore('blocks').delete(range), tx.objectStore('masks').delete(range), tx.objectStore('disks').delete(this.#key), tx.done,
    ]);
    this.#masks.clear();
    this.#cache.clear();
    this.#listed = false;
    this.#failed = null;
    this.#recount();
  }

  /** Close the database connection (after writes in progress have finished). */
  async close() {
    await Promise.allSettled([...this.#pending]);
    this.#db.close();
  }
}
