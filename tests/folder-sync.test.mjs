// web/folder-sync.mjs in Node: a folder (a fake FileSystemDirectoryHandle) is
// copied into the share, the guest's operations (the backend methods the core
// calls) are written back to it after the delay, and failures are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FolderSyncFs } from '../web/folder-sync.mjs';

const O_WRONLY = 1, O_TRUNC = 0x200;
const DELAY = 20; // ms
const utf8 = new TextEncoder(), text = new TextDecoder();
const domError = (name) => new DOMException(name, name); // as the File System Access API throws (a numeric `code`)

/** The File System Access API's file handle, in memory. */
class FakeFile {
  kind = 'file';
  constructor(name, data = '') { this.name = name; this.data = utf8.encode(data); }
  async getFile() { return new File([this.data], this.name); }
  async createWritable() {
    if (this.name === 'refused.txt') throw domError('NoModificationAllowedError');
    const chunks = [];
    return { write: async (d) => { chunks.push(d); }, close: async () => { this.data = new Uint8Array(await new Blob(chunks).arrayBuffer()); } };
  }
}

/** The File System Access API's directory handle, in memory; `tree` gives its contents (strings). */
class FakeDir {
  kind = 'directory';
  children = new Map();
  constructor(name, tree = {}) {
    this.name = name;
    for (const [n, v] of Object.entries(tree)) this.children.set(n, typeof v === 'string' ? new FakeFile(n, v) : new FakeDir(n, v));
  }
  #get(name, kind, create, Make) {
    const c = this.children.get(name);
    if (c) {
      if (c.kind !== kind) throw domError('TypeMismatchError');
      return c;
    }
    if (!create) throw domError('NotFoundError');
    this.children.set(name, new Make(name));
    return this.children.get(name);
  }
  async getDirectoryHandle(name, { create = false } = {}) { return this.#get(name, 'directory', create, FakeDir); }
  async getFileHandle(name, { create = false } = {}) { return this.#get(name, 'file', create, FakeFile); }
  async removeEntry(name, { recursive = false } = {}) {
    const c = this.children.get(name);
    if (!c) throw domError('NotFoundError');
    if (c.kind === 'directory' && c.children.size && !recursive) throw domError('InvalidModificationError');
    this.children.delete(name);
  }
  async *entries() { yield* this.children.entries(); }
  /** The contents as {name: text | {...}}. */
  tree() {
    return Object.fromEntries([...this.children].map(([n, c]) => [n, c.kind === 'file' ? text.decode(c.data) : c.tree()]));
  }
}

/** The guest writes `data` to a file through the backend as the 9P server does: open or create, write, close. */
function guestWrite(fs, path, data, { create = true } = {}) {
  const h = create ? fs.create(path, O_WRONLY, 0o644) : fs.open(path, O_WRONLY | O_TRUNC);
  fs.write(h, 0, utf8.encode(data));
  fs.close(h);
}

const settle = async (fs) => {
  await new Promise((r) => setTimeout(r, 3 * DELAY));
  await fs.flush(); // waits for the write-backs under way
};

test('a folder is copied into the share, under a free name', async () => {
  const fs = new FolderSyncFs();
  const folder = new FakeDir('proj', { 'a.txt': 'A', sub: { 'b.txt': 'B' }, empty: {} });
  assert.deepEqual(await fs.openFolder(folder), { path: 'proj', files: 2 });
  assert.equal(text.decode(fs.readFile('proj/sub/b.txt')), 'B');
  assert.deepEqual(fs.list('proj').map((e) => `${e.name}:${e.type}`), ['a.txt:file', 'empty:dir', 'sub:dir']);
  assert.deepEqual(await fs.openFolder(new FakeDir('proj')), { path: 'proj-2', files: 0 });
  await fs.flush();
  assert.deepEqual(folder.tree(), { 'a.txt': 'A', sub: { 'b.txt': 'B' }, empty: {} }, 'copying in writes nothing back');
});

test('the guest\'s creates, writes, mkdir, unlink and renames are written back to the folder after the delay', async () => {
  const errors = [];
  const fs = new FolderSyncFs({ delayMs: DELAY, onerror: (e, path) => errors.push(`${path}: ${e.message}`) });
  const folder = new FakeDir('proj', { 'a.txt': 'A', sub: { 'b.txt': 'B' }, empty: {}, old: { 'x.txt': 'X' } });
  await fs.openFolder(folder);
  guestWrite(fs, 'proj/new.txt', 'new');
  fs.mkdir('proj/d', 0o755);
  guestWrite(fs, 'proj/d/in.txt', 'in');
  guestWrite(fs, 'proj/a.txt', 'A2', { create: false });
  fs.unlink('proj/sub/b.txt', false);
  fs.unlink('proj/sub', true);
  fs.unlink('proj/empty', true);
  fs.rename('proj/new.txt', 'proj/moved.txt');
  fs.rename('proj/d', 'proj/e');
  fs.rename('proj/old', 'proj/e/old');
  fs.symlink('proj/link', 'a.txt'); // not written back
  guestWrite(fs, 'outside.txt', 'not in the folder');
  assert.deepEqual(folder.tree(), { 'a.txt': 'A', sub: { 'b.txt': 'B' }, empty: {}, old: { 'x.txt': 'X' } }, 'nothing before the delay');
  await settle(fs);
  assert.deepEqual(folder.tree(), { 'a.txt': 'A2', 'moved.txt': 'new', e: { 'in.txt': 'in', old: { 'x.txt': 'X' } } });

  // a file renamed while open is written under its new name when closed; a truncate; a file becomes a directory
  const h = fs.open('proj/a.txt', O_WRONLY);
  fs.rename('proj/a.txt', 'proj/z.txt');
  await settle(fs);
  fs.write(h, 2, utf8.encode('-more'));
  fs.close(h);
  fs.setattr('proj/moved.txt', -1, { size: 2 });
  fs.unlink('proj/e/in.txt', false);
  fs.mkdir('proj/e/in.txt', 0o755);
  guestWrite(fs, 'proj/e/in.txt/deep.txt', 'deep');
  await settle(fs);
  assert.deepEqual(folder.tree(), { 'z.txt': 'A2-more', 'moved.txt': 'ne', e: { 'in.txt': { 'deep.txt': 'deep' }, old: { 'x.txt': 'X' } } });

  // removing everything empties the folder, which stays
  fs.remove('proj');
  await settle(fs);
  assert.deepEqual(folder.tree(), {});
  assert.deepEqual(errors, []);
});

test('a failed write-back is reported with its path; the others go on', async () => {
  const errors = [];
  const fs = new FolderSyncFs({ delayMs: DELAY, onerror: (e, path) => errors.push(`${path}: ${e.name}`) });
  const folder = new FakeDir('f', { 'refused.txt': 'old' });
  await fs.openFolder(folder);
  guestWrite(fs, 'f/refused.txt', 'new', { create: false });
  guestWrite(fs, 'f/ok.txt', 'ok');
  await settle(fs);
  assert.deepEqual(errors, ['f/refused.txt: NoModificationAllowedError']);
  assert.deepEqual(folder.tree(), { 'refused.txt': 'old', 'ok.txt': 'ok' });
});
