// What the virtio-9p file system backends (fs-memory.mjs, fs-node.mjs) share:
// the backend interface (src/host/fs.h as JavaScript: js_fs.c calls these
// methods synchronously), errors with Node-style codes and their Linux
// numbers, share-relative path checks, and the host-side helpers (writeFile,
// readFile, list, remove) written once over the interface.

/** Open flags a backend sees (Linux generic values, as 9P2000.L's; src/host/fs.h). */
export const FS_O_ACCMODE = 3, FS_O_TRUNC = 0x200, FS_O_APPEND = 0x400;
/** File types in attribute modes (mode & S_IFMT). */
export const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000;

/**
 * @typedef {object} FsAttr  lstat(2) of a file; times in seconds and nanoseconds since 1970
 * @property {number} mode   file type and permission bits (S_IFMT | 07777)
 * @property {number} uid
 * @property {number} gid
 * @property {number} nlink
 * @property {number} rdev
 * @property {number} size   bytes (a symlink: its target's UTF-8 length)
 * @property {number} blocks 512-byte blocks allocated
 * @property {number} ino    unique within the share while the file exists
 * @property {number} atimeSec
 * @property {number} atimeNsec
 * @property {number} mtimeSec
 * @property {number} mtimeNsec
 * @property {number} ctimeSec
 * @property {number} ctimeNsec
 */
/** @typedef {[number, number] | 'now'} FsTime  [seconds, nanoseconds] since 1970, or the current time */
/**
 * @typedef {{mode?: number, uid?: number, gid?: number, size?: number, atime?: FsTime, mtime?: FsTime}} FsSetAttr
 *   what setattr changes: permission bits (ignored on a symlink), owner (refusals ignored), size in bytes, times
 */
/**
 * A file system backend of a virtio-9p share. Paths are relative to the share's root ('' is the
 * root; else names joined by '/', never '.', '..' or empty: EINVAL); no symbolic link is ever
 * followed (a link in the middle of a path: ELOOP). Every method is synchronous and throws an
 * Error whose `code` is an errno name ('ENOENT' ...; see linuxErrno). Modifying calls of a
 * read-only backend throw EROFS.
 * @typedef {object} FsBackend
 * @property {boolean} readonly
 * @property {(path: string) => FsAttr} getattr
 * @property {(handle: number) => FsAttr} [fgetattr]  fstat an open handle (an unlinked file still in
 *   use); without it the server asks getattr by path
 * @property {(path: string, flags: number) => number} open  an existing regular file (directory:
 *   EISDIR, symlink: ELOOP) with FS_O_* flags; returns a handle >= 0
 * @property {(path: string, flags: number, mode: number) => number} create  a new regular file
 *   (EEXIST if the name exists) with permission bits `mode`, opened as open() does
 * @property {(handle: number, position: number, target: Uint8Array) => number} read  bytes read, 0 at the end
 * @property {(handle: number, position: number, data: Uint8Array) => number} write  bytes written
 *   (at the end with FS_O_APPEND)
 * @property {(handle: number) => void} fsync
 * @property {(handle: number) => void} close
 * @property {(path: string) => string[]} readdir  names, without '.' and '..'
 * @property {(path: string, mode: number) => void} mkdir
 * @property {(path: string, target: string) => void} symlink
 * @property {(path: string) => string} readlink
 * @property {(from: string, to: string) => void} rename  as rename(2)
 * @property {(path: string, isDir: boolean) => void} unlink  rmdir(2) if isDir, else unlink(2)
 * @property {(existing: string, path: string) => void} link  a hard link of a non-directory
 * @property {(path: string, handle: number, attrs: FsSetAttr) => void} setattr  handle: an open
 *   handle of the file (then `path` is not used), or -1
 * @property {() => {bsize: number, blocks: number, bfree: number, bavail: number, files: number,
 *   ffree: number, namelen: number}} statfs  blocks counted in bsize bytes
 */

const ERRNO = {
  EPERM: 1, ENOENT: 2, EIO: 5, ENXIO: 6, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EBUSY: 16,
  EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24,
  ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31, ERANGE: 34,
  ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, ENODATA: 61, EOVERFLOW: 75,
  ENOTSUP: 95, EOPNOTSUPP: 95, ESTALE: 116, EDQUOT: 122,
};

/**
 * The Linux errno number of an error code name.
 * @param {string|undefined} code  e.g. 'ENOENT' (an Error's `code`)
 * @returns {number}  positive errno (ENOENT: 2); EIO (5) for an unknown or missing code
 */
export function linuxErrno(code) {
  return Object.hasOwn(ERRNO, code) ? ERRNO[code] : ERRNO.EIO;
}

/**
 * An Error with a Node-style code, as backends throw.
 * @param {string} code  errno name ('ENOENT' ...)
 * @param {string} [what]  the path or call concerned, for the message
 * @returns {Error & {code: string}}
 */
export function fsError(code, what = '') {
  return Object.assign(new Error(what ? `${code}: ${what}` : code), { code });
}

const utf8 = new TextEncoder();

/**
 * Split a share-relative path into names.
 * @param {string} path  '' (the root) or names joined by '/'
 * @returns {string[]}  the names ([] for the root)
 * @throws EINVAL (not a string; an empty, '.' or '..' name; a leading, trailing or double '/'; NUL),
 *   ENAMETOOLONG (a name over 255 UTF-8 bytes)
 */
export function checkPath(path) {
  if (typeof path !== 'string') throw fsError('EINVAL', String(path));
  if (path === '') return [];
  const names = path.split('/');
  for (const n of names) {
    if (n === '' || n === '.' || n === '..' || n.includes('\0')) throw fsError('EINVAL', path);
    // 85 UTF-16 units make at most 255 UTF-8 bytes
    if (n.length > 85 && utf8.encode(n).length > 255) throw fsError('ENAMETOOLONG', path);
  }
  return names;
}

/**
 * checkPath for a name to create, remove or rename: the root is not one.
 * @param {string} path
 * @returns {[string[], string]}  the parent directory's names, the last name
 * @throws as checkPath; EBUSY for the root
 */
export function splitPath(path) {
  const names = checkPath(path);
  if (!names.length) throw fsError('EBUSY', 'the root');
  return [names.slice(0, -1), names.at(-1)];
}

/**
 * Check open flags.
 * @param {number} flags  FS_O_*
 * @param {boolean} readonly  the backend's
 * @throws EINVAL for access mode 3, EROFS for write access or FS_O_TRUNC on a read-only backend
 */
export function checkOpenFlags(flags, readonly) {
  if ((flags & FS_O_ACCMODE) === 3) throw fsError('EINVAL', 'access mode 3');
  if (readonly && flags & (FS_O_ACCMODE | FS_O_TRUNC)) throw fsError('EROFS');
}

const NOT_FILE = { [S_IFDIR]: 'EISDIR', [S_IFLNK]: 'ELOOP' }; // else EPERM (a device, fifo or socket)
const NOT_DIR = { [S_IFLNK]: 'ELOOP' }; // else ENOTDIR

/**
 * Require a regular file (to open, truncate).
 * @param {number} mode  the file's attribute mode
 * @param {string} [what]  for the message
 * @throws EISDIR (directory), ELOOP (symlink), EPERM (other non-regular files)
 */
export function requireFile(mode, what) {
  if ((mode & S_IFMT) !== S_IFREG) throw fsError(NOT_FILE[mode & S_IFMT] ?? 'EPERM', what);
}

/**
 * Require a directory (to look a name up in, to list).
 * @param {number} mode  the file's attribute mode
 * @param {string} [what]  for the message
 * @throws ELOOP (symlink), ENOTDIR (anything else)
 */
export function requireDir(mode, what) {
  if ((mode & S_IFMT) !== S_IFDIR) throw fsError(NOT_DIR[mode & S_IFMT] ?? 'ENOTDIR', what);
}

const TYPES = { [S_IFDIR]: 'dir', [S_IFLNK]: 'symlink' }; // else 'file'
const join = (dir, name) => (dir ? `${dir}/${name}` : name);

/** A host path ('/a/b', 'a//b/') as a share path ('a/b'); EINVAL for '..'. */
const sharePath = path =>
  checkPath(typeof path === 'string' ? path.split('/').filter(n => n !== '' && n !== '.').join('/') : path);

/** Run fn with the backend writable: the host may change a share that is read-only to the guest. */
function asHost(fs, fn) {
  const readonly = fs.readonly;
  fs.readonly = false;
  try {
    return fn();
  } finally {
    fs.readonly = readonly;
  }
}

/**
 * Host-side conveniences (for the embedding API and the web page) over the FsBackend methods,
 * for the backends to extend. Paths are host-style: '/dir/file.txt' or 'dir/file.txt' (a leading,
 * doubled or trailing '/' and '.' names are ignored; '..' is EINVAL). They work on a read-only
 * backend too (read-only is the guest's view). Errors as the backend's (Error with `code`).
 */
export class FsHelpers {
  /**
   * Write a whole file, creating missing parent directories (mode 0755) and replacing the
   * contents of an existing file (its mode kept).
   * @param {string} path
   * @param {Uint8Array|string} data  a string is written as UTF-8
   * @param {{mode?: number}} [opts]  permission bits of a new file
   * @throws EISDIR (the root or a directory), ENOTDIR (a parent is a file), ELOOP (a symlink on the path), ENOSPC ...
   */
  writeFile(path, data, { mode = 0o644 } = {}) {
    const names = sharePath(path), p = names.join('/');
    const bytes = typeof data === 'string' ? utf8.encode(data) : data;
    if (!names.length) throw fsError('EISDIR', path);
    asHost(this, () => {
      for (let i = 1; i < names.length; i++) {
        try {
          this.mkdir(names.slice(0, i).join('/'), 0o755);
        } catch (e) {
          if (e.code !== 'EEXIST') throw e; // a file or symlink there fails on the next step
        }
      }
      let h;
      try {
        h = this.create(p, 1, mode);
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
        h = this.open(p, 1 | FS_O_TRUNC);
      }
      try {
        for (let pos = 0; pos < bytes.length;) {
          const n = this.write(h, pos, bytes.subarray(pos));
          if (!(n > 0)) throw fsError('EIO', `${path}: short write`);
          pos += n;
        }
      } finally {
        this.close(h);
      }
    });
  }

  /**
   * Read a whole regular file.
   * @param {string} path
   * @returns {Uint8Array}
   * @throws ENOENT, EISDIR, ELOOP (a symlink) ...
   */
  readFile(path) {
    const p = sharePath(path).join('/');
    const h = this.open(p, 0);
    try {
      let buf = new Uint8Array(this.getattr(p).size + 1), n = 0, got;
      while ((got = this.read(h, n, buf.subarray(n))) > 0) {
        n += got;
        if (n === buf.length) {
          const bigger = new Uint8Array(2 * n);
          bigger.set(buf);
          buf = bigger;
        }
      }
      return buf.slice(0, n);
    } finally {
      this.close(h);
    }
  }

  /**
   * A directory's entries, sorted by name.
   * @param {string} [path]  the root by default
   * @returns {{name: string, type: 'file'|'dir'|'symlink', size: number}[]}  size in bytes
   *   (other non-directories count as 'file')
   * @throws ENOENT, ENOTDIR, ELOOP ...
   */
  list(path = '') {
    const p = sharePath(path).join('/');
    return this.readdir(p).sort().map(name => {
      const a = this.getattr(join(p, name));
      return { name, type: TYPES[a.mode & S_IFMT] ?? 'file', size: a.size };
    });
  }

  /**
   * Remove a file, symlink (not what it points to) or directory with everything in it. The root
   * ('' or '/') is emptied, not removed.
   * @param {string} path
   * @throws ENOENT ...
   */
  remove(path) {
    const removeTree = p => {
      const isDir = (this.getattr(p).mode & S_IFMT) === S_IFDIR;
      if (isDir) for (const name of this.readdir(p)) removeTree(join(p, name));
      if (p !== '') this.unlink(p, isDir);
    };
    const p = sharePath(path).join('/');
    asHost(this, () => removeTree(p));
  }
}
