// The layout of a disk overlay's storage unit: a block of 8 sectors (4 KiB) with a mask of the
// sectors written (bit k: sector k of the block), and operations on those masks.

/** Bytes per sector: the unit of disk reads and writes. */
export const SECTOR = 512;
/** Bytes per block: the unit of storage. */
export const BLOCK = 4096;
/** Sectors per block. */
export const SECTORS_PER_BLOCK = BLOCK / SECTOR;
/** The mask of a block whose every sector was written. */
export const FULL = (1 << SECTORS_PER_BLOCK) - 1;

/**
 * The mask of the sectors of block `index` that lie in a range of sectors.
 * @param {number} index  block index
 * @param {number} first  first sector index of the range
 * @param {number} end  sector index after the range
 * @returns {number}
 */
export function rangeMask(index, first, end) {
  const lo = Math.max(0, first - index * SECTORS_PER_BLOCK), hi = Math.min(SECTORS_PER_BLOCK, end - index * SECTORS_PER_BLOCK);
  return hi > lo ? ((1 << hi) - 1) & ~((1 << lo) - 1) : 0;
}

/**
 * How many sectors a mask names.
 * @param {number} mask
 * @returns {number} sectors
 */
export function sectorCount(mask) {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/**
 * Copy the sectors a mask names from one block's bytes to another's.
 * @param {Uint8Array} to  4096 bytes, modified
 * @param {Uint8Array} from  4096 bytes
 * @param {number} mask
 */
export function copySectors(to, from, mask) {
  for (let k = 0; k < SECTORS_PER_BLOCK; k++) {
    if (mask & (1 << k)) to.set(from.subarray(k * SECTOR, (k + 1) * SECTOR), k * SECTOR);
  }
}
