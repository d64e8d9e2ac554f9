// Snapshots of the default Linux guest at its shell prompt: how long saving
// and restoring take and how big the file is, for wvm's wasm build in this
// process (Machine.save, Machine.restore) and for QEMU (HMP `migrate` to a
// file, `-incoming` from it). Each sample boots a fresh guest with the
// target's own open() (its cold boot to the prompt is the figure the restore
// is compared with), sets a shell variable, saves, powers off, restores, and
// checks that the restored shell still has the variable.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Machine } from '../../src/js/machine.mjs';
import { decodeSnapshot, encodeSnapshot } from '../../src/js/snapshot.mjs';
import { machineSession, processSession } from '../../src/js/session.mjs';
import { QEMU, collectGarbage, qemuArgs, track } from './targets.mjs';

/** v86's figures, measured once on this machine, not in this run: seconds and bytes. */
export const V86_REFERENCE = { label: 'v86 (measured once here, not in this run)', saveSeconds: 0.14, restoreSeconds: 0.21, bytes: 57e6 };

const MARK_SET = 'SNAPSHOT=ok', MARK_GET = 'echo $SNAPSHOT', MARK = /^ok$/m;
const TIMEOUT_MS = 120000;
const CTRL_A_C = '\x01c'; // QEMU -nographic: switch stdio between the serial console and the monitor
const MONITOR_PROMPT = /\(qemu\) $/;
// QEMU's migration is capped at 128 MiB/s by default, which makes the save of
// this guest ~2x slower than the copy itself; wvm's save has no cap either.
const QEMU_MAX_BANDWIDTH = '10G';

const since = (t0) => (performance.now() - t0) / 1000;

/**
 * @typedef {object} SnapshotSample  one save and restore (seconds, bytes; null: not measured on that target)
 * @property {number} bootSeconds     cold boot of the saved guest: Machine.create (QEMU: spawn) to the first prompt
 * @property {number} saveSeconds     wasm: the machine's first Machine.save() (state + deflate); QEMU: `migrate -d` until `info migrate` says completed
 * @property {number|null} stateSeconds     wasm: Machine.save({compress: false}) right after it, the state alone
 * @property {number|null} compressSeconds  wasm: deflating that state alone (encodeSnapshot)
 * @property {number|null} qemuSaveSeconds  QEMU: its own `total time` of the migration
 * @property {number} bytes           the file: wasm's compressed snapshot, QEMU's migration stream
 * @property {number|null} rawBytes   wasm: the uncompressed snapshot
 * @property {number} restoreSeconds  Machine.restore(file) (QEMU: spawning it with -incoming) until the restored shell answers `echo $SNAPSHOT`
 * @property {number} restoredSeconds wasm: Machine.restore alone (inflate + core); QEMU: until `info status` says running
 */

/**
 * @typedef {object} SnapshotTarget  what the JSON holds per target
 * @property {string} id        the target's id in targets.mjs
 * @property {string} label
 * @property {string|null} skipped   why it was not measured
 * @property {SnapshotSample[]} samples
 */

/** Time `f()`: [its value, seconds]. */
async function timed(f) {
  const t0 = performance.now();
  const v = await f();
  return [v, since(t0)];
}

/** Check that a restored shell answered `echo $SNAPSHOT` with the value set before the save. */
function checkMark(name, output) {
  if (!MARK.test(output)) throw new Error(`${name}: the restored shell printed '${output}' for '${MARK_GET}', expected 'ok'`);
}

/** One sample on wvm's wasm target (a target of targets.mjs with `machine` in its runner). */
async function wasmSample(target, images) {
  const r = await target.open(images);
  await r.session.command(MARK_SET);
  // The file first, as a user saves it once; then its two parts, which a
  // repeated save measures without the first save's one-time costs.
  const [file, saveSeconds] = await timed(() => r.machine.save());
  const [raw, stateSeconds] = await timed(() => r.machine.save({ compress: false }));
  const state = await decodeSnapshot(raw);
  const [, compressSeconds] = await timed(() => encodeSnapshot(state));
  await r.close();
  collectGarbage(); // outside the timing, as before Machine.create (targets.mjs)

  const t0 = performance.now();
  const machine = await Machine.restore(file); // the default options: JIT on, as the wvm-jit target
  const restoredSeconds = since(t0);
  try {
    const session = machineSession(machine);
    machine.start();
    const { output } = await session.command(MARK_GET, { timeoutMs: TIMEOUT_MS });
    const restoreSeconds = since(t0);
    checkMark(target.label, output);
    machine.write('poweroff -f\n');
    const code = await machine.halted();
    if (code !== 0) throw new Error(`${target.label}: the restored guest halted with status ${code} after poweroff`);
    return { bootSeconds: r.boot.seconds, saveSeconds, stateSeconds, compressSeconds, qemuSaveSeconds: null,
      bytes: file.length, rawBytes: raw.length, restoreSeconds, restoredSeconds };
  } finally {
    machine.stop();
  }
}

/** Type `line` into QEMU's monitor (focused) and wait for its next prompt; its output (\r removed). */
async function monitor(session, line) {
  const from = session.text.length;
  session.send(`${line}\n`);
  await session.waitFor(MONITOR_PROMPT, { from, timeoutMs: TIMEOUT_MS, what: `QEMU's monitor prompt after '${line}'` });
  const out = session.text.slice(from).replace(/\r/g, '');
  return out.slice(out.indexOf('\n') + 1, out.lastIndexOf('(qemu) ')); // without the echoed line (it has escapes) and the prompt
}

/** Switch QEMU's stdio to its monitor and wait for the prompt. */
async function enterMonitor(session) {
  const from = session.text.length;
  session.send(CTRL_A_C);
  await session.waitFor(MONITOR_PROMPT, { from, timeoutMs: TIMEOUT_MS, what: "QEMU's monitor" });
}

/** Repeat monitor command `line` until its output matches `done`; that output. */
async function pollMonitor(session, line, done) {
  for (const t0 = performance.now(); ;) {
    const out = await monitor(session, line);
    if (done.test(out)) return out;
    if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`QEMU: '${line}' did not print ${done} in ${TIMEOUT_MS / 1000} s:\n${out}`);
  }
}

/** One sample on QEMU: live migration to `file` from the monitor, then a new QEMU with -incoming. */
async function qemuSample(target, images, file) {
  const r = await target.open(images);
  try {
    await r.session.command(MARK_SET);
    await enterMonitor(r.session);
    const set = await monitor(r.session, `migrate_set_parameter max-bandwidth ${QEMU_MAX_BANDWIDTH}`);
    if (set.trim()) throw new Error(`QEMU: cannot set max-bandwidth: ${set.trim()}`);
    // -d and polling: HMP's waiting `migrate` checks for the end once a second.
    const t0 = performance.now();
    await monitor(r.session, `migrate -d "exec:cat > ${file}"`);
    const info = await pollMonitor(r.session, 'info migrate', /Migration status: (completed|failed|cancelled)/);
    const saveSeconds = since(t0);
    if (!/Migration status: completed/.test(info)) throw new Error(`QEMU: the migration did not complete:\n${info}`);
    const total = /total time: (\d+) ms/.exec(info);
    r.session.send('quit\n');
    const quit = await r.session.exited;
    if (quit !== 0) throw new Error(`QEMU exited with status ${quit} after quit; stderr:\n${r.session.stderr}`);
    const bytes = statSync(file).size;

    const t1 = performance.now();
    const child = track(spawn(QEMU, [...qemuArgs(images), '-incoming', `exec:cat ${file}`], { stdio: ['pipe', 'pipe', 'pipe'] }));
    try {
      const session = processSession(child, 'QEMU -incoming');
      // Console input before the state is loaded would be lost: wait until the VM runs.
      await enterMonitor(session);
      await pollMonitor(session, 'info status', /VM status: running/);
      const restoredSeconds = since(t1);
      session.send(CTRL_A_C);
      const { output } = await session.command(MARK_GET, { timeoutMs: TIMEOUT_MS });
      const restoreSeconds = since(t1);
      checkMark(target.label, output);
      session.send('poweroff -f\n');
      const code = await session.exited;
      if (code !== 0) throw new Error(`QEMU -incoming exited with status ${code} after poweroff; stderr:\n${session.stderr}`);
      return { bootSeconds: r.boot.seconds, saveSeconds, stateSeconds: null, compressSeconds: null, qemuSaveSeconds: total ? Number(total[1]) / 1000 : null,
        bytes, rawBytes: null, restoreSeconds, restoredSeconds };
    } finally {
      child.kill('SIGKILL');
    }
  } finally {
    r.child.kill('SIGKILL'); // no-op once it has quit
  }
}

/**
 * Save and restore the guest of `images` on wvm wasm (JIT) and QEMU, `runs`
 * samples each, alternating. A wvm failure throws (something broke); a QEMU
 * failure marks QEMU skipped with its message (its migration is a comparison only).
 * @param {{t: import('./targets.mjs').Target, skipped: string|null}[]} status  the bench's targets and why any is unavailable
 * @param {import('./targets.mjs').GuestImages} images  the default guest (no bench files needed)
 * @param {number} runs
 * @param {(s: string) => void} progress
 * @returns {Promise<{targets: SnapshotTarget[], reference: typeof V86_REFERENCE}>}
 */
export async function measureSnapshots(status, images, runs, progress) {
  const dir = mkdtempSync(`${tmpdir()}/wvm-bench-snap-`);
  const sample = { 'wvm-jit': wasmSample, qemu: (t, imgs) => qemuSample(t, imgs, `${dir}/qemu.migration`) };
  const out = status.filter(({ t }) => sample[t.id]).map(({ t, skipped }) => ({ id: t.id, label: t.label, skipped, samples: [], t }));
  try {
    for (let i = 0; i < runs; i++) {
      for (const x of out.filter((o) => !o.skipped)) {
        const tag = `[${x.label} ${i + 1}/${runs}]`;
        progress(`${tag} snapshot: boot, save, restore`);
        try {
          const s = await sample[x.id](x.t, images);
          x.samples.push(s);
          progress(`${tag} snapshot: save ${(s.saveSeconds * 1000).toFixed(0)} ms, ${(s.bytes / 1e6).toFixed(1)} MB, ` +
            `restore to a shell answer ${(s.restoreSeconds * 1000).toFixed(0)} ms, boot ${(s.bootSeconds * 1000).toFixed(0)} ms`);
        } catch (e) {
          if (x.id !== 'qemu') throw e;
          x.skipped = e.message.split('\n')[0];
          progress(`${tag} snapshot: skipping QEMU: ${e.message}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { targets: out.map(({ t, ...x }) => x), reference: V86_REFERENCE };
}
