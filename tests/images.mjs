// The default riscv64 guest images, built (or found in the cache) by the
// recipe in examples/images/riscv64.
import { execFileSync } from 'node:child_process';
import { root } from './helpers.mjs';

let dir = null;

/** Directory holding Image, initramfs.cpio.gz and disk.ext2 (builds them on first use). */
export function guestImages() {
  if (!dir) {
    const out = execFileSync('bash', [`${root}examples/images/riscv64/build.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    dir = out.trim().split('\n').pop();
  }
  return dir;
}
