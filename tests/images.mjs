// The default guest images, built (or found in the cache) by the recipes in
// examples/images/<arch>.
import { execFileSync } from 'node:child_process';
import { root } from './helpers.mjs';

const dirs = new Map();

/**
 * Directory holding the recipe's Image, initramfs.cpio(.gz) and disk.ext2
 * (and debian-Image for arm64), built on first use.
 * @param {'riscv64'|'arm64'} arch  the recipe
 */
export function guestImages(arch = 'riscv64') {
  if (!dirs.has(arch)) {
    const out = execFileSync('bash', [`${root}examples/images/${arch}/build.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    dirs.set(arch, out.trim().split('\n').pop());
  }
  return dirs.get(arch);
}
