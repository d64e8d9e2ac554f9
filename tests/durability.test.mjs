// Nothing synced is lost when the emulator dies: the default guest writes
// files to its ext2 disk (a host file, -drive) and runs `sync`, then keeps
// writing while the CLI is killed with SIGKILL. Restarted on the same file,
// every synced file hashes as before; the host's e2fsck then finds at most
// what unsynced writes leave behind on a file system without a journal
// (bitmaps, the inodes being written), repairs it, and the result checks
// clean with the synced files still intact. Native and wasm (Node) CLIs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PROMPT, processSession } from '../src/js/session.mjs';
import { engines } from './helpers.mjs';
import { guestImages } from './images.mjs';

// Files written and synced: name -> bytes (random contents).
const FILES = { 'small.bin': 1024, 'medium.bin': 300 << 10, 'large.bin': 3 << 20 };

/** Boot the CLI `engine` on disk image `disk`; its session at the prompt. */
async function boot(engine, disk) {
  const img = guestImages();
  const child = spawn(engines[engine][0], [...engines[engine].slice(1), '-kernel', `${img}/Image`, '-initrd',
    `${img}/initramfs.cpio.gz`, '-append', 'console=ttyS0', '-drive', `file=${disk},format=raw,if=virtio`], { stdio: 'pipe' });
  const s = processSession(child, engine);
  await s.waitFor(PROMPT, { timeoutMs: 180000 });
  return { child, s };
}

/** sha256 of each file of FILES under /mnt, as the guest computes it. */
async function guestHashes(s) {
  const r = await s.run(`cd /mnt && sha256sum ${Object.keys(FILES).join(' ')}; cd`);
  assert.equal(r.status, 0, r.output);
  return r.output;
}

/** e2fsck on `disk`: {status, out}. */
const e2fsck = (flags, disk) => {
  const r = spawnSync('e2fsck', [flags, disk], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
};

for (const engine of ['native', 'wasm']) {
  test(`${engine} CLI killed mid-write: synced files intact after restart, e2fsck repairs only unsynced writes`, async (t) => {
    const dir = mkdtempSync(`${tmpdir()}/wvm-durable-`), disk = `${dir}/disk.ext2`;
    copyFileSync(`${guestImages()}/disk.ext2`, disk);
    try {
      let { child, s } = await boot(engine, disk);
      const writes = Object.entries(FILES).map(([name, n]) => `dd if=/dev/urandom of=/mnt/${name} bs=${n} count=1 2>/dev/null`);
      assert.equal((await s.run(`${writes.join(' && ')} && sync`)).status, 0);
      const before = await guestHashes(s);
      // More writes in flight: a new file growing and a synced one rewritten in place.
      s.send('(dd if=/dev/urandom of=/mnt/junk bs=64k count=4000; dd if=/dev/zero of=/mnt/scratch bs=64k count=200) 2>/dev/null &\n');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      child.kill('SIGKILL');
      await s.exited;

      ({ child, s } = await boot(engine, disk));
      assert.equal(await guestHashes(s), before);
      s.send('poweroff\n');
      assert.equal(await s.exited, 0);

      const first = e2fsck('-fy', disk);
      assert.ok(first.status === 0 || first.status === 1, `e2fsck -fy exit ${first.status}:\n${first.out}`);
      t.diagnostic(`e2fsck -fy after the kill: exit ${first.status}`);
      const second = e2fsck('-fn', disk);
      assert.equal(second.status, 0, `after the repair:\n${second.out}`);
      ({ child, s } = await boot(engine, disk));
      assert.equal(await guestHashes(s), before);
      s.send('poweroff\n');
      assert.equal(await s.exited, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
