// An in-memory file system backend for a virtio-9p share (the web page's
// share, tests): a tree of inodes that hard links share; a file unlinked while
// open lives on through its handles. File data counts against maxBytes.
import {
  FS_O_ACCMODE, FS_O_TRUNC, FS_O_APPEND, S_IFMT, S_IFDIR, S_IFREG, S_IFLNK,
  FsHelpers, fsError, checkPath, splitPath, checkOpenFlags, requireFile, requireDir,
} from './fs-common.mjs';

export { linuxErrno } from './fs-common.mjs';

const MAX_FILE = 2 ** 31 - 1; // bytes in one file (a Uint8Array's safe length everywhere): beyond, EFBIG
const BLOCK = 4096; // statfs block size
const READS = [true, false, true], WRITES = [false, true, true]; // by access mode
const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();
const now = () => {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
};
const isDir = n => (n.mode & S_IFMT) === S_IFDIR;
/** A settable time: [sec, nsec] or 'now' as [sec, nsec]. */
function stamp(t) {
  if (t === 'now') return now();
  if (!(Number.isInteger(t?.[0]) && t[1] >= 0 && t[1] < 1e9)) throw fsError('EINVAL', 'time');
  return [t[0], t[1]];
}

/**
 * An in-memory file system backend (see FsBackend in fs-common.mjs): no permission checks (the
 * guest's kernel makes them), atime not updated on reads. Handles are small integers. With the
 * host-side helpers of FsHelpers (writeFile, readFile, list, remove).
 * @implements {import('./fs-common.mjs').FsBackend}
 */
export class MemoryFs extends FsHelpers {
  #root;
  #handles = new Map(); // handle -> {node, flags}
  #nextHandle = 0;
  #nextIno = 1;
  #inodes = 0; // alive (linked or open)
  #used = 0; // bytes of file data
  #uid;
  #gid;

  /**
   * @param {{readonly?: boolean, uid?: number, gid?: number, maxBytes?: number}} [opts]
   *   readonly: modifying calls throw EROFS (the helpers still work); uid, gid: owner of new files;
   *   maxBytes: total bytes of file data (writes beyond: ENOSPC), as statfs reports
   */
  constructor({ readonly = false, uid = 0, gid = 0, maxBytes = 256 * 2 ** 20 } = {}) {
    super();
    this.readonly = readonly;
    this.maxBytes = maxBytes;
    this.#uid = uid;
    this.#gid = gid;
    this.#root = this.#inode(S_IFDIR | 0o755);
    this.#root.nlink = 2;
  }

  /** A new inode (a directory has its '.' link; the name adds one). */
  #inode(mode) {
    const t = now(), dir = (mode & S_IFMT) === S_IFDIR;
    this.#inodes++;
    return {
      ino: this.#nextIno++, mode, uid: this.#uid, gid: this.#gid, nlink: dir ? 1 : 0,
      atime: t, mtime: t, ctime: t, open: 0,
      size: 0, data: EMPTY, // a regular file's bytes: data[0, size), capacity data.length
      children: dir ? new Map() : null, // a directory's: name -> inode
      target: null, // a symlink's
    };
  }

  #writable() {
    if (this.readonly) throw fsError('EROFS');
  }

  #lookup(path) {
    let node = this.#root;
    for (const name of checkPath(path)) {
      requireDir(node.mode, path);
      node = node.children.get(name);
      if (!node) throw fsError('ENOENT', path);
    }
    return node;
  }

  /** The directory holding `path`'s last name: {dir, name, node (undefined if none)}. */
  #entry(path) {
    const [dirNames, name] = splitPath(path);
    const dir = this.#lookup(dirNames.join('/'));
    requireDir(dir.mode, path);
    return { dir, name, node: dir.children.get(name) };
  }

  #handle(handle, allowed) {
    const h = this.#handles.get(handle);
    if (!h || (allowed && !allowed[h.flags & FS_O_ACCMODE])) throw fsError('EBADF', `handle ${handle}`);
    return h;
  }

  #changed(n) {
    n.mtime = n.ctime = now();
  }

  #add(dir, name, n) {
    dir.children.set(name, n);
    n.nlink++;
    if (isDir(n)) dir.nlink++;
    n.ctime = now();
    this.#changed(dir);
  }

  #remove(dir, name) {
    const n = dir.children.get(name);
    dir.children.delete(name);
    if (isDir(n)) {
      dir.nlink--;
      n.nlink = 0;
    } else n.nlink--;
    n.ctime = now();
    this.#changed(dir);
    this.#release(n);
  }

  /** Forget an inode neither linked nor open. */
  #release(n) {
    if (n.nlink > 0 || n.open > 0) return;
    this.#used -= n.size;
    this.#inodes--;
    n.data = EMPTY;
    n.size = 0;
  }

  /** Set a regular file's size (bytes; new bytes are zeros), its data growing geometrically. */
  #resize(n, size) {
    if (!(Number.isInteger(size) && size >= 0)) throw fsError('EINVAL', `size ${size}`);
    if (size > MAX_FILE) throw fsError('EFBIG');
    if (size - n.size > this.maxBytes - this.#used) throw fsError('ENOSPC');
    if (size > n.data.length) {
      const data = new Uint8Array(Math.min(MAX_FILE, Math.max(size, 2 * n.data.length, 64)));
      data.set(n.data.subarray(0, n.size));
      n.data = data;
    } else if (size < n.data.length >> 2) n.data = n.data.slice(0, size);
    else n.data.fill(0, size, n.size);
    this.#used += size - n.size;
    n.size = size;
  }

  #open(n, flags) {
    const handle = this.#nextHandle++;
    this.#handles.set(handle, { node: n, flags });
    n.open++;
    return handle;
  }

  getattr(path) { return this.#attrs(this.#lookup(path)); }

  fgetattr(handle) { return this.#attrs(this.#handle(handle).node); }

  #attrs(n) {
    const size = n.target !== null ? utf8.encode(n.target).length : n.size;
    const [atimeSec, atimeNsec] = n.atime, [mtimeSec, mtimeNsec] = n.mtime, [ctimeSec, ctimeNsec] = n.ctime;
    return {
      mode: n.mode, uid: n.uid, gid: n.gid, nlink: n.nlink, rdev: 0, size, blocks: Math.ceil(n.size / 512),
      ino: n.ino, atimeSec, atimeNsec, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec,
    };
  }

  open(path, flags) {
    const n = this.#lookup(path);
    requireFile(n.mode, path);
    checkOpenFlags(flags, this.readonly);
    if (flags & FS_O_TRUNC && n.size) {
      this.#resize(n, 0);
      this.#changed(n);
    }
    return this.#open(n, flags);
  }

  create(path, flags, mode) {
    this.#writable();
    checkOpenFlags(flags, false);
    const e = this.#entry(path);
    if (e.node) throw fsError('EEXIST', path);
    const n = this.#inode(S_IFREG | (mode & 0o7777));
    this.#add(e.dir, e.name, n);
    return this.#open(n, flags);
  }

  read(handle, position, target) {
    const n = this.#handle(handle, READS).node;
    if (!(position >= 0)) throw fsError('EINVAL', `position ${position}`);
    if (position >= n.size) return 0;
    const len = Math.min(target.length, n.size - position);
    target.set(n.data.subarray(position, position + len));
    return len;
  }

  write(handle, position, data) {
    const { node: n, flags } = this.#handle(handle, WRITES);
    const pos = flags & FS_O_APPEND ? n.size : position;
    if (!(Number.isInteger(pos) && pos >= 0)) throw fsError('EINVAL', `position ${position}`);
    if (!data.length) return 0;
    // as much as fits: below MAX_FILE, and growing the file by at most the free bytes
    const end = Math.min(pos + data.length, MAX_FILE, n.size + Math.max(0, this.maxBytes - this.#used));
    if (end <= pos) throw fsError(pos + data.length > MAX_FILE ? 'EFBIG' : 'ENOSPC');
    if (end > n.size) this.#resize(n, end);
    n.data.set(data.subarray(0, end - pos), pos);
    this.#changed(n);
    return end - pos;
  }

  fsync(handle) {
    this.#handle(handle);
  }

  close(handle) {
    const { node } = this.#handle(handle);
    this.#handles.delete(handle);
    node.open--;
    this.#release(node);
  }

  readdir(path) {
    const n = this.#lookup(path);
    requireDir(n.mode, path);
    return [...n.children.keys()];
  }

  mkdir(path, mode) {
    this.#writable();
    const e = this.#entry(path);
    if (e.node) throw fsError('EEXIST', path);
    this.#add(e.dir, e.name, this.#inode(S_IFDIR | (mode & 0o7777)));
  }

  symlink(path, target) {
    this.#writable();
    if (typeof target !== 'string' || target === '' || target.includes('\0')) throw fsError('ENOENT', 'symlink target');
    if (target.length > 1365 && utf8.encode(target).length > 4095) throw fsError('ENAMETOOLONG', 'symlink target');
    const e = this.#entry(path);
    if (e.node) throw fsError('EEXIST', path);
    const n = this.#inode(S_IFLNK | 0o777);
    n.target = target;
    this.#add(e.dir, e.name, n);
  }

  readlink(path) {
    const n = this.#lookup(path);
    if (n.target === null) throw fsError('EINVAL', `${path}: not a symlink`);
    return n.target;
  }

  rename(from, to) {
    this.#writable();
    const s = this.#entry(from), d = this.#entry(to);
    if (!s.node) throw fsError('ENOENT', from);
    if (s.node === d.node) return; // the same file (rename(2) does nothing)
    if (isDir(s.node) && `${to}/`.startsWith(`${from}/`)) throw fsError('EINVAL', `${from} into itself`);
    if (`${from}/`.startsWith(`${to}/`)) throw fsError('ENOTEMPTY', `${to} holds ${from}`);
    if (d.node) {
      if (isDir(d.node) !== isDir(s.node)) throw fsError(isDir(s.node) ? 'ENOTDIR' : 'EISDIR', to);
      if (isDir(d.node) && d.node.children.size) throw fsError('ENOTEMPTY', to);
      this.#remove(d.dir, d.name);
    }
    s.dir.children.delete(s.name);
    d.dir.children.set(d.name, s.node);
    if (isDir(s.node)) {
      s.dir.nlink--;
      d.dir.nlink++;
    }
    this.#changed(s.dir);
    this.#changed(d.dir);
    s.node.ctime = now();
  }

  unlink(path, dir) {
    this.#writable();
    const e = this.#entry(path);
    if (!e.node) throw fsError('ENOENT', path);
    if (dir) {
      if (!isDir(e.node)) throw fsError('ENOTDIR', path);
      if (e.node.children.size) throw fsError('ENOTEMPTY', path);
    } else if (isDir(e.node)) throw fsError('EISDIR', path);
    this.#remove(e.dir, e.name);
  }

  link(existing, path) {
    this.#writable();
    const n = this.#lookup(existing);
    if (isDir(n)) throw fsError('EPERM', `${existing}: a directory`);
    const e = this.#entry(path);
    if (e.node) throw fsError('EEXIST', path);
    this.#add(e.dir, e.name, n);
  }

  setattr(path, handle, { mode, uid, gid, size, atime, mtime }) {
    this.#writable();
    const n = handle >= 0 ? this.#handle(handle).node : this.#lookup(path);
    if (size !== undefined) {
      requireFile(n.mode, path);
      this.#resize(n, size);
      this.#changed(n);
    }
    if (mode !== undefined && n.target === null) n.mode = (n.mode & S_IFMT) | (mode & 0o7777);
    if (uid !== undefined) n.uid = uid;
    if (gid !== undefined) n.gid = gid;
    if (atime !== undefined) n.atime = stamp(atime);
    if (mtime !== undefined) n.mtime = stamp(mtime);
    n.ctime = now();
  }

  statfs() {
    const blocks = Math.floor(this.maxBytes / BLOCK);
    const bfree = Math.max(0, blocks - Math.ceil(this.#used / BLOCK));
    const files = Math.max(blocks, this.#inodes); // no inode limit: as many as blocks, for df -i
    return { bsize: BLOCK, blocks, bfree, bavail: bfree, files, ffree: files - this.#inodes, namelen: 255 };
  }
}
