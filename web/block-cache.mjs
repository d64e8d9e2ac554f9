// The committed blocks of a disk overlay kept in memory, up to a byte budget, the least
// recently used dropped first (read again from IndexedDB when needed).
import { BLOCK } from './overlay-block.mjs';

/** 4 KiB blocks by block index, least recently used dropped past a budget. */
export class BlockCache {
  /** @type {Map<number, Uint8Array>} block index -> its 4096 bytes, least recently used first */
  #blocks = new Map();
  #max;

  /** @param {number} bytes  the budget; at least one block is kept */
  constructor(bytes) {
    this.#max = Math.max(1, Math.floor(bytes / BLOCK));
  }

  /**
   * A block's bytes, now the most recently used, or undefined if not kept.
   * @param {number} index  block index
   * @returns {Uint8Array|undefined}
   */
  get(index) {
    const data = this.#blocks.get(index);
    if (data) {
      this.#blocks.delete(index);
      this.#blocks.set(index, data);
    }
    return data;
  }

  /**
   * Keep a block's bytes (replacing any kept) as the most recently used.
   * @param {number} index  block index
   * @param {Uint8Array} data  its 4096 bytes, not modified afterwards
   */
  set(index, data) {
    this.#blocks.delete(index);
    this.#blocks.set(index, data);
    while (this.#blocks.size > this.#max) this.#blocks.delete(this.#blocks.keys().next().value);
  }

  /** Drop every block. */
  clear() {
    this.#blocks.clear();
  }
}
