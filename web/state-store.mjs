// The page's saved machine state (Save state / Restore state): one snapshot
// file per guest configuration, kept in IndexedDB (through the `idb` wrapper)
// next to the disk overlays. Database 'wvm-states': store 'states' maps a
// configuration's key (stateKey) to {snapshot: Blob, bytes, saved}.
import { openDB } from '../node_modules/idb/build/index.js';

const DB_NAME = 'wvm-states';

/**
 * @typedef {object} SavedState
 * @property {Blob} snapshot  the snapshot file (with the disk's overlay)
 * @property {number} bytes   its size in bytes
 * @property {number} saved   when it was saved, ms since the Unix epoch
 */

/**
 * The key of a guest configuration's saved state: its images, RAM, harts and command line, and
 * its disk's overlay key (the disk image's source, size and version), so that a state is never
 * restored over another disk image.
 * @param {import('./boot-config.mjs').BootConfig} config
 * @param {string} [diskKey]  the disk's overlayKey, '' without a disk
 * @returns {string}
 */
export function stateKey(config, diskKey = '') {
  const image = (src) => (src == null || typeof src === 'string' ? src ?? '' : `file:${src.name}:${src.size}:${src.lastModified}`);
  return JSON.stringify([image(config.kernel), image(config.initrd), image(config.bios), config.mem, config.smp, config.append, diskKey]);
}

/**
 * Open (creating it if needed) the saved states.
 * @param {{dbName?: string}} [opts]  database name (tests)
 * @returns {Promise<{get(key: string): Promise<SavedState|undefined>, put(key: string, snapshot: Uint8Array): Promise<SavedState>}>}
 *   put stores durably and rejects if IndexedDB fails (e.g. QuotaExceededError)
 * @throws Error if IndexedDB is unavailable or the database cannot be opened
 */
export async function openStates({ dbName = DB_NAME } = {}) {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available: a state cannot be saved');
  const db = await openDB(dbName, 1, { upgrade: (d) => d.createObjectStore('states') });
  return {
    get: (key) => db.get('states', key),
    async put(key, snapshot) {
      const value = { snapshot: new Blob([snapshot], { type: 'application/octet-stream' }), bytes: snapshot.length, saved: Date.now() };
      const tx = db.transaction('states', 'readwrite', { durability: 'strict' });
      await Promise.all([tx.store.put(value, key), tx.done]);
      return value;
    },
  };
}
