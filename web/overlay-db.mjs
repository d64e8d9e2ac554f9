// The IndexedDB database of the page's disk overlays (through the `idb` wrapper), version 2:
//   'blocks'  [disk key, block index] -> {data, mask}: a 4 KiB block of the disk holding
//             sectors the guest wrote (overlay-block.mjs). data: its 4096 bytes; mask: which
//             of its 8 sectors were written (bit k: sector k). An unwritten sector's bytes are
//             0 and unused: the disk reads it from the base image.
//   'masks'   [disk key, block index] -> the block's mask: the index an overlay reads when it
//             opens, so that blocks are read only when the guest reads them
//   'disks'   disk key -> {bytes, updated}: one per stored overlay (written sectors in bytes;
//             when it was last flushed or replaced, ms since the Unix epoch)
// Version 1 kept one record per 512-byte sector (store 'sectors'); opening such a database
// converts them to blocks (overlay-migrate.mjs).
import { openDB } from '../node_modules/idb/build/index.js';
import { migrateSectors } from './overlay-migrate.mjs';

const DB_NAME = 'wvm-disks';
const VERSION = 2;

/**
 * The key range of a disk's blocks (or masks).
 * @param {string} key  the disk's key (overlayKey)
 * @param {number} [lo]  first block index
 * @param {number} [hi]  last block index (included)
 * @returns {IDBKeyRange}
 */
export function blockRange(key, lo = 0, hi = Infinity) {
  return IDBKeyRange.bound([key, lo], [key, hi]);
}

/**
 * Open the overlay database, creating it or upgrading a version-1 one (its sectors converted
 * to blocks, in the upgrade transaction: all or nothing).
 * @param {string} [name]  database name (tests)
 * @returns {Promise<import('idb').IDBPDatabase>}
 * @throws Error if another tab holds the database open at version 1 (it blocks the upgrade),
 *   or the upgrade fails
 */
export function openOverlayDb(name = DB_NAME) {
  return new Promise((resolve, reject) => {
    let refused = false;
    openDB(name, VERSION, {
      upgrade(db, oldVersion, newVersion, tx) {
        db.createObjectStore('blocks');
        db.createObjectStore('masks');
        if (oldVersion < 1) db.createObjectStore('disks');
        else migrateSectors(db, tx).catch(() => tx.abort()); // openDB then rejects
      },
      blocked() {
        refused = true;
        reject(new Error('the disk store needs an upgrade, which another tab of this page (an older version) blocks: close it and retry'));
      },
    }).then((db) => (refused ? db.close() : resolve(db)), reject);
  });
}
