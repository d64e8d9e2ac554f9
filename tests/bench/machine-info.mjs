// What a bench result was measured on, for its JSON file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { root } from '../helpers.mjs';

function git(...args) {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** True if tracked files differ from HEAD (read-only check: does not refresh the index). */
function gitDirty() {
  try {
    execFileSync('git', ['-C', root, 'diff-index', '--quiet', 'HEAD', '--'], { stdio: 'ignore' });
    return false;
  } catch (e) {
    return e.status === 1 ? true : null;
  }
}

/**
 * Host, toolchain and guest description.
 * @param {import('./targets.mjs').Target[]} targets  their version() strings are included
 * @param {string} imageDir  the guest images (its manifest.txt is included)
 * @returns {object}
 */
export function machineInfo(targets, imageDir) {
  const cpus = os.cpus();
  let manifest = null;
  try {
    manifest = readFileSync(`${imageDir}/manifest.txt`, 'utf8').trim().split('\n');
  } catch { /* older image caches have none */ }
  return {
    cpu: cpus[0]?.model ?? null,
    cpus: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
    node: process.version,
    wvmCommit: git('rev-parse', 'HEAD'),
    wvmDirty: gitDirty(),
    versions: Object.fromEntries(targets.map((t) => [t.id, t.version()]).filter(([, v]) => v)),
    guestImages: imageDir,
    guestManifest: manifest,
  };
}
