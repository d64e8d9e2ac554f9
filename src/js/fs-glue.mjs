// The JavaScript side of src/host/js_fs.c: the core's 9P server calls
// Module.wvmFsCall(id, op, a, b, c, d) synchronously for each file operation
// of share `id`; this turns the call into a method call on that share's
// backend (src/js/fs-memory.mjs, src/js/fs-node.mjs or any object with the
// same methods) and its result or thrown error (Node-style `code`) into
// numbers: a negative Linux errno for an error.
import { linuxErrno } from './fs-common.mjs';

// Operation numbers: the enum of src/host/js_fs.c, in order.
const ops = ['getattr', 'open', 'create', 'read', 'write', 'fsync', 'close', 'readdir', 'mkdir', 'symlink',
  'readlink', 'rename', 'unlink', 'link', 'setattr', 'statfs', 'destroy', 'fgetattr'];
const SET = { MODE: 0x1, UID: 0x2, GID: 0x4, SIZE: 0x8, ATIME: 0x10, MTIME: 0x20, ATIME_SET: 0x80, MTIME_SET: 0x100 };
const encoder = new TextEncoder();

/** The file system backends of a core's shares, by id, serving Module.wvmFsCall. */
export class FsShares {
  #backends = new Map();
  #next = 1;

  /** @param {object} mod the Emscripten module (HEAPU8, UTF8ToString, _malloc) */
  constructor(mod) {
    this.mod = mod;
    mod.wvmFsCall = (id, op, a, b, c, d) => this.#call(id, op, a, b, c, d);
  }

  /** Register `backend`; returns its id for wvm_add_js_share. */
  add(backend) {
    const id = this.#next++;
    this.#backends.set(id, backend);
    return id;
  }

  #call(id, op, a, b, c, d) {
    const fs = this.#backends.get(id);
    if (ops[op] === 'destroy') return this.#backends.delete(id), 0;
    try {
      return this[ops[op]](fs, a, b, c, d) ?? 0;
    } catch (e) {
      return -linuxErrno(e?.code);
    }
  }

  #str(p) { return this.mod.UTF8ToString(p); }
  #f64(p, n) { return new Float64Array(this.mod.HEAPU8.buffer, p, n); }

  getattr(fs, path, out) { this.#attrs(fs.getattr(this.#str(path)), out); }
  // A backend without fgetattr: EOPNOTSUPP, and the server asks getattr by path.
  fgetattr(fs, _a, out, handle) { return fs.fgetattr ? this.#attrs(fs.fgetattr(handle), out) : -95; }

  #attrs(s, out) {
    this.#f64(out, 14).set([s.mode, s.uid, s.gid, s.nlink, s.rdev, s.size, s.blocks, s.ino,
      s.atimeSec, s.atimeNsec, s.mtimeSec, s.mtimeNsec, s.ctimeSec, s.ctimeNsec]);
  }

  open(fs, path, _b, flags) { return fs.open(this.#str(path), flags); }
  create(fs, path, _b, flags, mode) { return fs.create(this.#str(path), flags, mode); }
  read(fs, buf, n, handle, offset) { return fs.read(handle, offset, this.mod.HEAPU8.subarray(buf, buf + n)); }
  write(fs, buf, n, handle, offset) { return fs.write(handle, offset, this.mod.HEAPU8.subarray(buf, buf + n)); }
  fsync(fs, _a, _b, handle) { fs.fsync(handle); }
  close(fs, _a, _b, handle) { fs.close(handle); }

  // Names NUL-terminated one after the other in a malloc'd buffer (the C side frees it).
  readdir(fs, path, out) {
    const names = fs.readdir(this.#str(path)).map((n) => encoder.encode(`${n}\0`));
    const len = names.reduce((sum, n) => sum + n.length, 0);
    const p = this.mod._malloc(len || 1) >>> 0;
    if (!p) return -12; // ENOMEM
    let at = p;
    for (const n of names) this.mod.HEAPU8.set(n, at), at += n.length;
    new Uint32Array(this.mod.HEAPU8.buffer, out, 2).set([p, len]);
  }

  mkdir(fs, path, _b, mode) { fs.mkdir(this.#str(path), mode); }
  symlink(fs, path, target) { fs.symlink(this.#str(path), this.#str(target)); }

  readlink(fs, path, buf, size) {
    const t = encoder.encode(fs.readlink(this.#str(path)));
    if (t.length > size) return -36; // ENAMETOOLONG
    this.mod.HEAPU8.set(t, buf);
    return t.length;
  }

  rename(fs, from, to) { fs.rename(this.#str(from), this.#str(to)); }
  unlink(fs, path, _b, dir) { fs.unlink(this.#str(path), !!dir); }
  link(fs, existing, path) { fs.link(this.#str(existing), this.#str(path)); }

  setattr(fs, path, values, valid) {
    const [mode, uid, gid, size, as, ans, ms, mns, handle] = this.#f64(values, 9);
    const attrs = {};
    if (valid & SET.MODE) attrs.mode = mode;
    if (valid & SET.UID) attrs.uid = uid;
    if (valid & SET.GID) attrs.gid = gid;
    if (valid & SET.SIZE) attrs.size = size;
    if (valid & SET.ATIME) attrs.atime = valid & SET.ATIME_SET ? [as, ans] : 'now';
    if (valid & SET.MTIME) attrs.mtime = valid & SET.MTIME_SET ? [ms, mns] : 'now';
    fs.setattr(this.#str(path), handle, attrs);
  }

  statfs(fs, _a, out) {
    const s = fs.statfs();
    this.#f64(out, 7).set([s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree, s.namelen]);
  }
}
