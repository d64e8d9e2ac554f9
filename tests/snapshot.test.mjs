// Snapshots of a real Linux guest (issue 9): save at the shell prompt, restore
// in a new machine of this process and in new processes of both CLIs (the
// wasm build's file restored by the native build), and run commands there;
// saving twice gives the same bytes; under -icount the original and the
// restored machine, fed the same input, print the same bytes and end in the
// same state; bad files are refused while the running machine runs on; the sectors written to
// a snapshot-mode disk travel in a snapshot saved with {disks: true}, and only then.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Machine } from '../src/js/machine.mjs';
import { openFileDisk } from '../src/js/file-disk.mjs';
import { decodeHost, encodeHost, encodeOverlay } from '../src/js/snapshot-host.mjs';
import { PROMPT, machineSession, processSession } from '../src/js/session.mjs';
import { guestImages } from './images.mjs';
import { engines } from './helpers.mjs';

const tmp = mkdtempSync(`${tmpdir()}/wvm-snap-`);
let kernel, initrd, img;
const machines = new Set();
before(() => {
  img = guestImages();
  kernel = readFileSync(`${img}/Image`);
  initrd = readFileSync(`${img}/initramfs.cpio.gz`);
});
after(() => machines.forEach((m) => m.stop()));

/** Start `machine` with a session; with `prompt`, wait for the shell prompt. */
async function session(machine, prompt = true) {
  machines.add(machine);
  const s = machineSession(machine);
  machine.start();
  if (prompt) await s.waitFor(PROMPT, { timeoutMs: 120000 });
  return s;
}

test('save at the prompt; the snapshot runs on in a new machine, the Node CLI and the native CLI', async () => {
  const a = await Machine.create({ mem: 256, kernel, initrd, append: 'console=ttyS0' });
  const sa = await session(a);
  await sa.command('X=kept; echo data > /tmp/f');
  const snap = await a.save(), again = await a.save();
  assert.ok(Buffer.from(snap).equals(Buffer.from(again)), 'two saves without running in between differ');
  assert.ok(snap.length < 10 << 20, `${snap.length} bytes`);
  assert.equal((await sa.command('echo $X $(cat /tmp/f)')).output, 'kept data'); // the original runs on

  const b = await Machine.restore(snap);
  assert.equal(b.state, 'created');
  const sb = await session(b, false);
  assert.equal((await sb.command('echo $X $(cat /tmp/f) $((6*7))')).output, 'kept data 42');
  assert.match((await sb.command('ls /proc/1')).output, /cmdline/);

  writeFileSync(`${tmp}/a.snap`, snap);
  for (const engine of ['wasm', 'native']) {
    const [cmd, ...pre] = engines[engine];
    const child = spawn(cmd, [...pre, '-incoming', `file:${tmp}/a.snap`], { stdio: ['pipe', 'pipe', 'pipe'] });
    const s = processSession(child, engine);
    assert.equal((await s.command('echo $X $(cat /tmp/f)', { timeoutMs: 60000 })).output, 'kept data', engine);
    child.stdin.write('poweroff -f\n');
    assert.equal(await s.exited, 0, engine);
  }
});

test('-icount: the original and the restored machine, fed the same input, print the same bytes and end in the same state', async () => {
  const opts = { mem: 128, kernel, initrd, append: 'console=ttyS0', icount: { shift: 2 }, rtc: { base: '2026-01-02T03:04:05', clock: 'vm' } };
  const a = await Machine.create(opts);
  const sa = await session(a);
  const snap = await a.save();
  const input = 'date; cat /proc/uptime; head -c 64 /dev/urandom | sha256sum; seq 1 3000 | sha256sum; '
    + 'cat /proc/interrupts; for i in 1 2 3; do sleep 0.2; cat /proc/uptime; done; poweroff -f\n';
  const from = sa.text.length;
  a.write(input); // at once: the same point of guest time as the snapshot
  const b = await Machine.restore(snap);
  machines.add(b);
  const sb = machineSession(b);
  b.write(input);
  b.start();
  assert.equal(await a.halted(), 0);
  assert.equal(await b.halted(), 0);
  const out = sa.text.slice(from);
  assert.match(out, /2026/);
  assert.match(out, /[0-9a-f]{64}/);
  assert.equal(sb.text, out);
  const [ea, eb] = [await a.save({ compress: false }), await b.save({ compress: false })];
  assert.ok(Buffer.from(ea).equals(Buffer.from(eb)), 'the two machines ended in different states');
});

test('bad snapshots are refused with a message; the running machine runs on', async () => {
  const a = await Machine.create({ mem: 64, kernel, initrd, append: 'console=ttyS0' });
  const sa = await session(a);
  const raw = await a.save({ compress: false }), zipped = await a.save();
  const flip = (bytes, at) => { const c = Uint8Array.from(bytes); c[at] ^= 4; return c; };
  const newer = Uint8Array.from(raw);
  newer[24 + 8] = 9; // the state's version
  const cases = [
    [new Uint8Array(10), /not a wvm snapshot/],
    [new TextEncoder().encode('hello, this is not a snapshot at all'), /not a wvm snapshot/],
    [raw.subarray(0, raw.length - 100), /corrupted or truncated/],
    [zipped.subarray(0, zipped.length >> 1), /corrupted or truncated/],
    [flip(raw, raw.length >> 1), /corrupted or truncated/],
    [flip(zipped, zipped.length >> 1), /corrupted or truncated/],
    [newer, /version 9; this wvm reads version 1/],
  ];
  for (const [bytes, re] of cases) await assert.rejects(Machine.restore(bytes), re);
  await assert.rejects(Machine.restore(raw, { disks: [{ size: 512, read: () => new Uint8Array(512), write() {}, flush() {} }] }),
    /saved with 0 disk/);
  assert.equal((await sa.command('echo still $((2+3))')).output, 'still 5');
  a.write('poweroff -f\n');
  assert.equal(await a.halted(), 0);
});

test('save({disks: true}) carries the sectors written to a snapshot-mode disk; a plain save leaves them behind', async () => {
  const disk = (opts) => openFileDisk(`${img}/disk.ext2`, { snapshot: true, ...opts });
  const a = await Machine.create({ mem: 128, kernel, initrd, append: 'console=ttyS0', disks: [disk()] });
  const sa = await session(a);
  // written through to the disk, then out of the guest's caches: a read after the restore comes from the disk
  await sa.command('echo wvm-disk-$((6*7)) > /mnt/f.txt && sync && echo 3 > /proc/sys/vm/drop_caches');
  const withDisks = await a.save({ disks: true }), plain = await a.save();
  assert.ok(Buffer.from(withDisks).equals(Buffer.from(await a.save({ disks: true }))), 'two saves with disks differ');
  a.stop();

  const d1 = disk();
  const b = await Machine.restore(withDisks, { disks: [d1] });
  assert.ok(Buffer.from(d1.exportOverlay()).includes('wvm-disk-42\n'), 'the disk did not get the written sectors');
  const sb = await session(b, false);
  assert.equal((await sb.command('cat /mnt/f.txt')).output, 'wvm-disk-42');
  b.stop();

  const d2 = disk();
  const c = await Machine.restore(plain, { disks: [d2] });
  assert.equal(d2.exportOverlay().length, 0);
  const sc = await session(c, false);
  assert.match((await sc.command('cat /mnt/f.txt')).output, /can't open '\/mnt\/f.txt': No such file/);
  c.stop();

  await assert.rejects(Machine.restore(withDisks, { disks: [disk({ snapshot: false, readonly: true })] }),
    /disk 0: the snapshot holds \d+ bytes of sectors written to it, and this disk cannot take them/);
  await assert.rejects(Machine.restore(withDisks), /saved with 1 disk\(s\) of \d+ bytes; give the same base images/);
  let seen;
  const chosen = await Machine.restore(withDisks, { disks: (saved) => { seen = saved; return [disk()]; } });
  chosen.stop();
  assert.deepEqual(seen, [{ size: d1.size, readonly: false, overlay: true }]);
});

test('a damaged host part or disk overlay is refused with a message', () => {
  const sector = new Uint8Array(512).fill(7);
  const good = encodeHost([{ size: 4096, readonly: false, overlay: encodeOverlay([[3, sector], [1, sector]]) }, { size: 512, readonly: true }]);
  const [d0, d1] = decodeHost(good);
  assert.deepEqual([d0.size, d0.overlay.length, d1.overlay], [4096, 2 * 520, null]);
  assert.deepEqual([...d0.overlay.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 0]); // sorted by sector
  assert.deepEqual(decodeHost(new Uint8Array(0)), []); // the native CLI's
  const text = (t) => new TextEncoder().encode(t);
  const cases = [
    [good.subarray(0, good.length - 1), /overlay \(1040 bytes at 0\) is not within the 1039 bytes/],
    [good.subarray(0, 20), /damaged: .*JSON/],
    [text('{"disks":{"size":512}}'), /"disks" is not a list/],
    [text('{"disks":[{"size":1000}]}'), /disk 0 has a size of 1000 bytes/],
    [Uint8Array.from([...text('{"disks":[{"size":1024,"overlay":{"offset":0,"bytes":520}}]}'), 0, 9, ...new Uint8Array(519)]),
      /disk 0: a disk overlay writes sector 9 of a disk of 2 sectors/],
    [Uint8Array.from([...text('{"disks":[{"size":1024,"overlay":{"offset":0,"bytes":100}}]}'), 0, ...new Uint8Array(100)]),
      /not a whole number of sectors/],
  ];
  for (const [bytes, re] of cases) assert.throws(() => decodeHost(bytes), re);
});
