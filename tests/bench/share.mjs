// File sharing (virtio-9p, 9P2000.L) of the default Linux guest: a host
// directory shared as mount tag 'host', which the guest's /init mounts at
// /media/host (msize 512000, cache=none), for wvm's wasm build (JIT) in this
// process and for QEMU's virtio-9p-device (-fsdev local, security_model=none).
//  - read: `cat` of a 32 MiB host file into /dev/null; MB/s over the command's host time.
//  - write: `dd` of 16 MiB into a new file with bs=1M, then `sync`; MB/s likewise.
//  - files: a loop creating 200 small files, then `ls -l` and `rm` of them; ms per file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { measureJitAndQemu } from './targets.mjs';

const READ_BYTES = 32 << 20, WRITE_BYTES = 16 << 20, FILES = 200;
const TIMEOUT_MS = 300000;

/** One sample on `target` (targets.mjs): {readMBps, writeMBps, fileMs}. */
async function sample(target, images) {
  const dir = mkdtempSync(`${tmpdir()}/wvm-bench-9p-`);
  writeFileSync(`${dir}/big`, Buffer.alloc(READ_BYTES, 0x61));
  const r = await target.open(images, { share: dir });
  try {
    const cmd = async (line, check) => {
      const c = await r.session.command(line, { timeoutMs: TIMEOUT_MS });
      if (!check.test(c.output)) throw new Error(`${target.label}: '${line}' printed '${c.output}'`);
      return c.seconds;
    };
    const read = await cmd('cat /media/host/big >/dev/null && echo ok', /ok/);
    const write = await cmd(`dd if=/dev/zero of=/media/host/out bs=1048576 count=${WRITE_BYTES >> 20} 2>/dev/null && sync && echo ok`, /ok/);
    const files = await cmd(`mkdir /media/host/m && cd /media/host/m && i=0; while [ $i -lt ${FILES} ]; do echo $i >f$i; i=$((i+1)); done; `
      + 'ls -l | wc -l; rm f*; cd', new RegExp(`^${FILES + 1}$`, 'm'));
    return { readMBps: READ_BYTES / 1e6 / read, writeMBps: WRITE_BYTES / 1e6 / write, fileMs: (files * 1000) / FILES };
  } finally {
    await r.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Measure file sharing on wvm wasm (JIT) and QEMU, `runs` samples each, alternating.
 * @param {{t: import('./targets.mjs').Target, skipped: string|null}[]} status
 * @param {import('./targets.mjs').GuestImages} images  the default guest
 * @param {number} runs
 * @param {(s: string) => void} progress
 * @returns {Promise<Array<{id: string, label: string, skipped: string|null, samples: object[]}>>}
 */
export function measureShare(status, images, runs, progress) {
  return measureJitAndQemu(status, runs, progress, 'file sharing: read, write, small files', (t) => sample(t, images),
    (s) => `file sharing: read ${s.readMBps.toFixed(1)} MB/s, write ${s.writeMBps.toFixed(1)} MB/s, ${s.fileMs.toFixed(2)} ms per file`);
}
