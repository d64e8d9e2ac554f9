// The web page's UI: starts the emulator worker (worker.mjs) with the guest
// from the URL parameters or from files chosen or dropped on the page, and
// shows its progress, state, statistics and errors; the terminal forwards
// bytes both ways. Save/Restore/Download state and .wvmsnap files opened or
// dropped go to the worker; other files dropped go into the guest's
// /media/host (the Files panel, files-panel.mjs). window.wvm exposes the
// terminal and state (tests, console).
import { createTerminal } from './terminal.mjs';
import { softKeys } from './soft-keys.mjs';
import { filesPanel } from './files-panel.mjs';
import { HEAD_BYTES, classifyFile, configFromParams, isSnapshot, missingFeatures } from './boot-config.mjs';

const $ = (id) => document.getElementById(id);
const LABELS = {
  loading: 'Loading', booting: 'Booting', restoring: 'Restoring', running: 'Running', paused: 'Paused', off: 'Powered off', error: 'Error',
};
const BUTTONS = { export: 'Export disk', save: 'Save state', download: 'Download state' }; // labels while idle
const PROMPT = /(?:[#$>] |login: )$/; // a shell or login prompt ends the boot
let worker = null, config = null, state = 'loading', booted = false, tail = '', last = null, boots = 0;
let saved = null; // the state saved for this configuration: {bytes, saved: ms since the epoch} or null

// The browser's storage for the disk overlay and saved states: asked to keep it (not evict it
// under pressure), and its use against the quota, refreshed every 10 s.
const storage = { usage: 0, quota: 0, persisted: false, at: 0 };
navigator.storage?.persist?.().then((p) => { storage.persisted = p; }, () => {});
function refreshStorage() {
  if (!navigator.storage?.estimate || performance.now() - storage.at < 10000) return;
  storage.at = performance.now();
  navigator.storage.estimate().then(({ usage = 0, quota = 0 }) => Object.assign(storage, { usage, quota }), () => {});
}
const send = (bytes) => worker?.postMessage({ type: 'input', data: bytes }, [bytes.buffer]);
const term = createTerminal($('terminal'), softKeys($('keys'), send, () => term.focus()));
// boots counts guest starts (boot, reset, reboot, discard, new files, restores): a test waits for it to move.
window.wvm = {
  term, get state() { return state; }, get config() { return config; }, get boots() { return boots; }, get saved() { return saved; },
};

/** "1.5 MiB" for a byte count. */
function bytes(n) {
  if (n < 1024) return `${n} B`;
  const [v, u] = n < 1 << 20 ? [n / 1024, 'KiB'] : n < 1 << 30 ? [n / (1 << 20), 'MiB'] : [n / (1 << 30), 'GiB'];
  return `${v.toFixed(v < 10 ? 1 : 0)} ${u}`;
}
const sharePanel = filesPanel((m) => worker?.postMessage(m), bytes);

function clock(seconds) {
  const s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

const nameOf = (src) => (typeof src === 'string' ? decodeURIComponent(new URL(src).pathname.split('/').pop()) : src.name);

function setState(s) {
  state = s;
  $('status').dataset.state = s;
  $('status-text').textContent = LABELS[s];
  document.title = `wvm — ${LABELS[s]}`;
  const live = ['booting', 'running', 'paused'].includes(s);
  $('pause').disabled = !live;
  $('pause').textContent = s === 'paused' ? 'Resume' : 'Pause';
  $('reset').disabled = !(live || s === 'off');
  $('export').disabled = $('discard').disabled = !(config?.disk && (live || s === 'off'));
  $('save').disabled = $('download').disabled = !live;
  $('restore').disabled = !(saved && (live || s === 'off'));
  $('share').disabled = s === 'error'; // no worker holds the files
  if (s === 'error') $('share-panel').hidden = true;
  if (s !== 'loading') $('progress').hidden = true;
}

/** Show what a button does again after its action finished or failed. */
function idleButtons() {
  for (const [id, label] of Object.entries(BUTTONS)) $(id).textContent = label;
}

/** Ask the worker for `type` (a slow action), showing `busy` on the button meanwhile. */
function act(id, type, busy) {
  $(id).textContent = busy;
  worker.postMessage({ type });
}

/** Show an error; `retry` offers to start again (when the guest is not running). */
function showError(message, retry) {
  $('error-text').textContent = message;
  $('retry').hidden = !retry;
  $('error').hidden = false;
}

const handlers = {
  progress({ loaded, total }) {
    if (state !== 'loading') return;
    const pct = total ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
    $('progress').hidden = false;
    $('progress-fill').style.width = `${pct}%`;
    $('progress-text').textContent = `Downloading the guest: ${bytes(loaded)}${total ? ` of ${bytes(total)} (${pct}%)` : ''}`;
  },
  state({ state: s }) {
    if (s === 'booting') { booted = false; tail = ''; boots++; }
    setState(s === 'running' && !booted ? 'booting' : s);
  },
  output({ data }) {
    term.write(data);
    if (booted) return;
    tail = (tail + new TextDecoder().decode(data)).slice(-64);
    booted = PROMPT.test(tail);
    if (booted && state === 'booting') setState('running');
  },
  stats(s) {
    const dt = last ? s.seconds - last.seconds : 0; // 0 at the first report and after a reset
    const mips = dt > 0 && state !== 'paused' ? Math.max(0, s.instret - last.instret) / dt / 1e6 : 0;
    last = s;
    const parts = [`${mips.toFixed(0)} M instr/s`, `up ${clock(s.seconds)}`];
    if (s.compiledInsns != null) parts.push(`JIT ${(100 * s.compiledInsns / Math.max(1, s.instret)).toFixed(0)}% compiled`);
    if (config.disk) {
      parts.push(`disk: ${bytes(s.overlayBytes)} changed (${s.diskSaving ? 'saving…' : 'saved'}), `
        + `${bytes(s.fetchedBytes)}/${bytes(s.diskBytes)} loaded`);
    }
    if (storage.quota) parts.push(`storage ${bytes(storage.usage)} of ${bytes(storage.quota)}${storage.persisted ? ', persistent' : ''}`);
    $('stats').textContent = parts.join(' · ');
    refreshStorage();
  },
  exported({ blob, name }) {
    const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    idleButtons();
  },
  saved({ saved: s }) {
    saved = s;
    idleButtons();
    $('restore').title = s
      ? `Go back to the state saved ${new Date(s.saved).toLocaleString()} (${bytes(s.bytes)}, with the disk's changes)`
      : 'No state is saved for this guest in this browser yet';
    setState(state);
  },
  files: (m) => sharePanel.show(m),
  restored({ name }) {
    boots++;
    booted = true; // the guest is where it was saved: no boot to wait for
    tail = '';
    last = null;
    term.reset();
    term.write(`\x1b[2m[restored ${name}: the screen is not part of a state; press Enter for a prompt]\x1b[0m\r\n`);
    term.focus();
  },
  error({ message, fatal }) {
    if (fatal) {
      worker.terminate(); // the guest is not running: stop downloads too; Retry starts afresh
      setState('error');
    }
    showError(message, fatal);
    idleButtons();
  },
};

/** (Re)start the emulator worker with `config`. */
function start() {
  worker?.terminate();
  $('error').hidden = true;
  term.reset();
  last = null;
  booted = false;
  saved = null;
  const parts = [nameOf(config.kernel), config.initrd && nameOf(config.initrd)].filter(Boolean).join(' + ');
  $('guest').textContent = `${parts}${config.disk ? ` · ${nameOf(config.disk)}` : ''} · ${config.mem} MiB RAM`;
  $('stats').textContent = '—';
  setState('loading');
  $('progress').hidden = false;
  worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data: m }) => handlers[m.type](m);
  worker.onerror = (e) => {
    e.preventDefault();
    handlers.error({ message: `the emulator failed to start: ${e.message || 'its script did not load'}`, fatal: true });
  };
  worker.postMessage({ type: 'boot', config });
  sharePanel.reset(); // the new worker's share is empty
  worker.postMessage({ type: 'resize', cols: term.cols, rows: term.rows });
  term.focus();
}

/**
 * Boot local files: each is recognised as a kernel, initrd or disk (or rejected with a message);
 * a snapshot file (opened alone) is restored instead, with the current disk.
 */
async function openFiles(files) {
  const next = { ...config };
  try {
    for (const f of files) {
      const head = new Uint8Array(await f.slice(0, HEAD_BYTES).arrayBuffer());
      const kind = classifyFile({ name: f.name, size: f.size, head });
      if (kind !== 'snapshot') next[kind] = f;
      else if (files.length > 1) throw new Error(`${f.name} is a saved state: open it on its own, after booting the images it needs`);
      else if (!['booting', 'running', 'paused', 'off'].includes(state)) throw new Error(`${f.name}: restore a saved state once the guest has started`);
      else {
        $('error').hidden = true;
        worker.postMessage({ type: 'restore', file: f });
        return;
      }
    }
  } catch (e) {
    showError(e.message, false);
    return;
  }
  if (!files.length) return;
  config = next;
  start();
}

/**
 * Files dropped on the page: a .wvmsnap restores (as Open files…); other files go into the Files
 * panel's directory of /media/host, or are booted when no guest runs (after an error).
 */
async function dropped(list) {
  const heads = await Promise.all(list.map((f) => f.slice(0, HEAD_BYTES).arrayBuffer()));
  if (state === 'error' || heads.some((h) => isSnapshot(new Uint8Array(h)))) openFiles(list);
  else sharePanel.put(list);
}

function wire() {
  term.onResize(({ cols, rows }) => worker?.postMessage({ type: 'resize', cols, rows }));
  $('pause').onclick = () => worker.postMessage({ type: state === 'paused' ? 'resume' : 'pause' });
  $('reset').onclick = () => { term.reset(); worker.postMessage({ type: 'reset' }); term.focus(); };
  $('export').onclick = () => act('export', 'export', 'Exporting…');
  $('save').onclick = () => act('save', 'save', 'Saving…');
  $('download').onclick = () => act('download', 'download', 'Saving…');
  $('restore').onclick = () => { $('error').hidden = true; worker.postMessage({ type: 'restore' }); };
  $('discard').onclick = () => {
    if (!confirm('Discard every change made to the disk in this browser and restart the guest?')) return;
    term.reset();
    worker.postMessage({ type: 'discard' });
  };
  $('smaller').onclick = () => term.zoom(-1);
  $('larger').onclick = () => term.zoom(1);
  $('fullscreen').onclick = () => (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen())
    .catch(() => {}).finally(() => term.focus());
  addEventListener('fullscreenchange', () => { $('fullscreen').textContent = document.fullscreenElement ? 'Exit fullscreen' : 'Fullscreen'; });
  $('retry').onclick = start;
  $('dismiss').onclick = () => { $('error').hidden = true; };
  $('files').onchange = (e) => { openFiles([...e.target.files]); e.target.value = ''; };
  const drop = $('drop');
  addEventListener('dragover', (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    drop.hidden = false;
  });
  addEventListener('dragleave', (e) => { if (!e.relatedTarget) drop.hidden = true; });
  addEventListener('drop', (e) => {
    e.preventDefault();
    drop.hidden = true;
    dropped([...(e.dataTransfer?.files ?? [])]);
  });
}

wire();
const missing = missingFeatures();
try {
  if (missing.length) throw new Error(`This browser cannot run wvm: it lacks ${missing.join(', ')}.`);
  config = configFromParams(location.search, location.href);
  start();
} catch (e) {
  setState('error');
  $('progress').hidden = true;
  showError(e.message, false);
}
