// The web page's IndexedDB disk overlay (web/disk-store.mjs) and its
// copy-on-write disk (web/cow-disk.mjs) against fake-indexeddb: persistence
// across reopening, flush ordering, quota failures losing nothing committed,
// an overlay exported and imported (a snapshot's) replacing the stored one
// durably or not at all, and a Linux guest on such a disk seeing a failed
// write as an I/O error.
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openOverlay, overlayKey, SECTOR } from '../web/disk-store.mjs';
import { cowDisk } from '../web/cow-disk.mjs';
import { fileImage } from '../web/http-disk.mjs';
import { Machine } from '../src/js/machine.mjs';
import { guestImages } from './images.mjs';

let dbCount = 0;
/** A fresh database name per test. */
const freshDb = () => `wvm-test-${++dbCount}`;
const sector = (byte, n = 1) => new Uint8Array(n * SECTOR).fill(byte);
const read = (ov, offset, length) => ov.apply(offset, new Uint8Array(length));

/** A base image of `size` bytes whose every byte is 0xbb. */
function baseImage(size) {
  return { size, async read(offset, length) { return new Uint8Array(length).fill(0xbb); } };
}

test('writes survive reopening; overlays of different images do not mix', async () => {
  const dbName = freshDb();
  const keyA = overlayKey('http://x/disk.img', 1 << 20, '"v1"'), keyB = overlayKey('http://x/disk.img', 2 << 20, '"v1"');
  const keyA2 = overlayKey('http://x/disk.img', 1 << 20, '"v2"'); // the same URL and size, a new version
  let a = await openOverlay(keyA, { dbName });
  await a.write(SECTOR * 3, sector(0x11, 2));
  await a.flush();
  assert.equal(a.bytes, 2 * SECTOR);
  await a.close();

  a = await openOverlay(keyA, { dbName });
  const b = await openOverlay(keyB, { dbName }), a2 = await openOverlay(keyA2, { dbName });
  assert.deepEqual(read(a, SECTOR * 2, SECTOR * 4), Uint8Array.from([...sector(0, 1), ...sector(0x11, 2), ...sector(0, 1)]));
  assert.equal(b.bytes, 0);
  assert.equal(a2.bytes, 0);
  await a2.close();
  assert.equal(b.covers(SECTOR * 3, SECTOR), false);
  assert.equal(a.covers(SECTOR * 3, SECTOR * 2), true);
  assert.throws(() => a.write(100, sector(1)), RangeError);

  await a.clear();
  await a.close();
  a = await openOverlay(keyA, { dbName });
  assert.equal(a.bytes, 0);
  await Promise.all([a.close(), b.close()]);
});

test('reads see a write at once; flush resolves only after earlier writes committed', async () => {
  const dbName = freshDb(), key = overlayKey('disk', 1 << 20);
  const ov = await openOverlay(key, { dbName });
  const order = [];
  const w1 = ov.write(0, sector(1)).then(() => order.push('w1'));
  const w2 = ov.write(SECTOR, sector(2, 4)).then(() => order.push('w2'));
  const w3 = ov.write(0, sector(3)).then(() => order.push('w3'));
  // Not committed yet, but visible to reads.
  assert.deepEqual(order, []);
  assert.deepEqual(read(ov, 0, SECTOR * 2), Uint8Array.from([...sector(3), ...sector(2)]));
  await ov.flush();
  order.push('flush');
  assert.deepEqual(order, ['w1', 'w2', 'w3', 'flush']);
  // Committed: a second connection reads the same bytes.
  const other = await openOverlay(key, { dbName });
  assert.deepEqual(read(other, 0, SECTOR * 5), read(ov, 0, SECTOR * 5));
  assert.deepEqual(read(other, 0, SECTOR), sector(3));
  await Promise.all([w1, w2, w3, ov.close(), other.close()]);
});

test('the copy-on-write disk reads the base under the overlay and exports both merged', async () => {
  const dbName = freshDb();
  const base = baseImage(SECTOR * 8);
  const ov = await openOverlay(overlayKey('base', base.size), { dbName });
  const disk = cowDisk(base, ov);
  assert.equal(disk.size, SECTOR * 8);
  await disk.write(SECTOR * 2, sector(0x22));
  await disk.flush();
  assert.deepEqual(await disk.read(SECTOR, SECTOR * 3), Uint8Array.from([...sector(0xbb), ...sector(0x22), ...sector(0xbb)]));
  const blob = await disk.exportBlob(SECTOR * 3);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  assert.equal(bytes.length, SECTOR * 8);
  assert.deepEqual(bytes.subarray(SECTOR * 2, SECTOR * 3), sector(0x22));
  assert.equal(bytes[0], 0xbb);
  assert.equal(bytes[bytes.length - 1], 0xbb);
  await ov.close();
});

test('an overlay exported from one disk replaces another\'s, durably; a failed or bad import changes nothing', async () => {
  const dbName = freshDb(), base = baseImage(SECTOR * 8);
  const from = cowDisk(base, await openOverlay(overlayKey('a', base.size), { dbName }));
  await from.write(SECTOR * 5, sector(0x55));
  await from.write(SECTOR, sector(0x11, 2));
  const bytes = await from.exportOverlay();
  assert.equal(bytes.length, 3 * (8 + SECTOR));

  const key = overlayKey('b', base.size);
  let ov = await openOverlay(key, { dbName });
  await ov.write(0, sector(0x99, 3));
  const to = cowDisk(base, ov);
  await to.importOverlay(bytes);
  const expect = Uint8Array.from([...sector(0xbb), ...sector(0x11, 2), ...sector(0xbb, 2), ...sector(0x55), ...sector(0xbb, 2)]);
  assert.deepEqual(await to.read(0, SECTOR * 8), expect);
  assert.deepEqual(await to.exportOverlay(), bytes);
  await ov.close();
  ov = await openOverlay(key, { dbName }); // stored: another connection sees the imported sectors only
  assert.deepEqual(await cowDisk(base, ov).read(0, SECTOR * 8), expect);
  assert.equal(ov.bytes, 3 * SECTOR);

  const other = cowDisk(base, ov);
  await assert.rejects(other.importOverlay(bytes.subarray(1)), /not a whole number of sectors/);
  await assert.rejects(cowDisk(baseImage(SECTOR * 4), ov).importOverlay(bytes), /writes sector 5 of a disk of 4 sectors/);
  const restore = quotaFailures(() => true, { sync: false });
  try {
    await assert.rejects(other.importOverlay(new Uint8Array(0)), { name: 'QuotaExceededError' }); // the disks record's put fails
  } finally {
    restore();
  }
  assert.deepEqual(await other.read(0, SECTOR * 8), expect);
  await ov.close();
  ov = await openOverlay(key, { dbName });
  assert.equal(ov.bytes, 3 * SECTOR, 'the failed import deleted stored sectors');
  await ov.close();
});

/**
 * Make IndexedDB puts fail with QuotaExceededError while `on()` is true:
 * `sync` throws from put() itself, otherwise the request fails when it runs
 * and aborts its transaction with that error, as a browser over quota does.
 * Returns a function that restores put().
 */
function quotaFailures(on, { sync }) {
  const proto = globalThis.IDBObjectStore.prototype;
  const put = proto.put;
  proto.put = function (...args) {
    if (!on()) return put.apply(this, args);
    const err = new DOMException('quota exceeded (test)', 'QuotaExceededError');
    if (sync) throw err;
    // fake-indexeddb's request scheduler: the operation runs later and throws.
    return this.transaction._execRequestAsync({ operation: () => { throw err; }, source: this });
  };
  return () => { proto.put = put; };
}

for (const sync of [false, true]) {
  test(`quota exceeded (${sync ? 'put throws' : 'transaction aborts'}): the write rejects, committed data survives`, async () => {
    const dbName = freshDb(), key = overlayKey('disk', 1 << 20);
    let full = false;
    const restore = quotaFailures(() => full, { sync });
    try {
      let ov = await openOverlay(key, { dbName });
      await ov.write(0, sector(0xaa, 2));
      await ov.flush();

      full = true;
      await assert.rejects(ov.write(SECTOR, sector(0xcc, 2)), { name: 'QuotaExceededError' });
      // The failed write is undone in memory: the committed sector and the base show again.
      assert.deepEqual(read(ov, 0, SECTOR * 3), Uint8Array.from([...sector(0xaa, 2), ...sector(0)]));
      assert.equal(ov.covers(SECTOR * 2, SECTOR), false);
      await assert.rejects(ov.flush(), { name: 'QuotaExceededError' });

      // Through the disk backend as Machine uses it: write and flush reject.
      const disk = cowDisk(baseImage(1 << 20), ov);
      await assert.rejects(disk.write(SECTOR * 4, sector(0xdd)), { name: 'QuotaExceededError' });
      await assert.rejects(disk.flush(), { name: 'QuotaExceededError' });
      assert.deepEqual(await disk.read(SECTOR * 4, SECTOR), sector(0xbb));

      full = false;
      await ov.flush(); // failures were reported once; storage works again
      await ov.close();
      ov = await openOverlay(key, { dbName });
      assert.deepEqual(read(ov, 0, SECTOR * 3), Uint8Array.from([...sector(0xaa, 2), ...sector(0)]));
      assert.equal(ov.bytes, 2 * SECTOR);
      await ov.close();
    } finally {
      restore();
    }
  });
}

test('a guest on the overlay disk: a write over quota is an I/O error in the guest, committed files survive', async (t) => {
  const img = guestImages();
  const machines = [];
  t.after(() => machines.forEach((m) => m.stop())); // after a failure too: the process must end
  const base = fileImage(new Blob([readFileSync(`${img}/disk.ext2`)]));
  const dbName = freshDb(), key = overlayKey('disk.ext2', base.size);
  let full = false;
  const restore = quotaFailures(() => full, { sync: false });

  async function boot() {
    const ov = await openOverlay(key, { dbName });
    const machine = await Machine.create({
      mem: 128, kernel: readFileSync(`${img}/Image`), initrd: readFileSync(`${img}/initramfs.cpio.gz`),
      append: 'console=ttyS0', disks: [cowDisk(base, ov)],
    });
    machines.push(machine);
    let text = '';
    const errors = [];
    machine.addEventListener('output', (e) => { text += new TextDecoder().decode(e.detail); });
    machine.addEventListener('diskerror', (e) => errors.push(e.detail));
    const until = async (re, from) => {
      for (let i = 0; i < 600 && !re.test(text.slice(from)); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(text.slice(from), re);
    };
    const run = async (cmd) => {
      const from = text.length;
      machine.write(`${cmd}\n`);
      await until(/\n[^\n]*~ # $/, from);
      return text.slice(from);
    };
    machine.start();
    await until(/~ # $/, 0);
    return { machine, ov, run, errors };
  }

  try {
    let g = await boot();
    await g.run('echo committed > /mnt/a.txt && sync');
    full = true;
    const out = await g.run('dd if=/dev/zero of=/mnt/b.bin bs=4096 count=16 2>&1; sync');
    assert.ok(g.errors.length > 0 && g.errors.every((e) => e.name === 'QuotaExceededError'), 'the backend rejected writes');
    assert.match(out, /I\/O error, dev vda/); // the kernel reports the failed writes
    full = false;
    g.machine.write('poweroff -f\n');
    await g.machine.halted();
    await g.ov.close();

    g = await boot();
    assert.match(await g.run('cat /mnt/a.txt'), /\ncommitted\r?\n/);
    g.machine.write('poweroff -f\n');
    await g.machine.halted();
    await g.ov.close();
  } finally {
    restore();
  }
});
