// The emulator's module Web Worker: loads the images, opens the disk (base
// image read with HTTP ranges or from a local file, writes kept in an
// IndexedDB overlay), runs a Machine, saves and restores its state (with the
// disk's overlay) and talks to the page (app.mjs):
//   page -> worker  {type: 'boot', config: BootConfig}   (once)
//                   {type: 'input', data: Uint8Array}    keyboard bytes (transferred)
//                   {type: 'resize', cols, rows}         terminal size in characters (any time)
//                   {type: 'pause' | 'resume' | 'reset' | 'export' | 'discard'}
//                   {type: 'save'}                       keep the state in IndexedDB for this configuration
//                   {type: 'download'}                   the state as a .wvmsnap file ('exported')
//                   {type: 'restore', file?: Blob}       replace the machine with the saved state, or
//                                                        with a snapshot file's; on failure the old one
//                                                        runs on (a non-fatal error)
//   worker -> page  {type: 'progress', loaded, total}    image download, bytes
//                   {type: 'state', state}               'loading' | 'booting' (about to start or
//                                                        reset) | 'restoring' | 'running' | 'paused' |
//                                                        'off' | 'error'
//                   {type: 'output', data: Uint8Array}   console bytes (transferred)
//                   {type: 'stats', instret, seconds, compiledInsns (null: no JIT), overlayBytes,
//                    fetchedBytes, diskBytes}
//                   {type: 'exported', blob: Blob, name}
//                   {type: 'saved', saved: {bytes, saved}|null}  the state saved for this configuration
//                                                        (bytes; saved: ms since the epoch), after boot
//                                                        and after each save
//                   {type: 'restored', name}             a restored machine replaced the old one
//                   {type: 'error', message, fatal}      fatal: the machine is not running (retry)
import { Machine } from '../src/js/machine.mjs';
import { download, fileImage, openHttpImage } from './http-disk.mjs';
import { openOverlay, overlayKey } from './disk-store.mjs';
import { cowDisk } from './cow-disk.mjs';
import { wispSockets } from './wisp-sockets.mjs';
import { openStates, stateKey } from './state-store.mjs';

let machine = null, base = null, overlay = null, disk = null, diskName = 'disk.img', size = null;
let options = null; // the Machine options of this configuration (images loaded)
let states = null, savedKey = ''; // the saved states (a promise, opened on first use) and this configuration's key
let restoring = false; // the old machine's pause and resume during a restore are not shown
const post = (msg, transfer = []) => self.postMessage(msg, transfer);
const fail = (e, fatal = true) => post({ type: 'error', message: e?.message ?? String(e), fatal });

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
  options = { mem: c.mem, smp: c.smp, bios, kernel, initrd, append: c.append, net: c.net ? { sockets: wispSockets(c.net) } : undefined };
  machine = await Machine.create({ ...options, disks: disk ? [disk] : [] });
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
    next = await Machine.restore(bytes, { ...options, disks: (saved) => (saved.length && disk ? [disk] : []) });
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
    overlayBytes: overlay?.bytes ?? 0, fetchedBytes: base?.fetched?.() ?? 0, diskBytes: base?.size ?? 0,
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
