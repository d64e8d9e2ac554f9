// A Node file system backend for a virtio-9p share: a host directory, with
// node:fs's synchronous calls. Nothing the guest names may reach outside the
// directory: every directory on a path is lstat'ed and must be a real
// directory (a symlink: ELOOP), and the last name is acted on without
// following a link (O_NOFOLLOW, lstat, lchown, lutimes, no chmod of a link).
// Node has no openat(), so a host process that swaps a checked directory for
// a symlink at the same moment could still redirect a call; the guest cannot
// (each backend call runs to its end before the guest runs again).
import * as fs from 'node:fs';
import {
  FS_O_ACCMODE, FS_O_TRUNC, FS_O_APPEND, FsHelpers, fsError, checkPath, splitPath, checkOpenFlags,
  requireFile, requireDir,
} from './fs-common.mjs';

export { linuxErrno } from './fs-common.mjs';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NOFOLLOW, O_NONBLOCK = 0 } = fs.constants;
const ACCESS = [O_RDONLY, O_WRONLY, O_RDWR]; // by FS_O_ACCMODE
const G = 1000000000n;
const HOST_MODE = 0o1777; // permission bits the guest may set on the host: no setuid/setgid files there

/** Host open flags of FS_O_* flags. */
const hostFlags = flags =>
  ACCESS[flags & FS_O_ACCMODE] | (flags & FS_O_TRUNC ? O_TRUNC : 0) | (flags & FS_O_APPEND ? O_APPEND : 0);

/** [seconds, nanoseconds] of a bigint time in nanoseconds. */
function secNsec(ns) {
  let s = ns / G, r = ns % G;
  if (r < 0n) {
    s--;
    r += G;
  }
  return [Number(s), Number(r)];
}

/** Seconds (fractional, as fs.utimes takes them) of an FsTime; `keep` (bigint ns) if undefined. */
function seconds(t, keep) {
  if (t === undefined) return Number(keep) / 1e9;
  if (t === 'now') return Date.now() / 1000;
  if (!(Number.isInteger(t?.[0]) && t[1] >= 0 && t[1] < 1e9)) throw fsError('EINVAL', 'time');
  return t[0] + t[1] / 1e9;
}

/** A BigInt fs.Stats as the backend's attributes (times in seconds and nanoseconds). */
function attrs(st) {
  const [atimeSec, atimeNsec] = secNsec(st.atimeNs), [mtimeSec, mtimeNsec] = secNsec(st.mtimeNs);
  const [ctimeSec, ctimeNsec] = secNsec(st.ctimeNs);
  return {
    mode: Number(st.mode), uid: Number(st.uid), gid: Number(st.gid), nlink: Number(st.nlink),
    rdev: Number(st.rdev), size: Number(st.size), blocks: Number(st.blocks), ino: Number(st.ino),
    atimeSec, atimeNsec, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec,
  };
}

/**
 * A host directory as a file system backend (see FsBackend in fs-common.mjs); handles are the
 * host's file descriptors (only those it opened are accepted: else EBADF). Errors are node:fs's
 * (their `code`), plus EROFS when read-only and ELOOP for a symlink met on a path. New files and
 * directories get exactly the guest's permission bits (not the host umask's), but never setuid
 * or setgid. Names that are not valid UTF-8 on the host come out altered (U+FFFD).
 * With the host-side helpers of FsHelpers (writeFile, readFile, list, remove).
 * @implements {import('./fs-common.mjs').FsBackend}
 */
export class NodeDirFs extends FsHelpers {
  #root;
  #fds = new Set();

  /**
   * @param {string} dir  the host directory to share (a symlink to one is resolved now, once)
   * @param {{readonly?: boolean}} [opts]  readonly: modifying calls throw EROFS (the helpers still work)
   * @throws Error `<dir>: not a directory` / `<dir>: ENOENT` ..., or on a host without O_NOFOLLOW (Windows)
   */
  constructor(dir, { readonly = false } = {}) {
    super();
    if (O_NOFOLLOW === undefined) throw new Error('NodeDirFs needs O_NOFOLLOW, which this host lacks');
    let st;
    try {
      st = fs.statSync(dir);
    } catch (e) {
      throw new Error(`${dir}: ${e.code ?? e.message}`);
    }
    if (!st.isDirectory()) throw new Error(`${dir}: not a directory`);
    this.#root = fs.realpathSync(dir);
    this.readonly = readonly;
  }

  /** The host path of `path`, each directory on the way a real directory (and `path` too if `dir`). */
  #host(path, dir = false) {
    const names = checkPath(path);
    let p = this.#root;
    names.forEach((name, i) => {
      if (i > 0) requireDir(fs.lstatSync(p).mode, path);
      p += `/${name}`;
    });
    if (dir && names.length) requireDir(fs.lstatSync(p).mode, path);
    return p;
  }

  /** #host of a name to create, remove or rename (not the root: EBUSY), EROFS if read-only. */
  #entry(path) {
    if (this.readonly) throw fsError('EROFS');
    splitPath(path);
    return this.#host(path);
  }

  #fd(handle) {
    if (!this.#fds.has(handle)) throw fsError('EBADF', `handle ${handle}`);
    return handle;
  }

  /** Open the regular file at host path `p` (never a fifo or device: no blocking, no side effects). */
  #openFile(p, hostFlags, what) {
    requireFile(fs.lstatSync(p).mode, what);
    const fd = fs.openSync(p, hostFlags | O_NOFOLLOW | O_NONBLOCK);
    try {
      requireFile(fs.fstatSync(fd).mode, what); // swapped since the lstat
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    return fd;
  }

  /** chmod a host path unless it is a symlink. */
  #chmod(p, mode) {
    const st = fs.lstatSync(p);
    if (!st.isSymbolicLink() && (st.mode & 0o7777) !== (mode & HOST_MODE)) fs.chmodSync(p, mode & HOST_MODE);
  }

  getattr(path) { return attrs(fs.lstatSync(this.#host(path), { bigint: true })); }

  fgetattr(handle) { return attrs(fs.fstatSync(this.#fd(handle), { bigint: true })); }

  open(path, flags) {
    const p = this.#host(path);
    checkOpenFlags(flags, this.readonly);
    const fd = this.#openFile(p, hostFlags(flags), path);
    this.#fds.add(fd);
    return fd;
  }

  create(path, flags, mode) {
    const p = this.#entry(path);
    checkOpenFlags(flags, false);
    const fd = fs.openSync(p, hostFlags(flags) | O_CREAT | O_EXCL | O_NOFOLLOW, mode & HOST_MODE);
    this.#fds.add(fd);
    fs.fchmodSync(fd, mode & HOST_MODE); // the guest's bits, not the host umask's
    return fd;
  }

  read(handle, position, target) {
    return fs.readSync(this.#fd(handle), target, 0, target.length, position);
  }

  write(handle, position, data) {
    return fs.writeSync(this.#fd(handle), data, 0, data.length, position);
  }

  fsync(handle) {
    fs.fsyncSync(this.#fd(handle));
  }

  close(handle) {
    fs.closeSync(this.#fd(handle));
    this.#fds.delete(handle);
  }

  readdir(path) {
    return fs.readdirSync(this.#host(path, true));
  }

  mkdir(path, mode) {
    const p = this.#entry(path);
    fs.mkdirSync(p, { mode: mode & HOST_MODE });
    this.#chmod(p, mode); // the guest's bits, not the host umask's
  }

  symlink(path, target) {
    fs.symlinkSync(target, this.#entry(path));
  }

  readlink(path) {
    return fs.readlinkSync(this.#host(path));
  }

  rename(from, to) {
    fs.renameSync(this.#entry(from), this.#entry(to));
  }

  unlink(path, dir) {
    (dir ? fs.rmdirSync : fs.unlinkSync)(this.#entry(path));
  }

  link(existing, path) {
    const to = this.#entry(path);
    fs.linkSync(this.#host(existing), to); // link(2) does not follow a symlink `existing`
  }

  setattr(path, handle, { mode, uid, gid, size, atime, mtime }) {
    if (this.readonly) throw fsError('EROFS');
    const fd = handle >= 0 ? this.#fd(handle) : -1;
    const p = fd < 0 ? this.#host(path) : null;
    if (mode !== undefined) fd < 0 ? this.#chmod(p, mode) : fs.fchmodSync(fd, mode & HOST_MODE);
    if (uid !== undefined || gid !== undefined) {
      try {
        fd < 0 ? fs.lchownSync(p, uid ?? -1, gid ?? -1) : fs.fchownSync(fd, uid ?? -1, gid ?? -1);
      } catch (e) {
        if (e.code !== 'EPERM') throw e; // not the host's owner to give away: ignored
      }
    }
    if (size !== undefined) {
      if (fd >= 0) fs.ftruncateSync(fd, size);
      else {
        const t = this.#openFile(p, O_WRONLY, path);
        try {
          fs.ftruncateSync(t, size);
        } finally {
          fs.closeSync(t);
        }
      }
    }
    if (atime !== undefined || mtime !== undefined) {
      const st = fd < 0 ? fs.lstatSync(p, { bigint: true }) : fs.fstatSync(fd, { bigint: true });
      const a = seconds(atime, st.atimeNs), m = seconds(mtime, st.mtimeNs);
      fd < 0 ? fs.lutimesSync(p, a, m) : fs.futimesSync(fd, a, m);
    }
  }

  statfs() {
    const s = fs.statfsSync(this.#root);
    return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree, namelen: 255 };
  }
}
