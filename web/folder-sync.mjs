// The page's file share (worker.mjs): a MemoryFs in which folders the user
// picked (File System Access API) are mirrored. A folder is copied in once;
// then the paths the guest changes under it are recorded and, 500 ms after
// the first change, each is made on the folder as it then is in the share: a
// file's bytes, a directory with everything in it, or nothing (removed).
import { MemoryFs } from '../src/js/fs-memory.mjs';
import { FS_O_ACCMODE, FS_O_TRUNC, S_IFMT, S_IFDIR, S_IFLNK } from '../src/js/fs-common.mjs';

const KINDS = { [S_IFDIR]: 'dir', [S_IFLNK]: 'symlink' }; // else 'file'
const GONE = ['NotFoundError', 'TypeMismatchError']; // a folder's entry or a directory on its path is missing
const join = (dir, name) => (dir ? `${dir}/${name}` : name);

/** Folder `dir`'s entry `name` of `kind` ('file' | 'directory'), made if missing, replacing one of the other kind. */
async function child(dir, name, kind) {
  const get = () => (kind === 'file' ? dir.getFileHandle(name, { create: true }) : dir.getDirectoryHandle(name, { create: true }));
  try {
    return await get();
  } catch (e) {
    if (e.name !== 'TypeMismatchError') throw e;
    await dir.removeEntry(name, { recursive: true });
    return get();
  }
}

/** How a share path of each kind is made in a folder `dir` as entry `name`. */
const WRITE = {
  async file(fs, path, dir, name) {
    const data = fs.readFile(path);
    const out = await (await child(dir, name, 'file')).createWritable();
    await out.write(data);
    await out.close();
  },
  async dir(fs, path, dir, name) {
    const sub = await child(dir, name, 'directory');
    for (const e of fs.list(path)) await WRITE[e.type](fs, join(path, e.name), sub, e.name);
  },
  none: (fs, path, dir, name) => dir.removeEntry(name, { recursive: true }),
  symlink() {}, // a folder of the File System Access API cannot hold one
};

/**
 * A MemoryFs (the backend given to Machine) whose subtrees can mirror folders (see openFolder).
 * Changes are written back when a file is closed or synced after writing, created, truncated or
 * linked, and when a directory is made, and on removals and renames (as a removal and a write).
 * A mirrored folder itself is never removed; symbolic links are not written back.
 */
export class FolderSyncFs extends MemoryFs {
  #folders = new Map(); // share path of a mirrored folder -> its FileSystemDirectoryHandle
  #writing = new Map(); // handle open with write access -> its file's share path
  #dirty = new Set(); // share paths changed in a mirrored folder since the last write-back
  #timer = null;
  #done = Promise.resolve(); // the write-backs queued

  /**
   * @param {{onerror?: (e: Error, path: string) => void, delayMs?: number} & ConstructorParameters<typeof MemoryFs>[0]} [opts]
   *   onerror: a write-back to a folder failed (path: the share path); delayMs: from the first
   *   change to its write-back (ms); the rest as MemoryFs's
   */
  constructor({ onerror = () => {}, delayMs = 500, ...opts } = {}) {
    super(opts);
    this.onerror = onerror;
    this.delayMs = delayMs;
  }

  /**
   * Copy a folder into the share's root under its name (or name-2, name-3 ... if taken), then
   * mirror it there.
   * @param {FileSystemDirectoryHandle} handle  read and written (needs 'readwrite' permission)
   * @returns {Promise<{path: string, files: number}>}  its share path, and files copied
   * @throws the folder's read errors (DOMException), the share's (ENOSPC, ENAMETOOLONG ...)
   */
  async openFolder(handle) {
    let path = handle.name;
    for (let i = 2; this.readdir('').includes(path); i++) path = `${handle.name}-${i}`;
    const files = await this.#copyIn(handle, path);
    this.#folders.set(path, handle);
    return { path, files };
  }

  async #copyIn(dir, path) {
    let files = 0;
    this.mkdir(path, 0o755);
    for await (const [name, h] of dir.entries()) {
      if (h.kind === 'directory') {
        files += await this.#copyIn(h, join(path, name));
      } else {
        this.writeFile(join(path, name), new Uint8Array(await (await h.getFile()).arrayBuffer()));
        files++;
      }
    }
    return files;
  }

  /**
   * Write the changes recorded so far back to their folders now.
   * @returns {Promise<void>}  resolves when written (failures go to onerror)
   */
  flush() {
    clearTimeout(this.#timer);
    this.#timer = null;
    const dirty = this.#dirty;
    this.#dirty = new Set();
    // a path below another changed one is written (or removed) with it
    const covered = (p) => p.split('/').some((_, i, names) => i && dirty.has(names.slice(0, i).join('/')));
    for (const path of [...dirty].filter((p) => !covered(p))) {
      this.#done = this.#done.then(() => this.#writeBack(path)).catch((e) => this.onerror(e, path));
    }
    return this.#done;
  }

  /** The share path of the mirrored folder holding share path `path`, or undefined. */
  #folderOf(path) {
    return [...this.#folders.keys()].find((root) => path.startsWith(`${root}/`));
  }

  async #writeBack(path) {
    const root = this.#folderOf(path);
    const names = path.slice(root.length + 1).split('/'), name = names.pop();
    let kind;
    try {
      kind = KINDS[this.getattr(path).mode & S_IFMT] ?? 'file';
    } catch {
      kind = 'none';
    }
    let dir = this.#folders.get(root);
    try {
      for (const n of names) dir = kind === 'none' ? await dir.getDirectoryHandle(n) : await child(dir, n, 'directory');
      await WRITE[kind](this, path, dir, name);
    } catch (e) {
      // none: the folder has lost the path already; a share error: the path changed meanwhile (and is dirty again)
      if (!(kind === 'none' && GONE.includes(e.name)) && typeof e.code !== 'string') throw e;
    }
  }

  /** Record a change of share path `path` if it is in a mirrored folder. */
  #changed(path) {
    if (this.#folderOf(path) === undefined) return;
    this.#dirty.add(path);
    this.#timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  create(path, flags, mode) {
    const h = super.create(path, flags, mode);
    this.#writing.set(h, path);
    this.#changed(path);
    return h;
  }

  open(path, flags) {
    const h = super.open(path, flags);
    if (flags & (FS_O_ACCMODE | FS_O_TRUNC)) this.#writing.set(h, path);
    return h;
  }

  fsync(handle) {
    super.fsync(handle);
    if (this.#writing.has(handle)) this.#changed(this.#writing.get(handle));
  }

  close(handle) {
    super.close(handle);
    if (this.#writing.has(handle)) this.#changed(this.#writing.get(handle));
    this.#writing.delete(handle);
  }

  mkdir(path, mode) {
    super.mkdir(path, mode);
    this.#changed(path);
  }

  rename(from, to) {
    super.rename(from, to);
    for (const [h, p] of this.#writing) if (`${p}/`.startsWith(`${from}/`)) this.#writing.set(h, to + p.slice(from.length));
    this.#changed(from);
    this.#changed(to);
  }

  unlink(path, isDir) {
    super.unlink(path, isDir);
    this.#changed(path);
  }

  link(existing, path) {
    super.link(existing, path);
    this.#changed(path);
  }

  setattr(path, handle, attrs) {
    super.setattr(path, handle, attrs);
    if (attrs.size !== undefined) this.#changed(path);
  }
}
