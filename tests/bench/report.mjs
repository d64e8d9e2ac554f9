// Turning bench results into text tables and JSON files, and comparing a run
// with the previous one (build/bench/latest.json).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * @typedef {object} BenchResult  what bench.mjs measured (also the JSON file's content)
 * @property {string} schema   'wvm-bench/1'
 * @property {string} date     ISO time of the start of the run
 * @property {number} runs     samples per figure
 * @property {object} machine  see machine-info.mjs
 * @property {Object<string, Object<string, {instret: number, seconds: number, mips: number}[]>>} micro
 *   bare-metal program -> wvm engine -> samples
 * @property {{id: string, label: string, short: string, wvm: boolean, guest: boolean, skipped: string|null}[]} targets
 * @property {{id: string, title: string, kind: 'boot'|'workload'}[]} rows
 * @property {Object<string, Object<string, import('./targets.mjs').WorkloadSample[]>>} samples
 *   target -> row -> samples; for boot rows seconds = hostSeconds = spawn (or create) to prompt
 * @property {Object<string, {instret: number, seconds: number}[]>} sessions
 *   target -> totals the target reported when powered off, one per workload session
 * @property {{targets: import('./snapshot.mjs').SnapshotTarget[], reference: object}} [snapshots]
 *   save and restore at the shell prompt (snapshot.mjs)
 * @property {Array<{id: string, label: string, skipped: string|null, samples: object[]}>} [network]
 *   user-mode networking (net.mjs)
 * @property {Array<{id: string, label: string, skipped: string|null, samples: object[]}>} [share]
 *   file sharing (share.mjs)
 */

/** Median (upper median for an even count); NaN for no values. */
export const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const min = (xs) => (xs.length ? Math.min(...xs) : NaN);

/**
 * Per target and row: median and min of the measured seconds, median host
 * seconds and median guest instructions.
 * @param {BenchResult} r
 * @returns {Object<string, Object<string, {median: number, min: number, host: number, instret: number}>>}
 */
export function summarize(r) {
  const out = {};
  for (const [target, rows] of Object.entries(r.samples)) {
    out[target] = {};
    for (const [row, samples] of Object.entries(rows)) {
      const instrets = samples.map((s) => s.instret).filter((x) => x != null);
      out[target][row] = {
        median: median(samples.map((s) => s.seconds)),
        min: min(samples.map((s) => s.seconds)),
        host: median(samples.map((s) => s.hostSeconds)),
        instret: instrets.length ? median(instrets) : NaN,
      };
    }
  }
  return out;
}

const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const secs = (x) => (!Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(1));
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '–');

/** Lay out rows of cells: first column left-aligned, the rest right-aligned. */
function layout(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i ? String(c ?? '').padStart(widths[i]) : String(c ?? '').padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/**
 * The bare-metal MIPS table (median of the samples).
 * @param {BenchResult} r
 * @returns {string}
 */
export function microTable(r) {
  const engines = Object.keys(Object.values(r.micro)[0] ?? {});
  const [lead, ...others] = engines; // ratios: the first engine (the JIT) against each other
  const rows = [['bare metal: guest M instr/s', ...engines, ...others.map((e) => `${lead}/${e}`)]];
  for (const [name, byEngine] of Object.entries(r.micro)) {
    const m = engines.map((e) => median(byEngine[e].map((s) => s.mips)));
    rows.push([name, ...m.map((x) => fmt(x, 0)), ...m.slice(1).map((x) => fmt(m[0] / x))]);
  }
  return layout(rows);
}

/**
 * The main table: seconds per target (median, and min for the first target),
 * ratios of each wvm target to each reference (QEMU, host), guest
 * instructions and guest MIPS.
 * @param {BenchResult} r
 * @returns {string}
 */
export function mainTable(r) {
  const sum = summarize(r);
  const ts = r.targets.filter((t) => !t.skipped);
  const [first] = ts;
  const wvm = ts.filter((t) => t.wvm), refs = ts.filter((t) => !t.wvm);
  const guests = ts.filter((t) => t.guest);
  const counter = guests.find((t) => r.rows.some((row) => Number.isFinite(sum[t.id]?.[row.id]?.instret)));
  const header = ['seconds' + (r.runs > 1 ? ` (median of ${r.runs})` : ''), first.short, `${first.short} min`, ...ts.slice(1).map((t) => t.short)];
  for (const a of wvm) for (const b of refs) header.push(`${a.short}/${b.short}`);
  const jit = ts.find((t) => t.id === 'wvm-jit'), interp = ts.find((t) => t.id === 'wvm-wasm');
  if (jit && interp) header.push(`${interp.short}/${jit.short}`); // the JIT's speedup
  header.push('G instr', ...guests.map((t) => `MIPS ${t.short}${t === counter ? '' : '*'}`));
  const rows = [header];
  for (const row of r.rows) {
    const get = (t) => sum[t.id]?.[row.id];
    const cells = [row.title, secs(get(first)?.median), secs(get(first)?.min), ...ts.slice(1).map((t) => secs(get(t)?.median))];
    for (const a of wvm) for (const b of refs) cells.push(ratio(get(a)?.median, get(b)?.median));
    if (jit && interp) cells.push(ratio(get(interp)?.median, get(jit)?.median));
    const instret = counter ? get(counter)?.instret : NaN;
    cells.push(fmt(instret / 1e9, 3));
    for (const t of guests) cells.push(fmt(instret / get(t)?.host / 1e6, 0));
    rows.push(cells);
  }
  const creates = (r.samples[first.id]?.boot ?? []).map((s) => s.createSeconds).filter((x) => x != null);
  const notes = [
    'Workload seconds are measured by the shell that runs them (guest CLOCK_MONOTONIC from /proc/timer_list);',
    'boot seconds by the host from process spawn (wasm: Machine.create) to the first prompt' +
      (creates.length ? ` (Machine.create alone: ${secs(median(creates))} s median).` : '.'),
    `G instr: guest instructions retired (${counter ? counter.label : 'none'}'s counter) from typing the command to the next prompt;`,
    'MIPS = G instr / host seconds over that interval; * = estimated from that same instruction count.',
  ];
  return `${layout(rows)}\n${notes.map((n) => `  ${n}`).join('\n')}`;
}

/**
 * Snapshots at the shell prompt (median of the samples): save and restore
 * times in ms, file sizes in MB (10^6 bytes), restore time over the cold boot
 * of the same samples; then v86's reference line, not measured in this run.
 * @param {BenchResult} r
 * @returns {string} the table, or '' if the result has no snapshots
 */
export function snapshotTable(r) {
  if (!r.snapshots) return '';
  const ms = (x) => fmt(x * 1000, 0), mb = (x) => fmt(x / 1e6, 1);
  const rows = [[`snapshot at the shell prompt${r.runs > 1 ? ` (median of ${r.runs})` : ''}`,
    'save ms', 'state ms', 'deflate ms', 'file MB', 'raw MB', 'restore ms', 'boot ms', 'restore/boot']];
  const skips = [], extra = [];
  for (const t of r.snapshots.targets) {
    if (t.skipped || !t.samples.length) {
      skips.push(`${t.label}: not measured (${t.skipped ?? 'no sample'}).`);
      continue;
    }
    const med = (k) => median(t.samples.map((s) => s[k]).filter((x) => x != null));
    rows.push([t.label, ms(med('saveSeconds')), ms(med('stateSeconds')), ms(med('compressSeconds')), mb(med('bytes')), mb(med('rawBytes')),
      ms(med('restoreSeconds')), ms(med('bootSeconds')), ratio(med('restoreSeconds'), med('bootSeconds'))]);
    extra.push(t.id === 'qemu'
      ? `QEMU's own migration total time ${ms(med('qemuSaveSeconds'))} ms; its VM ran ${ms(med('restoredSeconds'))} ms after the spawn`
      : `${t.label}: Machine.restore alone (inflate + core) ${ms(med('restoredSeconds'))} ms`);
  }
  const v86 = r.snapshots.reference;
  const notes = [
    'wvm: save = the machine\'s first Machine.save() (deflate, zlib level 1); then, repeated without its one-time costs, its parts: state =',
    '  Machine.save({compress: false}), deflate = compressing that state alone; file MB compressed, raw MB uncompressed (MB = 10^6',
    '  bytes); restore = Machine.restore(file) until the restored shell answers a command; boot = Machine.create to the first',
    '  prompt of the machine that was saved, in the same sample.',
    `QEMU: live \`migrate -d "exec:cat > FILE"\` from the HMP monitor (max-bandwidth raised from its 128 MiB/s default) until`,
    '  `info migrate` says completed; file = the migration stream; restore = spawning it with -incoming "exec:cat FILE" until the',
    '  shell answers (input waits for `info status` to say running); boot = spawn to the first prompt.',
    ...(extra.length ? [`${extra.join('; ')}.`] : []),
    ...skips,
  ];
  const ref = `${v86.label}: save ${v86.saveSeconds} s, restore ${v86.restoreSeconds} s, ${Math.round(v86.bytes / 1e6)} MB`;
  return `${layout(rows)}\n${notes.map((n) => `  ${n}`).join('\n')}\n  ${ref}`;
}

/**
 * Medians per target of wvm JIT and QEMU samples, and their ratio.
 * @param {string} title  the first column's header
 * @param {Array<{id: string, label: string, skipped: string|null, samples: object[]}>} targets
 * @param {Array<{key: string, head: string, digits: number, higherIsBetter: boolean}>} columns
 * @param {string[]} notes  lines under the table
 * @returns {string}
 */
function jitQemuTable(title, targets, columns, notes) {
  const rows = [[title, ...columns.map((c) => c.head)]];
  const med = {}, skips = [];
  for (const t of targets) {
    if (t.skipped || !t.samples.length) { skips.push(`${t.label}: not measured (${t.skipped ?? 'no sample'}).`); continue; }
    med[t.id] = columns.map((c) => median(t.samples.map((s) => s[c.key])));
    rows.push([t.label, ...med[t.id].map((v, k) => fmt(v, columns[k].digits))]);
  }
  const [w, q] = [med['wvm-jit'], med.qemu];
  if (w && q) rows.push(['wvm JIT / QEMU', ...columns.map((c, k) => (c.higherIsBetter ? ratio(w[k], q[k]) : ratio(q[k], w[k])))]);
  return `${layout(rows)}\n${[...notes, ...skips].map((n) => `  ${n}`).join('\n')}`;
}

/**
 * User-mode networking (net.mjs): medians per target, and wvm against QEMU.
 * @param {BenchResult} r
 * @returns {string} the table, or '' if the result has no network figures
 */
export function networkTable(r) {
  if (!r.network) return '';
  return jitQemuTable(`user-mode network${r.runs > 1 ? ` (median of ${r.runs})` : ''}`, r.network, [
    { key: 'uploadMBps', head: 'upload MB/s', digits: 1, higherIsBetter: true },
    { key: 'downloadMBps', head: 'download MB/s', digits: 1, higherIsBetter: true },
    { key: 'connectMs', head: 'ms/connection', digits: 1, higherIsBetter: false },
  ], [
    'upload: 16 MiB from the guest\'s `dd | nc 10.0.2.2 PORT` to a host sink, first to last byte; download: `wget` of 16 MiB',
    '  from a host HTTP server over the command\'s time; connection: a loop of 20 `nc` connect/close rounds, nc\'s start',
    '  included. QEMU: -netdev user (slirp) on virtio-net-device. Ratios above 1 favour wvm.',
  ]);
}

/**
 * File sharing (share.mjs): medians per target, and wvm against QEMU.
 * @param {BenchResult} r
 * @returns {string} the table, or '' if the result has no file sharing figures
 */
export function shareTable(r) {
  if (!r.share) return '';
  return jitQemuTable(`file sharing, 9p${r.runs > 1 ? ` (median of ${r.runs})` : ''}`, r.share, [
    { key: 'readMBps', head: 'read MB/s', digits: 1, higherIsBetter: true },
    { key: 'writeMBps', head: 'write MB/s', digits: 1, higherIsBetter: true },
    { key: 'fileMs', head: 'ms/small file', digits: 2, higherIsBetter: false },
  ], [
    'read: `cat` of a 32 MiB host file; write: `dd` of 16 MiB (bs=1M) and `sync`; small file: 200 created with `echo`,',
    '  then `ls -l` and `rm`, per file. Guest mount: msize 512000, cache=none. QEMU: virtio-9p-device, -fsdev local',
    '  security_model=none. Ratios above 1 favour wvm.',
  ]);
}

/**
 * Totals each target reported at power-off (guest instructions over the
 * session's run time), one line; empty if none did.
 * @param {BenchResult} r
 * @returns {string}
 */
/**
 * Per workload, what the JIT did (samples with a `jit` field): share of guest
 * instructions run compiled, regions installed, modules, worker compile time.
 * @param {BenchResult} r
 * @returns {string} the table, or '' without JIT samples
 */
export function jitTable(r) {
  const rows = [];
  for (const t of r.targets) {
    for (const row of r.rows) {
      const js = (r.samples[t.id]?.[row.id] ?? []).map((s) => s.jit).filter(Boolean);
      if (!js.length) continue;
      const med = (f) => median(js.map(f));
      const regions = med((j) => j.regions);
      rows.push([`${t.short} ${row.title}`, fmt(100 * med((j) => j.compiledShare), 1), fmt(regions, 0), fmt(med((j) => j.modules), 0),
        fmt(med((j) => j.compileMs), 0), regions ? fmt(med((j) => j.compileMs) / regions, 2) : '–']);
    }
  }
  if (!rows.length) return '';
  return layout([['JIT during the workload (median)', '% instr compiled', 'regions', 'modules', 'worker ms', 'ms/region'], ...rows]);
}

export function sessionLine(r) {
  const parts = Object.entries(r.sessions ?? {}).map(([id, xs]) => {
    const instret = xs.reduce((a, x) => a + x.instret, 0), seconds = xs.reduce((a, x) => a + x.seconds, 0);
    const t = r.targets.find((x) => x.id === id);
    return `${t?.short ?? id} ${(instret / 1e9).toFixed(2)} G instr in ${seconds.toFixed(1)} s = ${fmt(instret / seconds / 1e6, 0)} MIPS`;
  });
  return parts.length ? `  Whole workload sessions (boot + workloads, own counters at power-off): ${parts.join('; ')}.` : '';
}

/**
 * Host wall time from typing each command to the next prompt (median), per target.
 * @param {BenchResult} r
 * @returns {string}
 */
export function hostWallTable(r) {
  const sum = summarize(r);
  const ts = r.targets.filter((t) => !t.skipped);
  const rows = [['host wall s, typing to prompt (median)', ...ts.map((t) => t.short)]];
  for (const row of r.rows.filter((x) => x.kind === 'workload')) rows.push([row.title, ...ts.map((t) => secs(sum[t.id]?.[row.id]?.host))]);
  return layout(rows);
}

/**
 * Change of every median vs a previous result: new/old - 1 in percent
 * (negative = faster now).
 * @param {BenchResult} prev
 * @param {BenchResult} cur
 * @returns {string}
 */
export function compareTable(prev, cur) {
  const a = summarize(prev), b = summarize(cur);
  const ts = cur.targets.filter((t) => !t.skipped);
  const pct = (o, n) => (Number.isFinite(o) && Number.isFinite(n) && o > 0 ? `${n >= o ? '+' : ''}${((n / o - 1) * 100).toFixed(1)}%` : '–');
  const rows = [['time change vs previous (- = faster)', ...ts.map((t) => t.short)]];
  for (const row of cur.rows) rows.push([row.title, ...ts.map((t) => pct(a[t.id]?.[row.id]?.median, b[t.id]?.[row.id]?.median))]);
  if (cur.snapshots) {
    const snap = (res, id, key) => median((res.snapshots?.targets.find((x) => x.id === id)?.samples ?? []).map((s) => s[key]));
    const has = (t) => cur.snapshots.targets.some((x) => x.id === t.id);
    for (const [key, title] of [['saveSeconds', 'snapshot save'], ['restoreSeconds', 'snapshot restore']]) {
      rows.push([title, ...ts.map((t) => (has(t) ? pct(snap(prev, t.id, key), snap(cur, t.id, key)) : ''))]);
    }
  }
  const engines = Object.keys(Object.values(cur.micro)[0] ?? {});
  for (const [name, byEngine] of Object.entries(cur.micro)) {
    const cells = [`${name} M instr/s (+ = faster)`];
    for (const t of ts) {
      const e = engines.find((x) => t.id === `wvm-${x}`);
      const o = e && prev.micro?.[name]?.[e] ? median(prev.micro[name][e].map((s) => s.mips)) : NaN;
      cells.push(e ? pct(o, median(byEngine[e].map((s) => s.mips))) : '');
    }
    rows.push(cells);
  }
  const m = prev.machine ?? {};
  const header = `previous: ${prev.date} (commit ${m.wvmCommit?.slice(0, 12) ?? '?'}${m.wvmDirty ? '+dirty' : ''}, ${prev.runs} run${prev.runs === 1 ? '' : 's'})`;
  return `${header}\n${layout(rows)}`;
}

/**
 * Read the previous latest.json of `dir` (null if none or unreadable), then
 * write `r` to dir/bench-<date>.json and dir/latest.json.
 * @param {BenchResult} r
 * @param {string} dir
 * @returns {{path: string, previous: BenchResult|null}}
 */
export function saveResult(r, dir) {
  mkdirSync(dir, { recursive: true });
  let previous = null;
  if (existsSync(`${dir}/latest.json`)) {
    try {
      previous = JSON.parse(readFileSync(`${dir}/latest.json`, 'utf8'));
    } catch { /* unreadable: nothing to compare against */ }
  }
  const json = `${JSON.stringify(r, null, 1)}\n`;
  const path = `${dir}/bench-${r.date.replace(/:/g, '-')}.json`;
  writeFileSync(path, json);
  writeFileSync(`${dir}/latest.json`, json);
  return { path, previous };
}
