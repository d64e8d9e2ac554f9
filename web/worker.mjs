// The emulator's module Web Worker: loads the images, opens the disk (base
// image read with HTTP ranges or from a local file, writes kept in an
// IndexedDB overlay), runs a Machine, saves and restores its state (with the
// disk's overlay), shares files with the guest (tag 'host', at /media/host in
// the default guest: a FolderSyncFs kept while the worker lives, given to
// every machine it boots or restores) and talks to the page (app.mjs):
//   page -> worker  {type: 'boot', config: BootConfig}   (once)
//                   {type: 'input', data: Uint8Array}    keyboard bytes (transferred)
//                   {type: 'resize', cols, rows}         terminal size in characters (any time)
//                   {type: 'pause' | 'resume' | 'reset' | 'export' | 'discard'}
//                   {type: 'save'}                       keep the state in IndexedDB for this configuration
//                   {type: 'download'}                   the state as a .wvmsnap file ('exported')
//                   {type: 'restore', file?: Blob}       replace the machine with the saved state, or
//                                                        with a snapshot file's; on failure the old one
//                                                        runs on (a non-fatal error)
//                   {type: 'put-files', files: [{path, data: ArrayBuffer|Blob}]}  write files into the share
//                                                        (paths in it, directories made); 'files' replies
//                                                        with the first one's directory and a note
//                   {type: 'list-files', path}           a share directory ('files')
//                   {type: 'get-file', path}             a share file ('exported')
//                   {type: 'open-folder', handle: FileSystemDirectoryHandle}  copy a folder into the share's
//                                                        root and write the guest's changes in it back
//                                                        (folder-sync.mjs); 'files' replies with the root
//   worker -> page  {type: 'progress', loaded, total}    image download, bytes
//                   {type: 'state', state}               'loading' | 'booting' (about to start or
//                                                        reset) | 'restoring' | 'running' | 'paused' |
//                                                        'off' | 'error'
//                   {type: 'output', data: Uint8Array}   console bytes (transferred)
//                   {type: 'stats', instret, seconds, compiledInsns (null: no JIT), overlayBytes, diskSaving,
//                    fetchedBytes, diskBytes}
//                   {type: 'exported', blob: Blob, name}
//                   {type: 'saved', saved: {bytes, saved}|null}  the state saved for this configuration
//                                                        (bytes; saved: ms since the epoch), after boot
//                                                        and after each save
//                   {type: 'restored', name}             a restored machine replaced the old one
//                   {type: 'files', path, entries: [{name, type: 'file'|'dir'|'symlink', size}], note?}
//                                                        a share directory's entries (size in bytes): path, or
//                                                        its nearest ancestor if gone; note: what was done
//                   {type: 'error', message, fatal}      fatal: the machine is not running (retry)
import { Machine } from '../src/js/machine.mjs';
import { download, fileImage, openHttpImage } from './http-disk.mjs';
import { openOverlay, overlayKey } from './disk-store.mjs';
import { cowDisk } from './cow-disk.mjs';
import { wispSockets } from './wisp-sockets.mjs';
import { openStates, stateKey } from './state-store.mjs';
import { FolderSyncFs } from './folder-sync.mjs';

let machine = null, base = null, overlay = null, disk = null, diskName = 'disk.img', size = null;
let options = null; // the Machine options of this configuration (images loaded)
let states = null, savedKey = ''; // the saved states (a promise, opened on first use) and this configuration's key
let restoring = false; // the old machine's pause and resume during a restore are not shown
const post = (msg, transfer = []) => self.postMessage(msg, transfer);
const fail = (e, fatal = true) => post({ type: 'error', message: e?.message ?? String(e), fatal });

const guestPath = (path) => (path ? `/media/host/${path}` : '/media/host');
const WHY = { // share errors by code
  ENOENT: 'no such file or directory', ENOTDIR: 'not a directory', EISDIR: 'a directory', ELOOP: 'a symbolic link',
  ENOSPC: 'the share is full', ENAMETOOLONG: 'a name is too long', EINVAL: 'not a valid name',
};
const count = (n) => `${n} file${n === 1 ? '' : 's'}`;
/** An error of the share (an Error with a `code`) or of a file read, naming the guest's path. */
const shareError = (path, e) => new Error(`${guestPath(path)}: ${WHY[e.code] ?? e.message}`);
/** What fn resolves to; its error as a shareError of `path`. */
async function inShare(path, fn) {
  try {
    return await fn();
  } catch (e) {
    throw shareError(path, e);
  }
}
const parentOf = (path) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const files = new FolderSyncFs({
  onerror: (e, path) => fail(new Error(`${guestPath(path)} could not be written back to its folder: ${e.message}`), false),
});
const share = { tag: 'host', fs: files };

/** The 'files' message of share directory `path`, or of its nearest ancestor if it is gone. */
function listing(path) {
  try {
    return { type: 'files', path, entries: files.list(path) };
  } catch (e) {
    if (!path || !['ENOENT', 'ENOTDIR'].includes(e.code)) throw shareError(path, e);
    return listing(parentOf(path));
  }
}

/** Bytes of a URL (downloaded with progress) or of a local file. */
function load(src, progress) {
  if (typeof src !== 'string') return src.arrayBuffer().then((b) => new Uint8Array(b));
  return download(src, progress);
}

/** Wait up to 3 s for exclusive use of a disk overlay (another tab may hold it). */
function lockDisk(key) {
  if (!self.navigator?.locks) return Promise.resolve();
  return new Promise((granted, refused) => {
    navigator.locks
      .request(`wvm-disk ${key}`, { signal: AbortSignal.timeout(3000) }, () => { granted(); return new Promise(() => {}); })
      .catch(() => refused(new Error('this disk is in use in another tab or window of this browser; close it and retry')));
  });
}

async function openDisk(src) {
  base = typeof src === 'string' ? await openHttpImage(src) : fileImage(src);
  if (base.size === 0 || base.size % 512) throw new Error(`${src.name}: size ${base.size} bytes is not a multiple of 512`);
  const source = typeof src === 'string' ? src : `file:${src.name}:${src.lastModified}`;
  diskName = (typeof src === 'string' ? new URL(src).pathname.split('/').pop() : src.name) || 'disk.img';
  const key = overlayKey(source, base.size, base.version);
  await lockDisk(key);
  overlay = await openOverlay(key, { source }); // deletes this source's overlays of other sizes or versions
  disk = cowDisk(base, overlay);
}

async function boot(c) {
  post({ type: 'state', state: 'loading' });
  const parts = new Map(); // image name -> [loaded, total] bytes
  const progress = (name) => (loaded, total) => {
    parts.set(name, [loaded, total]);
    let l = 0, t = 0;
    for (const [a, b] of parts.values()) { l += a; t += b; }
    post({ type: 'progress', loaded: l, total: t });
  };
  const builtin = c.bios === 'builtin' || c.bios === 'none';
  const [kernel, initrd, bios] = await Promise.all([
    load(c.kernel, progress('kernel')),
    c.initrd ? load(c.initrd, progress('initrd')) : undefined,
    builtin ? c.bios : load(c.bios, progress('bios')),
    c.disk ? openDisk(c.disk) : null,
  ]);
  options = { arch: c.arch, mem: c.mem, smp: c.smp, bios, kernel, initrd, append: c.append, net: c.net ? { sockets: wispSockets(c.net) } : undefined };
  machine = await Machine.create({ ...options, disks: disk ? [disk] : [], shares: [share] });
  attach(machine);
  post({ type: 'state', state: 'booting' });
  machine.start();
  setInterval(sendStats, 1000);
  sendStats();
  savedKey = stateKey(c, overlay?.key);
  savedStates().then((s) => s.get(savedKey)).then(reportSaved, () => reportSaved(null));
}

/** Forward the events of machine `m` while it is the current one. */
function attach(m) {
  const current = () => m === machine;
  if (size) m.resize(...size);
  m.addEventListener('output', (e) => current() && post({ type: 'output', data: e.detail }, [e.detail.buffer]));
  m.addEventListener('state', (e) => {
    if (!current() || restoring) return;
    if (e.detail === 'halted' && m.resetRequested) restart(); // the guest rebooted
    else post({ type: 'state', state: e.detail === 'halted' ? 'off' : e.detail });
  });
  m.addEventListener('error', (e) => current() && fail(new Error(`the emulator stopped: ${e.detail?.message ?? e.detail}`)));
  m.addEventListener('jit', (e) => {
    if (current() && e.detail.state === 'unavailable') fail(new Error(`${e.detail.message}. The guest runs, more slowly.`), false);
  });
  m.addEventListener('diskerror', (e) => {
    if (!current()) return;
    const quota = e.detail?.name === 'QuotaExceededError';
    fail(new Error(quota
      ? 'The browser\'s storage for this site is full: the guest\'s last disk write failed with an I/O error. '
        + 'Changes saved earlier are kept; export the disk or discard changes to free space.'
      : `disk I/O error (the guest sees an I/O error): ${e.detail?.message ?? e.detail}`), false);
  });
}

/** The saved states' store, opened on first use. */
function savedStates() {
  states ??= openStates();
  return states;
}

function reportSaved(s) {
  post({ type: 'saved', saved: s ? { bytes: s.bytes, saved: s.saved } : null });
}

/** The running machine's state, with the disk's overlay, as a snapshot file. */
function snapshot() {
  if (!machine) throw new Error('the guest is still loading');
  return machine.save({ disks: true });
}

/**
 * Replace the machine with the one saved in snapshot file `src` (with the page's disk if the
 * snapshot had one, taking the snapshot's overlay). The old machine is paused meanwhile and, if
 * the restore fails, runs on as it was.
 * @param {Blob} src
 * @param {string} name  the file's name, for messages
 */
async function restore(src, name) {
  if (!machine) throw new Error(`${name}: the guest is still loading; restore a state once it runs`);
  const old = machine, wasRunning = old.state === 'running';
  restoring = true;
  post({ type: 'state', state: 'restoring' });
  old.pause(); // no new disk requests while the overlay is replaced
  let next;
  try {
    const bytes = new Uint8Array(await src.arrayBuffer());
    next = await Machine.restore(bytes, {
      ...options, disks: (saved) => (saved.length && disk ? [disk] : []), shares: (n) => (n ? [share] : []),
    });
  } catch (e) {
    restoring = false;
    if (wasRunning) old.resume();
    post({ type: 'state', state: old.state === 'halted' ? 'off' : old.state });
    throw new Error(`${name}: ${e.message}`);
  }
  restoring = false;
  machine = next;
  old.stop();
  attach(next);
  post({ type: 'restored', name });
  next.start();
  sendStats();
}

/** Boot the machine again (same images and disks). */
function restart() {
  post({ type: 'state', state: 'booting' });
  machine.reset();
}

function sendStats() {
  const s = machine.stats;
  post({
    type: 'stats', instret: Number(s.instret), seconds: s.seconds, compiledInsns: s.jit?.compiledInsns ?? null,
    overlayBytes: overlay?.bytes ?? 0, diskSaving: overlay?.saving ?? false, fetchedBytes: base?.fetched?.() ?? 0, diskBytes: base?.size ?? 0,
  });
}

const actions = {
  boot: (m) => boot(m.config),
  input: (m) => machine?.write(m.data),
  resize(m) {
    size = [m.cols, m.rows];
    machine?.resize(...size);
  },
  pause: () => machine?.pause(),
  resume: () => machine?.resume(),
  reset: () => machine && restart(),
  async export() {
    if (!disk) throw new Error('there is no disk to export');
    // The disk is read 1 MiB at a time into a Blob: the worker never holds the image, and the
    // browser's blob store can keep a large Blob on disk rather than in memory (Chromium's does
    // past its memory limit: storage/browser/blob/README.md). showSaveFilePicker, which would
    // write straight to a file, exists in windows only, not in workers.
    post({ type: 'exported', blob: await new Response(disk.exportStream()).blob(), name: diskName });
  },
  async save() {
    const saved = await (await savedStates()).put(savedKey, await snapshot());
    reportSaved(saved);
  },
  async download() {
    const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
    post({ type: 'exported', blob: new Blob([await snapshot()]), name: `wvm-${stamp}.wvmsnap` });
  },
  async restore(m) {
    if (m.file) return restore(m.file, m.file.name);
    const saved = await (await savedStates()).get(savedKey);
    if (!saved) throw new Error('no state is saved for this guest');
    return restore(saved.snapshot, 'the saved state');
  },
  async 'put-files'(m) {
    for (const { path, data } of m.files) {
      await inShare(path, async () => files.writeFile(path, new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : data)));
    }
    const dir = parentOf(m.files[0].path);
    post({ ...listing(dir), note: `copied ${count(m.files.length)} into ${guestPath(dir)}` });
  },
  'list-files': (m) => post(listing(m.path)),
  async 'get-file'({ path }) {
    post({ type: 'exported', blob: new Blob([await inShare(path, () => files.readFile(path))]), name: path.split('/').pop() });
  },
  async 'open-folder'({ handle }) {
    const { path, files: n } = await inShare(handle.name, () => files.openFolder(handle));
    post({ ...listing(''), note: `copied the folder ${handle.name} (${count(n)}) to ${guestPath(path)}: the guest's changes there are saved to it` });
  },
  async discard() {
    if (!overlay) return;
    machine?.stop();
    await overlay.clear();
    if (machine) restart();
    sendStats();
  },
};

self.onmessage = ({ data: m }) => {
  Promise.resolve()
    .then(() => actions[m.type](m))
    .catch((e) => fail(e, m.type === 'boot' || m.type === 'reset' || m.type === 'discard'));
};
self.onerror = (e) => fail(new Error(e.message ?? 'error in the emulator worker'));
self.onunhandledrejection = (e) => fail(e.reason);
