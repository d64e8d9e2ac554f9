// The virtio-9p file system backends (src/js/fs-memory.mjs, src/js/fs-node.mjs):
// one suite of every interface method, its errors, read-only backends and
// invalid paths, run against both; the host-side helpers (writeFile, readFile,
// list, remove); MemoryFs's space limit and link counts; and NodeDirFs's
// escapes: symlinks on the host to '/', '..' or a directory or file outside
// lead nowhere.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { MemoryFs, linuxErrno } from '../src/js/fs-memory.mjs';
import { NodeDirFs } from '../src/js/fs-node.mjs';
import { FS_O_TRUNC, FS_O_APPEND, S_IFMT, S_IFDIR, S_IFREG, S_IFLNK } from '../src/js/fs-common.mjs';

const RDONLY = 0, WRONLY = 1, RDWR = 2;
const enc = s => new TextEncoder().encode(s);
const text = b => new TextDecoder().decode(b);
const code = c => ({ code: c });
const nowSec = () => Date.now() / 1000;

const tempDirs = [];
const tempDir = (prefix = 'wvm-fs-') => {
  const d = nodeFs.mkdtempSync(`${tmpdir()}/${prefix}`);
  tempDirs.push(d);
  return d;
};
after(() => tempDirs.forEach(d => nodeFs.rmSync(d, { recursive: true, force: true })));

/** Each backend: make() gives {fs, readonly(): the same tree through a read-only backend}. */
const backends = {
  MemoryFs: () => {
    const fs = new MemoryFs();
    return { fs, readonly: () => Object.assign(fs, { readonly: true }) };
  },
  NodeDirFs: () => {
    const dir = tempDir();
    return { fs: new NodeDirFs(dir), dir, readonly: () => new NodeDirFs(dir, { readonly: true }) };
  },
};

/** The whole contents of `path` through open/read. */
function contents(fs, path) {
  const h = fs.open(path, RDONLY), buf = new Uint8Array(1000);
  const n = fs.read(h, 0, buf);
  fs.close(h);
  return text(buf.subarray(0, n));
}

for (const [name, make] of Object.entries(backends)) {
  test(`${name}: create, write, read, getattr, fsync, close`, () => {
    const { fs } = make();
    const h = fs.create('f', RDWR, 0o640);
    assert.ok(Number.isInteger(h) && h >= 0);
    assert.equal(fs.write(h, 0, enc('hello world')), 11);
    const buf = new Uint8Array(5);
    assert.equal(fs.read(h, 6, buf), 5);
    assert.equal(text(buf), 'world');
    assert.equal(fs.read(h, 9, buf), 2);
    assert.equal(fs.read(h, 11, buf), 0);
    assert.equal(fs.read(h, 1000, buf), 0);
    fs.fsync(h);
    fs.close(h);
    const a = fs.getattr('f');
    assert.deepEqual(Object.keys(a).sort(), ['atimeNsec', 'atimeSec', 'blocks', 'ctimeNsec', 'ctimeSec', 'gid', 'ino', 'mode',
      'mtimeNsec', 'mtimeSec', 'nlink', 'rdev', 'size', 'uid']);
    for (const v of Object.values(a)) assert.ok(Number.isInteger(v));
    assert.equal(a.mode, S_IFREG | 0o640);
    assert.equal(a.size, 11);
    assert.equal(a.nlink, 1);
    assert.ok(a.blocks >= 1);
    assert.ok(Math.abs(a.mtimeSec - nowSec()) < 10 && a.mtimeNsec < 1e9);
    assert.equal(fs.getattr('').mode & S_IFMT, S_IFDIR);
    assert.notEqual(fs.getattr('').ino, a.ino);
    assert.throws(() => fs.create('f', RDWR, 0o644), code('EEXIST'));
    assert.throws(() => fs.getattr('missing'), code('ENOENT'));
    assert.throws(() => fs.getattr('f/x'), code('ENOTDIR'));
    // a write past the end leaves zeros before it
    const g = fs.create('g', WRONLY, 0o644);
    assert.equal(fs.write(g, 3, enc('x')), 1);
    fs.close(g);
    assert.equal(contents(fs, 'g'), '\0\0\0x');
  });

  test(`${name}: open flags and errors; handles`, () => {
    const { fs } = make();
    fs.writeFile('f', 'abc');
    fs.mkdir('d', 0o755);
    fs.symlink('l', 'f');
    assert.throws(() => fs.open('missing', RDONLY), code('ENOENT'));
    assert.throws(() => fs.open('d/missing', RDONLY), code('ENOENT'));
    assert.throws(() => fs.open('d', RDONLY), code('EISDIR'));
    assert.throws(() => fs.open('l', RDONLY), code('ELOOP'));
    assert.throws(() => fs.open('f/x', RDONLY), code('ENOTDIR'));
    assert.throws(() => fs.open('l/x', RDONLY), code('ELOOP'));
    assert.throws(() => fs.open('f', 3), code('EINVAL'));
    let h = fs.open('f', WRONLY | FS_O_APPEND);
    assert.equal(fs.write(h, 0, enc('de')), 2);
    assert.throws(() => fs.read(h, 0, new Uint8Array(4)), code('EBADF'));
    fs.close(h);
    assert.equal(contents(fs, 'f'), 'abcde');
    h = fs.open('f', RDONLY);
    assert.throws(() => fs.write(h, 0, enc('x')), code('EBADF'));
    fs.close(h);
    assert.throws(() => fs.read(h, 0, new Uint8Array(4)), code('EBADF'));
    assert.throws(() => fs.close(h), code('EBADF'));
    assert.throws(() => fs.fsync(123456), code('EBADF'));
    h = fs.open('f', RDWR | FS_O_TRUNC);
    assert.equal(fs.getattr('f').size, 0);
    assert.equal(fs.write(h, 0, enc('new')), 3);
    fs.close(h);
    assert.equal(contents(fs, 'f'), 'new');
  });

  test(`${name}: mkdir, readdir`, () => {
    const { fs } = make();
    assert.deepEqual(fs.readdir(''), []);
    fs.mkdir('d', 0o750);
    fs.mkdir('d/e', 0o700);
    fs.writeFile('d/f', '');
    assert.equal(fs.getattr('d').mode, S_IFDIR | 0o750);
    assert.equal(fs.getattr('d/e').mode, S_IFDIR | 0o700);
    assert.deepEqual(fs.readdir('').sort(), ['d']);
    assert.deepEqual(fs.readdir('d').sort(), ['e', 'f']);
    assert.throws(() => fs.mkdir('d', 0o755), code('EEXIST'));
    assert.throws(() => fs.mkdir('d/f', 0o755), code('EEXIST'));
    assert.throws(() => fs.mkdir('nope/x', 0o755), code('ENOENT'));
    assert.throws(() => fs.mkdir('d/f/x', 0o755), code('ENOTDIR'));
    assert.throws(() => fs.mkdir('', 0o755), code('EBUSY'));
    assert.throws(() => fs.readdir('d/f'), code('ENOTDIR'));
    assert.throws(() => fs.readdir('nope'), code('ENOENT'));
  });

  test(`${name}: symlink, readlink`, () => {
    const { fs } = make();
    fs.writeFile('f', 'x');
    fs.mkdir('d', 0o755);
    fs.symlink('l', 'some/target');
    fs.symlink('ld', 'd');
    const a = fs.getattr('l');
    assert.equal(a.mode & S_IFMT, S_IFLNK);
    assert.equal(a.size, 11);
    assert.equal(fs.readlink('l'), 'some/target');
    assert.throws(() => fs.readlink('f'), code('EINVAL'));
    assert.throws(() => fs.readlink('nope'), code('ENOENT'));
    assert.throws(() => fs.symlink('l', 'x'), code('EEXIST'));
    assert.throws(() => fs.symlink('f', 'x'), code('EEXIST'));
    assert.throws(() => fs.readdir('ld'), code('ELOOP'));
    assert.throws(() => fs.getattr('ld/x'), code('ELOOP'));
    assert.throws(() => fs.create('ld/x', WRONLY, 0o644), code('ELOOP'));
    assert.deepEqual(fs.readdir('d'), []);
  });

  test(`${name}: rename`, () => {
    const { fs } = make();
    fs.writeFile('a', 'A');
    fs.writeFile('b', 'B');
    fs.rename('a', 'b'); // replaces a file
    assert.equal(contents(fs, 'b'), 'A');
    assert.throws(() => fs.getattr('a'), code('ENOENT'));
    fs.writeFile('d1/x', 'X');
    fs.mkdir('d2', 0o755);
    fs.rename('d1', 'd2'); // replaces an empty directory
    assert.deepEqual(fs.readdir('d2'), ['x']);
    assert.throws(() => fs.getattr('d1'), code('ENOENT'));
    fs.mkdir('d3', 0o755);
    assert.throws(() => fs.rename('d3', 'd2'), code('ENOTEMPTY'));
    assert.throws(() => fs.rename('b', 'd3'), code('EISDIR'));
    assert.throws(() => fs.rename('d3', 'b'), code('ENOTDIR'));
    assert.throws(() => fs.rename('d2', 'd2/sub'), code('EINVAL'));
    assert.throws(() => fs.rename('d2/x', 'd2'), code('ENOTEMPTY'));
    assert.throws(() => fs.rename('nope', 'z'), code('ENOENT'));
    assert.throws(() => fs.rename('b', 'nope/z'), code('ENOENT'));
    assert.throws(() => fs.rename('', 'z'), code('EBUSY'));
    fs.rename('b', 'b');
    fs.link('b', 'b2');
    fs.rename('b', 'b2'); // hard links of one file: nothing happens
    assert.equal(contents(fs, 'b'), 'A');
    assert.equal(contents(fs, 'b2'), 'A');
    fs.rename('d2/x', 'd3/y'); // across directories
    fs.rename('d3', 'd2/d3');
    assert.equal(contents(fs, 'd2/d3/y'), 'X');
    assert.deepEqual(fs.readdir('').sort(), ['b', 'b2', 'd2']);
  });

  test(`${name}: unlink`, () => {
    const { fs } = make();
    fs.writeFile('d/f', 'x');
    fs.mkdir('e', 0o755);
    fs.symlink('l', 'd');
    assert.throws(() => fs.unlink('d/f', true), code('ENOTDIR'));
    assert.throws(() => fs.unlink('d', false), code('EISDIR'));
    assert.throws(() => fs.unlink('d', true), code('ENOTEMPTY'));
    assert.throws(() => fs.unlink('l', true), code('ENOTDIR'));
    assert.throws(() => fs.unlink('nope', false), code('ENOENT'));
    assert.throws(() => fs.unlink('', true), code('EBUSY'));
    fs.unlink('l', false); // the link, not the directory
    fs.unlink('d/f', false);
    fs.unlink('d', true);
    fs.unlink('e', true);
    assert.deepEqual(fs.readdir(''), []);
    assert.equal(fs.getattr('').mode & S_IFMT, S_IFDIR);
  });

  test(`${name}: a file unlinked while open lives on through its handle`, () => {
    const { fs } = make();
    const h = fs.create('f', RDWR, 0o644);
    fs.write(h, 0, enc('data'));
    fs.unlink('f', false);
    assert.throws(() => fs.getattr('f'), code('ENOENT'));
    assert.deepEqual(fs.readdir(''), []);
    const buf = new Uint8Array(16);
    assert.equal(fs.read(h, 0, buf), 4);
    assert.equal(fs.write(h, 4, enc('more')), 4);
    assert.equal(text(buf.subarray(0, fs.read(h, 0, buf))), 'datamore');
    fs.setattr('f', h, { size: 2 });
    assert.equal(text(buf.subarray(0, fs.read(h, 0, buf))), 'da');
    const a = fs.fgetattr(h); // fstat: the unlinked file itself
    assert.equal(a.size, 2);
    assert.equal(a.nlink, 0);
    assert.equal(a.mode & 0o170000, 0o100000);
    fs.close(h);
    assert.throws(() => fs.fgetattr(h), code('EBADF'));
  });

  test(`${name}: hard links share the file`, () => {
    const { fs } = make();
    fs.writeFile('a', 'x');
    fs.mkdir('d', 0o755);
    fs.link('a', 'd/b');
    const a = fs.getattr('a'), b = fs.getattr('d/b');
    assert.equal(a.nlink, 2);
    assert.equal(b.nlink, 2);
    assert.equal(a.ino, b.ino);
    const h = fs.open('d/b', WRONLY);
    fs.write(h, 0, enc('y'));
    fs.close(h);
    assert.equal(contents(fs, 'a'), 'y');
    assert.throws(() => fs.link('a', 'd/b'), code('EEXIST'));
    assert.throws(() => fs.link('d', 'e'), code('EPERM'));
    assert.throws(() => fs.link('nope', 'c'), code('ENOENT'));
    fs.unlink('a', false);
    assert.equal(fs.getattr('d/b').nlink, 1);
    assert.equal(contents(fs, 'd/b'), 'y');
  });

  test(`${name}: setattr: size, mode, owner, times`, () => {
    const { fs } = make();
    fs.writeFile('f', 'hello');
    fs.setattr('f', -1, { size: 2 });
    assert.equal(contents(fs, 'f'), 'he');
    fs.setattr('f', -1, { size: 4 });
    assert.equal(contents(fs, 'f'), 'he\0\0');
    const h = fs.open('f', RDWR);
    fs.setattr('f', h, { size: 1 });
    assert.equal(fs.getattr('f').size, 1);
    fs.setattr('f', h, { mode: 0o600, mtime: [1100000000, 0] });
    fs.close(h);
    assert.equal(fs.getattr('f').mode, S_IFREG | 0o600);
    assert.equal(fs.getattr('f').mtimeSec, 1100000000);
    fs.setattr('f', -1, { mode: 0o751 });
    assert.equal(fs.getattr('f').mode, S_IFREG | 0o751);
    fs.setattr('f', -1, { atime: [1000000000, 500000000], mtime: [1200000000, 250000000] });
    let a = fs.getattr('f');
    assert.deepEqual([a.atimeSec, a.atimeNsec, a.mtimeSec, a.mtimeNsec], [1000000000, 500000000, 1200000000, 250000000]);
    fs.setattr('f', -1, { mtime: [1300000000, 0] }); // atime kept
    a = fs.getattr('f');
    assert.deepEqual([a.atimeSec, a.atimeNsec, a.mtimeSec, a.mtimeNsec], [1000000000, 500000000, 1300000000, 0]);
    fs.setattr('f', -1, { atime: 'now', mtime: 'now' });
    a = fs.getattr('f');
    assert.ok(Math.abs(a.atimeSec - nowSec()) < 10 && Math.abs(a.mtimeSec - nowSec()) < 10);
    fs.setattr('f', -1, { uid: 4242, gid: 4242 }); // refused by a host that is not root: ignored
    fs.mkdir('d', 0o755);
    assert.throws(() => fs.setattr('d', -1, { size: 0 }), code('EISDIR'));
    fs.setattr('d', -1, { mode: 0o700, mtime: [1200000000, 0] });
    assert.equal(fs.getattr('d').mode, S_IFDIR | 0o700);
    assert.equal(fs.getattr('d').mtimeSec, 1200000000);
    fs.symlink('l', 'f');
    fs.setattr('l', -1, { mode: 0o777 }); // not the link's, not the target's
    assert.equal(fs.getattr('l').mode & S_IFMT, S_IFLNK);
    assert.equal(fs.getattr('f').mode, S_IFREG | 0o751);
    assert.throws(() => fs.setattr('l', -1, { size: 0 }), code('ELOOP'));
    assert.equal(fs.getattr('f').size, 1);
    assert.throws(() => fs.setattr('nope', -1, { mode: 0o644 }), code('ENOENT'));
    assert.throws(() => fs.setattr('f', 98765, { mode: 0o644 }), code('EBADF'));
  });

  test(`${name}: statfs`, () => {
    const { fs } = make();
    const s = fs.statfs();
    assert.deepEqual(Object.keys(s).sort(), ['bavail', 'bfree', 'blocks', 'bsize', 'ffree', 'files', 'namelen']);
    for (const v of Object.values(s)) assert.ok(Number.isInteger(v) && v >= 0);
    assert.ok(s.bsize > 0 && s.blocks >= s.bfree && s.bfree >= s.bavail);
    assert.equal(s.namelen, 255);
  });

  test(`${name}: a read-only backend refuses every change (EROFS), reads work`, () => {
    const b = make();
    b.fs.writeFile('f', 'ro');
    b.fs.mkdir('d', 0o755);
    b.fs.symlink('l', 'f');
    const fs = b.readonly();
    assert.equal(fs.readonly, true);
    const changes = [
      () => fs.create('new', WRONLY, 0o644), () => fs.create('f', RDWR, 0o644),
      () => fs.open('f', WRONLY), () => fs.open('f', RDWR), () => fs.open('f', RDONLY | FS_O_TRUNC),
      () => fs.mkdir('x', 0o755), () => fs.symlink('x', 'f'), () => fs.rename('f', 'g'),
      () => fs.unlink('f', false), () => fs.unlink('l', false), () => fs.unlink('d', true), () => fs.link('f', 'g'),
      () => fs.setattr('f', -1, { mode: 0o600 }), () => fs.setattr('f', -1, { size: 0 }),
      () => fs.setattr('f', -1, { mtime: 'now' }), () => fs.setattr('f', -1, { uid: 0 }),
    ];
    for (const change of changes) assert.throws(change, code('EROFS'), change.toString());
    assert.equal(contents(fs, 'f'), 'ro');
    assert.deepEqual(fs.readdir('').sort(), ['d', 'f', 'l']);
    assert.equal(fs.readlink('l'), 'f');
    assert.equal(fs.getattr('f').mode, S_IFREG | 0o644);
    assert.equal(fs.statfs().namelen, 255);
    // the host may still change it
    fs.writeFile('d/host.txt', 'from the host');
    assert.equal(text(fs.readFile('d/host.txt')), 'from the host');
    fs.remove('d');
    assert.equal(fs.readonly, true);
    assert.deepEqual(fs.readdir('').sort(), ['f', 'l']);
  });

  test(`${name}: invalid paths are EINVAL (ENAMETOOLONG for a long name)`, () => {
    const { fs } = make();
    fs.writeFile('ok', 'x');
    const calls = p => [
      () => fs.getattr(p), () => fs.open(p, RDONLY), () => fs.create(p, WRONLY, 0o644), () => fs.readdir(p),
      () => fs.mkdir(p, 0o755), () => fs.symlink(p, 't'), () => fs.readlink(p), () => fs.rename(p, 'ok2'),
      () => fs.rename('ok', p), () => fs.unlink(p, false), () => fs.unlink(p, true), () => fs.link('ok', p),
      () => fs.link(p, 'ok2'), () => fs.setattr(p, -1, { mode: 0o644 }),
    ];
    for (const p of ['..', '../x', '/etc', '/', 'a//b', '.', 'ok/', 'ok/.', 'a/../ok', 'a\0b', undefined, 5]) {
      for (const call of calls(p)) assert.throws(call, code('EINVAL'), `${String(p)}: ${call}`);
    }
    for (const call of calls('x'.repeat(256))) assert.throws(call, code('ENAMETOOLONG'), call.toString());
    fs.create('x'.repeat(255), WRONLY, 0o644);
    assert.deepEqual(fs.readdir('').sort(), ['ok', 'x'.repeat(255)]);
  });

  test(`${name}: host helpers writeFile, readFile, list, remove`, () => {
    const { fs } = make();
    fs.writeFile('/a/b/c.txt', 'hi');
    assert.equal(fs.getattr('a').mode & S_IFMT, S_IFDIR);
    assert.equal(fs.getattr('a/b').mode, S_IFDIR | 0o755);
    assert.equal(fs.getattr('a/b/c.txt').mode, S_IFREG | 0o644);
    const got = fs.readFile('a/b/c.txt');
    assert.ok(got instanceof Uint8Array);
    assert.equal(text(got), 'hi');
    fs.writeFile('a/b/c.txt', 'x'); // replaced
    assert.equal(text(fs.readFile('/a/b/c.txt')), 'x');
    const big = new Uint8Array(300000).map((_, i) => (i * 7) & 255);
    fs.writeFile('a/big.bin', big, { mode: 0o600 });
    assert.deepEqual(fs.readFile('a/big.bin'), big);
    assert.equal(fs.getattr('a/big.bin').mode, S_IFREG | 0o600);
    fs.symlink('a/link', 'b');
    assert.deepEqual(fs.list('a'), [
      { name: 'b', type: 'dir', size: fs.getattr('a/b').size },
      { name: 'big.bin', type: 'file', size: 300000 },
      { name: 'link', type: 'symlink', size: 1 },
    ]);
    assert.deepEqual(fs.list('/'), fs.list(''));
    assert.deepEqual(fs.list().map(e => e.name), ['a']);
    assert.throws(() => fs.readFile('a'), code('EISDIR'));
    assert.throws(() => fs.readFile('a/link'), code('ELOOP'));
    assert.throws(() => fs.readFile('nope'), code('ENOENT'));
    assert.throws(() => fs.readFile('../x'), code('EINVAL'));
    assert.throws(() => fs.writeFile('a/../x', 'x'), code('EINVAL'));
    assert.throws(() => fs.writeFile('a/big.bin/x', 'x'), code('ENOTDIR'));
    assert.throws(() => fs.writeFile('a/link/x', 'x'), code('ELOOP'));
    assert.throws(() => fs.writeFile('/', 'x'), code('EISDIR'));
    assert.throws(() => fs.writeFile(undefined, 'x'), code('EINVAL'));
    assert.throws(() => fs.list('a/big.bin'), code('ENOTDIR'));
    fs.remove('a/link'); // the link only
    assert.equal(text(fs.readFile('a/b/c.txt')), 'x');
    fs.writeFile('keep/k', 'k');
    fs.symlink('keep-link', 'keep');
    fs.remove('/a');
    assert.throws(() => fs.getattr('a'), code('ENOENT'));
    fs.remove('keep-link');
    assert.equal(text(fs.readFile('keep/k')), 'k');
    assert.throws(() => fs.remove('nope'), code('ENOENT'));
    fs.remove('/'); // empties the root
    assert.deepEqual(fs.list(), []);
  });
}

test('linuxErrno: names to Linux numbers, EIO for the unknown', () => {
  const want = { EPERM: 1, ENOENT: 2, EIO: 5, EBADF: 9, EACCES: 13, EEXIST: 17, EXDEV: 18, ENOTDIR: 20, EISDIR: 21, EINVAL: 22,
    EFBIG: 27, ENOSPC: 28, EROFS: 30, EMLINK: 31, ENAMETOOLONG: 36, ENOTEMPTY: 39, ELOOP: 40, ENOTSUP: 95, EOPNOTSUPP: 95, EBUSY: 16 };
  for (const [c, n] of Object.entries(want)) assert.equal(linuxErrno(c), n, c);
  for (const c of ['EWHAT', undefined, 'toString', '__proto__']) assert.equal(linuxErrno(c), 5);
});

test('MemoryFs: maxBytes: partial write, then ENOSPC; space returns when the last link and handle go', () => {
  const fs = new MemoryFs({ maxBytes: 10000 });
  assert.equal(fs.statfs().blocks, 2);
  const h = fs.create('f', RDWR, 0o644);
  assert.equal(fs.write(h, 0, new Uint8Array(8000)), 8000);
  assert.equal(fs.write(h, 8000, new Uint8Array(4000)), 2000);
  assert.throws(() => fs.write(h, 10000, new Uint8Array(1)), code('ENOSPC'));
  assert.equal(fs.write(h, 0, new Uint8Array(100).fill(1)), 100); // overwriting needs no room
  assert.equal(fs.statfs().bfree, 0);
  assert.throws(() => fs.writeFile('g', new Uint8Array(1)), code('ENOSPC'));
  assert.throws(() => fs.setattr('f', -1, { size: 10001 }), code('ENOSPC'));
  fs.unlink('f', false);
  assert.throws(() => fs.writeFile('g', new Uint8Array(1)), code('ENOSPC')); // still open
  fs.close(h);
  fs.writeFile('g', new Uint8Array(10000));
  fs.setattr('g', -1, { size: 5000 });
  fs.writeFile('h', new Uint8Array(5000));
  assert.throws(() => fs.create('g', 0, 0), code('EEXIST'));
  const x = fs.create('x', WRONLY, 0o644);
  assert.throws(() => fs.write(x, 2 ** 31, enc('x')), code('EFBIG'));
  fs.close(x);
});

test('MemoryFs: owner of new files, setattr uid/gid, directory link counts, unique inode numbers', () => {
  const fs = new MemoryFs({ uid: 1000, gid: 100 });
  fs.writeFile('a/f', 'x');
  assert.equal(fs.getattr('a/f').uid, 1000);
  assert.equal(fs.getattr('a/f').gid, 100);
  fs.setattr('a/f', -1, { uid: 0, gid: 5 });
  assert.deepEqual([fs.getattr('a/f').uid, fs.getattr('a/f').gid], [0, 5]);
  const nlink = p => fs.getattr(p).nlink;
  assert.deepEqual([nlink(''), nlink('a')], [3, 2]);
  fs.mkdir('a/b', 0o755);
  fs.mkdir('c', 0o755);
  assert.deepEqual([nlink(''), nlink('a'), nlink('a/b'), nlink('c')], [4, 3, 2, 2]);
  fs.rename('a/b', 'c/b');
  assert.deepEqual([nlink(''), nlink('a'), nlink('c')], [4, 2, 3]);
  fs.unlink('c/b', true);
  assert.equal(nlink('c'), 2);
  const inos = new Set([fs.getattr('').ino, fs.getattr('a').ino, fs.getattr('a/f').ino, fs.getattr('c').ino]);
  for (let i = 0; i < 100; i++) {
    fs.writeFile(`n${i}`, '');
    inos.add(fs.getattr(`n${i}`).ino);
  }
  assert.equal(inos.size, 104);
  assert.throws(() => fs.setattr('a/f', -1, { mtime: [1, 1e9] }), code('EINVAL'));
});

test('NodeDirFs: the directory must exist and be one', () => {
  const dir = tempDir();
  nodeFs.writeFileSync(`${dir}/file`, '');
  assert.throws(() => new NodeDirFs(`${dir}/file`), /file: not a directory/);
  assert.throws(() => new NodeDirFs(`${dir}/none`), /none: ENOENT/);
});

test('NodeDirFs: only handles it opened; new files get the guest\'s mode exactly but never setuid/setgid', () => {
  const fs = new NodeDirFs(tempDir());
  assert.throws(() => fs.read(0, 0, new Uint8Array(1)), code('EBADF')); // stdin is not one of its handles
  assert.throws(() => fs.write(2, 0, enc('x')), code('EBADF'));
  fs.close(fs.create('open', WRONLY, 0o777));
  assert.equal(fs.getattr('open').mode, S_IFREG | 0o777);
  fs.close(fs.create('suid', WRONLY, 0o6755));
  assert.equal(fs.getattr('suid').mode, S_IFREG | 0o755);
  fs.setattr('suid', -1, { mode: 0o4777 });
  assert.equal(fs.getattr('suid').mode, S_IFREG | 0o777);
  fs.mkdir('d', 0o3777);
  assert.equal(fs.getattr('d').mode, S_IFDIR | 0o1777);
});

test('NodeDirFs: a fifo or other special file is not opened (no hang)', t => {
  const dir = tempDir();
  try {
    execFileSync('mkfifo', [`${dir}/fifo`]);
  } catch {
    t.skip('no mkfifo');
    return;
  }
  const fs = new NodeDirFs(dir);
  assert.throws(() => fs.open('fifo', RDONLY), code('EPERM'));
  assert.throws(() => fs.open('fifo', WRONLY), code('EPERM'));
  assert.throws(() => fs.readFile('fifo'), code('EPERM'));
  assert.throws(() => fs.setattr('fifo', -1, { size: 0 }), code('EPERM'));
  assert.deepEqual(fs.list(), [{ name: 'fifo', type: 'file', size: 0 }]);
});

test('NodeDirFs: symlinks on the host to / , .. or outside lead nowhere', () => {
  const share = tempDir(), outside = tempDir('wvm-fs-out-');
  nodeFs.writeFileSync(`${outside}/secret`, 'secret', { mode: 0o600 });
  nodeFs.utimesSync(`${outside}/secret`, 1000000000, 1000000000);
  nodeFs.symlinkSync('/', `${share}/out`);
  nodeFs.symlinkSync('..', `${share}/up`);
  nodeFs.symlinkSync(outside, `${share}/ext`);
  nodeFs.symlinkSync(`${outside}/secret`, `${share}/extfile`);
  nodeFs.writeFileSync(`${share}/f`, 'f');
  const fs = new NodeDirFs(share);
  const NAME = `wvm-escape-${process.pid}`;

  assert.equal(fs.getattr('out').mode & S_IFMT, S_IFLNK);
  assert.equal(fs.readlink('out'), '/');
  assert.equal(fs.readlink('up'), '..');
  assert.throws(() => fs.getattr('out/etc'), code('ELOOP'));
  assert.throws(() => fs.open('out/etc/passwd', RDONLY), code('ELOOP'));
  assert.throws(() => fs.readFile('out/etc/passwd'), code('ELOOP'));
  for (const link of ['out', 'up', 'ext']) {
    const inside = `${link}/${NAME}`;
    const attempts = [
      () => fs.readdir(link), () => fs.list(link), () => fs.getattr(`${link}/secret`), () => fs.open(`${link}/secret`, RDONLY),
      () => fs.readlink(`${link}/secret`), () => fs.create(inside, WRONLY, 0o644), () => fs.mkdir(inside, 0o755),
      () => fs.symlink(inside, '/'), () => fs.writeFile(inside, 'x'), () => fs.writeFile(`${inside}/deeper`, 'x'),
      () => fs.rename('f', inside), () => fs.link('f', inside), () => fs.link(`${link}/secret`, NAME),
      () => fs.unlink(`${link}/secret`, false), () => fs.setattr(`${link}/secret`, -1, { mode: 0o777 }),
      () => fs.setattr(`${link}/secret`, -1, { size: 0 }), () => fs.remove(`${link}/secret`),
    ];
    for (const attempt of attempts) assert.throws(attempt, code('ELOOP'), `${link}: ${attempt}`);
  }
  // a symlink to a file outside is not opened, truncated or chmod'ed
  assert.throws(() => fs.open('extfile', RDONLY), code('ELOOP'));
  assert.throws(() => fs.open('extfile', WRONLY | FS_O_TRUNC), code('ELOOP'));
  assert.throws(() => fs.readFile('extfile'), code('ELOOP'));
  assert.throws(() => fs.writeFile('extfile', 'pwned'), code('ELOOP'));
  assert.throws(() => fs.setattr('extfile', -1, { size: 0 }), code('ELOOP'));
  fs.setattr('extfile', -1, { mode: 0o777, mtime: [1500000000, 0] }); // the link's own time
  assert.equal(fs.getattr('extfile').mtimeSec, 1500000000);

  const secret = nodeFs.statSync(`${outside}/secret`);
  assert.equal(nodeFs.readFileSync(`${outside}/secret`, 'utf8'), 'secret');
  assert.equal(secret.mode & 0o777, 0o600);
  assert.equal(secret.mtimeMs, 1000000000000);
  assert.deepEqual(nodeFs.readdirSync(outside), ['secret']);
  for (const where of ['/', tmpdir(), outside]) assert.equal(nodeFs.existsSync(`${where}/${NAME}`), false, where);

  // removing the links removes only them
  fs.remove('');
  assert.deepEqual(nodeFs.readdirSync(share), []);
  assert.deepEqual(nodeFs.readdirSync(outside), ['secret']);
  assert.ok(nodeFs.existsSync('/etc'));
});

test('NodeDirFs: a directory swapped for a symlink on the host is not walked through', () => {
  const share = tempDir(), outside = tempDir('wvm-fs-out-');
  nodeFs.writeFileSync(`${outside}/secret`, 'secret');
  const fs = new NodeDirFs(share);
  fs.writeFile('d/f', 'inside');
  nodeFs.rmSync(`${share}/d`, { recursive: true });
  nodeFs.symlinkSync(outside, `${share}/d`);
  assert.throws(() => fs.getattr('d/secret'), code('ELOOP'));
  assert.throws(() => fs.readFile('d/secret'), code('ELOOP'));
  assert.throws(() => fs.readdir('d'), code('ELOOP'));
  assert.throws(() => fs.unlink('d/secret', false), code('ELOOP'));
  assert.deepEqual(nodeFs.readdirSync(outside), ['secret']);
});
