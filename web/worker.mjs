// The emulator's module Web Worker: loads the images, opens the disk (base
// image read with HTTP ranges or from a local file, writes kept in an
// IndexedDB overlay), runs a Machine and talks to the page (app.mjs):
//   page -> worker  {type: 'boot', config: BootConfig}   (once)
//                   {type: 'input', data: Uint8Array}    keyboard bytes (transferred)
//                   {type: 'resize', cols, rows}         terminal size in characters (any time)
//                   {type: 'pause' | 'resume' | 'reset' | 'export' | 'discard'}
//   worker -> page  {type: 'progress', loaded, total}    image download, bytes
//                   {type: 'state', state}               'loading' | 'booting' (about to start or
//                                                        reset) | 'running' | 'paused' | 'off' | 'error'
//                   {type: 'output', data: Uint8Array}   console bytes (transferred)
//                   {type: 'stats', instret, seconds, compiledInsns (null: no JIT), overlayBytes,
//                    fetchedBytes, diskBytes}
//                   {type: 'exported', blob: Blob, name}
//                   {type: 'error', message, fatal}      fatal: the machine is not running (retry)
import { Machine } from '../src/js/machine.mjs';
import { download, fileImage, openHttpImage } from './http-disk.mjs';
import { openOverlay, overlayKey } from './disk-store.mjs';
import { cowDisk } from './cow-disk.mjs';

let machine = null, base = null, overlay = null, disk = null, diskName = 'disk.img', size = null;
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
  overlay = await openOverlay(key);
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
  machine = await Machine.create({ mem: c.mem, smp: c.smp, bios, kernel, initrd, append: c.append, disks: disk ? [disk] : [] });
  if (size) machine.resize(...size);
  machine.addEventListener('output', (e) => post({ type: 'output', data: e.detail }, [e.detail.buffer]));
  machine.addEventListener('state', (e) => {
    if (e.detail === 'halted' && machine.resetRequested) restart(); // the guest rebooted
    else post({ type: 'state', state: e.detail === 'halted' ? 'off' : e.detail });
  });
  machine.addEventListener('error', (e) => fail(new Error(`the emulator stopped: ${e.detail?.message ?? e.detail}`)));
  machine.addEventListener('jit', (e) => {
    if (e.detail.state === 'unavailable') fail(new Error(`${e.detail.message}. The guest runs, more slowly.`), false);
  });
  machine.addEventListener('diskerror', (e) => {
    const quota = e.detail?.name === 'QuotaExceededError';
    fail(new Error(quota
      ? 'The browser\'s storage for this site is full: the guest\'s last disk write failed with an I/O error. '
        + 'Changes saved earlier are kept; export the disk or discard changes to free space.'
      : `disk I/O error (the guest sees an I/O error): ${e.detail?.message ?? e.detail}`), false);
  });
  post({ type: 'state', state: 'booting' });
  machine.start();
  setInterval(sendStats, 1000);
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
    post({ type: 'exported', blob: await disk.exportBlob(), name: diskName });
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
