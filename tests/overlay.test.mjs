// The web page's IndexedDB disk overlay (web/disk-store.mjs) and its
// copy-on-write disk (web/cow-disk.mjs) against fake-indexeddb: persistence
// across reopening, 4 KiB blocks read on demand through a small cache, the
// upgrade of a database of per-sector records, overlays of replaced images
// deleted, flush ordering, quota failures losing nothing committed, an overlay
// exported and imported (a snapshot's) replacing the stored one durably or not
// at all, the disk exported as a stream, and a Linux guest on such a disk
// seeing a failed write as an I/O error.
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { openDB } from 'idb';
import { BLOCK, openOverlay, overlayKey, SECTOR } from '../web/disk-store.mjs';
import { cowDisk } from '../web/cow-disk.mjs';
import { fileImage } from '../web/http-disk.mjs';
import { Machine } from '../src/js/machine.mjs';
import { guestImages } from './images.mjs';

let dbCount = 0;
/** A fresh database name per test. */
const freshDb = () => `wvm-test-${++dbCount}`;
const sector = (byte, n = 1) => new Uint8Array(n * SECTOR).fill(byte);
const read = (ov, offset, length) => ov.apply(offset, new Uint8Array(length)); // a promise

/** A base image of `size` bytes whose every byte is 0xbb. */
function baseImage(size) {
  return { size, async read(offset, length) { return new Uint8Array(length).fill(0xbb); } };
}

test('writes survive reopening; overlays of different images do not mix', async () => {
  // Two versions of one source no longer coexist (opening one deletes the other's overlay, see
  // 'overlays of a replaced base image are deleted'): different images here are different sources.
  const dbName = freshDb(), sourceA = 'http://x/disk.img', sourceB = 'http://x/other.img';
  const keyA = overlayKey(sourceA, 1 << 20, '"v1"'), keyB = overlayKey(sourceB, 1 << 20, '"v1"');
  let a = await openOverlay(keyA, { dbName, source: sourceA });
  await a.write(SECTOR * 3, sector(0x11, 2));
  await a.flush();
  assert.equal(a.bytes, 2 * SECTOR);
  await a.close();

  a = await openOverlay(keyA, { dbName, source: sourceA });
  const b = await openOverlay(keyB, { dbName, source: sourceB });
  assert.deepEqual(await read(a, SECTOR * 2, SECTOR * 4), Uint8Array.from([...sector(0, 1), ...sector(0x11, 2), ...sector(0, 1)]));
  assert.equal(b.bytes, 0);
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
  assert.deepEqual(await read(ov, 0, SECTOR * 2), Uint8Array.from([...sector(3), ...sector(2)]));
  await ov.flush();
  order.push('flush');
  assert.deepEqual(order, ['w1', 'w2', 'w3', 'flush']);
  // Committed: a second connection reads the same bytes.
  const other = await openOverlay(key, { dbName });
  assert.deepEqual(await read(other, 0, SECTOR * 5), await read(ov, 0, SECTOR * 5));
  assert.deepEqual(await read(other, 0, SECTOR), sector(3));
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
  const bytes = new Uint8Array(await new Response(disk.exportStream(SECTOR * 3)).arrayBuffer());
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

test('sectors are stored in 4 KiB blocks: a write of one sector keeps the other 7 from the base', async () => {
  const dbName = freshDb(), key = overlayKey('blocks', 1 << 20), base = baseImage(1 << 20);
  let ov = await openOverlay(key, { dbName });
  await ov.write(BLOCK * 2 + SECTOR * 5, sector(0x55)); // sector 5 of block 2
  await ov.write(BLOCK * 3 + SECTOR * 7, sector(0x77, 2)); // the last sector of block 3, the first of block 4
  await ov.close();
  const db = await openDB(dbName);
  assert.deepEqual(await db.getAllKeys('blocks'), [[key, 2], [key, 3], [key, 4]]);
  const record = await db.get('blocks', [key, 2]);
  assert.equal(record.data.length, BLOCK);
  assert.equal(record.mask, 1 << 5);
  assert.deepEqual(record.data.subarray(SECTOR * 5, SECTOR * 6), sector(0x55));
  assert.deepEqual(await db.getAll('masks'), [1 << 5, 1 << 7, 1]);
  db.close();

  ov = await openOverlay(key, { dbName });
  assert.equal(ov.bytes, 3 * SECTOR);
  assert.equal(ov.covers(BLOCK * 2, BLOCK), false);
  assert.equal(ov.covers(BLOCK * 3 + SECTOR * 7, SECTOR * 2), true);
  const disk = cowDisk(base, ov);
  assert.deepEqual(await disk.read(BLOCK * 2, BLOCK), Uint8Array.from([...sector(0xbb, 5), ...sector(0x55), ...sector(0xbb, 2)]));
  // Writes in part of a stored block, two at once: each merges with the sectors stored before it.
  await Promise.all([disk.write(BLOCK * 2, sector(0x20)), disk.write(BLOCK * 2 + SECTOR * 5, sector(0x25, 2))]);
  await ov.close();
  ov = await openOverlay(key, { dbName });
  const expect = Uint8Array.from([...sector(0x20), ...sector(0xbb, 4), ...sector(0x25, 2), ...sector(0xbb)]);
  assert.deepEqual(await cowDisk(base, ov).read(BLOCK * 2, BLOCK), expect);
  assert.equal(ov.bytes, 5 * SECTOR);
  await ov.close();
});

/** Count the reads of the 'blocks' store (get and getAll) while installed; returns {count, restore()}. */
function countBlockReads() {
  const proto = globalThis.IDBObjectStore.prototype, { get, getAll } = proto;
  const spy = { count: 0, restore() { Object.assign(proto, { get, getAll }); } };
  const counted = (f) => function (...args) {
    if (this.name === 'blocks') spy.count++;
    return f.apply(this, args);
  };
  Object.assign(proto, { get: counted(get), getAll: counted(getAll) });
  return spy;
}

test('opening reads no block; blocks are read when needed, through a cache of 2 blocks', async () => {
  const dbName = freshDb(), key = overlayKey('lazy', 2 << 20);
  const content = (i) => { // block i's bytes: distinct for each i
    const b = new Uint8Array(BLOCK).fill(i);
    b[0] = i >> 8;
    return b;
  };
  const at = (i) => i * 3 * BLOCK; // 100 blocks with gaps between them
  const order = Array.from({ length: 100 }, (_, i) => (i * 37) % 100); // every block, out of order
  let ov = await openOverlay(key, { dbName, cacheBytes: 2 * BLOCK });
  const writes = order.map((i) => ov.write(at(i), content(i))); // all in flight at once
  for (const i of order) assert.deepEqual(await read(ov, at(i), BLOCK), content(i)); // read back before committed
  await Promise.all(writes);
  await ov.flush();
  await ov.close();

  const reads = countBlockReads();
  try {
    ov = await openOverlay(key, { dbName, cacheBytes: 2 * BLOCK });
    assert.equal(reads.count, 0, 'opening read blocks');
    assert.equal(ov.bytes, 100 * BLOCK);
    for (const i of order) assert.deepEqual(await read(ov, at(i), BLOCK), content(i));
    assert.ok(reads.count >= 98, `${reads.count} block reads for 100 blocks read through a cache of 2`);
    await Promise.all(order.map(async (i) => assert.deepEqual(await read(ov, at(i), BLOCK), content(i))));
    const all = await read(ov, 0, at(100)); // one read over every block (more than the cache)
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(all.subarray(at(i), at(i) + BLOCK), content(i));
      assert.ok(all.subarray(at(i) + BLOCK, at(i + 1)).every((b) => b === 0), `the gap after block ${i} reads as the base`);
    }
    const exported = await cowDisk(baseImage(2 << 20), ov).exportOverlay();
    assert.equal(exported.length, 100 * 8 * (8 + SECTOR));
  } finally {
    reads.restore();
  }
  await ov.close();
});

test('a database of per-sector records (version 1) is upgraded to blocks, keeping every sector', async () => {
  const dbName = freshDb(), key = overlayKey('http://x/old.img', 8 << 20, '"v1"'), other = overlayKey('other', 8 << 20);
  const big = overlayKey('big', 8 << 20);
  const fill = (s) => (s * 7 + 1) & 0xff; // sector s's byte
  // As the old code kept them: store 'sectors' ([disk key, sector index] -> 512 bytes) and 'disks'.
  const old = await openDB(dbName, 1, { upgrade(d) { d.createObjectStore('sectors'); d.createObjectStore('disks'); } });
  const tx = old.transaction(['sectors', 'disks'], 'readwrite');
  for (const s of [0, 1, 7, 9]) tx.objectStore('sectors').put(sector(fill(s)), [key, s]);
  tx.objectStore('sectors').put(sector(0x99), [other, 8]);
  for (let s = 3; s < 8400; s++) tx.objectStore('sectors').put(sector(fill(s)), [big, s]); // more than one batch of the upgrade
  tx.objectStore('disks').put({ bytes: 4 * SECTOR, updated: 1234 }, key);
  await tx.done;
  old.close();

  const base = baseImage(8 << 20);
  let ov = await openOverlay(key, { dbName });
  assert.equal(ov.bytes, 4 * SECTOR);
  const expect = Array.from({ length: 10 }, (_, s) => ([0, 1, 7, 9].includes(s) ? sector(fill(s)) : sector(0xbb)));
  assert.deepEqual(await cowDisk(base, ov).read(0, 10 * SECTOR), Uint8Array.from(expect.flatMap((b) => [...b])));
  await ov.close();
  ov = await openOverlay(other, { dbName });
  assert.deepEqual(await cowDisk(base, ov).read(BLOCK, BLOCK), Uint8Array.from([...sector(0x99), ...sector(0xbb, 7)]));
  await ov.close();
  ov = await openOverlay(big, { dbName, cacheBytes: 0 });
  assert.equal(ov.bytes, (8400 - 3) * SECTOR);
  const bytes = await read(ov, 0, 8400 * SECTOR);
  for (let s = 0; s < 8400; s++) {
    assert.equal(bytes[s * SECTOR], s < 3 ? 0 : fill(s), `sector ${s}`);
    assert.equal(bytes[s * SECTOR + SECTOR - 1], s < 3 ? 0 : fill(s), `sector ${s}`);
  }
  await ov.close();

  const db = await openDB(dbName);
  assert.equal(db.version, 2);
  assert.deepEqual([...db.objectStoreNames].sort(), ['blocks', 'disks', 'masks']);
  assert.deepEqual(await db.get('disks', key), { bytes: 4 * SECTOR, updated: 1234 });
  assert.deepEqual((await db.getAllKeys('disks')).sort(), [big, key, other].sort());
  assert.deepEqual(await db.get('blocks', [key, 0]).then((r) => r.mask), 0b10000011);
  db.close();
});

test('overlays of a replaced base image are deleted when it opens; other images\' stay', async () => {
  const dbName = freshDb(), src = 'http://x/disk.img';
  const v1 = overlayKey(src, 1 << 20, '"v1"'), v2 = overlayKey(src, 1 << 20, '"v2"');
  const bigger = overlayKey(src, 2 << 20, '"v1"'), unversioned = overlayKey(src, 1 << 20);
  // Other sources, some whose keys start as src's do.
  const others = [overlayKey('http://x/disk.img.bak', 1 << 20, '"v1"'), overlayKey(`${src}#copy`, 1 << 20), overlayKey('http://y/disk.img', 1 << 20)];
  for (const key of [v1, bigger, unversioned, ...others]) {
    const ov = await openOverlay(key, { dbName });
    await ov.write(0, sector(1)); // not flushed: the first commit lists the overlay
    await ov.close();
  }
  // Without `source`, nothing is deleted: two versions coexist and do not mix.
  let ov = await openOverlay(v2, { dbName });
  assert.equal(ov.bytes, 0);
  await ov.write(SECTOR, sector(2));
  await ov.close();
  ov = await openOverlay(v1, { dbName });
  assert.equal(ov.bytes, SECTOR);
  assert.deepEqual(await read(ov, 0, SECTOR * 2), Uint8Array.from([...sector(1), ...sector(0)]));
  await ov.close();

  // With its source, opening v2 deletes the overlays of the other sizes and versions.
  ov = await openOverlay(v2, { dbName, source: src });
  assert.equal(ov.bytes, SECTOR);
  await ov.close();
  const db = await openDB(dbName);
  const keep = [v2, ...others].sort();
  assert.deepEqual((await db.getAllKeys('disks')).sort(), keep);
  assert.deepEqual([...new Set((await db.getAllKeys('blocks')).map((k) => k[0]))].sort(), keep);
  assert.deepEqual([...new Set((await db.getAllKeys('masks')).map((k) => k[0]))].sort(), keep);
  db.close();
  ov = await openOverlay(v1, { dbName, source: src }); // and back: v2's goes
  assert.equal(ov.bytes, 0);
  await ov.close();
  ov = await openOverlay(others[1], { dbName });
  assert.equal(ov.bytes, SECTOR);
  await ov.close();
  await assert.rejects(openOverlay(v2, { dbName, source: 'http://y/disk.img' }), TypeError);
});

test('exportStream gives the base with the overlay over it, a chunk at a time', async () => {
  const size = (5 << 20) + 7 * SECTOR; // not a whole number of chunks
  let seed = 12345;
  const random = (n) => { // 0 <= an integer < n, reproducibly
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const image = Uint8Array.from({ length: size }, () => random(256));
  const base = fileImage(new Blob([image]));
  const dbName = freshDb(), key = overlayKey('export', size), expect = image.slice();
  let ov = await openOverlay(key, { dbName });
  const scatter = (n) => Array.from({ length: n }, () => {
    const offset = random(size / SECTOR - 16) * SECTOR, data = Uint8Array.from({ length: (1 + random(16)) * SECTOR }, () => random(256));
    expect.set(data, offset);
    return ov.write(offset, data);
  });
  await Promise.all(scatter(300));
  await ov.close();
  ov = await openOverlay(key, { dbName, cacheBytes: 16 * BLOCK }); // blocks read as the export gets to them
  const pending = scatter(20); // and some writes not yet committed
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of cowDisk(base, ov).exportStream()) {
    assert.ok(chunk.length <= 1 << 20);
    hash.update(chunk);
    length += chunk.length;
  }
  assert.equal(length, size);
  assert.equal(hash.digest('hex'), createHash('sha256').update(expect).digest('hex'));
  await Promise.all(pending);
  assert.throws(() => cowDisk(base, ov).exportStream(1000), RangeError);
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
      assert.deepEqual(await read(ov, 0, SECTOR * 3), Uint8Array.from([...sector(0xaa, 2), ...sector(0)]));
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
      assert.deepEqual(await read(ov, 0, SECTOR * 3), Uint8Array.from([...sector(0xaa, 2), ...sector(0)]));
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
