// The upgrade of the disk overlay database from version 1 (store 'sectors': one record per
// 512-byte sector) to version 2 (blocks of 4 KiB with a mask of their written sectors; see
// overlay-db.mjs).
import { BLOCK, SECTOR, SECTORS_PER_BLOCK } from './overlay-block.mjs';

/** Sector records read at a time (bytes held: this many times 512). */
const BATCH = 8192;

/**
 * Convert every sector record to the block holding it (and its mask), give every disk a 'disks'
 * record, then delete store 'sectors'. Run in the upgrade (versionchange) transaction: if
 * anything fails, the transaction aborts and the database stays at version 1.
 * @param {import('idb').IDBPDatabase} db
 * @param {import('idb').IDBPTransaction<unknown, string[], 'versionchange'>} tx  the upgrade transaction, with stores 'blocks' and
 *   'masks' created
 * @returns {Promise<void>}
 */
export async function migrateSectors(db, tx) {
  const sectors = tx.objectStore('sectors'), blocks = tx.objectStore('blocks'), masks = tx.objectStore('masks');
  const disks = tx.objectStore('disks');
  const counts = new Map(); // disk key -> sectors written
  const puts = [];
  let block = null; // the block being filled: {key, index, data, mask}
  const store = () => {
    const id = [block.key, block.index];
    puts.push(blocks.put({ data: block.data, mask: block.mask }, id), masks.put(block.mask, id));
  };
  // Records come in key order ([disk key, sector index]), so a block's sectors are consecutive.
  for (let after = null; ;) {
    const range = after ? IDBKeyRange.lowerBound(after, true) : null;
    const [keys, values] = await Promise.all([sectors.getAllKeys(range, BATCH), sectors.getAll(range, BATCH)]);
    keys.forEach(([key, sector], i) => {
      const index = Math.floor(sector / SECTORS_PER_BLOCK), k = sector % SECTORS_PER_BLOCK;
      if (block?.key !== key || block.index !== index) {
        if (block) store();
        block = { key, index, data: new Uint8Array(BLOCK), mask: 0 };
      }
      block.data.set(values[i], k * SECTOR);
      block.mask |= 1 << k;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
    if (keys.length < BATCH) break;
    after = keys[keys.length - 1];
  }
  if (block) store();
  for (const [key, n] of counts) {
    const old = await disks.get(key);
    puts.push(disks.put({ bytes: n * SECTOR, updated: old?.updated ?? Date.now() }, key));
  }
  await Promise.all(puts);
  db.deleteObjectStore('sectors');
}
